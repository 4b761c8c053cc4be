#pragma once

#include "chromeframing.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>

class QTimer;

namespace rr::ipc {
class ControlClient;
}

namespace rr::nativehost {

struct RelayOptions
{
    QString socketPath;     // the app's control socket
    QStringList appCommand; // program + args that start the app when nothing answers; empty = don't
    QString appLogFile;     // where the started app's output goes (never our stdout: that is the browser's)
    QString appPidFile;     // written with the started app's pid, so scripts and tests can stop it
    int connectTimeoutMs = 15000;
    int retryIntervalMs = 150;
};

// Relays browser requests ({id, method, params}) to the app's control socket and the app's
// replies and events back, starting the app when it isn't running. Browser-side bytes come
// in through onBrowserBytes(); frames for the browser leave through toBrowser().
class Relay final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Relay)
public:
    explicit Relay(RelayOptions options, QObject *parent = nullptr);

    void onBrowserBytes(const QByteArray &bytes);
    void onBrowserClosed();

Q_SIGNALS:
    void toBrowser(const QByteArray &frame);
    void finished(int exitCode);

private:
    enum class State
    {
        Idle,
        Connecting,
        Connected
    };
    struct Request
    {
        QJsonValue id;
        QString method;
        QJsonObject params;
    };

    void handleFrame(const QByteArray &payload);
    void send(const QJsonObject &message);
    void sendError(const QJsonValue &id, const QString &code, const QString &message);
    void ensureConnected();
    void onConnected();
    void onConnectFailed();
    void dispatch(const Request &request);
    // Answers "host.status" itself: the host's version and protocol, and whether the app answers.
    void reportStatus(const QJsonValue &id);
    void giveUp(const QString &why, const QString &code = QStringLiteral("nativehost.app_unavailable"));
    bool startApp();

    RelayOptions m_options;
    chrome::FrameReader m_reader;
    ipc::ControlClient *m_client;
    QTimer *m_retry;
    QTimer *m_deadline;
    State m_state = State::Idle;
    bool m_appStarted = false;
    QList<Request> m_queue;
};

} // namespace rr::nativehost
