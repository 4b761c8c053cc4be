#include "project/composeschema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>
#include <optional>

namespace rr::project {

using core::ErrorCategory;

namespace {

const char *const kSchemaParts[] = {
#include "composespec.json.inc"
};

const QJsonObject &schemaRoot()
{
    static const QJsonObject root = [] {
        QByteArray text;
        for (const char *part : kSchemaParts)
            text += part;
        return QJsonDocument::fromJson(text).object();
    }();
    return root;
}

const QRegularExpression &cachedRegex(const QString &pattern)
{
    // Patterns come from the embedded schema only, so this cache stays small.
    static thread_local QHash<QString, QRegularExpression> cache;
    auto it = cache.find(pattern);
    if (it == cache.end())
        it = cache.insert(pattern, QRegularExpression(pattern));
    return *it;
}

QJsonObject resolve(QJsonObject schema)
{
    for (int guard = 0; guard < 16 && schema.contains(QLatin1String("$ref")); ++guard) {
        const QString ref = schema.value(QLatin1String("$ref")).toString();
        const QString prefix = QStringLiteral("#/definitions/");
        if (!ref.startsWith(prefix))
            return {};
        schema = schemaRoot()
                     .value(QLatin1String("definitions"))
                     .toObject()
                     .value(ref.mid(prefix.size()))
                     .toObject();
    }
    return schema;
}

QStringList typesOf(const QJsonObject &schema)
{
    const QJsonValue t = schema.value(QLatin1String("type"));
    QStringList out;
    if (t.isString())
        out << t.toString();
    else
        for (const QJsonValue &v : t.toArray())
            out << v.toString();
    return out;
}

bool typeMatches(const YamlNode &node, const QString &type)
{
    const QString actual = node.typeName();
    if (actual == type)
        return true;
    if (type == QLatin1String("number"))
        return actual == QLatin1String("integer");
    if (type == QLatin1String("integer"))
        if (const auto n = node.toNumber(); n && actual == QLatin1String("number"))
            return std::abs(*n) < 9e15 && *n == std::floor(*n);
    // YAML authors write `user: 1000` or `version: 3.8`; numbers read as strings where
    // the spec wants text (compose does the same after decoding).
    if (type == QLatin1String("string"))
        return actual == QLatin1String("integer") || actual == QLatin1String("number");
    return false;
}

QString article(const QString &type)
{
    return (type.startsWith(QLatin1Char('a')) || type.startsWith(QLatin1Char('i')) ? QStringLiteral("an ")
                                                                                   : QStringLiteral("a ")) +
           type;
}

QString describeTypes(const QStringList &types)
{
    QStringList named;
    for (const QString &t : types)
        named << (t == QLatin1String("object")  ? QStringLiteral("mapping")
                  : t == QLatin1String("array") ? QStringLiteral("list")
                                                : t);
    named.removeDuplicates();
    return named.join(QLatin1String(" or "));
}

QString describeNode(const YamlNode &node)
{
    const QString t = node.typeName();
    if (t == QLatin1String("object"))
        return QStringLiteral("a mapping");
    if (t == QLatin1String("array"))
        return QStringLiteral("a list");
    return article(t);
}

QString childPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

class Validator
{
public:
    std::optional<core::Error> check(const YamlNode &node, const QJsonObject &rawSchema, const QString &path,
                                     int depth)
    {
        if (depth > 200)
            return std::nullopt;
        const QJsonObject schema = resolve(rawSchema);
        const QString where = path.isEmpty() ? QStringLiteral("the top level") : path;

        const QStringList types = typesOf(schema);
        if (!types.isEmpty()) {
            bool any = false;
            for (const QString &t : types)
                any = any || typeMatches(node, t);
            if (!any)
                return error(QStringLiteral("compose.schema.type"),
                             QStringLiteral("%1 must be %2, not %3")
                                 .arg(where, article(describeTypes(types)), describeNode(node)),
                             node.where);
        }

        const QJsonArray oneOf = schema.contains(QLatin1String("oneOf"))
                                     ? schema.value(QLatin1String("oneOf")).toArray()
                                     : schema.value(QLatin1String("anyOf")).toArray();
        if (!oneOf.isEmpty()) {
            // Branches are treated as anyOf: they overlap once numbers are also accepted as text.
            std::optional<core::Error> best;
            QStringList expected;
            for (const QJsonValue &branchValue : oneOf) {
                const QJsonObject branch = resolve(branchValue.toObject());
                const QStringList btypes = typesOf(branch);
                expected << btypes;
                auto err = check(node, branch, path, depth + 1);
                if (!err)
                    return std::nullopt;
                bool typeOk = btypes.isEmpty();
                for (const QString &t : btypes)
                    typeOk = typeOk || typeMatches(node, t);
                if (typeOk && !best)
                    best = err;
            }
            if (best)
                return best;
            return error(QStringLiteral("compose.schema.type"),
                         QStringLiteral("%1 must be %2, not %3")
                             .arg(where, article(describeTypes(expected)), describeNode(node)),
                         node.where);
        }

        if (schema.contains(QLatin1String("enum")) && node.isScalar()) {
            QStringList allowed;
            for (const QJsonValue &v : schema.value(QLatin1String("enum")).toArray())
                allowed << (v.isString() ? v.toString() : QString::number(v.toDouble()));
            if (!allowed.contains(node.scalar))
                return error(QStringLiteral("compose.schema.value"),
                             QStringLiteral("%1 must be one of %2, not '%3'")
                                 .arg(where, allowed.join(QLatin1String(", ")), node.scalar),
                             node.where);
        }
        if (schema.contains(QLatin1String("pattern")) && node.isScalar()) {
            const QString pattern = schema.value(QLatin1String("pattern")).toString();
            if (!cachedRegex(pattern).match(node.scalar).hasMatch())
                return error(QStringLiteral("compose.schema.value"),
                             QStringLiteral("%1 has an invalid value '%2'").arg(where, node.scalar),
                             node.where);
        }
        if (const auto number = node.toNumber()) {
            if (schema.contains(QLatin1String("minimum")) &&
                *number < schema.value(QLatin1String("minimum")).toDouble())
                return error(
                    QStringLiteral("compose.schema.value"),
                    QStringLiteral("%1 must be at least %2")
                        .arg(where, QString::number(schema.value(QLatin1String("minimum")).toDouble())),
                    node.where);
            if (schema.contains(QLatin1String("maximum")) &&
                *number > schema.value(QLatin1String("maximum")).toDouble())
                return error(
                    QStringLiteral("compose.schema.value"),
                    QStringLiteral("%1 must be at most %2")
                        .arg(where, QString::number(schema.value(QLatin1String("maximum")).toDouble())),
                    node.where);
        }

        if (node.isMapping())
            return checkMapping(node, schema, path, depth);
        if (node.isSequence())
            return checkSequence(node, schema, path, depth);
        return std::nullopt;
    }

private:
    std::optional<core::Error> checkMapping(const YamlNode &node, const QJsonObject &schema,
                                            const QString &path, int depth)
    {
        const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
        const QJsonObject patterns = schema.value(QLatin1String("patternProperties")).toObject();
        const QJsonValue additional = schema.value(QLatin1String("additionalProperties"));
        for (qsizetype i = 0; i < node.keys.size(); ++i) {
            const QString &key = node.keys[i];
            const YamlNode &value = node.children[size_t(i)];
            const QString sub = childPath(path, key);
            bool known = false;
            if (props.contains(key)) {
                known = true;
                if (auto err = check(value, props.value(key).toObject(), sub, depth + 1))
                    return err;
            }
            for (auto it = patterns.begin(); it != patterns.end(); ++it) {
                if (!cachedRegex(it.key()).match(key).hasMatch())
                    continue;
                known = true;
                if (auto err = check(value, it.value().toObject(), sub, depth + 1))
                    return err;
            }
            if (known)
                continue;
            if (additional.isBool() && !additional.toBool()) {
                const QString owner =
                    path.isEmpty() ? QStringLiteral("at the top level") : QStringLiteral("in ") + path;
                return error(QStringLiteral("compose.schema.unknown_key"),
                             QStringLiteral("Unknown key '%1' %2").arg(key, owner), node.keyWhere.value(i));
            }
            if (additional.isObject())
                if (auto err = check(value, additional.toObject(), sub, depth + 1))
                    return err;
        }
        const QJsonValue required = schema.value(QLatin1String("required"));
        if (required.isArray())
            for (const QJsonValue &r : required.toArray())
                if (!node.get(r.toString()))
                    return error(
                        QStringLiteral("compose.schema.required"),
                        QStringLiteral("%1 needs the key '%2'")
                            .arg(path.isEmpty() ? QStringLiteral("The top level") : path, r.toString()),
                        node.where);
        return std::nullopt;
    }

    std::optional<core::Error> checkSequence(const YamlNode &node, const QJsonObject &schema,
                                             const QString &path, int depth)
    {
        const QJsonObject items = schema.value(QLatin1String("items")).toObject();
        QStringList seen;
        for (size_t i = 0; i < node.children.size(); ++i) {
            const YamlNode &item = node.children[i];
            if (!items.isEmpty())
                if (auto err = check(item, items, path + QStringLiteral("[%1]").arg(i), depth + 1))
                    return err;
            if (schema.value(QLatin1String("uniqueItems")).toBool() && item.isScalar()) {
                if (seen.contains(item.scalar))
                    return error(QStringLiteral("compose.schema.duplicate"),
                                 QStringLiteral("%1 lists '%2' more than once").arg(path, item.scalar),
                                 item.where);
                seen << item.scalar;
            }
        }
        return std::nullopt;
    }

    static core::Error error(const QString &code, const QString &message, const core::Location &where)
    {
        return core::makeError(ErrorCategory::Compose, code, message, where);
    }
};

} // namespace

core::Result<void> ComposeSchema::validate(const YamlNode &document)
{
    Validator v;
    if (auto err = v.check(document, schemaRoot(), QString(), 0))
        return core::fail(*err);
    return {};
}

} // namespace rr::project
