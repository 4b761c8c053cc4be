#pragma once

#include "core/result.h"
#include "project/composeloader.h"
#include "project/yamlnode.h"

#include <QHash>
#include <QSet>

namespace rr::project {

// One load of a compose project (internal to ComposeLoader): file access confined to the
// project directory, per-file parsing with interpolation and schema checks, `include`
// and `extends` resolution with cycle detection.
class ComposeSession final
{
public:
    // The folder relative paths resolve against and the variables interpolation sees.
    struct Scope
    {
        QString projectDir; // canonical absolute
        QMap<QString, QString> variables;
    };

    explicit ComposeSession(const ComposeLoadOptions &options);

    core::Result<void> init();
    const Scope &mainScope() const { return m_main; }
    const QString &root() const { return m_root; }
    QStringList warnings() const;

    // A path relative to the project root for messages and locations.
    QString label(const QString &absolutePath) const;
    // Resolves `path` against `baseDir`; refuses anything outside the project directory
    // (`..`, absolute paths, symlinks pointing out).
    core::Result<QString> resolveInside(const QString &baseDir, const QString &path,
                                        const core::Location &where, const QString &what) const;
    core::Result<QByteArray> readFile(const QString &absolutePath, const core::Location &where) const;
    core::Result<QMap<QString, QString>> readEnvFile(const QString &absolutePath,
                                                     const QMap<QString, QString> &lookup,
                                                     const core::Location &where) const;

    // A compose file with includes and extends resolved; paths rebased to scope.projectDir.
    core::Result<YamlNode> loadFile(const QString &absolutePath, const Scope &scope);

private:
    core::Result<YamlNode> parseFile(const QString &absolutePath, const Scope &scope, const QString &baseDir);
    core::Result<void> interpolate(YamlNode &node, const Scope &scope, int depth);
    core::Result<void> applyIncludes(YamlNode &doc, const QString &file, const Scope &scope);
    core::Result<void> resolveExtends(YamlNode &doc, const QString &file, const Scope &scope);
    core::Result<YamlNode> resolveService(YamlNode &doc, const QString &file, const QString &name,
                                          const Scope &scope, QStringList &stack, const core::Location &from);

    ComposeLoadOptions m_options;
    QString m_root;
    Scope m_main;
    QStringList m_includeStack;
    QHash<QString, YamlNode> m_extendsCache;
    QSet<QString> m_unset;
};

} // namespace rr::project
