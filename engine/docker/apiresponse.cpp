#include "docker/apiresponse.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace rr::docker {

QByteArray ApiResponse::header(const QByteArray &lowerCaseName) const
{
    for (const auto &h : headers)
        if (h.first == lowerCaseName)
            return h.second;
    return {};
}

core::Error ApiResponse::toError(const QString &what) const
{
    QString message = QJsonDocument::fromJson(body).object().value(QStringLiteral("message")).toString();
    if (message.isEmpty())
        message = QString::fromUtf8(body.left(500)).trimmed();
    QString code;
    switch (status) {
    case 400:
        code = QStringLiteral("docker.bad_request");
        break;
    case 404:
        code = QStringLiteral("docker.not_found");
        break;
    case 409:
        code = QStringLiteral("docker.conflict");
        break;
    default:
        code = status >= 500 ? QStringLiteral("docker.server_error") : QStringLiteral("docker.http_error");
    }
    core::Error e =
        core::makeError(core::ErrorCategory::Docker, code,
                        message.isEmpty() ? QStringLiteral("%1 failed (HTTP %2).").arg(what).arg(status)
                                          : QStringLiteral("%1 failed: %2").arg(what, message));
    e.details = QStringLiteral("HTTP %1").arg(status);
    return e;
}

} // namespace rr::docker
