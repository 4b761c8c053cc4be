#include "plan/planner.h"

#include "core/logging.h"
#include "core/names.h"
#include "plan/keyclassifier.h"
#include "plan/naming.h"
#include "plan/plancontext.h"
#include "plan/resourcemapper.h"
#include "plan/servicemapper.h"

#include <QSet>

namespace rr::plan {

using core::ErrorCategory;

namespace {

// The selection plus its depends_on closure, in compose file order.
core::Result<QStringList> selectServices(const project::ComposeProject &project, const PlanOptions &options,
                                         TranslationReport &report)
{
    QStringList queue = options.services;
    if (queue.isEmpty())
        for (const project::Service &s : project.services)
            queue << s.name;
    QSet<QString> chosen;
    while (!queue.isEmpty()) {
        const QString name = queue.takeFirst();
        if (chosen.contains(name))
            continue;
        const project::Service *svc = project.service(name);
        if (!svc) {
            QStringList known;
            for (const project::Service &s : project.services)
                known << s.name;
            return core::fail(
                ErrorCategory::Input, QStringLiteral("plan.unknown-service"),
                QStringLiteral("There is no active service '%1' in this project (services: %2).")
                    .arg(name, known.join(QStringLiteral(", "))));
        }
        chosen.insert(name);
        for (const project::Dependency &d : svc->dependsOn) {
            if (project.service(d.service)) {
                queue << d.service;
                continue;
            }
            const bool inactive = project.inactiveServices.contains(d.service);
            const QString why = inactive ? QStringLiteral("'%1' is disabled by its profile").arg(d.service)
                                         : QStringLiteral("'%1' is not defined").arg(d.service);
            if (d.required)
                return core::fail(ErrorCategory::Plan, QStringLiteral("plan.missing-dependency"),
                                  QStringLiteral("Service '%1' depends on %2; %3.")
                                      .arg(name, why,
                                           inactive ? QStringLiteral("enable that profile")
                                                    : QStringLiteral("fix depends_on")),
                                  d.where);
            report.add(name, QStringLiteral("depends_on"), Status::Dropped,
                       QStringLiteral("optional dependency skipped: ") + why, d.where);
        }
    }
    QStringList ordered;
    for (const project::Service &s : project.services)
        if (chosen.contains(s.name))
            ordered << s.name;
    return ordered;
}

void planAliases(const project::ComposeProject &project, PlanContext &ctx)
{
    QSet<QString> claimed;
    for (const ServicePlan &s : ctx.plan.services)
        claimed << s.dnsName << s.name;
    for (ServicePlan &sp : ctx.plan.services) {
        const project::Service *svc = project.service(sp.name);
        QStringList wanted;
        if (sp.name.toLower() != sp.dnsName)
            wanted << sp.name;
        if (!svc->containerName.isEmpty())
            wanted << svc->containerName;
        for (const QStringList &aliases : svc->networks)
            wanted << aliases;
        for (const QString &alias : wanted) {
            if (alias.isEmpty() || sp.aliases.contains(alias) ||
                (alias != sp.name && claimed.contains(alias)))
                continue;
            sp.aliases << alias;
            if (core::names::isDns1035Label(alias)) {
                ctx.plan.aliasServices.append(AddressAlias{alias, sp.dnsName});
                claimed << alias;
            } else if (alias.toLower() != sp.dnsName) {
                ctx.plan.addressAliases.append(AddressAlias{alias, sp.dnsName});
            }
        }
        if (sp.name.toLower() != sp.dnsName)
            ctx.plan.report.add(
                sp.name, QStringLiteral("name"), Status::Adapted,
                QStringLiteral("'%1' is not a valid DNS label: its Service is '%2'; on Kubernetes "
                               "'%1' resolves through a hosts entry added once the Service has an "
                               "address, on Docker through a network alias")
                    .arg(sp.name, sp.dnsName),
                sp.where);
    }
}

void fitObjectCounts(PlanContext &ctx)
{
    QuotaSettings &q = ctx.plan.sandbox.quota;
    int configMaps = 1; // kube-root-ca.crt
    if (!ctx.plan.addressAliases.isEmpty()) {
        configMaps += 1; // the shared hosts file, plus one per service with its own extra_hosts
        for (const ServicePlan &s : ctx.plan.services)
            configMaps += s.extraHosts.isEmpty() ? 0 : 1;
    }
    int secrets = 2; // service-account token secrets on clusters before 1.24
    for (const DataObject &d : ctx.plan.dataObjects)
        (d.kind == DataObject::Kind::ConfigMap ? configMaps : secrets) += 1;
    const int services = ctx.plan.services.size() + ctx.plan.aliasServices.size();
    QStringList raised;
    auto raise = [&raised](int &limit, int needed, const char *what) {
        if (needed > limit) {
            raised << QStringLiteral("%1 %2 -> %3").arg(QString::fromLatin1(what)).arg(limit).arg(needed);
            limit = needed;
        }
    };
    raise(q.services, services, "services");
    raise(q.configMaps, configMaps, "configmaps");
    raise(q.secrets, secrets, "secrets");
    if (!raised.isEmpty())
        ctx.plan.report.add(QString(), QStringLiteral("quota"), Status::Adapted,
                            QStringLiteral("object counts raised to fit the plan: ") +
                                raised.join(QStringLiteral(", ")));
}

} // namespace

core::Result<RunPlan> Planner::plan(const project::ComposeProject &project,
                                    const QMap<QString, project::DockerfileFacts> &factsByService,
                                    const PlanOptions &options)
{
    RunPlan plan;
    PlanContext ctx{project, options, plan};

    plan.runId = options.runId.isEmpty() ? core::names::newRunId() : options.runId;
    plan.owner = options.owner;
    plan.repo = options.repo.isEmpty() ? project.name : options.repo;
    plan.commit = options.commit;
    plan.projectName = project.name;
    plan.projectDir = project.projectDir;
    plan.namespaceName = Naming::namespaceName(plan.owner, plan.repo, plan.runId);
    plan.labels = {{QStringLiteral("app.kubernetes.io/managed-by"), QStringLiteral("reporunner")},
                   {QStringLiteral("reporunner.dev/run-id"), core::names::toDnsLabel(plan.runId)}};
    plan.sandbox.quota = options.quota;
    plan.sandbox.offline = options.offline;
    plan.sandbox.allowUnsafe = options.allowUnsafe;
    plan.fastProbes = options.fastProbes;

    const core::Result<QStringList> selected = selectServices(project, options, plan.report);
    if (!selected)
        return core::fail(selected.error());
    if (!options.primaryService.isEmpty() && !selected->contains(options.primaryService))
        return core::fail(ErrorCategory::Input, QStringLiteral("plan.unknown-primary"),
                          QStringLiteral("The primary service '%1' is not one of the services to run (%2).")
                              .arg(options.primaryService, selected->join(QStringLiteral(", "))));

    QSet<QString> completionTargets;
    for (const QString &name : *selected)
        for (const project::Dependency &d : project.service(name)->dependsOn)
            if (d.condition == project::Dependency::Condition::CompletedSuccessfully)
                completionTargets.insert(d.service);

    const QMap<QString, QString> dns = Naming::dnsNames(*selected);
    for (const QString &name : *selected) {
        const project::Service &svc = *project.service(name);
        const auto facts = factsByService.constFind(name);
        ServicePlan sp = ServiceMapper::map(svc, dns.value(name),
                                            facts != factsByService.cend() ? &facts.value() : nullptr,
                                            completionTargets.contains(name), ctx);
        if (svc.image.isEmpty() && !svc.build)
            return core::fail(
                ErrorCategory::Plan, QStringLiteral("plan.no-image"),
                QStringLiteral("Service '%1' has neither an image nor a build section.").arg(name),
                svc.where);
        plan.services.append(sp);
    }

    ServicePlan *primary = nullptr;
    for (ServicePlan &sp : plan.services) {
        if (!options.primaryService.isEmpty() ? sp.name == options.primaryService : false)
            primary = &sp;
    }
    if (!primary)
        for (ServicePlan &sp : plan.services)
            for (const PlanPort &p : sp.ports)
                if (!primary && p.hostPort > 0)
                    primary = &sp;
    if (!primary)
        for (ServicePlan &sp : plan.services)
            if (!primary && !sp.ports.isEmpty())
                primary = &sp;
    if (!primary && !plan.services.isEmpty())
        primary = &plan.services.first();
    if (primary)
        primary->primary = true;

    planAliases(project, ctx);
    ResourceMapper::share(ctx);
    fitObjectCounts(ctx);

    if (plan.deploymentOrder().isEmpty() && !plan.services.isEmpty()) {
        QStringList names;
        for (const ServicePlan &s : plan.services)
            names << s.name;
        return core::fail(
            ErrorCategory::Plan, QStringLiteral("plan.dependency-cycle"),
            QStringLiteral("The services' depends_on form a cycle (among %1); remove one of the "
                           "dependencies.")
                .arg(names.join(QStringLiteral(", "))));
    }

    for (const QString &name : *selected)
        KeyClassifier::completeReport(*project.service(name), ctx);
    for (const QString &w : project.warnings)
        plan.report.add(QString(), QStringLiteral("compose"), Status::Adapted, w);

    qCDebug(lcPlan) << "planned" << plan.services.size() << "services for" << plan.namespaceName
                    << (plan.report.hasRefusals() ? "with refusals" : "");
    return plan;
}

core::Result<void> Planner::check(const RunPlan &plan)
{
    const QList<ReportEntry> refused = plan.report.refusals();
    if (refused.isEmpty())
        return {};
    QStringList lines;
    for (const ReportEntry &e : refused)
        lines << QStringLiteral("service %1: %2: %3").arg(e.service, e.key, e.reason);
    core::Error error = core::makeError(ErrorCategory::Refused, QStringLiteral("plan.refused"),
                                        QStringLiteral("The sandbox refuses to run this project:\n") +
                                            lines.join(QLatin1Char('\n')),
                                        refused.first().where);
    error.details = plan.report.toText();
    return core::fail(error);
}

} // namespace rr::plan
