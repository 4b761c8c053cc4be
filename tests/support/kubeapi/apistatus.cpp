#include "apistatus.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace rr::test::kubeapi {

QJsonObject ApiStatus::toJson() const
{
    QJsonObject o{{QStringLiteral("kind"), QStringLiteral("Status")},
                  {QStringLiteral("apiVersion"), QStringLiteral("v1")},
                  {QStringLiteral("metadata"), QJsonObject()},
                  {QStringLiteral("status"), QStringLiteral("Failure")},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("reason"), reason},
                  {QStringLiteral("code"), code}};
    if (reason.isEmpty())
        o.remove(QStringLiteral("reason"));
    if (hasDetails) {
        QJsonObject d;
        if (!name.isEmpty())
            d.insert(QStringLiteral("name"), name);
        if (!group.isEmpty())
            d.insert(QStringLiteral("group"), group);
        if (!kind.isEmpty())
            d.insert(QStringLiteral("kind"), kind);
        if (!causes.isEmpty()) {
            QJsonArray a;
            for (const StatusCause &c : causes) {
                QJsonObject co{{QStringLiteral("reason"), c.reason}, {QStringLiteral("message"), c.message}};
                if (!c.field.isEmpty())
                    co.insert(QStringLiteral("field"), c.field);
                a.append(co);
            }
            d.insert(QStringLiteral("causes"), a);
        }
        if (!d.isEmpty())
            o.insert(QStringLiteral("details"), d);
    }
    return o;
}

QByteArray ApiStatus::body() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact) + '\n';
}

ApiStatus ApiStatus::notFound(const ResourceType &type, const QString &name)
{
    return {404,
            QStringLiteral("NotFound"),
            QStringLiteral("%1 \"%2\" not found").arg(type.groupResource(), name),
            name,
            type.group,
            type.plural,
            {}};
}

ApiStatus ApiStatus::alreadyExists(const ResourceType &type, const QString &name)
{
    return {409,
            QStringLiteral("AlreadyExists"),
            QStringLiteral("%1 \"%2\" already exists").arg(type.groupResource(), name),
            name,
            type.group,
            type.plural,
            {}};
}

ApiStatus ApiStatus::conflict(const ResourceType &type, const QString &name, const QString &why)
{
    return {
        409,
        QStringLiteral("Conflict"),
        QStringLiteral("Operation cannot be fulfilled on %1 \"%2\": %3").arg(type.groupResource(), name, why),
        name,
        type.group,
        type.plural,
        {}};
}

ApiStatus ApiStatus::badRequest(const QString &message)
{
    ApiStatus s{400, QStringLiteral("BadRequest"), message, {}, {}, {}, {}};
    s.hasDetails = false;
    return s;
}

ApiStatus ApiStatus::forbidden(const ResourceType &type, const QString &name, const QString &why,
                               const QList<StatusCause> &causes)
{
    return {403,
            QStringLiteral("Forbidden"),
            QStringLiteral("%1 \"%2\" is forbidden: %3").arg(type.groupResource(), name, why),
            name,
            type.group,
            type.plural,
            causes};
}

ApiStatus ApiStatus::invalid(const ResourceType &type, const QString &name, const QList<StatusCause> &causes)
{
    QStringList parts;
    for (const StatusCause &c : causes)
        parts << (c.field + QStringLiteral(": ") + c.message);
    const QString joined = parts.size() == 1
                               ? parts.first()
                               : QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
    return {422,
            QStringLiteral("Invalid"),
            QStringLiteral("%1 \"%2\" is invalid: %3").arg(type.groupKind(), name, joined),
            name,
            type.group,
            type.kind,
            causes};
}

ApiStatus ApiStatus::expired(const QString &message)
{
    ApiStatus s{410, QStringLiteral("Expired"), message, {}, {}, {}, {}};
    s.hasDetails = false;
    return s;
}

ApiStatus ApiStatus::methodNotAllowed()
{
    ApiStatus s{405,
                QStringLiteral("MethodNotAllowed"),
                QStringLiteral("the server does not allow this method on the requested resource"),
                {},
                {},
                {},
                {}};
    s.hasDetails = false;
    return s;
}

} // namespace rr::test::kubeapi
