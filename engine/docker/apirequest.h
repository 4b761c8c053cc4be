#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace rr::docker {

// One Docker Engine API call. `path` is unversioned ("/images/json"); the client adds the
// negotiated "/v1.41" prefix unless `versioned` is false (only /_ping and /version need that).
struct ApiRequest
{
    QByteArray method = "GET";
    QString path;
    QUrlQuery query;
    QByteArray contentType;                       // e.g. "application/json", "application/x-tar"
    QList<QPair<QByteArray, QByteArray>> headers; // extra request headers, e.g. X-Registry-Auth
    QByteArray body;
    QString bodyFile; // streamed from disk with a read callback instead of `body`
    bool versioned = true;
    int timeoutMs = 0; // 0: no overall limit (streams, builds); connecting is always bounded

    static ApiRequest get(const QString &path, const QUrlQuery &query = {});
    static ApiRequest post(const QString &path, const QUrlQuery &query = {}, const QByteArray &json = {});
    static ApiRequest del(const QString &path, const QUrlQuery &query = {});
    // One value placed in the path ("/images/%1/json", "/containers/%1/start"): percent-encodes
    // everything but RFC 3986's unreserved characters and the ':', '@' and '/' that image
    // references carry (registry:5000/team/app:1.0@sha256:...), which the Engine API reads as they
    // are. It does not make a dot segment ("..") harmless, since the daemon decodes the path before
    // routing: pass ids, names and references, never paths a user typed.
    static QString pathSegment(const QString &value);
    // Adds key=value fully percent-encoded: QUrlQuery leaves '+' alone, which Go decodes as a space.
    static void addParam(QUrlQuery &query, const QString &key, const QString &value);
};

} // namespace rr::docker
