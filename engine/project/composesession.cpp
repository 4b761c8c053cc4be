#include "project/composesession.h"

#include "core/logging.h"
#include "project/composemerge.h"
#include "project/composenormalizer.h"
#include "project/composeschema.h"
#include "project/envfile.h"
#include "project/interpolator.h"
#include "project/yamlreader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace rr::project {

using core::ErrorCategory;
using core::Location;

namespace {

bool isInside(const QString &path, const QString &root)
{
    return path == root || path.startsWith(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/'));
}

QStringList stringOrList(const YamlNode *node)
{
    QStringList out;
    if (!node)
        return out;
    if (node->isScalar())
        out << node->scalar;
    for (const YamlNode &c : node->children)
        out << c.text();
    return out;
}

void rebaseDocument(YamlNode &doc, const QString &from, const QString &to)
{
    if (from == to)
        return;
    if (YamlNode *services = doc.get(QStringLiteral("services")))
        for (YamlNode &svc : services->children)
            ComposeNormalizer::rebaseService(svc, from, to);
    for (const char *kind : {"secrets", "configs"})
        if (YamlNode *items = doc.get(QLatin1String(kind)))
            for (YamlNode &item : items->children)
                if (YamlNode *file = item.get(QStringLiteral("file")))
                    file->scalar = ComposeNormalizer::rebasePath(file->scalar, from, to);
}

} // namespace

ComposeSession::ComposeSession(const ComposeLoadOptions &options)
    : m_options(options)
{}

core::Result<void> ComposeSession::init()
{
    const QFileInfo dir(m_options.projectDir);
    if (m_options.projectDir.isEmpty() || !dir.isAbsolute() || !dir.isDir())
        return core::fail(ErrorCategory::Input, QStringLiteral("compose.project_dir"),
                          QStringLiteral("The project folder '%1' does not exist").arg(m_options.projectDir));
    m_root = dir.canonicalFilePath();
    m_main.projectDir = m_root;
    const QString dotEnv = m_root + QStringLiteral("/.env");
    if (QFileInfo::exists(dotEnv)) {
        const Location at{QStringLiteral(".env"), 0, 0};
        auto inside = resolveInside(m_root, QStringLiteral(".env"), at, QStringLiteral("file"));
        if (!inside)
            return core::fail(inside.error());
        auto env = readEnvFile(*inside, m_options.values, at);
        if (!env)
            return core::fail(env.error());
        m_main.variables = *env;
    }
    for (auto it = m_options.values.cbegin(); it != m_options.values.cend(); ++it)
        m_main.variables.insert(it.key(), it.value());
    return {};
}

QStringList ComposeSession::warnings() const
{
    QStringList names(m_unset.begin(), m_unset.end());
    names.sort();
    QStringList out;
    for (const QString &n : names)
        out << QStringLiteral("The %1 variable is not set; using an empty string").arg(n);
    return out;
}

QString ComposeSession::label(const QString &absolutePath) const
{
    const QString rel = QDir(m_root).relativeFilePath(absolutePath);
    return rel.startsWith(QLatin1String("..")) ? absolutePath : rel;
}

core::Result<QString> ComposeSession::resolveInside(const QString &baseDir, const QString &path,
                                                    const Location &where, const QString &what) const
{
    const QString abs = QDir::cleanPath(QDir(baseDir).absoluteFilePath(path));
    bool inside = isInside(abs, m_root);
    if (inside) {
        // Follow symlinks of the deepest existing ancestor: a link may point outside.
        QString probe = abs;
        while (!QFileInfo::exists(probe) && isInside(probe, m_root) && probe != m_root)
            probe = QFileInfo(probe).path();
        const QString canonical = QFileInfo(probe).canonicalFilePath();
        inside = !canonical.isEmpty() && isInside(canonical, m_root);
    }
    if (!inside)
        return core::fail(ErrorCategory::Refused, QStringLiteral("compose.path.outside"),
                          QStringLiteral("The %1 '%2' points outside the project folder; only files inside "
                                         "the repository can be used")
                              .arg(what, path),
                          where);
    return abs;
}

core::Result<QByteArray> ComposeSession::readFile(const QString &absolutePath, const Location &where) const
{
    const QFileInfo info(absolutePath);
    if (!info.exists())
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.file.missing"),
                          QStringLiteral("'%1' does not exist").arg(label(absolutePath)), where);
    if (!info.isFile())
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.file.type"),
                          QStringLiteral("'%1' is not a regular file").arg(label(absolutePath)), where);
    if (info.size() > m_options.maxFileBytes)
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.file.too_large"),
                          QStringLiteral("'%1' is %2 bytes, more than the %3-byte limit for compose files")
                              .arg(label(absolutePath))
                              .arg(info.size())
                              .arg(m_options.maxFileBytes),
                          where);
    if (!m_options.contentPending.isEmpty() &&
        (m_options.contentPending.contains(absolutePath) ||
         m_options.contentPending.contains(info.canonicalFilePath()))) {
        core::Error pending = core::makeError(
            ErrorCategory::Source, QStringLiteral("source.content_pending"),
            QStringLiteral("'%1' has not been read from the repository yet").arg(label(absolutePath)), where);
        pending.details = info.canonicalFilePath();
        return core::fail(pending);
    }
    QFile f(absolutePath);
    if (!f.open(QIODevice::ReadOnly))
        return core::fail(ErrorCategory::Io, QStringLiteral("compose.file.read"),
                          QStringLiteral("Cannot read '%1': %2").arg(label(absolutePath), f.errorString()),
                          where);
    QByteArray bytes = f.read(m_options.maxFileBytes + 1);
    if (bytes.size() > m_options.maxFileBytes)
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.file.too_large"),
                          QStringLiteral("'%1' is larger than the %2-byte limit for compose files")
                              .arg(label(absolutePath))
                              .arg(m_options.maxFileBytes),
                          where);
    return bytes;
}

core::Result<QMap<QString, QString>> ComposeSession::readEnvFile(const QString &absolutePath,
                                                                 const QMap<QString, QString> &lookup,
                                                                 const Location &where) const
{
    auto bytes = readFile(absolutePath, where);
    if (!bytes)
        return core::fail(bytes.error());
    return EnvFile::parse(*bytes, label(absolutePath), lookup);
}

core::Result<void> ComposeSession::interpolate(YamlNode &node, const Scope &scope, int depth)
{
    if (depth > YamlReader::MaxDepth + 5)
        return {};
    if (node.isScalar() && node.scalar.contains(QLatin1Char('$'))) {
        Interpolator interp(scope.variables);
        auto out = interp.interpolate(node.scalar, node.where);
        if (!out)
            return core::fail(out.error());
        node.scalar = *out;
        for (const QString &n : interp.unsetVariables())
            m_unset.insert(n);
        return {};
    }
    for (YamlNode &child : node.children) {
        auto r = interpolate(child, scope, depth + 1);
        if (!r)
            return r;
    }
    return {};
}

core::Result<YamlNode> ComposeSession::parseFile(const QString &absolutePath, const Scope &scope,
                                                 const QString &baseDir)
{
    const QString fileLabel = label(absolutePath);
    auto bytes = readFile(absolutePath, Location{fileLabel, 0, 0});
    if (!bytes)
        return core::fail(bytes.error());
    auto parsed = YamlReader::parse(*bytes, fileLabel);
    if (!parsed)
        return parsed;
    YamlNode doc = std::move(*parsed);
    if (doc.isNull())
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.file.empty"),
                          QStringLiteral("The compose file is empty"), Location{fileLabel, 1, 1});
    if (auto r = interpolate(doc, scope, 0); !r)
        return core::fail(r.error());
    if (auto r = ComposeSchema::validate(doc); !r)
        return core::fail(r.error());
    if (YamlNode *services = doc.get(QStringLiteral("services")))
        for (YamlNode &svc : services->children)
            if (auto r = ComposeNormalizer::normalizeService(svc, scope.variables); !r)
                return core::fail(r.error());
    rebaseDocument(doc, baseDir, scope.projectDir);
    return doc;
}

core::Result<YamlNode> ComposeSession::loadFile(const QString &absolutePath, const Scope &scope)
{
    if (m_includeStack.contains(absolutePath)) {
        QStringList chain;
        for (qsizetype i = m_includeStack.indexOf(absolutePath); i < m_includeStack.size(); ++i)
            chain << label(m_includeStack[i]);
        chain << label(absolutePath);
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.include.cycle"),
                          QStringLiteral("Include cycle: %1").arg(chain.join(QLatin1String(" -> "))),
                          Location{label(m_includeStack.constLast()), 0, 0});
    }
    auto parsed = parseFile(absolutePath, scope, scope.projectDir);
    if (!parsed)
        return parsed;
    YamlNode doc = std::move(*parsed);
    m_includeStack.append(absolutePath);
    auto included = applyIncludes(doc, absolutePath, scope);
    m_includeStack.removeLast();
    if (!included)
        return core::fail(included.error());
    if (auto r = resolveExtends(doc, absolutePath, scope); !r)
        return core::fail(r.error());
    return doc;
}

core::Result<void> ComposeSession::applyIncludes(YamlNode &doc, const QString &file, const Scope &scope)
{
    const YamlNode *includes = doc.get(QStringLiteral("include"));
    if (!includes)
        return {};
    const YamlNode includeCopy = *includes;
    doc.remove(QStringLiteral("include"));
    for (const YamlNode &entry : includeCopy.children) {
        const QStringList paths =
            entry.isScalar() ? QStringList{entry.scalar} : stringOrList(entry.get(QStringLiteral("path")));
        if (paths.isEmpty())
            return core::fail(ErrorCategory::Compose, QStringLiteral("compose.include.invalid"),
                              QStringLiteral("An include entry needs a path"), entry.where);
        QStringList absPaths;
        for (const QString &p : paths) {
            auto abs = resolveInside(scope.projectDir, p, entry.where, QStringLiteral("include path"));
            if (!abs)
                return core::fail(abs.error());
            absPaths << *abs;
        }
        Scope child;
        child.projectDir = QFileInfo(absPaths.first()).path();
        if (const YamlNode *pd = entry.get(QStringLiteral("project_directory"))) {
            auto dir =
                resolveInside(scope.projectDir, pd->text(), pd->where, QStringLiteral("project_directory"));
            if (!dir)
                return core::fail(dir.error());
            child.projectDir = *dir;
        }
        const YamlNode *envFiles = entry.get(QStringLiteral("env_file"));
        QStringList envPaths = stringOrList(envFiles);
        const bool explicitEnv = !envPaths.isEmpty();
        if (!explicitEnv)
            envPaths << child.projectDir + QStringLiteral("/.env");
        for (const QString &p : envPaths) {
            const Location at = envFiles ? envFiles->where : entry.where;
            auto abs = resolveInside(scope.projectDir, p, at, QStringLiteral("include env_file"));
            if (!abs)
                return core::fail(abs.error());
            if (!explicitEnv && !QFileInfo(*abs).isFile())
                continue;
            auto env = readEnvFile(*abs, m_options.values, at);
            if (!env)
                return core::fail(env.error());
            for (auto it = env->cbegin(); it != env->cend(); ++it)
                child.variables.insert(it.key(), it.value());
        }
        for (auto it = m_options.values.cbegin(); it != m_options.values.cend(); ++it)
            child.variables.insert(it.key(), it.value());

        YamlNode merged;
        for (const QString &abs : absPaths) {
            auto loaded = loadFile(abs, child);
            if (!loaded)
                return core::fail(loaded.error());
            if (merged.isNull())
                merged = std::move(*loaded);
            else
                ComposeMerge::mergeDocument(merged, *loaded);
        }
        rebaseDocument(merged, child.projectDir, scope.projectDir);
        for (const char *kind : {"services", "volumes", "networks", "secrets", "configs"}) {
            const YamlNode *from = merged.get(QLatin1String(kind));
            if (!from)
                continue;
            if (!doc.get(QLatin1String(kind)))
                doc.set(QLatin1String(kind), YamlNode::makeMapping(from->where), from->where);
            YamlNode *into = doc.get(QLatin1String(kind));
            for (qsizetype i = 0; i < from->keys.size(); ++i) {
                if (into->get(from->keys[i]))
                    return core::fail(
                        ErrorCategory::Compose, QStringLiteral("compose.include.conflict"),
                        QStringLiteral("%1 '%2' is defined both in %3 and in the included %4")
                            .arg(QLatin1String(kind), from->keys[i], label(file), label(absPaths.first())),
                        into->keyLocation(from->keys[i]));
                into->set(from->keys[i], from->children[size_t(i)], from->keyWhere.value(i));
            }
        }
    }
    return {};
}

core::Result<void> ComposeSession::resolveExtends(YamlNode &doc, const QString &file, const Scope &scope)
{
    YamlNode *services = doc.get(QStringLiteral("services"));
    if (!services)
        return {};
    const QStringList names = services->keys;
    for (const QString &name : names) {
        QStringList stack;
        auto resolved = resolveService(doc, file, name, scope, stack, services->keyLocation(name));
        if (!resolved)
            return core::fail(resolved.error());
    }
    return {};
}

core::Result<YamlNode> ComposeSession::resolveService(YamlNode &doc, const QString &file, const QString &name,
                                                      const Scope &scope, QStringList &stack,
                                                      const Location &from)
{
    YamlNode *services = doc.get(QStringLiteral("services"));
    YamlNode *svc = services ? services->get(name) : nullptr;
    if (!svc)
        return core::fail(
            ErrorCategory::Compose, QStringLiteral("compose.extends.missing"),
            QStringLiteral("extends refers to service '%1', which %2 does not define").arg(name, label(file)),
            from);
    const YamlNode *ext = svc->get(QStringLiteral("extends"));
    if (!ext)
        return *svc;
    const QString key = label(file) + QLatin1Char(':') + name;
    if (stack.contains(key)) {
        QStringList chain = stack.mid(stack.indexOf(key));
        chain << key;
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.extends.cycle"),
                          QStringLiteral("extends cycle: %1").arg(chain.join(QLatin1String(" -> "))),
                          ext->where);
    }
    if (stack.size() > 64)
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.extends.depth"),
                          QStringLiteral("extends chain is too long"), ext->where);
    stack << key;
    const YamlNode *serviceNode = ext->get(QStringLiteral("service"));
    const QString baseName = ext->isScalar() ? ext->scalar : (serviceNode ? serviceNode->text() : QString());
    const YamlNode *baseFileNode = ext->get(QStringLiteral("file"));
    const Location extAt = ext->where;

    YamlNode base;
    if (baseFileNode) {
        auto abs = resolveInside(QFileInfo(file).path(), baseFileNode->text(), baseFileNode->where,
                                 QStringLiteral("extends file"));
        if (!abs)
            return core::fail(abs.error());
        const QString cacheKey = scope.projectDir + QLatin1Char('|') + *abs;
        if (!m_extendsCache.contains(cacheKey)) {
            // Paths in an extended file are relative to that file's folder.
            auto parsed = parseFile(*abs, scope, QFileInfo(*abs).path());
            if (!parsed)
                return parsed;
            m_extendsCache.insert(cacheKey, std::move(*parsed));
        }
        YamlNode &baseDoc = m_extendsCache[cacheKey];
        auto resolved = resolveService(baseDoc, *abs, baseName, scope, stack, extAt);
        if (!resolved)
            return resolved;
        base = std::move(*resolved);
    } else {
        auto resolved = resolveService(doc, file, baseName, scope, stack, extAt);
        if (!resolved)
            return resolved;
        base = std::move(*resolved);
    }
    stack.removeLast();

    // Look the service up again: resolving the base may have rewritten `doc`.
    svc = doc.get(QStringLiteral("services"))->get(name);
    YamlNode own = *svc;
    own.remove(QStringLiteral("extends"));
    base.remove(QStringLiteral("extends"));
    ComposeMerge::mergeService(base, own);
    base.where = own.where;
    *svc = base;
    return base;
}

} // namespace rr::project
