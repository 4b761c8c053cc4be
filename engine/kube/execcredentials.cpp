#include "kube/execcredentials.h"

#include "core/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

namespace rr::kube {

using core::ErrorCategory;

ExecCredentials::ExecCredentials(ExecConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{}

ExecCredentials::~ExecCredentials()
{
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000); // reap it; the plugin is already killed
    }
}

core::Result<ExecCredential> ExecCredentials::parse(const QByteArray &json)
{
    QJsonParseError err{};
    const QJsonObject root = QJsonDocument::fromJson(json, &err).object();
    if (err.error != QJsonParseError::NoError ||
        root.value(QStringLiteral("kind")).toString() != QLatin1String("ExecCredential"))
        return core::fail(
            ErrorCategory::Kube, QStringLiteral("kube.exec.output"),
            QStringLiteral("The kubeconfig's credential plugin did not print an ExecCredential."));
    const QJsonObject status = root.value(QStringLiteral("status")).toObject();
    ExecCredential c;
    c.token = status.value(QStringLiteral("token")).toString();
    c.clientCertPem = status.value(QStringLiteral("clientCertificateData")).toString().toUtf8();
    c.clientKeyPem = status.value(QStringLiteral("clientKeyData")).toString().toUtf8();
    const QString expiry = status.value(QStringLiteral("expirationTimestamp")).toString();
    if (!expiry.isEmpty())
        c.expiry = QDateTime::fromString(expiry, Qt::ISODate);
    if (c.token.isEmpty() && (c.clientCertPem.isEmpty() || c.clientKeyPem.isEmpty()))
        return core::fail(ErrorCategory::Kube, QStringLiteral("kube.exec.output"),
                          QStringLiteral("The kubeconfig's credential plugin returned neither a token nor a "
                                         "client certificate and key."));
    return c;
}

void ExecCredentials::fetch(Callback done)
{
    if (m_cached && (!m_cached->expiry.isValid() || m_cached->expiry > QDateTime::currentDateTimeUtc())) {
        done(*m_cached);
        return;
    }
    m_cached.reset();
    m_waiting.append(std::move(done));
    if (m_process)
        return;
    ++m_runs;
    auto *process = new QProcess(this);
    m_process = process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto &kv : m_config.env)
        env.insert(kv.first, kv.second);
    const QString apiVersion = m_config.apiVersion.isEmpty()
                                   ? QStringLiteral("client.authentication.k8s.io/v1")
                                   : m_config.apiVersion;
    env.insert(QStringLiteral("KUBERNETES_EXEC_INFO"),
               QString::fromUtf8(
                   QJsonDocument(QJsonObject{{QStringLiteral("apiVersion"), apiVersion},
                                             {QStringLiteral("kind"), QStringLiteral("ExecCredential")},
                                             {QStringLiteral("spec"),
                                              QJsonObject{{QStringLiteral("interactive"), false}}}})
                       .toJson(QJsonDocument::Compact)));
    process->setProcessEnvironment(env);
    process->setWorkingDirectory(m_config.workingDir);
    connect(process, &QProcess::finished, this, [this, process](int code, QProcess::ExitStatus status) {
        const QByteArray out = process->readAllStandardOutput();
        const QByteArray err = process->readAllStandardError();
        process->deleteLater();
        if (status != QProcess::NormalExit || code != 0) {
            finish(
                core::fail(ErrorCategory::Kube, QStringLiteral("kube.exec.failed"),
                           QStringLiteral("The kubeconfig's credential plugin %1 failed (exit code %2): %3")
                               .arg(m_config.command)
                               .arg(code)
                               .arg(QString::fromLocal8Bit(err).trimmed().left(400))));
            return;
        }
        finish(parse(out));
    });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart)
            return;
        process->deleteLater();
        finish(core::fail(ErrorCategory::Kube, QStringLiteral("kube.exec.missing"),
                          QStringLiteral("The kubeconfig's credential plugin %1 could not be started.")
                              .arg(m_config.command)));
    });
    process->start(m_config.command, m_config.args);
}

void ExecCredentials::finish(const core::Result<ExecCredential> &result)
{
    m_process = nullptr;
    if (result)
        m_cached = *result;
    else
        qCWarning(lcKube) << "exec credential plugin:" << result.error().message;
    const QList<Callback> waiting = std::exchange(m_waiting, {});
    for (const Callback &cb : waiting)
        cb(result);
}

} // namespace rr::kube
