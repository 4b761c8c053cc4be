// Untrusted output flood: a run on real Docker whose services print /dev/zero (one endless
// line of NULs) and an endless stream of 1 MB lines, driven through the engine as the app
// runs it (orchestrator, Docker runtime, log followers, run store, control server with one
// subscriber taking every log event). It prints the engine's peak resident memory next to its
// fixed bound, and, doing the same work the way a user would otherwise, `docker logs -f` of
// the same containers into /dev/null. The engine must stay under the bound however long the
// flood lasts. `--smoke` floods for 8 s instead of 30 s (CTest).
#include "control/runcontrolhandler.h"
#include "docker/dockerclient.h"
#include "dockerruntime/dockerruntime.h"
#include "ipc/controlclient.h"
#include "ipc/controlserver.h"
#include "runs/orchestrator.h"
#include "runs/runstore.h"
#include "source/fetcher.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace rr;

namespace {

// The engine's resident memory may not pass this, flood or not: Qt and the libraries take
// about 40 MiB, the bounded queues (followers 8 MiB each, store inbox 32 MiB, one client's
// outgoing budget 8 MiB, log batches) and SQLite's cache the rest.
constexpr double BoundMiB = 256;

template<class T> T await(QFuture<T> future)
{
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return future.result();
}

// kB figures from /proc/PID/status ("VmRSS", "VmHWM"); -1 when the process is gone.
double statusMiB(qint64 pid, const char *field)
{
    QFile f(pid == 0 ? QStringLiteral("/proc/self/status") : QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field) + 1).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

QString dockerCli()
{
    const QString found = QStandardPaths::findExecutable(QStringLiteral("docker"));
    return found.isEmpty() ? QStringLiteral("/usr/bin/docker") : found;
}

bool writeProject(const QString &dir)
{
    QFile dockerfile(dir + QStringLiteral("/Dockerfile"));
    QFile compose(dir + QStringLiteral("/compose.yaml"));
    if (!dockerfile.open(QIODevice::WriteOnly) || !compose.open(QIODevice::WriteOnly))
        return false;
    dockerfile.write("FROM busybox:1.36\n");
    compose.write("services:\n"
                  "  zero:\n"
                  "    build: .\n"
                  "    command: [\"cat\", \"/dev/zero\"]\n"
                  "  long:\n"
                  "    build: .\n"
                  "    command: [\"sh\", \"-c\", \"while :; do head -c 1000000 /dev/zero | tr '\\\\0' x; "
                  "echo; done\"]\n");
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*.debug=false\nreporunner.*.info=false"));
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const int floodMs = smoke ? 8000 : 30000;

    auto host = docker::DockerHost::fromEnvironment();
    if (!host) {
        std::fprintf(stderr, "FAIL: no Docker host configured\n");
        return 1;
    }
    docker::DockerClient client(*host);
    if (!await(client.daemonInfo())) {
        std::fprintf(stderr, "FAIL: no Docker daemon answers; run scripts/start-dockerd.sh\n");
        return 1;
    }
    if (QProcess::execute(QStringLiteral(REPORUNNER_SOURCE_DIR "/scripts/busybox-image.sh"), {}) != 0) {
        std::fprintf(stderr, "FAIL: scripts/busybox-image.sh could not make busybox:1.36\n");
        return 1;
    }
    QTemporaryDir work;
    const QString project = work.filePath(QStringLiteral("flood"));
    if (!QDir().mkpath(project) || !writeProject(project))
        return 1;

    // The engine as LocalEngine builds it, minus reconciliation (it would remove other runs'
    // containers on this shared daemon) and Kubernetes.
    runs::RunStore store(work.filePath(QStringLiteral("runs.sqlite")));
    if (auto opened = await(store.open()); !opened) {
        std::fprintf(stderr, "FAIL: %s\n", qPrintable(opened.error().message));
        return 1;
    }
    source::Fetcher fetcher;
    dockerruntime::DockerRuntime runtime(&client);
    runs::Orchestrator orchestrator(&store, &fetcher, &client, &runtime, nullptr);
    control::RunControlHandler handler(&orchestrator, &fetcher);
    ipc::ServerOptions serverOptions;
    serverOptions.socketPath = work.filePath(QStringLiteral("control.sock"));
    ipc::ControlServer server(&handler, serverOptions);
    handler.setServer(&server);
    if (auto listening = server.listen(); !listening) {
        std::fprintf(stderr, "FAIL: %s\n", qPrintable(listening.error().message));
        return 1;
    }

    // A subscriber, like the tray or the extension, taking every log event.
    ipc::ControlClient subscriber;
    qint64 eventLines = 0, eventBytes = 0;
    QObject::connect(&subscriber, &ipc::ControlClient::eventReceived, &app,
                     [&](const QString &name, const QJsonObject &data) {
                         if (name != QLatin1String("run.log"))
                             return;
                         for (const QJsonValue &l : data.value(QStringLiteral("lines")).toArray()) {
                             ++eventLines;
                             eventBytes += l.toObject().value(QStringLiteral("text")).toString().size();
                         }
                     });
    subscriber.connectToServer(serverOptions.socketPath);
    if (!await(subscriber.call(QStringLiteral("subscribe"), {{QStringLiteral("logs"), true}}))) {
        std::fprintf(stderr, "FAIL: the subscriber could not subscribe\n");
        return 1;
    }

    runs::StartOptions start;
    start.request.source = project;
    start.runtime = QStringLiteral("docker");
    auto started = orchestrator.start(start);
    if (!started) {
        std::fprintf(stderr, "FAIL: %s\n", qPrintable(started.error().message));
        return 1;
    }
    const QString runId = started->run.id;
    const QDeadlineTimer readyBy(180000);
    while (!readyBy.hasExpired()) {
        const auto run = orchestrator.run(runId);
        if (run && (run->state == runs::RunState::Ready || runs::isTerminal(run->state)))
            break;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    const auto ready = orchestrator.run(runId);
    if (!ready || ready->state != runs::RunState::Ready) {
        std::fprintf(stderr, "FAIL: the flood run did not become READY (%s)\n",
                     ready && ready->diagnosis ? qPrintable(ready->diagnosis->summary) : "no diagnosis");
        await(runtime.teardown(runId));
        return 1;
    }
    const double atReady = statusMiB(0, "VmRSS:");

    // The comparison: `docker logs -f` of the same two containers, into /dev/null.
    QList<QProcess *> dockerLogs;
    QProcess ps;
    ps.start(dockerCli(), {QStringLiteral("ps"), QStringLiteral("-q"), QStringLiteral("--filter"),
                           QStringLiteral("label=reporunner.dev/run-id=%1").arg(runId)});
    ps.waitForFinished(30000);
    QList<QByteArray> containerIds;
    for (const QByteArray &line : ps.readAllStandardOutput().split('\n')) {
        const QByteArray id = line.trimmed();
        if (id.isEmpty())
            continue;
        containerIds << id;
        auto *p = new QProcess(&app);
        p->setStandardOutputFile(QProcess::nullDevice());
        p->setStandardErrorFile(QProcess::nullDevice());
        p->start(dockerCli(),
                 {QStringLiteral("logs"), QStringLiteral("-f"), QString::fromLatin1(id.trimmed())});
        dockerLogs << p;
    }

    // The flood: sample the engine's memory while the event loop runs everything.
    double peakRss = atReady;
    QTimer sampler;
    QObject::connect(&sampler, &QTimer::timeout, &app,
                     [&] { peakRss = qMax(peakRss, statusMiB(0, "VmRSS:")); });
    sampler.start(200);
    const QDeadlineTimer floodEnds(floodMs);
    while (!floodEnds.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    sampler.stop();
    const double hwm = statusMiB(0, "VmHWM:");
    double dockerPeak = 0;
    for (QProcess *p : std::as_const(dockerLogs))
        dockerPeak = qMax(dockerPeak, statusMiB(p->processId(), "VmHWM:"));
    for (QProcess *p : std::as_const(dockerLogs)) {
        p->kill();
        p->waitForFinished(5000);
    }
    // How much the services wrote, as the daemon's own log files hold it.
    double writtenMiB = 0;
    for (const QByteArray &id : containerIds) {
        QProcess inspect;
        inspect.start(dockerCli(), {QStringLiteral("inspect"), QStringLiteral("--format"),
                                    QStringLiteral("{{.LogPath}}"), QString::fromLatin1(id)});
        inspect.waitForFinished(30000);
        writtenMiB += double(QFileInfo(QString::fromUtf8(inspect.readAllStandardOutput().trimmed())).size()) /
                      (1024.0 * 1024.0);
    }

    const auto stopped = await(orchestrator.stop(runId));
    await(store.flush());
    const auto logs = await(store.logs(runId, std::nullopt));
    qint64 storedCut = 0;
    for (const runs::LogLine &l : logs ? *logs : QList<runs::LogLine>{})
        storedCut += l.text.endsWith(QStringLiteral("[line cut by RepoRunner]")) ? 1 : 0;

    std::printf(
        "flood of %d s: services printing /dev/zero and endless 1 MB lines (%.0f MiB in Docker's logs)\n",
        floodMs / 1000, writtenMiB);
    std::printf("  reporunner engine peak RSS: %.1f MiB (VmHWM %.1f, %.1f at READY); bound %.0f MiB\n",
                peakRss, hwm, atReady, BoundMiB);
    std::printf("  docker logs -f, same containers: peak RSS %.1f MiB (largest of %lld clients)\n",
                dockerPeak, qlonglong(dockerLogs.size()));
    std::printf("  subscriber got %lld lines, %.1f MiB of text; %lld stored lines were cut\n",
                qlonglong(eventLines), double(eventBytes) / (1024.0 * 1024.0), qlonglong(storedCut));
    if (!stopped)
        std::fprintf(stderr, "warning: stopping the run failed: %s\n", qPrintable(stopped.error().message));
    if (dockerLogs.isEmpty() || dockerPeak <= 0) {
        std::fprintf(stderr, "FAIL: no `docker logs -f` to compare with (%s)\n", qPrintable(dockerCli()));
        return 1;
    }
    if (storedCut == 0) {
        std::fprintf(stderr, "FAIL: no line was cut: the flood did not reach the engine\n");
        return 1;
    }
    if (qMax(peakRss, hwm) > BoundMiB) {
        std::fprintf(stderr, "FAIL: the engine grew past its bound\n");
        return 1;
    }
    return 0;
}
