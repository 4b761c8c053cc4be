// Orchestrator: what a user clears away (`reporunner rm`, `prune`) and the daily retention pass.
#include "runs/orchestrator.h"

#include "core/logging.h"
#include "core/promises.h"
#include "runs/pruner.h"
#include "runs/retentionscheduler.h"
#include "runs/run.h"
#include "runs/runstate.h"
#include "runs/runstore.h"

namespace rr::runs {

using core::ErrorCategory;

core::Result<void> Orchestrator::removeFinished(const QString &runId)
{
    const auto it = m_records.constFind(runId);
    if (it == m_records.constEnd())
        return core::fail(ErrorCategory::Input, QStringLiteral("run.not_found"),
                          QStringLiteral("There is no run \"%1\".").arg(runId));
    if (!isTerminal(it->state) || m_active.contains(runId))
        return core::fail(
            ErrorCategory::Input, QStringLiteral("run.active"),
            QStringLiteral("Run %1 is still %2; stop it first (reporunner stop %1).")
                .arg(runId, isTerminal(it->state) ? QStringLiteral("cleaning up") : stateName(it->state)));
    m_records.remove(runId);
    for (auto key = m_idempotency.begin(); key != m_idempotency.end();)
        key = key.value() == runId ? m_idempotency.erase(key) : std::next(key);
    m_store->deleteRun(runId);
    qCInfo(lcRuns) << "removed run" << runId;
    return {};
}

QStringList Orchestrator::removeAllFinished()
{
    QStringList removed;
    for (const RunRecord &record : runs())
        if (isTerminal(record.state) && !m_active.contains(record.id) && removeFinished(record.id))
            removed << record.id;
    return removed;
}

QFuture<core::Result<PruneReport>> Orchestrator::prune(const RetentionPolicy &policy, bool dryRun)
{
    QStringList inUse;
    for (const Run *run : std::as_const(m_active))
        if (!run->spec().remoteUrl.isEmpty())
            inUse << run->spec().remoteUrl;
    auto *pruner = new Pruner(m_docker, m_store->engineId(), m_fetchOptions.cacheDir, this);
    auto pass = pruner->prune(policy, dryRun, inUse);
    core::promises::whenFinished(pruner, pass,
                                 [pruner](const core::Result<PruneReport> &) { pruner->deleteLater(); });
    return pass;
}

void Orchestrator::startDailyRetention()
{
    if (m_retention)
        return;
    m_retention = new RetentionScheduler(
        m_store, [this] { return prune(m_settings.retention, false); }, this);
    m_retention->start();
}

} // namespace rr::runs
