#include "project/servicebuilder.h"

#include "project/composesyntax.h"
#include "project/composevalues.h"

#include <algorithm>

namespace rr::project {

using core::ErrorCategory;
using core::Location;
using namespace values;

ServiceBuilder::ServiceBuilder(EnvFileReader envFiles)
    : m_envFiles(std::move(envFiles))
{}

core::Result<Service> ServiceBuilder::buildService(const QString &name, const YamlNode &node,
                                                   const Location &where) const
{
    Service s;
    s.name = name;
    s.where = where;
    if (!node.isMapping() && !node.isNull())
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.schema.type"),
                          QStringLiteral("services.%1 must be a mapping").arg(name), node.where);
    for (qsizetype i = 0; i < node.keys.size(); ++i)
        s.keys.insert(node.keys[i], node.keyWhere.value(i));

    s.image = text(node, "image");
    s.restart = text(node, "restart");
    s.user = text(node, "user");
    s.workingDir = text(node, "working_dir");
    s.hostname = text(node, "hostname");
    s.containerName = text(node, "container_name");
    s.platform = text(node, "platform");
    s.pullPolicy = text(node, "pull_policy");
    s.stopSignal = text(node, "stop_signal");
    s.networkMode = text(node, "network_mode");
    s.pid = text(node, "pid");
    s.ipc = text(node, "ipc");
    s.userns = text(node, "userns_mode");
    s.profiles = toList(node.get(QStringLiteral("profiles")));
    s.capAdd = toList(node.get(QStringLiteral("cap_add")));
    s.capDrop = toList(node.get(QStringLiteral("cap_drop")));
    s.securityOpt = toList(node.get(QStringLiteral("security_opt")));
    s.dns = toList(node.get(QStringLiteral("dns")));
    s.tmpfs = toList(node.get(QStringLiteral("tmpfs")));
    s.labels = toMap(node.get(QStringLiteral("labels")));
    s.sysctls = toMap(node.get(QStringLiteral("sysctls")));

    struct Flag
    {
        const char *key;
        bool *out;
    };
    for (const Flag &f : {Flag{"privileged", &s.privileged}, Flag{"read_only", &s.readOnly},
                          Flag{"init", &s.init}, Flag{"tty", &s.tty}, Flag{"stdin_open", &s.stdinOpen}}) {
        if (const YamlNode *v = node.get(QLatin1String(f.key))) {
            auto b = toBool(*v, name + QLatin1Char('.') + QLatin1String(f.key));
            if (!b)
                return core::fail(b.error());
            *f.out = *b;
        }
    }
    if (const YamlNode *v = node.get(QStringLiteral("stop_grace_period"))) {
        auto ms = ComposeSyntax::parseDurationMs(v->text(), v->where);
        if (!ms)
            return core::fail(ms.error());
        s.stopGracePeriodMs = *ms;
    }

    auto entrypoint = toCommand(node.get(QStringLiteral("entrypoint")));
    if (!entrypoint)
        return core::fail(entrypoint.error());
    s.entrypoint = *entrypoint;
    auto command = toCommand(node.get(QStringLiteral("command")));
    if (!command)
        return core::fail(command.error());
    s.command = *command;

    if (const YamlNode *ports = node.get(QStringLiteral("ports")))
        for (const YamlNode &p : ports->children) {
            auto port = ComposeSyntax::parsePort(p);
            if (!port)
                return core::fail(port.error());
            s.ports << *port;
        }
    if (const YamlNode *expose = node.get(QStringLiteral("expose")))
        for (const YamlNode &p : expose->children) {
            auto port = ComposeSyntax::parseExpose(p);
            if (!port)
                return core::fail(port.error());
            s.expose << *port;
        }
    if (const YamlNode *vols = node.get(QStringLiteral("volumes")))
        for (const YamlNode &v : vols->children) {
            auto mount = ComposeSyntax::parseVolume(v);
            if (!mount)
                return core::fail(mount.error());
            s.volumes << *mount;
        }
    if (const YamlNode *devices = node.get(QStringLiteral("devices")))
        for (const YamlNode &d : devices->children) {
            if (d.isMapping()) {
                QString dev = text(d, "source");
                if (!text(d, "target").isEmpty())
                    dev += QLatin1Char(':') + text(d, "target");
                if (!text(d, "permissions").isEmpty())
                    dev += QLatin1Char(':') + text(d, "permissions");
                s.devices << dev;
            } else
                s.devices << d.text();
        }
    if (const YamlNode *hosts = node.get(QStringLiteral("extra_hosts")); hosts && hosts->isMapping())
        for (qsizetype i = 0; i < hosts->keys.size(); ++i)
            for (const QString &ip : toList(&hosts->children[size_t(i)]))
                s.extraHosts << hosts->keys[i] + QLatin1Char(':') + ip;
    if (const YamlNode *nets = node.get(QStringLiteral("networks")); nets && nets->isMapping())
        for (qsizetype i = 0; i < nets->keys.size(); ++i)
            s.networks.insert(nets->keys[i],
                              toList(nets->children[size_t(i)].get(QStringLiteral("aliases"))));
    if (const YamlNode *deps = node.get(QStringLiteral("depends_on")); deps && deps->isMapping()) {
        for (qsizetype i = 0; i < deps->keys.size(); ++i) {
            const YamlNode &d = deps->children[size_t(i)];
            Dependency dep;
            dep.service = deps->keys[i];
            dep.where = deps->keyWhere.value(i);
            const QString condition = text(d, "condition");
            if (condition == QLatin1String("service_healthy"))
                dep.condition = Dependency::Condition::Healthy;
            else if (condition == QLatin1String("service_completed_successfully"))
                dep.condition = Dependency::Condition::CompletedSuccessfully;
            if (const YamlNode *r = d.get(QStringLiteral("required"))) {
                auto b = toBool(*r, QStringLiteral("depends_on.required"));
                if (!b)
                    return core::fail(b.error());
                dep.required = *b;
            }
            if (const YamlNode *r = d.get(QStringLiteral("restart"))) {
                auto b = toBool(*r, QStringLiteral("depends_on.restart"));
                if (!b)
                    return core::fail(b.error());
                dep.restart = *b;
            }
            s.dependsOn << dep;
        }
    }
    RR_COMPOSE_TRY(buildEnvironment(node, s));
    RR_COMPOSE_TRY(buildHealth(node, s));
    RR_COMPOSE_TRY(buildDeploy(node, s));
    RR_COMPOSE_TRY(buildBuild(node, s));
    if (const YamlNode *g = node.get(QStringLiteral("secrets")))
        RR_COMPOSE_TRY(buildGrants(*g, s.secrets));
    if (const YamlNode *g = node.get(QStringLiteral("configs")))
        RR_COMPOSE_TRY(buildGrants(*g, s.configs));
    return s;
}

core::Result<void> ServiceBuilder::buildEnvironment(const YamlNode &node, Service &s) const
{
    // env_file first, then `environment` on top: explicit values win, as in Compose.
    if (const YamlNode *files = node.get(QStringLiteral("env_file"))) {
        for (const YamlNode &entry : files->children) {
            const YamlNode *path = entry.get(QStringLiteral("path"));
            if (!path)
                continue;
            bool required = true;
            if (const YamlNode *r = entry.get(QStringLiteral("required"))) {
                auto b = toBool(*r, QStringLiteral("env_file.required"));
                if (!b)
                    return core::fail(b.error());
                required = *b;
            }
            s.envFiles << path->text();
            auto values = m_envFiles(path->text(), required, path->where);
            if (!values)
                return core::fail(values.error());
            for (auto it = values->cbegin(); it != values->cend(); ++it)
                s.environment.insert(it.key(), it.value());
        }
    }
    if (const YamlNode *env = node.get(QStringLiteral("environment")); env && env->isMapping()) {
        for (qsizetype i = 0; i < env->keys.size(); ++i) {
            const YamlNode &v = env->children[size_t(i)];
            if (v.isNull())
                s.environment.remove(env->keys[i]); // a bare name with no value: unset
            else
                s.environment.insert(env->keys[i], v.text());
        }
    }
    return {};
}

} // namespace rr::project
