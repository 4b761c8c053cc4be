#pragma once

#include "core/error.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace rr::project {

// A YAML value copied out of yaml-cpp with its source location, so later passes
// (interpolation, schema checks, merging, model building) never touch yaml-cpp types.
struct YamlNode
{
    enum class Kind
    {
        Null,
        Scalar,
        Sequence,
        Mapping
    };

    Kind kind = Kind::Null;
    QString scalar;
    bool plain = true; // unquoted scalar: YAML core-schema typing (int, bool, null) applies
    QString tag;       // explicit tag such as "!reset" or "!override"; empty when none
    core::Location where;
    std::vector<YamlNode> children; // sequence items, or mapping values (parallel to keys)
    QStringList keys;               // mapping keys, in file order
    QList<core::Location> keyWhere; // where each mapping key was written

    bool isNull() const { return kind == Kind::Null; }
    bool isScalar() const { return kind == Kind::Scalar; }
    bool isSequence() const { return kind == Kind::Sequence; }
    bool isMapping() const { return kind == Kind::Mapping; }

    // Mapping access; nullptr when absent or when this is not a mapping.
    const YamlNode *get(const QString &key) const;
    YamlNode *get(const QString &key);
    core::Location keyLocation(const QString &key) const;
    void set(const QString &key, YamlNode value, const core::Location &keyAt = {});
    void remove(const QString &key);

    // Core-schema views of a scalar (plain scalars only, except text()).
    QString text() const { return kind == Kind::Scalar ? scalar : QString(); }
    bool isNullLike() const;
    std::optional<bool> toBool() const;
    std::optional<qint64> toInteger() const;
    std::optional<double> toNumber() const;
    QString typeName() const; // "string", "integer", "number", "boolean", "null", "array", "object"

    static YamlNode makeScalar(const QString &text, const core::Location &at, bool plainScalar = false);
    static YamlNode makeMapping(const core::Location &at);
    static YamlNode makeSequence(const core::Location &at);
};

} // namespace rr::project
