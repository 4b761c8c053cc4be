#include "runevents.h"

#include "runs/orchestrator.h"
#include "runs/runstore.h"

namespace rr::tray {

RunEvents::RunEvents(runs::Orchestrator *orchestrator, QObject *parent)
    : QObject(parent)
    , m_orchestrator(orchestrator)
    , m_model(new LogModel(Capacity, this))
{
    connect(m_orchestrator, &runs::Orchestrator::logLines, this, &RunEvents::onLogLines);
}

void RunEvents::show(const QString &runId)
{
    const quint64 generation = ++m_generation;
    m_runId = runId;
    m_model->clear();
    m_pending.clear();
    m_loading = !runId.isEmpty();
    if (!m_loading)
        return;
    runs::RunStore *store = m_orchestrator->store();
    store->flush().then(this, [this, store, generation](const core::Result<void> &) {
        if (generation != m_generation)
            return;
        store->events(m_runId, Capacity)
            .then(this, [this, generation](const core::Result<QList<runs::LogLine>> &events) {
                if (generation != m_generation)
                    return;
                if (events)
                    m_model->appendLines(*events);
                m_loading = false;
                m_model->appendUnseen(std::exchange(m_pending, {}));
            });
    });
}

void RunEvents::onLogLines(const QString &runId, const QList<runs::LogLine> &lines)
{
    if (runId != m_runId)
        return;
    QList<runs::LogLine> events;
    for (const runs::LogLine &l : lines) {
        if (l.stream == QLatin1String("event"))
            events.append(l);
    }
    if (events.isEmpty())
        return;
    if (m_loading)
        m_pending += events;
    else
        m_model->appendLines(events);
}

} // namespace rr::tray
