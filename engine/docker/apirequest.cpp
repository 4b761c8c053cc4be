#include "docker/apirequest.h"

#include <QUrl>

namespace rr::docker {

ApiRequest ApiRequest::get(const QString &path, const QUrlQuery &query)
{
    ApiRequest r;
    r.path = path;
    r.query = query;
    r.timeoutMs = 60000;
    return r;
}

ApiRequest ApiRequest::post(const QString &path, const QUrlQuery &query, const QByteArray &json)
{
    ApiRequest r;
    r.method = "POST";
    r.path = path;
    r.query = query;
    r.timeoutMs = 120000;
    if (!json.isEmpty()) {
        r.body = json;
        r.contentType = "application/json";
    }
    return r;
}

ApiRequest ApiRequest::del(const QString &path, const QUrlQuery &query)
{
    ApiRequest r;
    r.method = "DELETE";
    r.path = path;
    r.query = query;
    r.timeoutMs = 120000;
    return r;
}

QString ApiRequest::pathSegment(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value, ":@/"));
}

void ApiRequest::addParam(QUrlQuery &query, const QString &key, const QString &value)
{
    query.addQueryItem(QString::fromLatin1(QUrl::toPercentEncoding(key)),
                       QString::fromLatin1(QUrl::toPercentEncoding(value)));
}

} // namespace rr::docker
