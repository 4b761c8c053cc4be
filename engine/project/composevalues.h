#pragma once

#include "core/result.h"
#include "project/composesyntax.h"
#include "project/yamlnode.h"

#include <optional>

// Typed views of YamlNode values for ServiceBuilder (internal to the compose loader).
namespace rr::project::values {

using core::ErrorCategory;

inline core::Unexpected typeError(const QString &what, const QString &expected, const YamlNode &node)
{
    return core::fail(ErrorCategory::Compose, QStringLiteral("compose.value.invalid"),
                      QStringLiteral("%1 must be %2, not '%3'").arg(what, expected, node.text()), node.where);
}

inline core::Result<bool> toBool(const YamlNode &node, const QString &what)
{
    if (const auto b = node.toBool())
        return *b;
    const QString t = node.text().toLower();
    if (t == QLatin1String("true"))
        return true;
    if (t == QLatin1String("false"))
        return false;
    return typeError(what, QStringLiteral("true or false"), node);
}

inline core::Result<qint64> toInt(const YamlNode &node, const QString &what)
{
    if (const auto i = node.toInteger())
        return *i;
    bool ok = false;
    const qint64 v = node.text().trimmed().toLongLong(&ok);
    if (!ok)
        return typeError(what, QStringLiteral("a whole number"), node);
    return v;
}

inline core::Result<double> toDouble(const YamlNode &node, const QString &what)
{
    bool ok = false;
    const double v = node.text().trimmed().toDouble(&ok);
    if (!ok || v < 0)
        return typeError(what, QStringLiteral("a positive number"), node);
    return v;
}

inline QStringList toList(const YamlNode *node)
{
    QStringList out;
    if (!node)
        return out;
    if (node->isScalar())
        out << node->scalar;
    for (const YamlNode &c : node->children)
        if (c.isScalar())
            out << c.scalar;
    return out;
}

inline QMap<QString, QString> toMap(const YamlNode *node)
{
    QMap<QString, QString> out;
    if (!node || !node->isMapping())
        return out;
    for (qsizetype i = 0; i < node->keys.size(); ++i)
        if (!node->children[size_t(i)].isNull())
            out.insert(node->keys[i], node->children[size_t(i)].text());
    return out;
}

inline core::Result<std::optional<QStringList>> toCommand(const YamlNode *node)
{
    if (!node || node->isNull())
        return std::optional<QStringList>();
    if (node->isScalar()) {
        auto words = ComposeSyntax::splitWords(node->scalar, node->where);
        if (!words)
            return core::fail(words.error());
        return std::optional<QStringList>(*words);
    }
    return std::optional<QStringList>(toList(node));
}

inline QString text(const YamlNode &node, const char *key)
{
    const YamlNode *v = node.get(QLatin1String(key));
    return v ? v->text() : QString();
}

#define RR_COMPOSE_TRY(expr)                                                                                 \
    do {                                                                                                     \
        auto rrResult_ = (expr);                                                                             \
        if (!rrResult_)                                                                                      \
            return core::fail(rrResult_.error());                                                            \
    } while (false)

} // namespace rr::project::values
