#include "project/composenormalizer.h"

#include "project/composesyntax.h"

#include <QDir>

namespace rr::project {

using core::ErrorCategory;

namespace {

enum class BareName
{
    Lookup, // `- FOO` takes FOO from the variables, else stays unset
    Empty   // `- foo` means foo=""
};

// list_or_dict → mapping of strings (null kept where a bare name has no value).
void listOrDictToMap(YamlNode &node, const QMap<QString, QString> &vars, BareName bare)
{
    if (node.isSequence()) {
        YamlNode map = YamlNode::makeMapping(node.where);
        for (const YamlNode &item : node.children) {
            const QString text = item.text();
            const qsizetype eq = text.indexOf(QLatin1Char('='));
            if (eq >= 0)
                map.set(text.left(eq), YamlNode::makeScalar(text.mid(eq + 1), item.where), item.where);
            else if (bare == BareName::Empty)
                map.set(text, YamlNode::makeScalar(QString(), item.where), item.where);
            else if (vars.contains(text))
                map.set(text, YamlNode::makeScalar(vars.value(text), item.where), item.where);
            else {
                YamlNode null;
                null.where = item.where;
                map.set(text, null, item.where);
            }
        }
        node = std::move(map);
        return;
    }
    if (!node.isMapping())
        return;
    for (qsizetype i = 0; i < node.keys.size(); ++i) {
        YamlNode &value = node.children[size_t(i)];
        if (value.isNullLike()) {
            if (bare == BareName::Lookup && vars.contains(node.keys[i]))
                value = YamlNode::makeScalar(vars.value(node.keys[i]), value.where);
            else if (bare == BareName::Empty)
                value = YamlNode::makeScalar(QString(), value.where);
            else
                value.kind = YamlNode::Kind::Null;
        } else if (value.isScalar())
            value.plain = false; // values are text from here on
    }
}

void stringToList(YamlNode &node)
{
    if (node.isScalar()) {
        YamlNode list = YamlNode::makeSequence(node.where);
        list.children.push_back(node);
        node = std::move(list);
    }
}

bool isRelative(const QString &path)
{
    return !path.isEmpty() && !path.startsWith(QLatin1Char('/')) && !path.startsWith(QLatin1Char('~')) &&
           !path.contains(QLatin1String("://"));
}

} // namespace

core::Result<void> ComposeNormalizer::normalizeService(YamlNode &service,
                                                       const QMap<QString, QString> &variables)
{
    if (!service.isMapping())
        return {};
    if (YamlNode *env = service.get(QStringLiteral("environment")))
        listOrDictToMap(*env, variables, BareName::Lookup);
    for (const char *key : {"labels", "annotations", "sysctls"})
        if (YamlNode *n = service.get(QLatin1String(key)))
            listOrDictToMap(*n, variables, BareName::Empty);
    if (YamlNode *hosts = service.get(QStringLiteral("extra_hosts")); hosts && hosts->isSequence()) {
        YamlNode map = YamlNode::makeMapping(hosts->where);
        for (const YamlNode &item : hosts->children) {
            const QString text = item.text();
            qsizetype sep = text.indexOf(QLatin1Char('='));
            if (sep < 0)
                sep = text.indexOf(QLatin1Char(':'));
            if (sep < 0)
                return core::fail(
                    ErrorCategory::Compose, QStringLiteral("compose.extra_hosts.invalid"),
                    QStringLiteral("Invalid extra_hosts entry '%1': expected HOST:IP").arg(text), item.where);
            map.set(text.left(sep), YamlNode::makeScalar(text.mid(sep + 1), item.where), item.where);
        }
        *hosts = std::move(map);
    }
    if (YamlNode *deps = service.get(QStringLiteral("depends_on")); deps && deps->isSequence()) {
        YamlNode map = YamlNode::makeMapping(deps->where);
        for (const YamlNode &item : deps->children) {
            YamlNode dep = YamlNode::makeMapping(item.where);
            dep.set(QStringLiteral("condition"),
                    YamlNode::makeScalar(QStringLiteral("service_started"), item.where));
            map.set(item.text(), dep, item.where);
        }
        *deps = std::move(map);
    }
    if (YamlNode *nets = service.get(QStringLiteral("networks")); nets && nets->isSequence()) {
        YamlNode map = YamlNode::makeMapping(nets->where);
        for (const YamlNode &item : nets->children) {
            YamlNode null;
            null.where = item.where;
            map.set(item.text(), null, item.where);
        }
        *nets = std::move(map);
    }
    if (YamlNode *build = service.get(QStringLiteral("build"))) {
        if (build->isScalar()) {
            YamlNode map = YamlNode::makeMapping(build->where);
            map.set(QStringLiteral("context"), *build);
            *build = std::move(map);
        }
        if (YamlNode *args = build->get(QStringLiteral("args")))
            listOrDictToMap(*args, variables, BareName::Lookup);
        for (const char *key : {"labels", "additional_contexts"})
            if (YamlNode *n = build->get(QLatin1String(key)))
                listOrDictToMap(*n, variables, BareName::Empty);
    }
    if (YamlNode *files = service.get(QStringLiteral("env_file"))) {
        stringToList(*files);
        for (YamlNode &item : files->children) {
            if (item.isScalar()) {
                YamlNode entry = YamlNode::makeMapping(item.where);
                entry.set(QStringLiteral("path"), item);
                item = std::move(entry);
            }
        }
    }
    for (const char *key : {"dns", "dns_search", "tmpfs"})
        if (YamlNode *n = service.get(QLatin1String(key)))
            stringToList(*n);
    return {};
}

QString ComposeNormalizer::rebasePath(const QString &path, const QString &fromDir, const QString &toDir)
{
    if (!isRelative(path) || fromDir == toDir)
        return path;
    const QString abs = QDir::cleanPath(fromDir + QLatin1Char('/') + path);
    QString rel = QDir(toDir).relativeFilePath(abs);
    if (rel.isEmpty())
        rel = QStringLiteral(".");
    if (!rel.startsWith(QLatin1Char('.')))
        rel = QStringLiteral("./") + rel;
    return rel;
}

void ComposeNormalizer::rebaseService(YamlNode &service, const QString &fromDir, const QString &toDir)
{
    if (fromDir == toDir || !service.isMapping())
        return;
    if (YamlNode *build = service.get(QStringLiteral("build")))
        if (YamlNode *ctx = build->get(QStringLiteral("context")))
            ctx->scalar = rebasePath(ctx->scalar, fromDir, toDir);
    if (YamlNode *files = service.get(QStringLiteral("env_file")))
        for (YamlNode &item : files->children)
            if (YamlNode *p = item.get(QStringLiteral("path")))
                p->scalar = rebasePath(p->scalar, fromDir, toDir);
    if (YamlNode *vols = service.get(QStringLiteral("volumes"))) {
        for (YamlNode &item : vols->children) {
            if (item.isScalar()) {
                const qsizetype colon = item.scalar.indexOf(QLatin1Char(':'));
                if (colon > 0 && item.scalar.startsWith(QLatin1Char('.')))
                    item.scalar =
                        rebasePath(item.scalar.left(colon), fromDir, toDir) + item.scalar.mid(colon);
            } else if (item.isMapping()) {
                const YamlNode *type = item.get(QStringLiteral("type"));
                YamlNode *src = item.get(QStringLiteral("source"));
                if (type && src && type->text() == QLatin1String("bind"))
                    src->scalar = rebasePath(src->scalar, fromDir, toDir);
            }
        }
    }
}

} // namespace rr::project
