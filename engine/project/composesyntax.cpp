#include "project/composesyntax.h"

#include "core/units.h"

#include <QRegularExpression>

namespace rr::project {

using core::ErrorCategory;
using core::Location;

namespace {

core::Unexpected syntaxError(const QString &code, const QString &message, const Location &at)
{
    return core::fail(ErrorCategory::Compose, code, message, at);
}

// "80" or "9000-9001" → [first, last]; false when not a valid port or range.
bool parseRange(const QString &text, int &first, int &last, bool allowZero)
{
    const QStringList parts = text.split(QLatin1Char('-'));
    if (parts.size() > 2)
        return false;
    bool ok1 = false;
    bool ok2 = true;
    first = parts[0].toInt(&ok1);
    last = parts.size() == 2 ? parts[1].toInt(&ok2) : first;
    const int min = allowZero ? 0 : 1;
    return ok1 && ok2 && first >= min && last >= first && last <= 65535;
}

} // namespace

core::Result<PortMapping> ComposeSyntax::parsePort(const YamlNode &node)
{
    PortMapping p;
    p.where = node.where;
    const auto bad = [&](const QString &why) {
        return syntaxError(QStringLiteral("compose.ports.invalid"),
                           QStringLiteral("Invalid port '%1': %2").arg(node.text(), why), node.where);
    };
    if (node.isMapping()) {
        const YamlNode *target = node.get(QStringLiteral("target"));
        if (!target || !parseRange(target->text(), p.target, p.targetEnd, false) || p.target != p.targetEnd)
            return syntaxError(
                QStringLiteral("compose.ports.invalid"),
                QStringLiteral("A long-syntax port needs a numeric 'target' between 1 and 65535"),
                target ? target->where : node.where);
        if (const YamlNode *pub = node.get(QStringLiteral("published")); pub && !pub->text().isEmpty())
            if (!parseRange(pub->text(), p.published, p.publishedEnd, true))
                return syntaxError(QStringLiteral("compose.ports.invalid"),
                                   QStringLiteral("Invalid published port '%1'").arg(pub->text()),
                                   pub->where);
        if (const YamlNode *v = node.get(QStringLiteral("host_ip")))
            p.hostIp = v->text();
        if (const YamlNode *v = node.get(QStringLiteral("protocol")); v && !v->text().isEmpty())
            p.protocol = v->text().toLower();
        if (const YamlNode *v = node.get(QStringLiteral("name")))
            p.name = v->text();
        if (const YamlNode *v = node.get(QStringLiteral("app_protocol")))
            p.appProtocol = v->text();
        if (const YamlNode *v = node.get(QStringLiteral("mode")))
            p.mode = v->text();
        return p;
    }
    if (!node.isScalar())
        return bad(QStringLiteral("expected a string, a number or a mapping"));
    QString spec = node.scalar.trimmed();
    if (const qsizetype slash = spec.lastIndexOf(QLatin1Char('/')); slash >= 0) {
        p.protocol = spec.mid(slash + 1).toLower();
        spec = spec.left(slash);
        if (p.protocol != QLatin1String("tcp") && p.protocol != QLatin1String("udp") &&
            p.protocol != QLatin1String("sctp"))
            return bad(QStringLiteral("protocol must be tcp, udp or sctp"));
    }
    // An IPv6 host address is written in brackets: "[::1]:8080:80".
    if (spec.startsWith(QLatin1Char('['))) {
        const qsizetype close = spec.indexOf(QLatin1String("]:"));
        if (close < 0)
            return bad(QStringLiteral("unterminated IPv6 address"));
        p.hostIp = spec.mid(1, close - 1);
        spec = spec.mid(close + 2);
        if (!spec.contains(QLatin1Char(':')))
            return bad(QStringLiteral("a host address needs HOST:PUBLISHED:TARGET"));
    }
    QStringList parts = spec.split(QLatin1Char(':'));
    if (parts.size() > 3)
        return bad(QStringLiteral("expected [HOST:][PUBLISHED:]TARGET"));
    if (parts.size() == 3) {
        if (!p.hostIp.isEmpty())
            return bad(QStringLiteral("expected [HOST:][PUBLISHED:]TARGET"));
        p.hostIp = parts.takeFirst();
    }
    if (!parseRange(parts.last(), p.target, p.targetEnd, false))
        return bad(QStringLiteral("the container port must be a number or range between 1 and 65535"));
    if (parts.size() == 2 && !parts[0].isEmpty()) {
        if (!parseRange(parts[0], p.published, p.publishedEnd, true))
            return bad(QStringLiteral("the published port must be a number or range between 0 and 65535"));
        const int targetCount = p.targetEnd - p.target;
        const int publishedCount = p.publishedEnd - p.published;
        if (targetCount > 0 && publishedCount != targetCount && publishedCount != 0)
            return bad(QStringLiteral("port ranges must be the same size"));
    }
    return p;
}

core::Result<PortMapping> ComposeSyntax::parseExpose(const YamlNode &node)
{
    PortMapping p;
    p.where = node.where;
    QString spec = node.text().trimmed();
    if (const qsizetype slash = spec.lastIndexOf(QLatin1Char('/')); slash >= 0) {
        p.protocol = spec.mid(slash + 1).toLower();
        spec = spec.left(slash);
    }
    if (!node.isScalar() || !parseRange(spec, p.target, p.targetEnd, false) ||
        (p.protocol != QLatin1String("tcp") && p.protocol != QLatin1String("udp") &&
         p.protocol != QLatin1String("sctp")))
        return syntaxError(
            QStringLiteral("compose.expose.invalid"),
            QStringLiteral("Invalid exposed port '%1': expected PORT[-END][/PROTOCOL]").arg(node.text()),
            node.where);
    return p;
}

QString ComposeSyntax::volumeTarget(const YamlNode &node)
{
    if (node.isMapping()) {
        const YamlNode *t = node.get(QStringLiteral("target"));
        return t ? t->text() : QString();
    }
    const QStringList parts = node.text().split(QLatin1Char(':'));
    return parts.size() >= 2 ? parts[1] : parts.value(0);
}

core::Result<VolumeMount> ComposeSyntax::parseVolume(const YamlNode &node)
{
    VolumeMount v;
    v.where = node.where;
    if (node.isMapping()) {
        const QString type =
            node.get(QStringLiteral("type")) ? node.get(QStringLiteral("type"))->text() : QString();
        static const QMap<QString, VolumeMount::Type> types{
            {QStringLiteral("volume"), VolumeMount::Type::Volume},
            {QStringLiteral("bind"), VolumeMount::Type::Bind},
            {QStringLiteral("tmpfs"), VolumeMount::Type::Tmpfs},
            {QStringLiteral("npipe"), VolumeMount::Type::Npipe},
            {QStringLiteral("cluster"), VolumeMount::Type::Cluster},
            {QStringLiteral("image"), VolumeMount::Type::Image}};
        if (!types.contains(type))
            return syntaxError(QStringLiteral("compose.volumes.invalid"),
                               QStringLiteral("A long-syntax volume needs 'type' (volume, bind, tmpfs, ...)"),
                               node.where);
        v.type = types.value(type);
        if (const YamlNode *s = node.get(QStringLiteral("source")))
            v.source = s->text();
        const YamlNode *t = node.get(QStringLiteral("target"));
        if (!t || t->text().isEmpty())
            return syntaxError(QStringLiteral("compose.volumes.invalid"),
                               QStringLiteral("A long-syntax volume needs a 'target' path"), node.where);
        v.target = t->text();
        if (const YamlNode *ro = node.get(QStringLiteral("read_only")))
            v.readOnly = ro->toBool().value_or(ro->text() == QLatin1String("true"));
        if (const YamlNode *vol = node.get(QStringLiteral("volume")))
            if (const YamlNode *sp = vol->get(QStringLiteral("subpath")))
                v.subpath = sp->text();
        if (const YamlNode *tmpfs = node.get(QStringLiteral("tmpfs")))
            if (const YamlNode *size = tmpfs->get(QStringLiteral("size"))) {
                auto bytes = parseBytes(*size);
                if (!bytes)
                    return core::fail(bytes.error());
                v.tmpfsSize = *bytes;
            }
        if (v.type == VolumeMount::Type::Bind && v.source.isEmpty())
            return syntaxError(QStringLiteral("compose.volumes.invalid"),
                               QStringLiteral("A bind mount needs a 'source' path"), node.where);
        v.anonymous = v.type == VolumeMount::Type::Volume && v.source.isEmpty();
        return v;
    }
    if (!node.isScalar() || node.scalar.isEmpty())
        return syntaxError(QStringLiteral("compose.volumes.invalid"),
                           QStringLiteral("A volume must be a string or a mapping"), node.where);
    const QStringList parts = node.scalar.split(QLatin1Char(':'));
    if (parts.size() > 3)
        return syntaxError(
            QStringLiteral("compose.volumes.invalid"),
            QStringLiteral("Invalid volume '%1': expected [SOURCE:]TARGET[:MODE]").arg(node.scalar),
            node.where);
    if (parts.size() == 1) {
        v.target = parts[0];
        v.anonymous = true;
    } else {
        v.source = parts[0];
        v.target = parts[1];
        const QString first = v.source.left(1);
        if (first == QLatin1String("/") || first == QLatin1String(".") || first == QLatin1String("~") ||
            first == QLatin1String("$"))
            v.type = VolumeMount::Type::Bind;
        if (parts.size() == 3) {
            for (const QString &opt : parts[2].split(QLatin1Char(','))) {
                static const QStringList known{
                    QStringLiteral("ro"),        QStringLiteral("rw"),         QStringLiteral("z"),
                    QStringLiteral("Z"),         QStringLiteral("nocopy"),     QStringLiteral("cached"),
                    QStringLiteral("delegated"), QStringLiteral("consistent"), QStringLiteral("rprivate"),
                    QStringLiteral("private"),   QStringLiteral("rshared"),    QStringLiteral("shared"),
                    QStringLiteral("rslave"),    QStringLiteral("slave")};
                if (!known.contains(opt))
                    return syntaxError(
                        QStringLiteral("compose.volumes.invalid"),
                        QStringLiteral("Unknown volume mode '%1' in '%2'").arg(opt, node.scalar), node.where);
                if (opt == QLatin1String("ro"))
                    v.readOnly = true;
            }
        }
    }
    if (v.target.isEmpty() || (v.type == VolumeMount::Type::Bind && v.source.isEmpty()))
        return syntaxError(QStringLiteral("compose.volumes.invalid"),
                           QStringLiteral("Invalid volume '%1': empty source or target").arg(node.scalar),
                           node.where);
    return v;
}

core::Result<qint64> ComposeSyntax::parseDurationMs(const QString &text, const Location &at)
{
    if (const auto ms = core::units::parseDurationMs(text))
        return *ms;
    return syntaxError(
        QStringLiteral("compose.duration.invalid"),
        QStringLiteral("Invalid duration '%1': use a number with a unit, like 30s, 1m30s or 500ms").arg(text),
        at);
}

core::Result<qint64> ComposeSyntax::parseBytes(const YamlNode &node)
{
    if (const auto i = node.toInteger(); i && *i >= 0)
        return *i;
    if (const auto bytes = core::units::parseByteSize(node.text()); node.isScalar() && bytes)
        return *bytes;
    return syntaxError(
        QStringLiteral("compose.size.invalid"),
        QStringLiteral("Invalid size '%1': use bytes or a unit, like 512m or 1g").arg(node.text()),
        node.where);
}

core::Result<QStringList> ComposeSyntax::splitWords(const QString &text, const Location &at)
{
    QStringList words;
    QString current;
    bool inWord = false;
    QChar quote;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else if (quote == QLatin1Char('"') && c == QLatin1Char('\\') && i + 1 < text.size() &&
                     QStringLiteral("\"\\$`").contains(text[i + 1]))
                current += text[++i];
            else
                current += c;
            continue;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
            inWord = true;
        } else if (c == QLatin1Char('\\') && i + 1 < text.size()) {
            current += text[++i];
            inWord = true;
        } else if (c.isSpace()) {
            if (inWord)
                words << current;
            current.clear();
            inWord = false;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (!quote.isNull())
        return syntaxError(QStringLiteral("compose.command.invalid"),
                           QStringLiteral("Unterminated quote in '%1'").arg(text), at);
    if (inWord)
        words << current;
    return words;
}

} // namespace rr::project
