#include "runcommand.h"

#include "core/terminaltext.h"

#include "clustersetup.h"
#include "engineconnection.h"
#include "exitcode.h"
#include "ipc/controlclient.h"
#include "ipc/protocol.h"
#include "planflags.h"
#include "runs/runjson.h"
#include "runview.h"
#include "signalwatcher.h"
#include "terminal.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace rr::cli {

RunCommand::RunCommand(QObject *parent)
    : QObject(parent)
    , m_connection(new EngineConnection(this))
{}

void RunCommand::fail(int exitCode, const QString &message)
{
    Terminal::clearProgress();
    Terminal::error(message);
    m_done = true;
    Q_EMIT finished(exitCode);
}

void RunCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Build and deploy a repository, then print its preview URLs."));
    const PlanFlags flags(parser);
    const QCommandLineOption runtime(QStringLiteral("runtime"), QStringLiteral("auto, docker or kubernetes"),
                                     QStringLiteral("runtime"), QStringLiteral("auto"));
    const QCommandLineOption detach(QStringLiteral("detach"),
                                    QStringLiteral("return once the run is queued"));
    const QCommandLineOption replace(QStringLiteral("replace"),
                                     QStringLiteral("replace an identical active run"));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("print events and the result as JSON lines"));
    const QCommandLineOption createCluster(
        QStringLiteral("create-cluster"),
        QStringLiteral("create the kind cluster \"reporunner\" with kind if no cluster is set up"));
    const QCommandLineOption raw(
        QStringLiteral("raw"), QStringLiteral("print the services' output as is, escape sequences included"));
    const QCommandLineOption keepOnFailure(
        QStringLiteral("keep-on-failure"),
        QStringLiteral("if the run fails, leave its containers or namespace up for inspection until "
                       "`reporunner stop`"));
    parser.addOptions({runtime, detach, replace, json, createCluster, raw, keepOnFailure});
    parser.addHelpOption();
    if (!parser.parse(arguments))
        return fail(Usage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        Terminal::out(parser.helpText().toUtf8());
        Q_EMIT finished(Ok);
        return;
    }
    auto request = flags.read(parser);
    if (!request)
        return fail(Usage, QStringLiteral("run ") + request.error().message);
    const QString rt = parser.value(runtime);
    if (rt != QLatin1String("auto") && rt != QLatin1String("docker") && rt != QLatin1String("kubernetes"))
        return fail(Usage,
                    QStringLiteral("--runtime must be auto, docker or kubernetes, not \"%1\"").arg(rt));
    request->keepOnFailure = parser.isSet(keepOnFailure);
    QJsonObject options = runs::RunJson::fromRequest(*request);
    options.remove(QStringLiteral("source"));
    options.insert(QStringLiteral("runtime"), rt);
    options.insert(QStringLiteral("idempotencyKey"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    options.insert(QStringLiteral("replace"), parser.isSet(replace));
    QString source = request->source;
    if (QFileInfo::exists(source)) // the engine may run elsewhere: hand it an absolute path
        source = QFileInfo(source).absoluteFilePath();
    m_params = QJsonObject{{QStringLiteral("source"), source}, {QStringLiteral("options"), options}};
    m_detach = parser.isSet(detach);
    m_json = parser.isSet(json);
    m_raw = parser.isSet(raw);

    m_signals = new SignalWatcher(this);
    connect(m_signals, &SignalWatcher::interrupted, this, &RunCommand::interrupt);
    connect(m_connection, &EngineConnection::failed, this,
            [this](const core::Error &e) { fail(exitCodeFor(e.category), e.message); });
    connect(m_connection, &EngineConnection::ready, this, &RunCommand::onConnected);
    if (rt == QLatin1String("docker"))
        return m_connection->open();
    m_setup = new ClusterSetup(parser.isSet(createCluster), this);
    connect(m_setup, &ClusterSetup::failed, this,
            [this](const core::Error &e) { fail(exitCodeFor(e.category), e.message); });
    connect(m_setup, &ClusterSetup::done, this, [this] {
        m_setup->deleteLater();
        m_setup = nullptr;
        m_connection->open();
    });
    m_setup->start();
}

void RunCommand::onConnected()
{
    ipc::ControlClient *client = m_connection->client();
    connect(client, &ipc::ControlClient::eventReceived, this, &RunCommand::onEvent);
    connect(client, &ipc::ControlClient::disconnected, this, [this] {
        if (!m_done)
            fail(Failure, QStringLiteral("lost the connection to the engine"));
    });
    // Subscribe first so no update between start and subscribe is missed.
    if (!m_detach)
        client->call(ipc::method::Subscribe, {{QStringLiteral("logs"), true}});
    client->call(ipc::method::Start, m_params).then(this, [this](const core::Result<QJsonValue> &reply) {
        if (!reply)
            return fail(exitCodeFor(reply.error().category), reply.error().message);
        const QJsonObject result = reply->toObject();
        const QJsonObject run = result.value(QStringLiteral("run")).toObject();
        m_runId = run.value(QStringLiteral("id")).toString();
        if (m_json)
            Terminal::out(QJsonDocument(result).toJson(QJsonDocument::Compact) + '\n');
        else
            Terminal::err(QStringLiteral("%1 run %2 (%3)\n")
                              .arg(result.value(QStringLiteral("existing")).toBool()
                                       ? QStringLiteral("attached to active")
                                       : QStringLiteral("started"),
                                   m_runId, run.value(QStringLiteral("source")).toString())
                              .toUtf8());
        if (m_detach) {
            if (!m_json)
                Terminal::out(m_runId.toUtf8() + '\n');
            m_done = true;
            Q_EMIT finished(Ok);
            return;
        }
        showRun(run);
    });
}

void RunCommand::onEvent(const QString &name, const QJsonObject &data)
{
    if (m_done || data.value(QStringLiteral("runId")).toString() != m_runId || m_runId.isEmpty())
        return;
    if (m_json) {
        Terminal::out(
            QJsonDocument(QJsonObject{{QStringLiteral("event"), name}, {QStringLiteral("data"), data}})
                .toJson(QJsonDocument::Compact) +
            '\n');
    }
    if (name == ipc::event::RunLog) {
        if (m_json)
            return;
        Terminal::clearProgress();
        QByteArray text;
        for (const QJsonValue &v : data.value(QStringLiteral("lines")).toArray()) {
            const QJsonObject l = v.toObject();
            if (l.value(QStringLiteral("stream")).toString() == QLatin1String("event"))
                continue;
            const QString service = l.value(QStringLiteral("service")).toString();
            const QString line =
                (service.isEmpty() ? QStringLiteral("  | ") : QStringLiteral("  %1 | ").arg(service)) +
                l.value(QStringLiteral("text")).toString();
            text += (m_raw ? line : core::TerminalText::printable(line)).toUtf8() + '\n';
        }
        Terminal::err(text);
    } else if (name == ipc::event::RunUpdated) {
        showRun(data.value(QStringLiteral("run")).toObject());
    }
}

void RunCommand::showRun(const QJsonObject &run)
{
    if (m_done)
        return;
    const QJsonArray phases = run.value(QStringLiteral("phases")).toArray();
    if (!m_json) {
        // Print each phase once it has finished, with how long it took.
        for (; m_phasesShown < phases.size(); ++m_phasesShown) {
            const QJsonObject p = phases.at(m_phasesShown).toObject();
            if (!p.contains(QStringLiteral("durationMs")))
                break;
            const QString phase = p.value(QStringLiteral("phase")).toString();
            if (phase == QLatin1String("READY") || phase == QLatin1String("STOPPED") ||
                phase == QLatin1String("FAILED"))
                continue;
            Terminal::clearProgress();
            Terminal::err(
                QStringLiteral("%1 %2\n")
                    .arg(phase.leftJustified(10),
                         RunView::duration(qint64(p.value(QStringLiteral("durationMs")).toDouble())))
                    .toUtf8());
        }
        if (!phases.isEmpty()) {
            const QJsonObject current = phases.last().toObject();
            const double progress = current.value(QStringLiteral("progress")).toDouble();
            if (!current.contains(QStringLiteral("finishedAt")) && progress > 0)
                Terminal::progress(current.value(QStringLiteral("phase")).toString().toLower(),
                                   qint64(progress * 100), 100);
        }
    }
    const QString state = run.value(QStringLiteral("state")).toString();
    if (state == QLatin1String("READY")) {
        Terminal::clearProgress();
        m_done = true;
        if (!m_json) {
            for (const QJsonValue &v : run.value(QStringLiteral("endpoints")).toArray()) {
                const QJsonObject e = v.toObject();
                Terminal::out(QStringLiteral("%1  %2%3\n")
                                  .arg(e.value(QStringLiteral("url")).toString(),
                                       e.value(QStringLiteral("service")).toString(),
                                       e.value(QStringLiteral("primary")).toBool()
                                           ? QStringLiteral(" (primary)")
                                           : QString())
                                  .toUtf8());
            }
            Terminal::err(
                QStringLiteral("run %1 is READY; stop it with: reporunner stop %1\n").arg(m_runId).toUtf8());
        }
        Q_EMIT finished(Ok);
    } else if (state == QLatin1String("FAILED")) {
        Terminal::clearProgress();
        m_done = true;
        if (!m_json)
            Terminal::err(RunView::diagnosis(run).toUtf8());
        Q_EMIT finished(RunView::exitCodeForDiagnosis(run));
    } else if (state == QLatin1String("STOPPED")) {
        Terminal::clearProgress();
        m_done = true;
        if (!m_json)
            Terminal::err(QStringLiteral("run %1 stopped\n").arg(m_runId).toUtf8());
        Q_EMIT finished(Cancelled);
    }
}

void RunCommand::interrupt()
{
    if (m_setup && !m_done) {
        m_setup->cancel(); // kind removes a half-made cluster; failed() ends the command
        return;
    }
    if (m_done || m_runId.isEmpty()) {
        m_done = true;
        Q_EMIT finished(Cancelled);
        return;
    }
    if (m_stopping)
        return;
    m_stopping = true;
    Terminal::clearProgress();
    Terminal::err(QStringLiteral("stopping run %1 ...\n").arg(m_runId).toUtf8());
    m_connection->client()->call(ipc::method::Stop, {{QStringLiteral("runId"), m_runId}});
    // The STOPPED update ends the command.
}

} // namespace rr::cli
