#include "kube/logfollower.h"

#include "kube/kubeclient.h"

#include <QNetworkReply>
#include <QTimer>
#include <QUrl>

namespace rr::kube {

LogFollower::LogFollower(KubeClient *client, QString namespaceName, QString pod, QString container,
                         QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_namespace(std::move(namespaceName))
    , m_pod(std::move(pod))
    , m_container(std::move(container))
{}

LogFollower::~LogFollower()
{
    stop();
}

void LogFollower::start()
{
    if (m_running)
        return;
    m_running = true;
    open();
}

void LogFollower::stop()
{
    m_running = false;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void LogFollower::open()
{
    if (!m_running)
        return;
    QString path =
        QStringLiteral("/api/v1/namespaces/%1/pods/%2/log?container=%3&follow=true&timestamps=true")
            .arg(m_namespace, m_pod, m_container);
    if (!m_lastSecond.isEmpty())
        path += QStringLiteral("&sinceTime=") +
                QString::fromLatin1(QUrl::toPercentEncoding(m_lastSecond + QLatin1Char('Z')));
    m_client->prepare(path, this, [this](const core::Result<QNetworkRequest> &req) {
        if (!m_running || !req)
            return;
        m_lines.clear();
        m_reply = m_client->openStream(*req);
        connect(m_reply, &QNetworkReply::readyRead, this, &LogFollower::onData);
        connect(m_reply, &QNetworkReply::finished, this, &LogFollower::onFinished);
    });
}

void LogFollower::onData()
{
    if (!m_reply || m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return;
    for (const QByteArray &raw : m_lines.feed(m_reply->readAll()))
        deliver(raw);
}

void LogFollower::deliver(const QByteArray &raw)
{
    const qsizetype space = raw.indexOf(' ');
    const QByteArray stamp = space > 0 ? raw.left(space) : QByteArray();
    const QByteArray text = space > 0 ? raw.mid(space + 1) : raw;
    // sinceTime has whole-second precision: lines of the last second come again on resume.
    const QString second = QString::fromLatin1(stamp.left(19));
    if (second.size() == 19 && second[4] == QLatin1Char('-')) {
        if (second < m_lastSecond)
            return;
        if (second != m_lastSecond) {
            m_lastSecond = second;
            m_seenInSecond.clear();
        }
        if (m_seenInSecond.contains(raw))
            return;
        m_seenInSecond.insert(raw);
    }
    Q_EMIT line(QString::fromUtf8(text));
}

void LogFollower::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200) {
        onData();
        if (const QByteArray rest = m_lines.takeRest(); !rest.isEmpty())
            deliver(rest);
    }
    m_reply = nullptr;
    reply->deleteLater();
    if (!m_running)
        return;
    if (status == 404) { // the pod is gone
        m_running = false;
        return;
    }
    // The instance ended (restart) or it is not started yet (400): look again shortly.
    m_misses = status == 200 ? 0 : m_misses + 1;
    QTimer::singleShot(qMin(300 * (m_misses + 1), 3000), this, &LogFollower::open);
}

} // namespace rr::kube
