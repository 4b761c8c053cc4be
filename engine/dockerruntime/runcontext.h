#pragma once

#include <QString>

#include <atomic>

namespace rr::dockerruntime {

// What the jobs of one run (log followers, DockerSetup steps) share across worker threads.
struct RunContext
{
    explicit RunContext(QString id)
        : runId(std::move(id))
    {}

    const QString runId;
    std::atomic_bool cancelled{false}; // cancel(): abort waits and calls in flight
    std::atomic_bool stopping{false};  // teardown began: containers stopping is expected

    bool shouldStop() const { return cancelled.load() || stopping.load(); }
};

} // namespace rr::dockerruntime
