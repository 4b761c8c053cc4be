#pragma once

#include "resourcetype.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace rr::test::kubeapi {

// A field-level cause inside Status.details.causes.
struct StatusCause
{
    QString reason;
    QString message;
    QString field;
};

// A failed API call, rendered as the apiserver's metav1.Status body.
struct ApiStatus
{
    int code = 500;
    QString reason;
    QString message;
    QString name;
    QString group;
    QString kind;
    QList<StatusCause> causes;
    bool hasDetails = true;

    QJsonObject toJson() const;
    QByteArray body() const;

    static ApiStatus notFound(const ResourceType &type, const QString &name);
    static ApiStatus alreadyExists(const ResourceType &type, const QString &name);
    static ApiStatus conflict(const ResourceType &type, const QString &name, const QString &why);
    static ApiStatus badRequest(const QString &message);
    static ApiStatus forbidden(const ResourceType &type, const QString &name, const QString &why,
                               const QList<StatusCause> &causes = {});
    static ApiStatus invalid(const ResourceType &type, const QString &name, const QList<StatusCause> &causes);
    static ApiStatus expired(const QString &message);
    static ApiStatus methodNotAllowed();
};

} // namespace rr::test::kubeapi
