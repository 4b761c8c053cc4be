// ServiceBuilder: healthcheck, deploy/resources, build, secrets/configs and top-level resources.
#include "project/servicebuilder.h"

#include "project/composesyntax.h"
#include "project/composevalues.h"

#include <algorithm>

namespace rr::project {

using core::ErrorCategory;
using core::Location;
using namespace values;

core::Result<void> ServiceBuilder::buildHealth(const YamlNode &node, Service &s) const
{
    const YamlNode *hc = node.get(QStringLiteral("healthcheck"));
    if (!hc || !hc->isMapping())
        return {};
    HealthCheck h;
    h.where = hc->where;
    if (const YamlNode *d = hc->get(QStringLiteral("disable"))) {
        auto b = toBool(*d, QStringLiteral("healthcheck.disable"));
        if (!b)
            return core::fail(b.error());
        h.disable = *b;
    }
    if (const YamlNode *t = hc->get(QStringLiteral("test"))) {
        if (t->isScalar())
            h.test = QStringList{QStringLiteral("CMD-SHELL"), t->scalar};
        else
            h.test = toList(t);
        const QString kind = h.test.value(0);
        if (kind == QLatin1String("NONE"))
            h.disable = true;
        else if (!h.test.isEmpty() && kind != QLatin1String("CMD") && kind != QLatin1String("CMD-SHELL"))
            return core::fail(ErrorCategory::Compose, QStringLiteral("compose.healthcheck.invalid"),
                              QStringLiteral("healthcheck.test must start with CMD, CMD-SHELL or NONE"),
                              t->where);
    }
    struct Dur
    {
        const char *key;
        qint64 *out;
    };
    for (const Dur &d : {Dur{"interval", &h.intervalMs}, Dur{"timeout", &h.timeoutMs},
                         Dur{"start_period", &h.startPeriodMs}, Dur{"start_interval", &h.startIntervalMs}}) {
        if (const YamlNode *v = hc->get(QLatin1String(d.key))) {
            auto ms = ComposeSyntax::parseDurationMs(v->text(), v->where);
            if (!ms)
                return core::fail(ms.error());
            *d.out = *ms;
        }
    }
    if (const YamlNode *r = hc->get(QStringLiteral("retries"))) {
        auto n = toInt(*r, QStringLiteral("healthcheck.retries"));
        if (!n)
            return core::fail(n.error());
        h.retries = int(std::clamp<qint64>(*n, 0, 1000000));
    }
    s.healthcheck = h;
    return {};
}

core::Result<void> ServiceBuilder::buildDeploy(const YamlNode &node, Service &s) const
{
    const auto sizeOf = [](const YamlNode *v, qint64 &out) -> core::Result<void> {
        if (!v)
            return {};
        auto b = ComposeSyntax::parseBytes(*v);
        if (!b)
            return core::fail(b.error());
        out = *b;
        return {};
    };
    const auto cpuOf = [](const YamlNode *v, double &out) -> core::Result<void> {
        if (!v)
            return {};
        auto d = toDouble(*v, QStringLiteral("cpus"));
        if (!d)
            return core::fail(d.error());
        out = *d;
        return {};
    };
    // Legacy service-level limits first; deploy.resources overrides them.
    RR_COMPOSE_TRY(sizeOf(node.get(QStringLiteral("mem_limit")), s.resources.memoryLimit));
    RR_COMPOSE_TRY(sizeOf(node.get(QStringLiteral("mem_reservation")), s.resources.memoryReservation));
    RR_COMPOSE_TRY(cpuOf(node.get(QStringLiteral("cpus")), s.resources.cpuLimit));
    if (const YamlNode *p = node.get(QStringLiteral("pids_limit"))) {
        auto n = toInt(*p, QStringLiteral("pids_limit"));
        if (!n)
            return core::fail(n.error());
        s.resources.pidsLimit = *n;
    }
    std::optional<qint64> scale;
    if (const YamlNode *v = node.get(QStringLiteral("scale"))) {
        auto n = toInt(*v, QStringLiteral("scale"));
        if (!n)
            return core::fail(n.error());
        scale = *n;
    }
    const YamlNode *deploy = node.get(QStringLiteral("deploy"));
    std::optional<qint64> replicas;
    if (deploy) {
        if (const YamlNode *v = deploy->get(QStringLiteral("replicas"))) {
            auto n = toInt(*v, QStringLiteral("deploy.replicas"));
            if (!n)
                return core::fail(n.error());
            replicas = *n;
        }
        if (const YamlNode *res = deploy->get(QStringLiteral("resources"))) {
            if (const YamlNode *lim = res->get(QStringLiteral("limits"))) {
                RR_COMPOSE_TRY(cpuOf(lim->get(QStringLiteral("cpus")), s.resources.cpuLimit));
                RR_COMPOSE_TRY(sizeOf(lim->get(QStringLiteral("memory")), s.resources.memoryLimit));
                if (const YamlNode *p = lim->get(QStringLiteral("pids"))) {
                    auto n = toInt(*p, QStringLiteral("deploy.resources.limits.pids"));
                    if (!n)
                        return core::fail(n.error());
                    s.resources.pidsLimit = *n;
                }
            }
            if (const YamlNode *rsv = res->get(QStringLiteral("reservations"))) {
                RR_COMPOSE_TRY(cpuOf(rsv->get(QStringLiteral("cpus")), s.resources.cpuReservation));
                RR_COMPOSE_TRY(sizeOf(rsv->get(QStringLiteral("memory")), s.resources.memoryReservation));
            }
        }
    }
    if (scale && replicas && *scale != *replicas)
        return core::fail(
            ErrorCategory::Compose, QStringLiteral("compose.scale.conflict"),
            QStringLiteral("scale (%1) and deploy.replicas (%2) disagree").arg(*scale).arg(*replicas),
            node.keyLocation(QStringLiteral("scale")));
    const std::optional<qint64> count = replicas ? replicas : scale;
    if (count) {
        if (*count < 0 || *count > 100000)
            return core::fail(
                ErrorCategory::Compose, QStringLiteral("compose.scale.invalid"),
                QStringLiteral("The replica count must be between 0 and 100000"),
                node.keyLocation(replicas ? QStringLiteral("deploy") : QStringLiteral("scale")));
        s.replicas = int(*count);
    }
    return {};
}

core::Result<void> ServiceBuilder::buildBuild(const YamlNode &node, Service &s) const
{
    const YamlNode *b = node.get(QStringLiteral("build"));
    if (!b || !b->isMapping())
        return {};
    BuildSpec spec;
    spec.where = b->where;
    if (const YamlNode *c = b->get(QStringLiteral("context")); c && !c->text().isEmpty())
        spec.context = c->text();
    spec.dockerfile = text(*b, "dockerfile");
    spec.dockerfileInline = text(*b, "dockerfile_inline");
    spec.args = toMap(b->get(QStringLiteral("args")));
    spec.target = text(*b, "target");
    spec.cacheFrom = toList(b->get(QStringLiteral("cache_from")));
    spec.tags = toList(b->get(QStringLiteral("tags")));
    spec.labels = toMap(b->get(QStringLiteral("labels")));
    spec.additionalContexts = toMap(b->get(QStringLiteral("additional_contexts")));
    spec.platforms = toList(b->get(QStringLiteral("platforms")));
    spec.network = text(*b, "network");
    s.build = spec;
    return {};
}

core::Result<void> ServiceBuilder::buildGrants(const YamlNode &node, QList<FileGrant> &out) const
{
    for (const YamlNode &g : node.children) {
        FileGrant grant;
        grant.where = g.where;
        if (g.isScalar())
            grant.source = g.scalar;
        else {
            grant.source = text(g, "source");
            grant.target = text(g, "target");
            grant.uid = text(g, "uid");
            grant.gid = text(g, "gid");
            if (const YamlNode *m = g.get(QStringLiteral("mode"))) {
                // File modes are octal however YAML typed them ("0440", 0440 or 288).
                bool ok = false;
                const QString t = m->text();
                grant.mode = t.startsWith(QLatin1String("0o")) ? t.mid(2).toInt(&ok, 8)
                             : t.startsWith(QLatin1Char('0'))  ? t.toInt(&ok, 8)
                                                               : t.toInt(&ok, 10);
                if (!ok || grant.mode < 0 || grant.mode > 07777)
                    return typeError(QStringLiteral("mode"), QStringLiteral("a file mode like 0440"), *m);
            }
        }
        out << grant;
    }
    return {};
}

core::Result<void> ServiceBuilder::buildTopLevel(const YamlNode &document, ComposeProject &project) const
{
    const auto external = [](const YamlNode &n) {
        const YamlNode *e = n.get(QStringLiteral("external"));
        return e && (e->toBool().value_or(false) || e->isMapping());
    };
    if (const YamlNode *vols = document.get(QStringLiteral("volumes")))
        for (qsizetype i = 0; i < vols->keys.size(); ++i) {
            const YamlNode &v = vols->children[size_t(i)];
            NamedVolume nv{vols->keys[i], external(v), text(v, "driver"), vols->keyWhere.value(i)};
            project.volumes.insert(nv.name, nv);
        }
    if (const YamlNode *nets = document.get(QStringLiteral("networks")))
        for (qsizetype i = 0; i < nets->keys.size(); ++i) {
            const YamlNode &v = nets->children[size_t(i)];
            const YamlNode *internal = v.get(QStringLiteral("internal"));
            NamedNetwork nn{nets->keys[i], external(v), internal && internal->toBool().value_or(false),
                            text(v, "driver"), nets->keyWhere.value(i)};
            project.networks.insert(nn.name, nn);
        }
    for (const char *kind : {"secrets", "configs"}) {
        const YamlNode *items = document.get(QLatin1String(kind));
        if (!items)
            continue;
        auto &target = QLatin1String(kind) == QLatin1String("secrets") ? project.secrets : project.configs;
        for (qsizetype i = 0; i < items->keys.size(); ++i) {
            const YamlNode &v = items->children[size_t(i)];
            FileSource fs{items->keys[i],     text(v, "file"), text(v, "environment"),
                          text(v, "content"), external(v),     items->keyWhere.value(i)};
            target.insert(fs.name, fs);
        }
    }
    return {};
}

} // namespace rr::project
