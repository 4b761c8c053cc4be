#include "runs/retentionscheduler.h"

#include "core/logging.h"
#include "core/promises.h"
#include "runs/runstore.h"

#include <algorithm>
#include <limits>

namespace rr::runs {

RetentionScheduler::RetentionScheduler(RunStore *store, Pass pass, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_pass(std::move(pass))
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RetentionScheduler::runPass);
}

void RetentionScheduler::start()
{
    core::promises::whenFinished(
        this, m_store->metaValue(QLatin1String(LastPassKey)), [this](const core::Result<QString> &stored) {
            const QDateTime last = stored ? QDateTime::fromString(*stored, Qt::ISODate) : QDateTime();
            const qint64 since = last.isValid() ? last.msecsTo(m_clock()) : m_intervalMs;
            if (since >= m_intervalMs || since < 0) // never, due, or a clock jump
                return runPass();
            armAfter(m_intervalMs - since);
        });
}

void RetentionScheduler::armAfter(qint64 ms)
{
    // QTimer takes an int: a day fits, and a longer wait is simply re-armed when it fires.
    m_timer.start(int(std::clamp<qint64>(ms, 1, std::numeric_limits<int>::max())));
}

void RetentionScheduler::runPass()
{
    if (m_running)
        return;
    m_running = true;
    core::promises::whenFinished(this, m_pass(), [this](const core::Result<PruneReport> &report) {
        m_running = false;
        // A failed pass is not retried before the next day either: it would fail the same way.
        m_store->setMetaValue(QLatin1String(LastPassKey), m_clock().toUTC().toString(Qt::ISODate));
        armAfter(m_intervalMs);
        if (!report) {
            qCWarning(lcRuns) << "retention pass failed:" << report.error().message;
            Q_EMIT passFailed(report.error());
            return;
        }
        Q_EMIT passFinished(*report);
    });
}

} // namespace rr::runs
