#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace rr::dockerruntime {

// Plain-language reasons a container stopped or never became ready, from its inspect data
// (State.OOMKilled, State.ExitCode, State.Health) and its last log lines.
class Diagnosis final
{
public:
    static constexpr int TailLines = 20;

    // "service X was killed because it ran out of memory (limit N MiB)" (code run.oom) or
    // "service X exited with code N" (run.exited); the last lines go to `details`.
    static core::Error stopped(const QString &service, const QJsonObject &inspect,
                               const QStringList &lastLines);
    // A health check that gave up (run.unhealthy); the last probe output goes to `details`.
    static core::Error unhealthy(const QString &service, const QJsonObject &inspect);
};

} // namespace rr::dockerruntime
