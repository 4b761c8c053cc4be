#include "kube/kubeconfig.h"

#include "kube/contextpolicy.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QUrl>

#include <yaml-cpp/yaml.h>

namespace rr::kube {

using core::ErrorCategory;

namespace {

QJsonValue toJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (const auto &kv : node)
            o.insert(QString::fromStdString(kv.first.as<std::string>()), toJson(kv.second));
        return o;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const auto &item : node)
            a.append(toJson(item));
        return a;
    }
    case YAML::NodeType::Scalar: {
        // Booleans matter (insecure-skip-tls-verify); everything else stays a string.
        const std::string &s = node.Scalar();
        if (node.Tag() != "!" && (s == "true" || s == "false"))
            return s == "true";
        return QString::fromStdString(s);
    }
    default:
        return QJsonValue();
    }
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

core::Result<QByteArray> readPem(const QJsonObject &o, const char *dataKey, const char *pathKey,
                                 const QString &dir)
{
    const QString data = str(o, dataKey);
    if (!data.isEmpty())
        return QByteArray::fromBase64(data.toLatin1());
    const QString path = str(o, pathKey);
    if (path.isEmpty())
        return QByteArray();
    const QString full = QDir(dir).absoluteFilePath(path);
    QFile f(full);
    if (!f.open(QIODevice::ReadOnly))
        return core::fail(ErrorCategory::Kube, QStringLiteral("kube.config.file"),
                          QStringLiteral("The kubeconfig names %1 (%2), which cannot be read.")
                              .arg(full, QLatin1String(pathKey)));
    return f.readAll();
}

} // namespace

QStringList Kubeconfig::defaultFiles()
{
    const QString env = qEnvironmentVariable("KUBECONFIG");
    if (!env.isEmpty())
        return env.split(QLatin1Char(':'), Qt::SkipEmptyParts);
    return {QDir::homePath() + QStringLiteral("/.kube/config")};
}

core::Result<Kubeconfig> Kubeconfig::load(const QStringList &files)
{
    Kubeconfig config;
    for (const QString &file : files) {
        if (!QFileInfo::exists(file))
            continue;
        if (auto r = config.merge(file); !r)
            return core::fail(r.error());
    }
    if (config.m_contexts.isEmpty())
        return core::fail(
            ErrorCategory::Kube, QStringLiteral("kube.config.empty"),
            QStringLiteral("No Kubernetes context found in %1.").arg(files.join(QStringLiteral(", "))));
    return config;
}

core::Result<void> Kubeconfig::merge(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return core::fail(ErrorCategory::Kube, QStringLiteral("kube.config.read"),
                          QStringLiteral("Cannot read the kubeconfig %1.").arg(file));
    QJsonObject root;
    try {
        const YAML::Node node = YAML::Load(f.readAll().toStdString());
        if (node.IsMap())
            root = toJson(node).toObject();
    } catch (const YAML::Exception &e) {
        return core::fail(ErrorCategory::Kube, QStringLiteral("kube.config.yaml"),
                          QStringLiteral("The kubeconfig %1 is not valid YAML: %2")
                              .arg(file, QString::fromStdString(e.msg)),
                          core::Location{file, e.mark.line + 1, e.mark.column + 1});
    }
    const QString dir = QFileInfo(file).absolutePath();
    const auto take = [&dir, &root](const char *list, const char *inner, QMap<QString, Entry> &into) {
        for (const QJsonValue &v : root.value(QLatin1String(list)).toArray()) {
            const QJsonObject item = v.toObject();
            const QString name = str(item, "name");
            if (!name.isEmpty() && !into.contains(name))
                into.insert(name, Entry{item.value(QLatin1String(inner)).toObject(), dir});
        }
    };
    take("clusters", "cluster", m_clusters);
    take("users", "user", m_users);
    take("contexts", "context", m_contexts);
    if (m_currentContext.isEmpty())
        m_currentContext = str(root, "current-context");
    return {};
}

core::Result<KubeContext> Kubeconfig::resolve(const QString &contextName) const
{
    const QString name = contextName.isEmpty() ? m_currentContext : contextName;
    if (name.isEmpty() || !m_contexts.contains(name))
        return core::fail(ErrorCategory::Kube, QStringLiteral("kube.config.context"),
                          name.isEmpty()
                              ? QStringLiteral("The kubeconfig has no current context; pick one.")
                              : QStringLiteral("The kubeconfig has no context named \"%1\".").arg(name));
    const QJsonObject ctx = m_contexts.value(name).body;
    const QString clusterName = str(ctx, "cluster");
    if (!m_clusters.contains(clusterName))
        return core::fail(
            ErrorCategory::Kube, QStringLiteral("kube.config.cluster"),
            QStringLiteral("Context \"%1\" names cluster \"%2\", which the kubeconfig does not define.")
                .arg(name, clusterName));
    const Entry cluster = m_clusters.value(clusterName);
    KubeContext out;
    out.name = name;
    out.namespaceName = str(ctx, "namespace");
    out.server = str(cluster.body, "server");
    if (out.server.isEmpty())
        return core::fail(ErrorCategory::Kube, QStringLiteral("kube.config.server"),
                          QStringLiteral("Cluster \"%1\" has no server address.").arg(clusterName));
    out.tlsServerName = str(cluster.body, "tls-server-name");
    out.insecureSkipTlsVerify = cluster.body.value(QStringLiteral("insecure-skip-tls-verify")).toBool();
    auto ca = readPem(cluster.body, "certificate-authority-data", "certificate-authority", cluster.dir);
    if (!ca)
        return core::fail(ca.error());
    out.caPem = *ca;

    const QString userName = str(ctx, "user");
    if (userName.isEmpty())
        return out;
    if (!m_users.contains(userName))
        return core::fail(
            ErrorCategory::Kube, QStringLiteral("kube.config.user"),
            QStringLiteral("Context \"%1\" names user \"%2\", which the kubeconfig does not define.")
                .arg(name, userName));
    const Entry user = m_users.value(userName);
    auto cert = readPem(user.body, "client-certificate-data", "client-certificate", user.dir);
    if (!cert)
        return core::fail(cert.error());
    auto key = readPem(user.body, "client-key-data", "client-key", user.dir);
    if (!key)
        return core::fail(key.error());
    out.clientCertPem = *cert;
    out.clientKeyPem = *key;
    out.token = str(user.body, "token");
    const QString tokenFile = str(user.body, "tokenFile");
    if (out.token.isEmpty() && !tokenFile.isEmpty()) {
        QFile f(QDir(user.dir).absoluteFilePath(tokenFile));
        if (!f.open(QIODevice::ReadOnly))
            return core::fail(ErrorCategory::Kube, QStringLiteral("kube.config.file"),
                              QStringLiteral("The kubeconfig names token file %1, which cannot be read.")
                                  .arg(f.fileName()));
        out.token = QString::fromUtf8(f.readAll()).trimmed();
    }
    out.username = str(user.body, "username");
    out.password = str(user.body, "password");
    const QJsonObject exec = user.body.value(QStringLiteral("exec")).toObject();
    if (!exec.isEmpty()) {
        ExecConfig e;
        e.apiVersion = str(exec, "apiVersion");
        e.command = str(exec, "command");
        for (const QJsonValue &a : exec.value(QStringLiteral("args")).toArray())
            e.args << a.toString();
        for (const QJsonValue &v : exec.value(QStringLiteral("env")).toArray())
            e.env.append({str(v.toObject(), "name"), str(v.toObject(), "value")});
        e.workingDir = user.dir;
        // kubectl resolves a relative command containing a slash against the kubeconfig's folder.
        if (e.command.contains(QLatin1Char('/')) && QDir::isRelativePath(e.command))
            e.command = QDir::cleanPath(QDir(user.dir).absoluteFilePath(e.command));
        out.exec = e;
    }
    return out;
}

bool Kubeconfig::isLocalServer(const QString &server)
{
    const QString host = QUrl(server).host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

core::Result<void> Kubeconfig::checkAllowed(const KubeContext &context, const QStringList &allowedContexts)
{
    // A loopback server proves nothing (it may be a tunnel to a remote cluster): only names count.
    return ContextPolicy({}, allowedContexts).check(context.name);
}

} // namespace rr::kube
