#include "runs/buildqueue.h"

#include <algorithm>

namespace rr::runs {

BuildQueue::BuildQueue(int limit)
    : m_limit(std::max(1, limit))
{}

void BuildQueue::setLimit(int limit)
{
    m_limit = std::max(1, limit);
    startWaiting();
}

void BuildQueue::acquire(const QString &runId, std::function<void()> start)
{
    if (m_running.contains(runId) || isWaiting(runId))
        return;
    m_waiting.append({runId, std::move(start)});
    startWaiting();
}

void BuildQueue::release(const QString &runId)
{
    m_waiting.removeIf([&runId](const Waiter &w) { return w.runId == runId; });
    if (m_running.remove(runId))
        startWaiting();
}

bool BuildQueue::isWaiting(const QString &runId) const
{
    return std::any_of(m_waiting.begin(), m_waiting.end(),
                       [&runId](const Waiter &w) { return w.runId == runId; });
}

void BuildQueue::startWaiting()
{
    while (!m_waiting.isEmpty() && m_running.size() < m_limit) {
        Waiter next = m_waiting.takeFirst();
        m_running.insert(next.runId);
        // The callback may release or acquire again; it sees consistent state.
        next.start();
    }
}

} // namespace rr::runs
