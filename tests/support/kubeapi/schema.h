#pragma once

#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace rr::test::kubeapi {

// Field schema dumped from python3-kubernetes (Kubernetes 1.22) plus a short allow-list of newer
// fields. Used for strict decoding: unknown fields and mistyped values.
class Schema final
{
public:
    struct Result
    {
        QStringList unknownFields; // "spec.foo", "spec.template.spec.containers[0].bar"
        QString typeError;         // Go-style decoding message, empty when fine
    };

    bool load(const QString &path, QString *error);
    bool isLoaded() const { return !m_models.isEmpty(); }
    // Validates `object` against `model`; dropUnknown removes unknown fields (fieldValidation=Warn/Ignore).
    Result check(const QString &model, QJsonObject *object, bool dropUnknown) const;

private:
    void walk(const QString &type, QJsonValue *value, const QString &path, const QString &owner,
              const QString &field, bool dropUnknown, Result *result) const;

    QHash<QString, QHash<QString, QString>> m_models;
};

} // namespace rr::test::kubeapi
