#pragma once

#include "core/result.h"
#include "runs/prunereport.h"

#include <QDateTime>
#include <QFuture>
#include <QObject>
#include <QTimer>

#include <functional>

namespace rr::runs {

class RunStore;

// Runs the retention pass once a day without a sleeping loop: at start it reads when the last
// pass was (kept in the run store, so restarts do not reset the day), runs one at once when that
// is a day or more ago, and otherwise arms a single-shot QTimer for the rest of the day.
class RetentionScheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetentionScheduler)
public:
    using Pass = std::function<QFuture<core::Result<PruneReport>>()>;
    using Clock = std::function<QDateTime()>;
    static constexpr const char *LastPassKey = "retention.last_pass";
    static constexpr qint64 DefaultIntervalMs = qint64(24) * 60 * 60 * 1000;

    // `store` must be open and outlive the scheduler.
    RetentionScheduler(RunStore *store, Pass pass, QObject *parent = nullptr);

    void setClock(Clock clock) { m_clock = std::move(clock); }
    void setIntervalMs(qint64 ms) { m_intervalMs = ms; }
    void start();

    bool isArmed() const { return m_timer.isActive(); }
    // Milliseconds until the next pass while armed.
    qint64 remainingMs() const { return m_timer.remainingTime(); }

Q_SIGNALS:
    void passFinished(const rr::runs::PruneReport &report);
    void passFailed(const rr::core::Error &error);

private:
    void runPass();
    void armAfter(qint64 ms);

    RunStore *m_store;
    Pass m_pass;
    Clock m_clock;
    qint64 m_intervalMs = DefaultIntervalMs;
    QTimer m_timer;
    bool m_running = false;
};

} // namespace rr::runs
