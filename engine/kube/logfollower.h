#pragma once

#include "core/linebuffer.h"

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

class QNetworkReply;

namespace rr::kube {

class KubeClient;

// Follows one container's log: re-opens the stream when the container instance ends (restarts),
// resuming from the last second seen and dropping lines already delivered.
class LogFollower final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogFollower)
public:
    LogFollower(KubeClient *client, QString namespaceName, QString pod, QString container,
                QObject *parent = nullptr);
    ~LogFollower() override;

    void start();
    void stop();
    QString pod() const { return m_pod; }

Q_SIGNALS:
    void line(const QString &text);

private:
    void open();
    void onData();
    void onFinished();
    void deliver(const QByteArray &raw);

    KubeClient *m_client;
    QString m_namespace, m_pod, m_container;
    QPointer<QNetworkReply> m_reply;
    core::LineBuffer m_lines{core::kMaxLogLineBytes}; // a pod's output is untrusted
    QString m_lastSecond;                             // RFC3339 up to the seconds of the last line
    QSet<QByteArray> m_seenInSecond;                  // lines of that second, for de-duplication on resume
    bool m_running = false;
    int m_misses = 0;
};

} // namespace rr::kube
