#include "ipc/paramvalidator.h"

#include "ipc/protocol.h"
#include "ipc/protocolschema.h"

#include <QJsonArray>

#include <cmath>

namespace rr::ipc {

using core::ErrorCategory;
using schema::Field;
using schema::FieldType;

namespace {

QString describe(const Field &f)
{
    switch (f.type) {
    case FieldType::String:
        return QStringLiteral("a non-empty string");
    case FieldType::Text:
        return QStringLiteral("a string");
    case FieldType::Bool:
        return QStringLiteral("true or false");
    case FieldType::Count:
        return QStringLiteral("a non-negative integer");
    case FieldType::Object:
        return QStringLiteral("an object");
    case FieldType::Strings:
        return QStringLiteral("an array of non-empty strings");
    case FieldType::StringMap:
        return QStringLiteral("an object of strings");
    case FieldType::Enum: {
        QStringList values;
        for (const char *const *v = f.values; v && *v; ++v)
            values.append(QLatin1String(*v));
        return QStringLiteral("one of %1").arg(values.join(QStringLiteral(", ")));
    }
    }
    return {};
}

bool matches(const QJsonValue &value, const Field &f)
{
    switch (f.type) {
    case FieldType::String:
        return value.isString() && !value.toString().isEmpty();
    case FieldType::Text:
        return value.isString();
    case FieldType::Bool:
        return value.isBool();
    case FieldType::Count: {
        const double d = value.toDouble(-1);
        return value.isDouble() && d >= 0 && d <= 2147483647.0 && std::trunc(d) == d;
    }
    case FieldType::Object:
        return value.isObject(); // a described shape is checked field by field afterwards
    case FieldType::Strings: {
        if (!value.isArray())
            return false;
        const QJsonArray array = value.toArray();
        for (const QJsonValue &item : array) {
            if (!item.isString() || item.toString().isEmpty())
                return false;
        }
        return true;
    }
    case FieldType::StringMap: {
        if (!value.isObject())
            return false;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isString())
                return false;
        }
        return true;
    }
    case FieldType::Enum:
        for (const char *const *v = f.values; v && *v; ++v) {
            if (value.isString() && value.toString() == QLatin1String(*v))
                return true;
        }
        return false;
    }
    return false;
}

// Checks `object` against a field list; `where` names it in messages ("start", "start.options").
core::Result<void> check(const QString &where, const Field *fields, const QJsonObject &object)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        bool known = false;
        for (const Field *f = fields; f->name; ++f)
            known = known || it.key() == QLatin1String(f->name);
        if (!known) {
            return core::fail(
                ErrorCategory::Input, code::BadParams,
                QStringLiteral("\"%1\" does not take a parameter \"%2\".").arg(where, it.key().left(64)));
        }
    }
    for (const Field *f = fields; f->name; ++f) {
        const QJsonValue value = object.value(QLatin1String(f->name));
        if (value.isUndefined()) {
            if (f->required) {
                return core::fail(
                    ErrorCategory::Input, code::BadParams,
                    QStringLiteral("\"%1\" needs the parameter \"%2\".").arg(where, QLatin1String(f->name)));
            }
            continue;
        }
        if (!matches(value, *f)) {
            return core::fail(ErrorCategory::Input, code::BadParams,
                              QStringLiteral("The parameter \"%1\" of \"%2\" must be %3.")
                                  .arg(QLatin1String(f->name), where, describe(*f)));
        }
        if (f->type == FieldType::Object && f->fields) {
            if (auto nested =
                    check(where + QLatin1Char('.') + QLatin1String(f->name), f->fields, value.toObject());
                !nested)
                return nested;
        }
    }
    return {};
}

} // namespace

core::Result<void> ParamValidator::validate(const QString &method, const QJsonObject &params)
{
    for (const schema::MethodSchema &m : schema::k_methods) {
        if (method == QLatin1String(m.name))
            return check(method, m.params, params);
    }
    return core::fail(ErrorCategory::Input, code::UnknownMethod,
                      QStringLiteral("Unknown method \"%1\"; known methods: %2.")
                          .arg(method.left(64), knownMethods().join(QStringLiteral(", "))));
}

} // namespace rr::ipc
