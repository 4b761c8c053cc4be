#include "plan/servicemapper.h"

#include "core/names.h"
#include "plan/naming.h"
#include "plan/portmapper.h"
#include "plan/probemapper.h"
#include "plan/repopaths.h"
#include "plan/resourcemapper.h"
#include "plan/sandboxpolicy.h"
#include "plan/volumemapper.h"

#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>

namespace rr::plan {

ServicePlan ServiceMapper::map(const project::Service &svc, const QString &dnsName,
                               const project::DockerfileFacts *facts, bool completionTarget, PlanContext &ctx)
{
    ServicePlan sp;
    sp.name = svc.name;
    sp.dnsName = dnsName;
    sp.where = svc.where;
    mapImage(svc, ctx, sp);
    mapProcess(svc, ctx, sp);
    mapLifecycle(svc, completionTarget, ctx, sp);
    PortMapper::map(svc, facts, ctx, sp);
    ProbeMapper::map(svc, facts, ctx, sp);
    VolumeMapper::map(svc, ctx, sp);
    ResourceMapper::map(svc, ctx, sp);
    SandboxPolicy::apply(svc, ctx, sp);
    return sp;
}

void ServiceMapper::mapImage(const project::Service &svc, PlanContext &ctx, ServicePlan &sp)
{
    if (!svc.build) {
        sp.image = svc.image;
        if (!svc.image.isEmpty())
            ctx.note(svc, QStringLiteral("image"), Status::Mapped, QStringLiteral("pulled if not present"));
        return;
    }
    const project::BuildSpec &b = *svc.build;
    const QString context = b.context.isEmpty() ? QStringLiteral(".") : b.context;
    static const QRegularExpression remote(QStringLiteral("^([a-z][a-z0-9+.-]*://|git@)"),
                                           QRegularExpression::CaseInsensitiveOption);
    if (remote.match(context).hasMatch()) {
        ctx.note(svc, QStringLiteral("build"), Status::Refused,
                 QStringLiteral("remote build context '%1': only folders inside the repository can be built")
                     .arg(context),
                 b.where);
        return;
    }
    const RepoPaths::Resolved dir = RepoPaths::resolve(ctx.project.projectDir, context);
    if (!dir.inside) {
        ctx.note(svc, QStringLiteral("build"), Status::Refused,
                 QStringLiteral("build context '%1': %2").arg(context, dir.why), b.where);
        return;
    }
    PlanBuild pb;
    pb.contextDir = dir.absolute;
    pb.dockerfile = b.dockerfile.isEmpty() ? QStringLiteral("Dockerfile") : b.dockerfile;
    pb.dockerfileInline = b.dockerfileInline;
    pb.args = b.args;
    pb.target = b.target;
    if (b.dockerfileInline.isEmpty()) {
        const RepoPaths::Resolved df =
            RepoPaths::resolve(ctx.project.projectDir, QDir(dir.absolute).filePath(pb.dockerfile));
        if (!df.inside) {
            ctx.note(svc, QStringLiteral("build"), Status::Refused,
                     QStringLiteral("dockerfile '%1': %2").arg(pb.dockerfile, df.why), b.where);
            return;
        }
    }
    // At a commit, the context by its place in the repository, not on this disk: the same commit
    // gives the same tag whether planned from a checkout, another checkout of it or its file
    // list, and two projects in one repository never share one. A folder without a commit keeps
    // its path: its files can change under the same name.
    PlanBuild hashed = pb;
    if (!ctx.options.commit.isEmpty())
        hashed.contextDir =
            ctx.options.subdir + QLatin1Char(':') +
            QDir(QFileInfo(ctx.project.projectDir).canonicalFilePath()).relativeFilePath(dir.absolute);
    pb.contextHash = Naming::contextHash(hashed);
    sp.image = Naming::imageRepository(ctx.options.owner.isEmpty() ? ctx.project.name : ctx.options.owner,
                                       ctx.options.repo, svc.name) +
               QLatin1Char(':') + Naming::imageTag(ctx.options.commit, pb.contextHash);
    sp.build = pb;

    QStringList ignored;
    if (!b.cacheFrom.isEmpty())
        ignored << QStringLiteral("cache_from");
    if (!b.additionalContexts.isEmpty())
        ignored << QStringLiteral("additional_contexts");
    if (!b.platforms.isEmpty())
        ignored << QStringLiteral("platforms");
    if (!b.tags.isEmpty())
        ignored << QStringLiteral("tags");
    if (!b.network.isEmpty())
        ignored << QStringLiteral("network");
    ctx.note(svc, QStringLiteral("build"), ignored.isEmpty() ? Status::Mapped : Status::Adapted,
             QStringLiteral("built as %1").arg(sp.image) +
                 (ignored.isEmpty() ? QString()
                                    : QStringLiteral("; ignored: ") + ignored.join(QStringLiteral(", "))),
             b.where);
    if (!svc.image.isEmpty())
        ctx.note(svc, QStringLiteral("image"), Status::Adapted,
                 QStringLiteral("'%1' is built locally and tagged %2 instead").arg(svc.image, sp.image));
}

void ServiceMapper::mapProcess(const project::Service &svc, PlanContext &ctx, ServicePlan &sp)
{
    if (svc.entrypoint) {
        sp.command = *svc.entrypoint;
        ctx.note(svc, QStringLiteral("entrypoint"), Status::Mapped, QStringLiteral("container command"));
    }
    if (svc.command) {
        sp.args = *svc.command;
        ctx.note(svc, QStringLiteral("command"), Status::Mapped, QStringLiteral("container args"));
    }

    static const QRegularExpression envName(QStringLiteral("^[-._a-zA-Z][-._a-zA-Z0-9]*$"));
    QStringList badNames;
    for (auto it = svc.environment.cbegin(); it != svc.environment.cend(); ++it) {
        if (envName.match(it.key()).hasMatch())
            sp.env.insert(it.key(), it.value());
        else
            badNames << it.key();
    }
    for (const char *k : {"environment", "env_file"}) {
        const QString key = QString::fromLatin1(k);
        if (!svc.keys.contains(key))
            continue;
        if (badNames.isEmpty())
            ctx.note(svc, key, Status::Mapped, QStringLiteral("container environment"));
        else
            ctx.note(svc, key, Status::Adapted,
                     QStringLiteral("variables with names Kubernetes rejects were left out: ") +
                         badNames.join(QStringLiteral(", ")));
    }

    if (!svc.user.isEmpty()) {
        sp.user = svc.user;
        static const QRegularExpression numeric(QStringLiteral("^(\\d+)(?::(\\d+))?$"));
        const QRegularExpressionMatch m = numeric.match(svc.user.trimmed());
        if (m.hasMatch()) {
            sp.runAsUser = m.captured(1).toLongLong();
            if (!m.captured(2).isEmpty())
                sp.runAsGroup = m.captured(2).toLongLong();
            ctx.note(svc, QStringLiteral("user"), Status::Mapped, QStringLiteral("runAsUser/runAsGroup"));
        } else {
            ctx.note(
                svc, QStringLiteral("user"), Status::Adapted,
                QStringLiteral("'%1' is a name: Kubernetes needs numeric ids, so the image's USER applies "
                               "there (Docker uses the name)")
                    .arg(svc.user));
        }
    }
    if (!svc.workingDir.isEmpty()) {
        sp.workingDir = svc.workingDir;
        ctx.note(svc, QStringLiteral("working_dir"), Status::Mapped, QStringLiteral("container workingDir"));
    }
    if (!svc.hostname.isEmpty()) {
        if (core::names::isDns1123Label(svc.hostname)) {
            sp.hostname = svc.hostname;
            ctx.note(svc, QStringLiteral("hostname"), Status::Mapped, QStringLiteral("pod hostname"));
        } else {
            ctx.note(svc, QStringLiteral("hostname"), Status::Dropped,
                     QStringLiteral("'%1' is not a valid pod hostname").arg(svc.hostname));
        }
    }
    sp.tty = svc.tty;
    sp.stdinOpen = svc.stdinOpen;
    sp.readOnlyRootFilesystem = svc.readOnly;

    QStringList badHosts;
    for (const QString &entry : svc.extraHosts) {
        // "host:ip", "host=ip"; IPv6 addresses contain ':' themselves.
        const int sep = entry.indexOf(QLatin1Char('=')) >= 0 ? entry.indexOf(QLatin1Char('='))
                                                             : entry.indexOf(QLatin1Char(':'));
        const QString host = entry.left(sep).trimmed();
        QString ip = entry.mid(sep + 1).trimmed();
        if (ip.startsWith(QLatin1Char('[')) && ip.endsWith(QLatin1Char(']')))
            ip = ip.mid(1, ip.size() - 2);
        if (sep > 0 && core::names::isDns1123Subdomain(host) && !QHostAddress(ip).isNull())
            sp.extraHosts.append({host, ip});
        else
            badHosts << entry;
    }
    if (!svc.extraHosts.isEmpty())
        ctx.note(svc, QStringLiteral("extra_hosts"), badHosts.isEmpty() ? Status::Mapped : Status::Adapted,
                 badHosts.isEmpty()
                     ? QStringLiteral("pod hostAliases")
                     : QStringLiteral("pod hostAliases; left out (host-gateway or invalid): ") +
                           badHosts.join(QStringLiteral(", ")));
}

void ServiceMapper::mapLifecycle(const project::Service &svc, bool completionTarget, PlanContext &ctx,
                                 ServicePlan &sp)
{
    const QString restart = svc.restart.trimmed();
    sp.oneShot = restart == QLatin1String("no") || completionTarget;
    if (!restart.isEmpty()) {
        if (restart == QLatin1String("no"))
            ctx.note(svc, QStringLiteral("restart"), Status::Mapped,
                     QStringLiteral("\"no\": runs once as a Job"));
        else if (sp.oneShot)
            ctx.note(svc, QStringLiteral("restart"), Status::Adapted,
                     QStringLiteral("another service waits for it to complete, so it runs once as a Job"));
        else if (restart == QLatin1String("always") || restart == QLatin1String("unless-stopped"))
            ctx.note(svc, QStringLiteral("restart"), Status::Mapped,
                     QStringLiteral("a Deployment restarts it"));
        else
            ctx.note(svc, QStringLiteral("restart"), Status::Adapted,
                     QStringLiteral("\"%1\": a Deployment restarts it whenever it exits").arg(restart));
    }

    for (const project::Dependency &d : svc.dependsOn)
        sp.dependsOn.append(PlanDependency{d.service, d.condition, d.required, d.restart});
    if (!svc.dependsOn.isEmpty()) {
        bool restartFlag = false;
        for (const project::Dependency &d : svc.dependsOn)
            restartFlag = restartFlag || d.restart;
        ctx.note(svc, QStringLiteral("depends_on"), restartFlag ? Status::Adapted : Status::Mapped,
                 restartFlag
                     ? QStringLiteral("deployment order and wait conditions; `restart: true` is not applied")
                     : QStringLiteral("deployment order and wait conditions"));
    }

    const int wanted = svc.replicas.value_or(1);
    sp.replicas = qBound(0, wanted, qMax(1, ctx.options.maxReplicas));
    for (const char *k : {"deploy", "scale"}) {
        const QString key = QString::fromLatin1(k);
        if (!svc.keys.contains(key) || !svc.replicas)
            continue;
        if (sp.oneShot)
            ctx.note(svc, key, Status::Adapted,
                     QStringLiteral("a one-shot service runs once; replicas ignored"));
        else if (wanted > sp.replicas)
            ctx.note(svc, key, Status::Adapted,
                     QStringLiteral("replicas %1 capped at %2").arg(wanted).arg(sp.replicas));
        else
            ctx.note(svc, key, Status::Mapped, QStringLiteral("replicas %1").arg(sp.replicas));
    }
    if (sp.oneShot)
        sp.replicas = 1;
}

} // namespace rr::plan
