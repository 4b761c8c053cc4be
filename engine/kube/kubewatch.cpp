#include "kube/kubewatch.h"

#include "core/logging.h"
#include "kube/kubeclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTimer>
#include <QUrl>

namespace rr::kube {

namespace {

QString keyOf(const QJsonObject &object)
{
    const QJsonObject meta = object.value(QStringLiteral("metadata")).toObject();
    return meta.value(QStringLiteral("namespace")).toString() + QLatin1Char('/') +
           meta.value(QStringLiteral("name")).toString();
}

QString encode(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

} // namespace

KubeWatch::KubeWatch(KubeClient *client, QString collectionPath, QString labelSelector, QString fieldSelector,
                     QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_path(std::move(collectionPath))
    , m_labels(std::move(labelSelector))
    , m_fields(std::move(fieldSelector))
{}

KubeWatch::~KubeWatch()
{
    stop();
}

void KubeWatch::start()
{
    if (m_running)
        return;
    m_running = true;
    list();
}

void KubeWatch::stop()
{
    m_running = false;
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void KubeWatch::list()
{
    if (!m_running)
        return;
    QString query;
    if (!m_labels.isEmpty())
        query += QStringLiteral("&labelSelector=") + encode(m_labels);
    if (!m_fields.isEmpty())
        query += QStringLiteral("&fieldSelector=") + encode(m_fields);
    if (!query.isEmpty())
        query[0] = QLatin1Char('?');
    m_client->send("GET", m_path + query, {}, {}, this, [this](const core::Result<KubeReply> &r) {
        if (!m_running)
            return;
        if (!r) {
            if (r.error().category == core::ErrorCategory::Kube && ++m_failures < 5 &&
                r.error().code == QLatin1String("kube.unreachable")) {
                retryLater(&KubeWatch::list);
                return;
            }
            Q_EMIT failed(r.error());
            return;
        }
        m_failures = 0;
        const QJsonObject list = r->json();
        m_objects.clear();
        for (const QJsonValue &item : list.value(QStringLiteral("items")).toArray())
            m_objects.insert(keyOf(item.toObject()), item.toObject());
        m_resourceVersion = list.value(QStringLiteral("metadata"))
                                .toObject()
                                .value(QStringLiteral("resourceVersion"))
                                .toString();
        m_synced = true;
        ++m_lists;
        Q_EMIT synced();
        watch();
    });
}

void KubeWatch::watch()
{
    if (!m_running)
        return;
    QString query = QStringLiteral("?watch=1&allowWatchBookmarks=true&resourceVersion=%1&timeoutSeconds=%2")
                        .arg(encode(m_resourceVersion))
                        .arg(timeoutSeconds);
    if (!m_labels.isEmpty())
        query += QStringLiteral("&labelSelector=") + encode(m_labels);
    if (!m_fields.isEmpty())
        query += QStringLiteral("&fieldSelector=") + encode(m_fields);
    m_client->prepare(m_path + query, this, [this](const core::Result<QNetworkRequest> &req) {
        if (!m_running)
            return;
        if (!req) {
            Q_EMIT failed(req.error());
            return;
        }
        m_lines.clear();
        m_expired = false;
        m_reply = m_client->openStream(*req);
        connect(m_reply, &QNetworkReply::readyRead, this, &KubeWatch::onData);
        connect(m_reply, &QNetworkReply::finished, this, &KubeWatch::onFinished);
    });
}

void KubeWatch::onData()
{
    if (!m_reply)
        return;
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200)
        return; // the body is a Status; onFinished handles it
    for (const QByteArray &raw : m_lines.feed(m_reply->readAll())) {
        const QByteArray line = raw.trimmed();
        if (!line.isEmpty())
            handleLine(line);
        if (m_expired || !m_running)
            return;
    }
}

void KubeWatch::handleLine(const QByteArray &line)
{
    const QJsonObject event = QJsonDocument::fromJson(line).object();
    const QString type = event.value(QStringLiteral("type")).toString();
    const QJsonObject object = event.value(QStringLiteral("object")).toObject();
    const QString rv = object.value(QStringLiteral("metadata"))
                           .toObject()
                           .value(QStringLiteral("resourceVersion"))
                           .toString();
    if (type == QLatin1String("ERROR")) {
        // 410 Expired: our version was compacted away; anything else also means re-list.
        qCDebug(lcKube) << "watch" << m_path << "error" << object.value(QStringLiteral("code")).toInt()
                        << object.value(QStringLiteral("message")).toString();
        m_expired = true;
        return;
    }
    if (!rv.isEmpty())
        m_resourceVersion = rv;
    if (type == QLatin1String("BOOKMARK"))
        return;
    const QString key = keyOf(object);
    if (type == QLatin1String("DELETED"))
        m_objects.remove(key);
    else
        m_objects.insert(key, object);
    Q_EMIT changed(type, object);
}

void KubeWatch::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 200)
        onData(); // whatever arrived with the end of the stream
    m_lines.clear();
    m_reply = nullptr;
    reply->deleteLater();
    if (!m_running)
        return;
    if (status == 410 || m_expired) {
        m_expired = false;
        list();
        return;
    }
    if (status != 200) {
        qCDebug(lcKube) << "watch" << m_path << "ended with" << status << reply->errorString();
        retryLater(&KubeWatch::watch);
        return;
    }
    watch();
}

void KubeWatch::retryLater(void (KubeWatch::*step)())
{
    QTimer::singleShot(500, this, step);
}

} // namespace rr::kube
