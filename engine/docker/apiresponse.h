#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QList>
#include <QPair>

namespace rr::docker {

// A finished Docker API response (body empty when it was streamed to a sink).
struct ApiResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;

    bool isSuccess() const { return status >= 200 && status < 300; }
    QByteArray header(const QByteArray &lowerCaseName) const;
    // Docker's {"message": "..."} error body as a Docker-category error carrying the status.
    core::Error toError(const QString &what) const;
};

} // namespace rr::docker
