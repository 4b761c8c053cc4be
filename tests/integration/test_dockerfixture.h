#pragma once

// Shared by the Docker integration tests: reach the daemon or skip (fail under CI), make the
// local busybox:1.36 image, and wait for futures (tests may block).
#include "docker/dockerclient.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QFuture>
#include <QTest>

namespace rr::test {

// Blocks (spinning the event loop, so queued signals arrive) until the future is done.
template<class T> T await(QFuture<T> future)
{
    QDeadlineTimer deadline(240000);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!future.isFinished())
        qFatal("a Docker call did not finish within 240 s");
    return future.result();
}

// Returns an empty string when Docker is usable, else why not.
inline QString prepareDocker(docker::DockerClient &client)
{
    auto info = client.daemonInfo();
    while (!info.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    if (!info.result())
        return info.result().error().message;
    const auto made = run(sourcePath(QStringLiteral("scripts/busybox-image.sh")), {});
    if (made.exitCode != 0)
        return QStringLiteral("scripts/busybox-image.sh failed: ") + QString::fromUtf8(made.err);
    return {};
}

} // namespace rr::test

// Skips with the reason, but fails under CI where a daemon must exist.
#define RR_REQUIRE_DOCKER(client)                                                                            \
    do {                                                                                                     \
        const QString why = rr::test::prepareDocker(client);                                                 \
        if (!why.isEmpty()) {                                                                                \
            if (qEnvironmentVariableIsSet("CI"))                                                             \
                QFAIL(qPrintable(QStringLiteral("Docker is required under CI: ") + why));                    \
            QSKIP(qPrintable(QStringLiteral("No usable Docker daemon (run scripts/start-dockerd.sh): ") +    \
                             why));                                                                          \
        }                                                                                                    \
    } while (false)
