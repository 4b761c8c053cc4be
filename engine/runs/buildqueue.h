#pragma once

#include <QList>
#include <QSet>
#include <QString>

#include <functional>

namespace rr::runs {

// Limits how many runs build images at once; the rest wait in arrival order. A run holds
// one slot for all of its builds, so one big compose project cannot starve the others.
class BuildQueue final
{
public:
    explicit BuildQueue(int limit = 2);

    void setLimit(int limit); // at least 1; raising it starts waiting runs
    int limit() const { return m_limit; }

    // Calls `start` once `runId` holds a slot (right away when one is free).
    void acquire(const QString &runId, std::function<void()> start);
    // Gives the slot back, or leaves the queue when still waiting; idempotent.
    void release(const QString &runId);

    int running() const { return int(m_running.size()); }
    int waiting() const { return int(m_waiting.size()); }
    bool isWaiting(const QString &runId) const;

private:
    void startWaiting();

    struct Waiter
    {
        QString runId;
        std::function<void()> start;
    };
    int m_limit;
    QSet<QString> m_running;
    QList<Waiter> m_waiting;
};

} // namespace rr::runs
