#include "docker/dockerconnection.h"

#include "core/logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace rr::docker {

using core::ErrorCategory;

namespace {

bool parseVersion(const QString &v, int &major, int &minor)
{
    const QStringList parts = v.trimmed().split(QLatin1Char('.'));
    if (parts.size() != 2)
        return false;
    bool ok1 = false;
    bool ok2 = false;
    major = parts[0].toInt(&ok1);
    minor = parts[1].toInt(&ok2);
    return ok1 && ok2;
}

} // namespace

DockerConnection::DockerConnection(DockerHost host)
    : m_transport(std::move(host))
{}

QString DockerConnection::negotiateVersion(const QString &daemon)
{
    int major = 0;
    int minor = 0;
    if (!parseVersion(daemon, major, minor))
        return {};
    if (major > MaxApiMajor || (major == MaxApiMajor && minor > MaxApiMinor))
        return QStringLiteral("%1.%2").arg(MaxApiMajor).arg(MaxApiMinor);
    return QStringLiteral("%1.%2").arg(major).arg(minor);
}

core::Result<DaemonInfo> DockerConnection::daemonInfo(const CurlTransport::CancelCheck &cancelled)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_info)
            return *m_info;
    }
    // Unlocked while talking to the daemon; two racing negotiations agree anyway.
    ApiRequest ping = ApiRequest::get(QStringLiteral("/_ping"));
    ping.versioned = false;
    ping.timeoutMs = 15000;
    auto pong = m_transport.perform(ping, {}, {}, cancelled);
    if (!pong)
        return core::fail(pong.error());
    if (!pong->isSuccess())
        return core::fail(pong->toError(QStringLiteral("Pinging Docker")));
    DaemonInfo info;
    info.builderVersion = QString::fromLatin1(pong->header("builder-version"));
    const QString pingVersion = QString::fromLatin1(pong->header("api-version"));

    ApiRequest version = ApiRequest::get(QStringLiteral("/version"));
    version.versioned = false;
    version.timeoutMs = 15000;
    auto answer = m_transport.perform(version, {}, {}, cancelled);
    if (!answer)
        return core::fail(answer.error());
    if (!answer->isSuccess())
        return core::fail(answer->toError(QStringLiteral("Asking Docker for its version")));
    const QJsonObject v = QJsonDocument::fromJson(answer->body).object();
    info.daemonApiVersion = v.value(QStringLiteral("ApiVersion")).toString(pingVersion);
    info.minApiVersion = v.value(QStringLiteral("MinAPIVersion")).toString();
    info.engineVersion = v.value(QStringLiteral("Version")).toString();
    info.os = v.value(QStringLiteral("Os")).toString();
    info.arch = v.value(QStringLiteral("Arch")).toString();
    info.apiVersion = negotiateVersion(info.daemonApiVersion);
    int major = 0;
    int minor = 0;
    if (info.apiVersion.isEmpty() || !parseVersion(info.apiVersion, major, minor) ||
        (major == 1 && minor < MinApiMinor))
        return core::fail(ErrorCategory::Docker, QStringLiteral("docker.version.unsupported"),
                          QStringLiteral("Docker %1 speaks API %2, but RepoRunner needs at least 1.%3; "
                                         "upgrade Docker.")
                              .arg(info.engineVersion, info.daemonApiVersion)
                              .arg(MinApiMinor));
    // BuildKit arrived in the daemon with API 1.39 (18.09) and only runs Linux images. A
    // Builder-Version of "1" means the daemon was configured without it.
    info.buildKit =
        info.os == QLatin1String("linux") && minor >= 39 && info.builderVersion != QLatin1String("1");
    qCInfo(lcDocker) << "Docker" << info.engineVersion << "API" << info.daemonApiVersion << "using"
                     << info.apiVersion << "BuildKit" << info.buildKit;
    QMutexLocker lock(&m_mutex);
    m_info = info;
    return info;
}

core::Result<ApiResponse> DockerConnection::call(const ApiRequest &request,
                                                 const CurlTransport::CancelCheck &cancelled,
                                                 const CurlTransport::ChunkSink &sink)
{
    QString prefix;
    if (request.versioned) {
        auto info = daemonInfo(cancelled);
        if (!info)
            return core::fail(info.error());
        prefix = QStringLiteral("/v") + info->apiVersion;
    }
    auto response = m_transport.perform(request, prefix, sink, cancelled);
    if (!response)
        return response;
    if (!response->isSuccess())
        return core::fail(
            response->toError(QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path));
    return response;
}

core::Result<QJsonValue> DockerConnection::callJson(const ApiRequest &request,
                                                    const CurlTransport::CancelCheck &cancelled)
{
    auto response = call(request, cancelled);
    if (!response)
        return core::fail(response.error());
    if (response->body.trimmed().isEmpty())
        return QJsonValue();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(response->body, &error);
    if (error.error != QJsonParseError::NoError)
        return core::fail(
            ErrorCategory::Docker, QStringLiteral("docker.bad_json"),
            QStringLiteral("Docker answered %1 with something that is not JSON.").arg(request.path));
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

} // namespace rr::docker
