#include "kind/clustercreator.h"

#include "core/logging.h"
#include "core/promises.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace rr::kind {

using core::ErrorCategory;

namespace {

constexpr int TailLines = 20;

} // namespace

ClusterCreator::ClusterCreator(QObject *parent)
    : QObject(parent)
{}

ClusterCreator::~ClusterCreator()
{
    if (m_process)
        m_process->disconnect(this); // QProcess's destructor kills kind; no callbacks into us meanwhile
    if (m_promise)
        finish(core::fail(ErrorCategory::Cancelled, QStringLiteral("kind.create.cancelled"),
                          QStringLiteral("Creating the kind cluster was interrupted.")));
}

QString ClusterCreator::kindExecutable()
{
    return QStandardPaths::findExecutable(QStringLiteral("kind"));
}

QStringList ClusterCreator::createArguments(const QString &name, const QString &configFile)
{
    // --wait: READY should mean a node that takes pods, not just a started container.
    return {QStringLiteral("create"),   QStringLiteral("cluster"),
            QStringLiteral("--name"),   name,
            QStringLiteral("--config"), configFile,
            QStringLiteral("--wait"),   QStringLiteral("5m")};
}

QFuture<core::Result<void>> ClusterCreator::create(const QString &name, const QString &configFile)
{
    using R = core::Result<void>;
    if (m_promise)
        return core::promises::ready(
            R(core::fail(ErrorCategory::Internal, QStringLiteral("kind.create.busy"),
                         QStringLiteral("A kind cluster is already being created."))));
    const QString kind = kindExecutable();
    if (kind.isEmpty())
        return core::promises::ready(
            R(core::fail(ErrorCategory::Kube, QStringLiteral("kind.cli.missing"),
                         QStringLiteral("The kind CLI is not installed (or not on PATH), so the "
                                        "cluster \"%1\" cannot be created; see "
                                        "https://kind.sigs.k8s.io/docs/user/quick-start/.")
                             .arg(name))));
    if (!QFileInfo(configFile).isFile())
        return core::promises::ready(
            R(core::fail(ErrorCategory::Io, QStringLiteral("kind.config.missing"),
                         QStringLiteral("The kind cluster configuration %1 is missing; is "
                                        "RepoRunner installed completely?")
                             .arg(configFile))));
    m_promise = core::promises::started<R>();
    m_name = name;
    m_tail.clear();
    m_lines.clear();
    m_cancelled = false;
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels); // kind reports progress on stderr
    m_process->setStandardInputFile(QProcess::nullDevice());
    connect(m_process, &QProcess::readyReadStandardOutput, this, &ClusterCreator::onOutput);
    connect(m_process, &QProcess::errorOccurred, this, [this, kind](QProcess::ProcessError error) {
        if (error != QProcess::FailedToStart)
            return;
        finish(core::fail(ErrorCategory::Kube, QStringLiteral("kind.create.failed"),
                          QStringLiteral("%1 could not be started: %2").arg(kind, m_process->errorString())));
    });
    connect(m_process, &QProcess::finished, this, [this](int exitCode, QProcess::ExitStatus status) {
        onOutput();
        if (const QByteArray rest = m_lines.takeRest(); !rest.trimmed().isEmpty())
            m_tail << QString::fromUtf8(rest).trimmed();
        if (m_cancelled) {
            finish(core::fail(ErrorCategory::Cancelled, QStringLiteral("kind.create.cancelled"),
                              QStringLiteral("Creating the kind cluster \"%1\" was cancelled.").arg(m_name)));
            return;
        }
        if (status == QProcess::NormalExit && exitCode == 0) {
            qCInfo(lcDocker) << "kind created cluster" << m_name;
            finish({});
            return;
        }
        // kind ends with "ERROR: failed to create cluster: <why>"; that line is the message.
        QString why;
        for (const QString &line : std::as_const(m_tail))
            if (line.startsWith(QLatin1String("ERROR:")))
                why = line.mid(6).trimmed();
        if (why.isEmpty())
            why = status == QProcess::NormalExit ? QStringLiteral("exit code %1").arg(exitCode)
                                                 : QStringLiteral("it crashed");
        core::Error e =
            core::makeError(ErrorCategory::Kube, QStringLiteral("kind.create.failed"),
                            QStringLiteral("kind could not create the cluster \"%1\": %2").arg(m_name, why));
        e.details = m_tail.join(QLatin1Char('\n'));
        finish(core::fail(std::move(e)));
    });
    qCInfo(lcDocker) << "creating kind cluster" << name << "with" << kind;
    m_process->start(kind, createArguments(name, configFile));
    return m_promise->future();
}

void ClusterCreator::cancel()
{
    if (!m_process || !m_promise)
        return;
    m_cancelled = true;
    m_process->terminate(); // kind cleans up a half-made cluster on SIGTERM
}

void ClusterCreator::onOutput()
{
    if (!m_process)
        return;
    // kind redraws its spinner with '\r' on a terminal; both end a line here.
    for (const QByteArray &bytes : m_lines.feed(m_process->readAllStandardOutput().replace('\r', '\n'))) {
        const QString line = QString::fromUtf8(bytes).trimmed();
        if (line.isEmpty())
            continue;
        m_tail << line;
        if (m_tail.size() > TailLines)
            m_tail.removeFirst();
        Q_EMIT progressLine(line);
    }
}

void ClusterCreator::finish(core::Result<void> result)
{
    if (!m_promise)
        return;
    auto promise = std::move(m_promise);
    m_promise.reset();
    if (m_process) {
        m_process->deleteLater();
        m_process = nullptr;
    }
    core::promises::settle(promise, std::move(result));
}

} // namespace rr::kind
