#pragma once

#include "logmodel.h"

#include "runs/runrecord.h"

#include <QObject>

namespace rr::runs {
class Orchestrator;
}

namespace rr::tray {

// The events pane of the selected run: what the engine and the runtimes reported as events
// (phases, builds, pulls, probes, restarts, OOM kills, pod events), from the store's newest
// events and then live. A small ring: events are few and the pane shows the recent ones.
class RunEvents final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunEvents)

public:
    static constexpr int Capacity = 2000;

    RunEvents(runs::Orchestrator *orchestrator, QObject *parent = nullptr);

    LogModel *model() const { return m_model; }
    void show(const QString &runId);

private:
    void onLogLines(const QString &runId, const QList<runs::LogLine> &lines);

    runs::Orchestrator *m_orchestrator;
    LogModel *m_model;
    QString m_runId;
    bool m_loading = false;
    quint64 m_generation = 0;
    QList<runs::LogLine> m_pending; // live events that arrived while the history loaded
};

} // namespace rr::tray
