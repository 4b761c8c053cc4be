#include "project/composeloader.h"

#include "core/logging.h"
#include "project/composemerge.h"
#include "project/composesession.h"
#include "project/servicebuilder.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace rr::project {

using core::ErrorCategory;
using core::Location;

namespace {

QString projectNameFromFolder(const QString &dir)
{
    QString name = QFileInfo(dir).fileName().toLower();
    static const QRegularExpression invalid(QStringLiteral("[^a-z0-9_-]"));
    static const QRegularExpression leading(QStringLiteral("^[^a-z0-9]+"));
    name.remove(invalid);
    name.remove(leading);
    return name.isEmpty() ? QStringLiteral("default") : name;
}

bool isActive(const Service &s, const QStringList &profiles)
{
    if (s.profiles.isEmpty() || profiles.contains(QStringLiteral("*")))
        return true;
    for (const QString &p : s.profiles)
        if (profiles.contains(p))
            return true;
    return false;
}

// Depth-first search for a depends_on cycle; returns the cycle as "a -> b -> a".
QString findCycle(const QList<Service> &services)
{
    QMap<QString, const Service *> byName;
    for (const Service &s : services)
        byName.insert(s.name, &s);
    QMap<QString, int> state; // 0 new, 1 on stack, 2 done
    QStringList stack;
    std::function<QString(const QString &)> visit = [&](const QString &name) -> QString {
        state[name] = 1;
        stack << name;
        for (const Dependency &d : byName.value(name)->dependsOn) {
            if (!byName.contains(d.service))
                continue;
            if (state.value(d.service) == 1) {
                QStringList chain = stack.mid(stack.indexOf(d.service));
                chain << d.service;
                return chain.join(QLatin1String(" -> "));
            }
            if (state.value(d.service) == 0)
                if (QString c = visit(d.service); !c.isEmpty())
                    return c;
        }
        stack.removeLast();
        state[name] = 2;
        return {};
    };
    for (const Service &s : services)
        if (state.value(s.name) == 0)
            if (QString c = visit(s.name); !c.isEmpty())
                return c;
    return {};
}

core::Result<void> checkReferences(const ComposeProject &project, const Service &s)
{
    for (const VolumeMount &v : s.volumes)
        if (v.type == VolumeMount::Type::Volume && !v.anonymous && !project.volumes.contains(v.source))
            return core::fail(ErrorCategory::Compose, QStringLiteral("compose.volumes.undefined"),
                              QStringLiteral("Service '%1' uses volume '%2', which is not declared under the "
                                             "top-level 'volumes'")
                                  .arg(s.name, v.source),
                              v.where);
    for (auto it = s.networks.cbegin(); it != s.networks.cend(); ++it)
        if (it.key() != QLatin1String("default") && !project.networks.contains(it.key()))
            return core::fail(
                ErrorCategory::Compose, QStringLiteral("compose.networks.undefined"),
                QStringLiteral("Service '%1' uses network '%2', which is not declared under the "
                               "top-level 'networks'")
                    .arg(s.name, it.key()),
                s.keys.value(QStringLiteral("networks"), s.where));
    const auto checkGrants = [&](const QList<FileGrant> &grants, const QMap<QString, FileSource> &declared,
                                 const QString &kind) -> core::Result<void> {
        for (const FileGrant &g : grants)
            if (!declared.contains(g.source))
                return core::fail(ErrorCategory::Compose, QStringLiteral("compose.%1.undefined").arg(kind),
                                  QStringLiteral("Service '%1' uses %2 '%3', which is not declared under the "
                                                 "top-level '%4'")
                                      .arg(s.name, kind.chopped(1), g.source, kind),
                                  g.where);
        return {};
    };
    if (auto r = checkGrants(s.secrets, project.secrets, QStringLiteral("secrets")); !r)
        return r;
    return checkGrants(s.configs, project.configs, QStringLiteral("configs"));
}

} // namespace

QStringList ComposeLoader::defaultFileNames()
{
    return {QStringLiteral("compose.yaml"), QStringLiteral("compose.yml"),
            QStringLiteral("docker-compose.yaml"), QStringLiteral("docker-compose.yml")};
}

core::Result<ComposeProject> ComposeLoader::load(const ComposeLoadOptions &options)
{
    ComposeSession session(options);
    if (auto r = session.init(); !r)
        return core::fail(r.error());
    const QString root = session.root();

    QStringList files;
    if (options.files.isEmpty()) {
        for (const QString &name : defaultFileNames()) {
            if (!QFileInfo(root + QLatin1Char('/') + name).isFile())
                continue;
            files << name;
            const QString override = name.left(name.lastIndexOf(QLatin1Char('.'))) +
                                     QStringLiteral(".override") +
                                     name.mid(name.lastIndexOf(QLatin1Char('.')));
            if (QFileInfo(root + QLatin1Char('/') + override).isFile())
                files << override;
            break;
        }
        if (files.isEmpty())
            return core::fail(ErrorCategory::Compose, QStringLiteral("compose.file.none"),
                              QStringLiteral("No compose file found (looked for %1)")
                                  .arg(defaultFileNames().join(QLatin1String(", "))),
                              Location{root, 0, 0});
    } else
        files = options.files;

    ComposeProject project;
    project.projectDir = root;
    YamlNode doc;
    for (const QString &file : files) {
        auto abs = session.resolveInside(root, file, Location{file, 0, 0}, QStringLiteral("compose file"));
        if (!abs)
            return core::fail(abs.error());
        auto loaded = session.loadFile(*abs, session.mainScope());
        if (!loaded)
            return core::fail(loaded.error());
        project.files << session.label(*abs);
        if (doc.isNull())
            doc = std::move(*loaded);
        else
            ComposeMerge::mergeDocument(doc, *loaded);
    }

    if (doc.get(QStringLiteral("version")))
        project.warnings << QStringLiteral("The top-level 'version' key is obsolete and ignored");
    const YamlNode *name = doc.get(QStringLiteral("name"));
    project.name = name && !name->text().isEmpty() ? name->text() : projectNameFromFolder(root);

    const YamlNode *services = doc.get(QStringLiteral("services"));
    if (!services || services->keys.isEmpty())
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.services.missing"),
                          QStringLiteral("The compose project defines no services"),
                          Location{project.files.value(0), 1, 1});

    const ComposeSession::Scope &scope = session.mainScope();
    ServiceBuilder builder([&session, &scope](const QString &path, bool required,
                                              const Location &where) -> core::Result<QMap<QString, QString>> {
        auto abs = session.resolveInside(scope.projectDir, path, where, QStringLiteral("env_file"));
        if (!abs)
            return core::fail(abs.error());
        if (!QFileInfo::exists(*abs)) {
            if (!required)
                return QMap<QString, QString>();
            return core::fail(ErrorCategory::Compose, QStringLiteral("compose.env_file.missing"),
                              QStringLiteral("env_file '%1' does not exist (mark it `required: false` if it "
                                             "is optional)")
                                  .arg(path),
                              where);
        }
        return session.readEnvFile(*abs, scope.variables, where);
    });
    if (auto r = builder.buildTopLevel(doc, project); !r)
        return core::fail(r.error());

    QList<Service> all;
    for (qsizetype i = 0; i < services->keys.size(); ++i) {
        auto svc = builder.buildService(services->keys[i], services->children[size_t(i)],
                                        services->keyWhere.value(i));
        if (!svc)
            return core::fail(svc.error());
        all << *svc;
    }

    QMap<QString, const Service *> byName;
    for (const Service &s : all)
        byName.insert(s.name, &s);
    for (const Service &s : all) {
        if (!isActive(s, options.profiles)) {
            project.inactiveServices << s.name;
            continue;
        }
        Service active = s;
        active.dependsOn.clear();
        for (const Dependency &d : s.dependsOn) {
            const Service *target = byName.value(d.service);
            if (!target)
                return core::fail(ErrorCategory::Compose, QStringLiteral("compose.depends_on.undefined"),
                                  QStringLiteral("Service '%1' depends on '%2', which is not defined")
                                      .arg(s.name, d.service),
                                  d.where);
            if (!isActive(*target, options.profiles)) {
                if (d.required)
                    return core::fail(ErrorCategory::Compose, QStringLiteral("compose.depends_on.inactive"),
                                      QStringLiteral("Service '%1' depends on '%2', which is only enabled by "
                                                     "profile %3; enable that profile or drop the dependency")
                                          .arg(s.name, d.service, target->profiles.join(QLatin1String(", "))),
                                      d.where);
                project.warnings << QStringLiteral("Service '%1': optional dependency '%2' is not active")
                                        .arg(s.name, d.service);
                continue;
            }
            active.dependsOn << d;
        }
        if (auto r = checkReferences(project, active); !r)
            return core::fail(r.error());
        project.services << active;
    }
    if (const QString cycle = findCycle(project.services); !cycle.isEmpty()) {
        const QString first = cycle.section(QStringLiteral(" -> "), 0, 0);
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.depends_on.cycle"),
                          QStringLiteral("depends_on cycle: %1").arg(cycle), project.service(first)->where);
    }
    project.warnings << session.warnings();
    qCDebug(lcProject) << "loaded compose project" << project.name << "with" << project.services.size()
                       << "active services";
    return project;
}

} // namespace rr::project
