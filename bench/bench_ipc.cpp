// Control API round trip over the local socket, through the engine a client really talks to:
// the RunControlHandler, the Orchestrator and the SQLite RunStore, with a finished run and its
// log in the database, all on an engine thread (as in `reporunner serve` or the tray app),
// called by a ControlClient on the main thread (as the CLI or the native host would). A row with
// a handler that answers from memory shows what the socket and framing alone cost.
// Target: p50 < 0.5 ms for a small request.
#include "control/runcontrolhandler.h"
#include "core/promises.h"
#include "ipc/controlclient.h"
#include "ipc/controlserver.h"
#include "ipc/protocol.h"
#include "runs/orchestrator.h"
#include "runs/runstore.h"
#include "source/fetcher.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace rr;

namespace {

const QString RunId = QStringLiteral("benchrun");
constexpr int StoredLines = 5000;

// Spins the main loop until `future` is done; the bench's main is the only place that waits.
template<class T> T await(QFuture<T> future)
{
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 50);
    return future.result();
}

// The transport floor: answers from memory, no engine behind it.
class MemoryHandler final : public ipc::ControlHandler
{
public:
    QFuture<ipc::HandlerResult> handle(const QString &, const QJsonObject &) override
    {
        return ready(QJsonObject{{QStringLiteral("runs"), QJsonArray()}});
    }
};

runs::RunRecord storedRun()
{
    runs::RunRecord r;
    r.id = RunId;
    r.source = QStringLiteral("https://github.com/bench/app");
    r.owner = QStringLiteral("bench");
    r.repo = QStringLiteral("app");
    r.ref = QStringLiteral("main");
    r.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    r.mode = QStringLiteral("compose");
    r.runtime = QStringLiteral("docker");
    r.state = runs::RunState::Stopped;
    r.createdAt = QDateTime::currentDateTimeUtc().addSecs(-600);
    r.updatedAt = QDateTime::currentDateTimeUtc();
    for (runs::RunState phase : {runs::RunState::Queued, runs::RunState::Fetching, runs::RunState::Building,
                                 runs::RunState::Deploying, runs::RunState::Ready, runs::RunState::Stopping,
                                 runs::RunState::Stopped})
        r.phases.append({phase, r.createdAt, r.updatedAt, 1.0});
    return r;
}

QList<runs::LogLine> storedLog()
{
    QList<runs::LogLine> lines;
    const QDateTime t = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < StoredLines; ++i)
        lines.append({0, RunId, QStringLiteral("web"), t, QStringLiteral("stdout"),
                      QStringLiteral("GET /index.html 200 %1 bytes").arg(i)});
    return lines;
}

// The engine of `reporunner serve`, built on its own thread: store (with the run seeded before
// the orchestrator loads its history), fetcher, orchestrator, handler and server. No runtime:
// the bench never starts a run, and reconciliation leaves finished runs alone.
class Engine final
{
public:
    explicit Engine(const QString &dir)
        : m_dir(dir)
    {
        m_thread.setObjectName(QStringLiteral("bench-engine"));
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
    }
    ~Engine()
    {
        QMetaObject::invokeMethod(
            m_context,
            [this] {
                delete m_server;
                delete m_handler;
                delete m_orchestrator;
                delete m_fetcher;
                delete m_store;
                delete m_context;
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    // Resolves once the server listens at `socketPath`.
    QFuture<core::Result<void>> start(const QString &socketPath)
    {
        return core::promises::onThreadOf(
                   m_context,
                   [this, socketPath] {
                       m_store = new runs::RunStore(m_dir + QStringLiteral("/runs.sqlite"));
                       return m_store->open().then(
                           m_context, [this, socketPath](const core::Result<void> &opened) {
                               if (!opened)
                                   return core::promises::ready(opened);
                               m_store->saveRun(storedRun());
                               m_store->appendLogs(storedLog());
                               return m_store->flush()
                                   .then(m_context,
                                         [this, socketPath](const core::Result<void> &flushed) {
                                             if (!flushed)
                                                 return core::promises::ready(flushed);
                                             return serve(socketPath);
                                         })
                                   .unwrap();
                           });
                   })
            .unwrap();
    }

private:
    QFuture<core::Result<void>> serve(const QString &socketPath)
    {
        m_fetcher = new source::Fetcher;
        m_orchestrator = new runs::Orchestrator(m_store, m_fetcher, nullptr, nullptr, nullptr);
        m_handler = new control::RunControlHandler(m_orchestrator, m_fetcher);
        ipc::ServerOptions options;
        options.socketPath = socketPath;
        m_server = new ipc::ControlServer(m_handler, options);
        m_handler->setServer(m_server);
        return m_orchestrator->initialize().then(m_context, [this](const core::Result<void> &loaded) {
            if (!loaded)
                return loaded;
            if (!m_orchestrator->run(RunId))
                return core::Result<void>(
                    core::fail(core::ErrorCategory::Internal, QStringLiteral("bench.no_run"),
                               QStringLiteral("The seeded run is not in the history.")));
            return m_server->listen();
        });
    }

    QString m_dir;
    QThread m_thread;
    QObject *m_context = nullptr;
    runs::RunStore *m_store = nullptr;
    source::Fetcher *m_fetcher = nullptr;
    runs::Orchestrator *m_orchestrator = nullptr;
    control::RunControlHandler *m_handler = nullptr;
    ipc::ControlServer *m_server = nullptr;
};

struct Figures
{
    double p50 = 0;
    double p99 = 0;
    double max = 0;
};

// Issues `count` calls back to back, each after the previous reply. `check` rejects a reply that
// did not do the work (an error, or fewer log lines than asked), so no figure comes from a
// short-cut answer.
Figures measure(ipc::ControlClient &client, const QString &method, const QJsonObject &params, int count,
                const std::function<bool(const QJsonValue &)> &check)
{
    QList<double> samples;
    samples.reserve(count);
    QElapsedTimer timer;
    std::function<void()> issue = [&] {
        timer.start();
        client.call(method, params).then(&client, [&](const core::Result<QJsonValue> &r) {
            const double ms = double(timer.nsecsElapsed()) / 1e6;
            if (!r)
                qFatal("%s failed: %s", qPrintable(method), qPrintable(r.error().toString()));
            if (!check(*r))
                qFatal("%s answered without the expected content", qPrintable(method));
            samples << ms;
            if (samples.size() < count)
                issue();
            else
                QCoreApplication::exit(0);
        });
    };
    issue();
    QCoreApplication::exec();
    std::sort(samples.begin(), samples.end());
    return {samples.at(samples.size() / 2),
            samples.at(std::min<qsizetype>(samples.size() - 1, samples.size() * 99 / 100)), samples.last()};
}

void row(const char *what, const Figures &f)
{
    std::printf("  %-50s p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", what, f.p50, f.p99, f.max);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*.debug=false\nreporunner.*.info=false"));
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const int count = smoke ? 200 : 10000;

    QTemporaryDir dir;
    Engine engine(dir.path());
    const QString socketPath = dir.filePath(QStringLiteral("control.sock"));
    if (const auto started = await(engine.start(socketPath)); !started)
        qFatal("the engine did not start: %s", qPrintable(started.error().toString()));

    // The transport floor on a second socket, served from its own thread too.
    MemoryHandler memory;
    ipc::ServerOptions floorOptions;
    floorOptions.socketPath = dir.filePath(QStringLiteral("floor.sock"));
    QThread floorThread;
    auto *floorServer = new ipc::ControlServer(&memory, floorOptions);
    floorServer->moveToThread(&floorThread);
    QObject::connect(&floorThread, &QThread::finished, floorServer, &QObject::deleteLater);
    floorThread.start();
    const auto floorListening =
        await(core::promises::onThreadOf(floorServer, [floorServer] { return floorServer->listen(); }));
    if (!floorListening)
        qFatal("cannot listen on %s", qPrintable(floorOptions.socketPath));

    ipc::ControlClient client;
    client.connectToServer(socketPath);
    ipc::ControlClient floorClient;
    floorClient.connectToServer(floorOptions.socketPath);

    const auto oneRun = [](const QJsonValue &v) { return v[QStringLiteral("runs")].toArray().size() == 1; };
    const auto theRun = [](const QJsonValue &v) {
        return v[QStringLiteral("run")][QStringLiteral("id")].toString() == RunId;
    };
    const auto lines = [](int n) {
        return [n](const QJsonValue &v) { return v[QStringLiteral("lines")].toArray().size() == n; };
    };
    const QJsonObject getParams{{QStringLiteral("runId"), RunId}};
    const QJsonObject logParams{{QStringLiteral("runId"), RunId}, {QStringLiteral("count"), 200}};
    const QJsonObject bigLogParams{{QStringLiteral("runId"), RunId}, {QStringLiteral("count"), StoredLines}};

    measure(client, ipc::method::List, {}, smoke ? 20 : 500, oneRun); // warm-up
    measure(floorClient, ipc::method::List, {}, smoke ? 20 : 500, [](const QJsonValue &) { return true; });

    const Figures floor =
        measure(floorClient, ipc::method::List, {}, count, [](const QJsonValue &) { return true; });
    const Figures list = measure(client, ipc::method::List, {}, count, oneRun);
    const Figures get = measure(client, ipc::method::Get, getParams, count, theRun);
    const Figures logs = measure(client, ipc::method::Logs, logParams, count / 4, lines(200));
    const Figures bigLogs =
        measure(client, ipc::method::Logs, bigLogParams, smoke ? 10 : 200, lines(StoredLines));

    std::printf("control round trip over the local socket (%d calls%s), engine on its own thread\n", count,
                smoke ? ", smoke" : "");
    row("transport floor (handler answers from memory)", floor);
    row("list: handler + orchestrator (1 run)", list);
    row("get: handler + orchestrator", get);
    row("logs: handler + store flush + SQLite, 200 lines", logs);
    row("logs: handler + store flush + SQLite, 5000 lines", bigLogs);
    std::printf("  target p50 < 0.5 ms for list: %s\n", list.p50 < 0.5 ? "met" : "NOT met");

    floorThread.quit();
    floorThread.wait();
    return 0;
}
