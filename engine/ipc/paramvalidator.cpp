#include "ipc/paramvalidator.h"

#include "ipc/protocol.h"

#include <QJsonArray>

#include <cmath>

namespace rr::ipc {

using core::ErrorCategory;

namespace {

enum class Type
{
    String, // non-empty string
    Bool,
    Count, // non-negative integer
    Object,
    StringArray, // array of non-empty strings
};

struct Field
{
    const char *name = nullptr; // nullptr ends a schema's field list
    Type type = Type::String;
    bool required = false;
};

struct Schema
{
    QLatin1String method;
    Field fields[6];
};

// Where a repository comes from: a GitHub URL or a local path, plus an optional ref and subfolder.
#define RR_SOURCE_FIELDS                                                                                     \
    {"source", Type::String, true}, {"ref", Type::String, false},                                            \
    {                                                                                                        \
        "path", Type::String, false                                                                          \
    }

const Schema kSchemas[] = {
    {method::Hello, {{"client", Type::String, false}, {"version", Type::Count, false}}},
    {method::Detect, {RR_SOURCE_FIELDS}},
    {method::Plan, {RR_SOURCE_FIELDS, {"options", Type::Object, false}}},
    {method::Start, {RR_SOURCE_FIELDS, {"options", Type::Object, false}}},
    {method::Stop, {{"runId", Type::String, true}, {"remove", Type::Bool, false}}},
    {method::List, {}},
    {method::Get, {{"runId", Type::String, true}}},
    {method::Subscribe, {{"runs", Type::StringArray, false}, {"logs", Type::Bool, false}}},
    {method::Logs,
     {{"runId", Type::String, true},
      {"service", Type::String, false},
      {"from", Type::Count, false},
      {"count", Type::Count, false},
      {"follow", Type::Bool, false}}},
    {method::OpenPreview,
     {{"runId", Type::String, true}, {"service", Type::String, false}, {"port", Type::Count, false}}},
    {method::Settings, {{"set", Type::Object, false}}},
};

#undef RR_SOURCE_FIELDS

QString typeName(Type type)
{
    switch (type) {
    case Type::String:
        return QStringLiteral("a non-empty string");
    case Type::Bool:
        return QStringLiteral("true or false");
    case Type::Count:
        return QStringLiteral("a non-negative integer");
    case Type::Object:
        return QStringLiteral("an object");
    case Type::StringArray:
        return QStringLiteral("an array of non-empty strings");
    }
    return {};
}

bool matches(const QJsonValue &value, Type type)
{
    switch (type) {
    case Type::String:
        return value.isString() && !value.toString().isEmpty();
    case Type::Bool:
        return value.isBool();
    case Type::Count: {
        const double d = value.toDouble(-1);
        return value.isDouble() && d >= 0 && d <= 2147483647.0 && std::trunc(d) == d;
    }
    case Type::Object:
        return value.isObject();
    case Type::StringArray: {
        if (!value.isArray())
            return false;
        const QJsonArray array = value.toArray();
        for (const QJsonValue &item : array) {
            if (!item.isString() || item.toString().isEmpty())
                return false;
        }
        return true;
    }
    }
    return false;
}

} // namespace

core::Result<void> ParamValidator::validate(const QString &method, const QJsonObject &params)
{
    const Schema *schema = nullptr;
    for (const Schema &s : kSchemas) {
        if (s.method == method)
            schema = &s;
    }
    if (!schema) {
        return core::fail(ErrorCategory::Input, code::UnknownMethod,
                          QStringLiteral("Unknown method \"%1\"; known methods: %2.")
                              .arg(method.left(64), knownMethods().join(QStringLiteral(", "))));
    }
    for (auto it = params.begin(); it != params.end(); ++it) {
        bool known = false;
        for (const Field &f : schema->fields)
            known = known || (f.name && it.key() == QLatin1String(f.name));
        if (!known) {
            return core::fail(
                ErrorCategory::Input, code::BadParams,
                QStringLiteral("\"%1\" does not take a parameter \"%2\".").arg(method, it.key().left(64)));
        }
    }
    for (const Field &f : schema->fields) {
        if (!f.name)
            break;
        const QJsonValue value = params.value(QLatin1String(f.name));
        if (value.isUndefined()) {
            if (f.required) {
                return core::fail(
                    ErrorCategory::Input, code::BadParams,
                    QStringLiteral("\"%1\" needs the parameter \"%2\".").arg(method, QLatin1String(f.name)));
            }
            continue;
        }
        if (!matches(value, f.type)) {
            return core::fail(ErrorCategory::Input, code::BadParams,
                              QStringLiteral("The parameter \"%1\" of \"%2\" must be %3.")
                                  .arg(QLatin1String(f.name), method, typeName(f.type)));
        }
    }
    return {};
}

} // namespace rr::ipc
