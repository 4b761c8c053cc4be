// Control API round trip over the local socket: a client on the main thread calls a server on
// its own thread (as the CLI or native host would call the app) and we report p50/p99.
// Target: p50 < 0.5 ms for a small request.
#include "ipc/controlclient.h"
#include "ipc/controlserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>

namespace {

class EchoHandler final : public rr::ipc::ControlHandler
{
public:
    QFuture<rr::ipc::HandlerResult> handle(const QString &method, const QJsonObject &params) override
    {
        if (method == rr::ipc::method::Logs) {
            QJsonArray lines;
            for (int i = 0; i < params.value(QStringLiteral("count")).toInt(); ++i)
                lines.append(
                    QStringLiteral("2024-01-01T00:00:00Z web | GET /index.html 200 %1 bytes").arg(i));
            return ready(QJsonObject{{QStringLiteral("lines"), lines}});
        }
        return ready(QJsonObject{{QStringLiteral("runs"), QJsonArray()}});
    }
};

struct Figures
{
    double p50 = 0;
    double p99 = 0;
    double max = 0;
};

// Issues `count` calls back to back, each after the previous reply, without a nested loop.
Figures measure(rr::ipc::ControlClient &client, const QString &method, const QJsonObject &params, int count)
{
    QList<double> samples;
    samples.reserve(count);
    QElapsedTimer timer;
    std::function<void()> issue = [&] {
        timer.start();
        client.call(method, params).then(&client, [&](const rr::core::Result<QJsonValue> &r) {
            if (!r)
                qFatal("call failed: %s", qPrintable(r.error().message));
            samples << double(timer.nsecsElapsed()) / 1e6;
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

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const int count = smoke ? 200 : 20000;

    QTemporaryDir dir;
    EchoHandler handler;
    rr::ipc::ServerOptions options;
    options.socketPath = dir.filePath(QStringLiteral("control.sock"));
    QThread serverThread;
    auto *server = new rr::ipc::ControlServer(&handler, options);
    server->moveToThread(&serverThread);
    QObject::connect(&serverThread, &QThread::finished, server, &QObject::deleteLater);
    serverThread.start();
    bool listening = false;
    QMetaObject::invokeMethod(
        server, [&] { listening = bool(server->listen()); }, Qt::BlockingQueuedConnection);
    if (!listening)
        qFatal("cannot listen on %s", qPrintable(options.socketPath));

    rr::ipc::ControlClient client;
    client.connectToServer(options.socketPath);
    measure(client, QStringLiteral("list"), {}, smoke ? 20 : 1000); // warm-up

    const Figures small = measure(client, QStringLiteral("list"), {}, count);
    const QJsonObject logParams{{QStringLiteral("runId"), QStringLiteral("r")},
                                {QStringLiteral("count"), 200}};
    const Figures logs = measure(client, QStringLiteral("logs"), logParams, count / 4);

    std::printf("control round trip over the local socket (%d calls%s)\n", count, smoke ? ", smoke" : "");
    std::printf("  %-28s p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", "list (small reply)", small.p50, small.p99,
                small.max);
    std::printf("  %-28s p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", "logs (200 lines, ~14 KiB)", logs.p50,
                logs.p99, logs.max);
    std::printf("  target p50 < 0.5 ms: %s\n", small.p50 < 0.5 ? "met" : "NOT met");

    serverThread.quit();
    serverThread.wait();
    return 0;
}
