// Start-up reconciliation (PRODUCT.md §2): the part of the Orchestrator that makes the
// history agree with what the runtimes still hold after the engine was away.
#include "core/logging.h"
#include "core/promises.h"
#include "runs/orchestrator.h"
#include "runs/run.h"
#include "runs/runstore.h"
#include "runtime/runtime.h"
#include "source/sourcespecparser.h"

namespace rr::runs {

QFuture<core::Result<void>> Orchestrator::initialize()
{
    return m_store->runs().then(this,
                                [this](const core::Result<QList<RunRecord>> &history) -> core::Result<void> {
                                    if (!history)
                                        return core::Unexpected(history.error());
                                    reconcile(*history);
                                    return {};
                                });
}

void Orchestrator::reconcile(const QList<RunRecord> &history)
{
    for (const RunRecord &record : history) {
        if (m_records.contains(record.id))
            continue;
        m_records.insert(record.id, record);
        if (!record.idempotencyKey.isEmpty())
            m_idempotency.insert(record.idempotencyKey, record.id);
    }
    for (const RunRecord &record : history) {
        // A failed run that kept its resources stays active (and unswept) until it is stopped.
        if ((isTerminal(record.state) && !Run::isKept(record)) || m_active.contains(record.id))
            continue;
        auto spec = source::SourceSpecParser::parse(record.source);
        source::SourceSpec s = spec ? *spec : source::SourceSpec{};
        const QString ref = record.request.value(QStringLiteral("ref")).toString();
        const QString path = record.request.value(QStringLiteral("path")).toString();
        if (!ref.isEmpty())
            s.ref = ref;
        if (!path.isEmpty())
            s.subdir = path;
        Run *run = createRun(record, s, record.runtime);
        qCInfo(lcRuns) << "reconciling run" << record.id << "left" << stateName(record.state);
        switch (record.state) {
        case RunState::Failed:
            break; // kept for inspection: nothing to do until stop
        case RunState::Ready:
            run->reattach();
            break;
        case RunState::Stopping:
            run->resumeStop();
            break;
        default:
            run->markInterrupted();
            break;
        }
    }
    m_reconcilePending = 1; // released below, so a synchronous answer cannot finish early
    for (runtime::Runtime *rt : {m_dockerRuntime, m_kubeRuntime}) {
        if (!rt)
            continue;
        ++m_reconcilePending;
        if (rt == m_kubeRuntime) {
            // An unreachable cluster holds nothing we could remove now.
            core::promises::whenFinished(this, rt->probe(), [this, rt](const core::Result<void> &probe) {
                if (probe)
                    sweepOrphans(rt);
                else
                    reconcileStepDone();
            });
        } else {
            sweepOrphans(rt);
        }
    }
    reconcileStepDone();
}

void Orchestrator::sweepOrphans(runtime::Runtime *rt)
{
    core::promises::whenFinished(this, rt->liveRunIds(), [this, rt](const core::Result<QStringList> &ids) {
        if (!ids) {
            qCWarning(lcRuns) << "cannot list" << rt->name() << "resources:" << ids.error().message;
            return reconcileStepDone();
        }
        QStringList orphans;
        for (const QString &id : *ids)
            if (!m_active.contains(id))
                orphans << id;
        if (orphans.isEmpty())
            return reconcileStepDone();
        m_reconcilePending += int(orphans.size());
        for (const QString &id : std::as_const(orphans)) {
            qCInfo(lcRuns) << "removing" << rt->name() << "resources of unknown run" << id;
            core::promises::whenFinished(
                this, rt->teardown(id), [this, id](const core::Result<void> &result) {
                    if (!result)
                        qCWarning(lcRuns) << "could not remove orphaned run" << id << result.error().message;
                    reconcileStepDone();
                });
        }
        reconcileStepDone();
    });
}

void Orchestrator::reconcileStepDone()
{
    if (--m_reconcilePending == 0)
        Q_EMIT reconciled();
}

} // namespace rr::runs
