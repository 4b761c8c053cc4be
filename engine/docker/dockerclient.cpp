#include "docker/dockerclient.h"

#include <QJsonDocument>

namespace rr::docker {

using core::ErrorCategory;

namespace {

template<class T> core::Result<T> jsonAs(core::Result<QJsonValue> &&value)
{
    if (!value)
        return core::fail(std::move(value).error());
    if constexpr (std::is_same_v<T, QJsonObject>)
        return value->toObject();
    else
        return value->toArray();
}

} // namespace

DockerClient::DockerClient(const DockerHost &host, QObject *parent)
    : QObject(parent)
    , m_connection(std::make_shared<DockerConnection>(host))
{
    // Long streams (builds, followed logs, waits) each hold a thread.
    m_pool.setMaxThreadCount(32);
    m_pool.setExpiryTimeout(30000);
}

DockerClient::~DockerClient()
{
    cancelAll();
    m_pool.waitForDone();
}

const DockerHost &DockerClient::host() const
{
    return m_connection->host();
}

std::shared_ptr<std::atomic_bool> DockerClient::registerJob()
{
    auto flag = std::make_shared<std::atomic_bool>(false);
    QMutexLocker lock(&m_mutex);
    m_inFlight.removeIf([](const std::weak_ptr<std::atomic_bool> &w) { return w.expired(); });
    m_inFlight.append(flag);
    return flag;
}

void DockerClient::cancelAll()
{
    QMutexLocker lock(&m_mutex);
    for (const auto &weak : std::as_const(m_inFlight))
        if (auto flag = weak.lock())
            flag->store(true);
    m_inFlight.clear();
}

QUrlQuery DockerClient::labelFilter(const QStringList &labels)
{
    QUrlQuery q;
    if (labels.isEmpty())
        return q;
    QJsonObject filters;
    filters.insert(QStringLiteral("label"), QJsonArray::fromStringList(labels));
    ApiRequest::addParam(q, QStringLiteral("filters"),
                         QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact)));
    return q;
}

QFuture<core::Result<DaemonInfo>> DockerClient::daemonInfo()
{
    return run<DaemonInfo>(
        [](DockerConnection &c, const CancelCheck &cancelled) { return c.daemonInfo(cancelled); });
}

QFuture<core::Result<ApiResponse>> DockerClient::send(const ApiRequest &request)
{
    return run<ApiResponse>(
        [request](DockerConnection &c, const CancelCheck &cancelled) { return c.call(request, cancelled); });
}

QFuture<core::Result<QJsonValue>> DockerClient::sendJson(const ApiRequest &request)
{
    return run<QJsonValue>([request](DockerConnection &c, const CancelCheck &cancelled) {
        return c.callJson(request, cancelled);
    });
}

QFuture<core::Result<ApiResponse>> DockerClient::stream(const ApiRequest &request,
                                                        CurlTransport::ChunkSink sink)
{
    return run<ApiResponse>([request, sink](DockerConnection &c, const CancelCheck &cancelled) {
        return c.call(request, cancelled, sink);
    });
}

QFuture<core::Result<QJsonObject>> DockerClient::inspectImage(const QString &reference)
{
    const ApiRequest r =
        ApiRequest::get(QStringLiteral("/images/%1/json").arg(ApiRequest::pathSegment(reference)));
    return run<QJsonObject>([r](DockerConnection &c, const CancelCheck &cancelled) {
        return jsonAs<QJsonObject>(c.callJson(r, cancelled));
    });
}

QFuture<core::Result<bool>> DockerClient::imageExists(const QString &reference)
{
    const ApiRequest r =
        ApiRequest::get(QStringLiteral("/images/%1/json").arg(ApiRequest::pathSegment(reference)));
    return run<bool>([r](DockerConnection &c, const CancelCheck &cancelled) -> core::Result<bool> {
        auto answer = c.call(r, cancelled);
        if (answer)
            return true;
        if (answer.error().code == QLatin1String("docker.not_found"))
            return false;
        return core::fail(answer.error());
    });
}

QFuture<core::Result<QJsonArray>> DockerClient::listImages(const QStringList &labels)
{
    const ApiRequest r = ApiRequest::get(QStringLiteral("/images/json"), labelFilter(labels));
    return run<QJsonArray>([r](DockerConnection &c, const CancelCheck &cancelled) {
        return jsonAs<QJsonArray>(c.callJson(r, cancelled));
    });
}

QFuture<core::Result<QJsonValue>> DockerClient::removeImage(const QString &reference, bool force)
{
    QUrlQuery q;
    if (force)
        q.addQueryItem(QStringLiteral("force"), QStringLiteral("1"));
    return sendJson(ApiRequest::del(QStringLiteral("/images/%1").arg(ApiRequest::pathSegment(reference)), q));
}

QFuture<core::Result<QString>> DockerClient::createContainer(const QString &name, const QJsonObject &config)
{
    QUrlQuery q;
    if (!name.isEmpty())
        q.addQueryItem(QStringLiteral("name"), name);
    const ApiRequest r = ApiRequest::post(QStringLiteral("/containers/create"), q,
                                          QJsonDocument(config).toJson(QJsonDocument::Compact));
    return run<QString>([r](DockerConnection &c, const CancelCheck &cancelled) -> core::Result<QString> {
        auto answer = c.callJson(r, cancelled);
        if (!answer)
            return core::fail(answer.error());
        return answer->toObject().value(QStringLiteral("Id")).toString();
    });
}

QFuture<core::Result<QJsonValue>> DockerClient::startContainer(const QString &id)
{
    return sendJson(
        ApiRequest::post(QStringLiteral("/containers/%1/start").arg(ApiRequest::pathSegment(id))));
}

QFuture<core::Result<QJsonValue>> DockerClient::stopContainer(const QString &id, int timeoutSeconds)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("t"), QString::number(timeoutSeconds));
    ApiRequest r =
        ApiRequest::post(QStringLiteral("/containers/%1/stop").arg(ApiRequest::pathSegment(id)), q);
    r.timeoutMs = (timeoutSeconds + 60) * 1000;
    return sendJson(r);
}

QFuture<core::Result<QJsonValue>> DockerClient::removeContainer(const QString &id, bool force)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("force"), force ? QStringLiteral("1") : QStringLiteral("0"));
    q.addQueryItem(QStringLiteral("v"), QStringLiteral("1"));
    return sendJson(ApiRequest::del(QStringLiteral("/containers/%1").arg(ApiRequest::pathSegment(id)), q));
}

QFuture<core::Result<QJsonObject>> DockerClient::inspectContainer(const QString &id)
{
    const ApiRequest r =
        ApiRequest::get(QStringLiteral("/containers/%1/json").arg(ApiRequest::pathSegment(id)));
    return run<QJsonObject>([r](DockerConnection &c, const CancelCheck &cancelled) {
        return jsonAs<QJsonObject>(c.callJson(r, cancelled));
    });
}

QFuture<core::Result<QJsonArray>> DockerClient::listContainers(const QStringList &labels, bool all)
{
    QUrlQuery q = labelFilter(labels);
    if (all)
        q.addQueryItem(QStringLiteral("all"), QStringLiteral("1"));
    const ApiRequest r = ApiRequest::get(QStringLiteral("/containers/json"), q);
    return run<QJsonArray>([r](DockerConnection &c, const CancelCheck &cancelled) {
        return jsonAs<QJsonArray>(c.callJson(r, cancelled));
    });
}

QFuture<core::Result<int>> DockerClient::waitContainer(const QString &id)
{
    ApiRequest r = ApiRequest::post(QStringLiteral("/containers/%1/wait").arg(ApiRequest::pathSegment(id)));
    r.timeoutMs = 0;
    return run<int>([r](DockerConnection &c, const CancelCheck &cancelled) -> core::Result<int> {
        auto answer = c.callJson(r, cancelled);
        if (!answer)
            return core::fail(answer.error());
        const QJsonObject o = answer->toObject();
        const QString error =
            o.value(QStringLiteral("Error")).toObject().value(QStringLiteral("Message")).toString();
        if (!error.isEmpty())
            return core::fail(ErrorCategory::Docker, QStringLiteral("docker.wait"),
                              QStringLiteral("Waiting for the container failed: %1").arg(error));
        return o.value(QStringLiteral("StatusCode")).toInt(-1);
    });
}

QFuture<core::Result<QList<LogFrame>>> DockerClient::containerLogs(const QString &id, int tail, bool tty)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("stdout"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("stderr"), QStringLiteral("1"));
    q.addQueryItem(QStringLiteral("tail"), tail < 0 ? QStringLiteral("all") : QString::number(tail));
    const ApiRequest r =
        ApiRequest::get(QStringLiteral("/containers/%1/logs").arg(ApiRequest::pathSegment(id)), q);
    return run<QList<LogFrame>>(
        [r, tty](DockerConnection &c, const CancelCheck &cancelled) -> core::Result<QList<LogFrame>> {
            auto demuxer = std::make_shared<LogDemuxer>(tty);
            QList<LogFrame> frames;
            auto answer = c.call(r, cancelled, [&frames, demuxer](const QByteArray &chunk) {
                frames.append(demuxer->feed(chunk));
                return true;
            });
            if (!answer)
                return core::fail(answer.error());
            return frames;
        });
}

QFuture<core::Result<QString>> DockerClient::createNetwork(const QString &name, const QJsonObject &labels)
{
    QJsonObject body{{QStringLiteral("Name"), name},
                     {QStringLiteral("CheckDuplicate"), true},
                     {QStringLiteral("Labels"), labels}};
    const ApiRequest r = ApiRequest::post(QStringLiteral("/networks/create"), {},
                                          QJsonDocument(body).toJson(QJsonDocument::Compact));
    return run<QString>([r](DockerConnection &c, const CancelCheck &cancelled) -> core::Result<QString> {
        auto answer = c.callJson(r, cancelled);
        if (!answer)
            return core::fail(answer.error());
        return answer->toObject().value(QStringLiteral("Id")).toString();
    });
}

QFuture<core::Result<QJsonValue>> DockerClient::removeNetwork(const QString &id)
{
    return sendJson(ApiRequest::del(QStringLiteral("/networks/%1").arg(ApiRequest::pathSegment(id))));
}

QFuture<core::Result<QJsonArray>> DockerClient::listNetworks(const QStringList &labels)
{
    const ApiRequest r = ApiRequest::get(QStringLiteral("/networks"), labelFilter(labels));
    return run<QJsonArray>([r](DockerConnection &c, const CancelCheck &cancelled) {
        return jsonAs<QJsonArray>(c.callJson(r, cancelled));
    });
}

QFuture<core::Result<QString>> DockerClient::createVolume(const QString &name, const QJsonObject &labels)
{
    QJsonObject body{{QStringLiteral("Name"), name}, {QStringLiteral("Labels"), labels}};
    const ApiRequest r = ApiRequest::post(QStringLiteral("/volumes/create"), {},
                                          QJsonDocument(body).toJson(QJsonDocument::Compact));
    return run<QString>([r](DockerConnection &c, const CancelCheck &cancelled) -> core::Result<QString> {
        auto answer = c.callJson(r, cancelled);
        if (!answer)
            return core::fail(answer.error());
        return answer->toObject().value(QStringLiteral("Name")).toString();
    });
}

QFuture<core::Result<QJsonValue>> DockerClient::removeVolume(const QString &name, bool force)
{
    QUrlQuery q;
    if (force)
        q.addQueryItem(QStringLiteral("force"), QStringLiteral("1"));
    return sendJson(ApiRequest::del(QStringLiteral("/volumes/%1").arg(ApiRequest::pathSegment(name)), q));
}

QFuture<core::Result<QJsonArray>> DockerClient::listVolumes(const QStringList &labels)
{
    const ApiRequest r = ApiRequest::get(QStringLiteral("/volumes"), labelFilter(labels));
    return run<QJsonArray>(
        [r](DockerConnection &c, const CancelCheck &cancelled) -> core::Result<QJsonArray> {
            auto answer = c.callJson(r, cancelled);
            if (!answer)
                return core::fail(answer.error());
            return answer->toObject().value(QStringLiteral("Volumes")).toArray();
        });
}

} // namespace rr::docker
