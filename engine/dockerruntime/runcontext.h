#pragma once

#include <QString>

#include <atomic>

namespace rr::dockerruntime {

// What the jobs of one run share across worker threads.
struct RunContext
{
    explicit RunContext(QString id)
        : runId(std::move(id))
    {}

    const QString runId;
    std::atomic_bool cancelled{false};      // cancel(): abort waits and calls in flight
    std::atomic_bool stopping{false};       // teardown began: containers stopping is expected
    std::atomic_bool ready{false};          // READY reached: an exit now breaks the run
    std::atomic_bool brokenReported{false}; // runBroken is emitted once per run

    bool shouldStop() const { return cancelled.load() || stopping.load(); }
};

} // namespace rr::dockerruntime
