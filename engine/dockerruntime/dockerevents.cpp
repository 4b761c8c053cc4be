#include "dockerruntime/dockerevents.h"

#include "core/logging.h"
#include "core/promises.h"
#include "docker/dockerclient.h"
#include "dockerruntime/containerspec.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <memory>

namespace rr::dockerruntime {

DockerEvents::DockerEvents(docker::DockerClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{}

DockerEvents::~DockerEvents()
{
    m_stopping = true;
    m_stream.cancel();
    m_stream.waitForFinished();
}

void DockerEvents::start()
{
    if (m_started)
        return;
    m_started = true;
    // From one second before now, so nothing between subscribing and the first start is missed
    // (a replayed event only costs one more inspect).
    subscribe((QDateTime::currentSecsSinceEpoch() - 1) * 1000000000LL);
}

void DockerEvents::subscribe(qint64 sinceNanos)
{
    QJsonObject filters{
        {QStringLiteral("type"), QJsonArray{QStringLiteral("container")}},
        {QStringLiteral("label"),
         QJsonArray{QString(QLatin1String(ContainerSpec::ManagedByLabel) + QStringLiteral("=reporunner"))}}};
    docker::ApiRequest r = docker::ApiRequest::get(QStringLiteral("/events"));
    r.timeoutMs = 0; // an open-ended stream: it ends when the daemon closes it, not after a minute
    docker::ApiRequest::addParam(r.query, QStringLiteral("filters"),
                                 QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact)));
    r.query.addQueryItem(QStringLiteral("since"), QString::number(sinceNanos / 1000000000LL));
    m_lastNanos = qMax(m_lastNanos, sinceNanos); // a reconnect replays from here at the latest
    auto buffer = std::make_shared<QByteArray>();
    m_stream = m_client->stream(r, [this, buffer](const QByteArray &chunk) {
        buffer->append(chunk);
        QList<QJsonObject> events;
        for (qsizetype nl = buffer->indexOf('\n'); nl >= 0; nl = buffer->indexOf('\n')) {
            const QJsonObject e = QJsonDocument::fromJson(buffer->left(nl)).object();
            buffer->remove(0, nl + 1);
            if (!e.isEmpty())
                events << e;
        }
        if (!events.isEmpty())
            QMetaObject::invokeMethod(
                this, [this, events] { onEvents(events); }, Qt::QueuedConnection);
        return true;
    });
    core::promises::whenFinished(this, m_stream, [this](const core::Result<docker::ApiResponse> &ended) {
        if (m_stopping)
            return;
        qCWarning(lcDocker) << "event stream ended, reconnecting:"
                            << (ended ? QStringLiteral("closed") : ended.error().message);
        QTimer::singleShot(ReconnectMs, this, [this] {
            subscribe(m_lastNanos > 0 ? m_lastNanos
                                      : (QDateTime::currentSecsSinceEpoch() - 1) * 1000000000LL);
            Q_EMIT resubscribed();
        });
    });
}

void DockerEvents::onEvents(const QList<QJsonObject> &events)
{
    for (const QJsonObject &e : events) {
        m_lastNanos = qMax(m_lastNanos, e.value(QStringLiteral("timeNano")).toInteger());
        const QString action = e.value(QStringLiteral("Action")).toString();
        if (action.startsWith(QLatin1String("exec_")))
            continue; // health checks run as execs; their outcome arrives as health_status
        const QJsonObject actor = e.value(QStringLiteral("Actor")).toObject();
        const QJsonObject attributes = actor.value(QStringLiteral("Attributes")).toObject();
        if (attributes.value(QStringLiteral("name")).toString().endsWith(QLatin1String("-fill")))
            continue; // a volume-filling helper, never started
        if (action == QLatin1String("destroy")) {
            Q_EMIT containerRemoved(attributes.value(QLatin1String(ContainerSpec::RunIdLabel)).toString(),
                                    actor.value(QStringLiteral("ID")).toString());
            continue;
        }
        Q_EMIT containerChanged(attributes.value(QLatin1String(ContainerSpec::RunIdLabel)).toString(),
                                attributes.value(QLatin1String(ContainerSpec::ServiceLabel)).toString(),
                                actor.value(QStringLiteral("ID")).toString());
    }
}

} // namespace rr::dockerruntime
