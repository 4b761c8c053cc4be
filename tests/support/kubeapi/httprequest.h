#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QUrlQuery>

namespace rr::test::kubeapi {

// One parsed HTTP/1.1 request; header names are lower-cased.
struct HttpRequest
{
    QByteArray method;
    QString path; // percent-decoded
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;

    QByteArray header(const char *name) const { return headers.value(QByteArray(name)); }
    QString param(const char *name) const
    {
        return query.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded);
    }
    bool flag(const char *name) const
    {
        const QString v = param(name);
        return v == QLatin1String("1") || v == QLatin1String("true");
    }
};

} // namespace rr::test::kubeapi
