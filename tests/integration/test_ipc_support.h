#pragma once

// Shared by the control-API integration tests: a fake handler answering every method with
// plausible data (the engine comes later) and a raw framed client that can misbehave.

#include "core/promises.h"
#include "ipc/controlhandler.h"
#include "ipc/framedecoder.h"
#include "ipc/messagecodec.h"
#include "ipc/protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

namespace rr::test {

class TestHandler final : public ipc::ControlHandler
{
public:
    QStringList calls;
    QJsonArray runs;
    QJsonObject settings{{QStringLiteral("defaultRuntime"), QStringLiteral("kubernetes")}};
    int asyncDelayMs = 0;                                            // start answers after this
    std::vector<std::shared_ptr<QPromise<ipc::HandlerResult>>> hung; // get(runId "hang") never answers

    QFuture<ipc::HandlerResult> handle(const QString &method, const QJsonObject &params) override
    {
        calls << method;
        const QString runId = params.value(QStringLiteral("runId")).toString();
        if (method == ipc::method::Hello)
            return ready(QJsonObject{{QStringLiteral("app"), QStringLiteral("test-handler")}});
        if (method == ipc::method::Detect || method == ipc::method::Plan) {
            return ready(QJsonObject{{QStringLiteral("method"), method},
                                     {QStringLiteral("source"), params.value(QStringLiteral("source"))},
                                     {QStringLiteral("services"), QJsonArray{QStringLiteral("web")}}});
        }
        if (method == ipc::method::Start) {
            const QString id = QStringLiteral("run%1").arg(runs.size() + 1);
            runs.append(QJsonObject{{QStringLiteral("runId"), id},
                                    {QStringLiteral("state"), QStringLiteral("starting")}});
            auto promise = core::promises::started<ipc::HandlerResult>();
            QTimer::singleShot(asyncDelayMs, [promise, id] {
                core::promises::settle(promise, QJsonValue(QJsonObject{{QStringLiteral("runId"), id}}));
            });
            return promise->future();
        }
        if (method == ipc::method::List)
            return ready(QJsonObject{{QStringLiteral("runs"), runs}});
        if (method == ipc::method::Get && runId == QLatin1String("hang")) {
            hung.push_back(core::promises::started<ipc::HandlerResult>());
            return hung.back()->future();
        }
        if (method == ipc::method::Get || method == ipc::method::Stop || method == ipc::method::OpenPreview) {
            for (const QJsonValue &run : std::as_const(runs)) {
                if (run[QStringLiteral("runId")].toString() != runId)
                    continue;
                if (method == ipc::method::OpenPreview)
                    return ready(QJsonObject{
                        {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1/")
                                                    .arg(params.value(QStringLiteral("port")).toInt(80))}});
                return ready(run);
            }
            return ready(core::fail(core::ErrorCategory::Input, QStringLiteral("runs.not_found"),
                                    QStringLiteral("There is no run %1.").arg(runId)));
        }
        if (method == ipc::method::Logs) {
            const int from = params.value(QStringLiteral("from")).toInt(0);
            const int count = params.value(QStringLiteral("count")).toInt(10);
            QJsonArray lines;
            for (int i = from; i < qMin(from + count, 100); ++i)
                lines.append(QStringLiteral("line %1").arg(i));
            return ready(QJsonObject{{QStringLiteral("runId"), runId},
                                     {QStringLiteral("from"), from},
                                     {QStringLiteral("lines"), lines}});
        }
        if (method == ipc::method::Settings) {
            const QJsonObject set = params.value(QStringLiteral("set")).toObject();
            for (auto it = set.begin(); it != set.end(); ++it)
                settings.insert(it.key(), it.value());
            return ready(settings);
        }
        if (method == ipc::method::Remove)
            return ready(QJsonObject{{QStringLiteral("removed"), QJsonArray{}}});
        if (method == ipc::method::Prune)
            return ready(QJsonObject{{QStringLiteral("dryRun"), params.value(QStringLiteral("dryRun"))}});
        return ready(core::fail(core::ErrorCategory::Internal, QStringLiteral("test.unexpected"), method));
    }
};

// A client that speaks raw frames, so tests can send anything and read exactly what came back.
class RawClient
{
public:
    explicit RawClient(const QString &path)
    {
        m_socket.connectToServer(path);
        QObject::connect(&m_socket, &QLocalSocket::readyRead, [this] { m_decoder.feed(m_socket.readAll()); });
    }
    bool connected() { return m_socket.waitForConnected(5000); }
    void sendBytes(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }
    void sendPayload(const QByteArray &payload) { sendBytes(ipc::FrameDecoder::encode(payload)); }
    void send(const QJsonObject &message)
    {
        sendPayload(QJsonDocument(message).toJson(QJsonDocument::Compact));
    }
    // The next message from the server, or an empty object if none came within the time.
    QJsonObject next(int timeoutMs = 5000)
    {
        std::optional<ipc::FrameDecoder::Item> item;
        (void)QTest::qWaitFor([&] { return bool(item = m_decoder.next()); }, timeoutMs);
        return item ? QJsonDocument::fromJson(item->payload).object() : QJsonObject();
    }
    bool waitForDisconnect(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { return m_socket.state() == QLocalSocket::UnconnectedState; }, timeoutMs);
    }
    QLocalSocket &socket() { return m_socket; }

private:
    QLocalSocket m_socket;
    ipc::FrameDecoder m_decoder{64 * 1024 * 1024};
};

inline QJsonObject request(const QJsonValue &id, const QString &method, const QJsonObject &params = {})
{
    QJsonObject r{{QStringLiteral("v"), ipc::kProtocolVersion},
                  {QStringLiteral("id"), id},
                  {QStringLiteral("method"), method}};
    if (!params.isEmpty())
        r.insert(QStringLiteral("params"), params);
    return r;
}

inline QString errorCode(const QJsonObject &reply)
{
    return reply.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

// Waits for a future in test code (blocking is fine here) and returns its result.
template<class T> T await(QFuture<T> future, int timeoutMs = 10000)
{
    (void)QTest::qWaitFor([&] { return future.isFinished(); }, timeoutMs);
    if (!future.isFinished())
        qFatal("future did not finish");
    return future.result();
}

} // namespace rr::test
