#include "project/yamlnode.h"

#include <QRegularExpression>

namespace rr::project {

const YamlNode *YamlNode::get(const QString &key) const
{
    if (kind != Kind::Mapping)
        return nullptr;
    const qsizetype i = keys.indexOf(key);
    return i < 0 ? nullptr : &children[size_t(i)];
}

YamlNode *YamlNode::get(const QString &key)
{
    if (kind != Kind::Mapping)
        return nullptr;
    const qsizetype i = keys.indexOf(key);
    return i < 0 ? nullptr : &children[size_t(i)];
}

core::Location YamlNode::keyLocation(const QString &key) const
{
    const qsizetype i = keys.indexOf(key);
    return i < 0 ? where : keyWhere.value(i, where);
}

void YamlNode::set(const QString &key, YamlNode value, const core::Location &keyAt)
{
    kind = Kind::Mapping;
    const qsizetype i = keys.indexOf(key);
    if (i >= 0) {
        children[size_t(i)] = std::move(value);
        return;
    }
    keys.append(key);
    keyWhere.append(keyAt.isValid() ? keyAt : value.where);
    children.push_back(std::move(value));
}

void YamlNode::remove(const QString &key)
{
    const qsizetype i = keys.indexOf(key);
    if (i < 0)
        return;
    keys.removeAt(i);
    keyWhere.removeAt(i);
    children.erase(children.begin() + i);
}

bool YamlNode::isNullLike() const
{
    if (kind == Kind::Null)
        return true;
    if (kind != Kind::Scalar || !plain)
        return false;
    return scalar.isEmpty() || scalar == QLatin1String("~") || scalar == QLatin1String("null") ||
           scalar == QLatin1String("Null") || scalar == QLatin1String("NULL");
}

std::optional<bool> YamlNode::toBool() const
{
    if (kind != Kind::Scalar || !plain)
        return std::nullopt;
    if (scalar == QLatin1String("true") || scalar == QLatin1String("True") || scalar == QLatin1String("TRUE"))
        return true;
    if (scalar == QLatin1String("false") || scalar == QLatin1String("False") ||
        scalar == QLatin1String("FALSE"))
        return false;
    return std::nullopt;
}

std::optional<qint64> YamlNode::toInteger() const
{
    if (kind != Kind::Scalar || !plain || scalar.isEmpty())
        return std::nullopt;
    bool ok = false;
    qint64 v = 0;
    if (scalar.startsWith(QLatin1String("0x")))
        v = scalar.mid(2).toLongLong(&ok, 16);
    else if (scalar.startsWith(QLatin1String("0o")))
        v = scalar.mid(2).toLongLong(&ok, 8);
    else {
        static const QRegularExpression re(QStringLiteral("^[-+]?[0-9]+$"));
        if (re.match(scalar).hasMatch())
            v = scalar.toLongLong(&ok, 10);
    }
    if (!ok)
        return std::nullopt;
    return v;
}

std::optional<double> YamlNode::toNumber() const
{
    if (const auto i = toInteger())
        return double(*i);
    if (kind != Kind::Scalar || !plain)
        return std::nullopt;
    static const QRegularExpression re(
        QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    if (!re.match(scalar).hasMatch())
        return std::nullopt;
    bool ok = false;
    const double v = scalar.toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return v;
}

QString YamlNode::typeName() const
{
    switch (kind) {
    case Kind::Null:
        return QStringLiteral("null");
    case Kind::Sequence:
        return QStringLiteral("array");
    case Kind::Mapping:
        return QStringLiteral("object");
    case Kind::Scalar:
        break;
    }
    if (isNullLike())
        return QStringLiteral("null");
    if (toBool())
        return QStringLiteral("boolean");
    if (toInteger())
        return QStringLiteral("integer");
    if (toNumber())
        return QStringLiteral("number");
    return QStringLiteral("string");
}

YamlNode YamlNode::makeScalar(const QString &text, const core::Location &at, bool plainScalar)
{
    YamlNode n;
    n.kind = Kind::Scalar;
    n.scalar = text;
    n.plain = plainScalar;
    n.where = at;
    return n;
}

YamlNode YamlNode::makeMapping(const core::Location &at)
{
    YamlNode n;
    n.kind = Kind::Mapping;
    n.where = at;
    return n;
}

YamlNode YamlNode::makeSequence(const core::Location &at)
{
    YamlNode n;
    n.kind = Kind::Sequence;
    n.where = at;
    return n;
}

} // namespace rr::project
