#include "clientcommand.h"

#include "core/terminaltext.h"

#include "engineconnection.h"
#include "exitcode.h"
#include "ipc/controlclient.h"
#include "ipc/protocol.h"
#include "runview.h"
#include "signalwatcher.h"
#include "terminal.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

#include <memory>

namespace rr::cli {

namespace {
constexpr int LogPage = 5000;
}

ClientCommand::ClientCommand(QObject *parent)
    : EngineCommand(parent)
{}

void ClientCommand::start(const QStringList &arguments)
{
    m_command = arguments.value(0);
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("print JSON"));
    const QCommandLineOption follow({QStringLiteral("f"), QStringLiteral("follow")},
                                    QStringLiteral("keep printing new lines"));
    const QCommandLineOption service(QStringLiteral("service"),
                                     QStringLiteral("only this service (\"\" = build and events)"),
                                     QStringLiteral("name"));
    const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("stop every active run"));
    const QCommandLineOption raw(QStringLiteral("raw"),
                                 QStringLiteral("print the lines as is, terminal escape sequences included"));
    parser.addHelpOption();
    parser.addOption(json);
    if (m_command == QLatin1String("ps")) {
        parser.setApplicationDescription(
            QStringLiteral("List runs: id, repo, ref, commit, mode, runtime, state, age, ports."));
    } else if (m_command == QLatin1String("logs")) {
        parser.setApplicationDescription(QStringLiteral("Print a run's logs."));
        parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("run id"));
        parser.addOptions({follow, service, raw});
    } else if (m_command == QLatin1String("stop")) {
        parser.setApplicationDescription(QStringLiteral("Stop a run and remove everything it created."));
        parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("run id"));
        parser.addOption(all);
    } else {
        parser.setApplicationDescription(
            QStringLiteral("Print a run's primary preview URL and open it in a browser."));
        parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("run id"));
    }
    if (!parser.parse(arguments))
        return fail(Usage, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        Terminal::out(parser.helpText().toUtf8());
        return finish(Ok);
    }
    m_json = parser.isSet(json);
    m_raw = m_command == QLatin1String("logs") && parser.isSet(raw);
    m_follow = m_command == QLatin1String("logs") && parser.isSet(follow);
    m_all = m_command == QLatin1String("stop") && parser.isSet(all);
    m_service = m_command == QLatin1String("logs") ? parser.value(service) : QString();
    const QStringList positional = parser.positionalArguments();
    if (m_command != QLatin1String("ps") && !m_all) {
        if (positional.size() != 1)
            return fail(Usage, QStringLiteral("%1 needs one run id").arg(m_command));
        m_runId = positional.constFirst();
    }
    m_signals = new SignalWatcher(this);
    connect(m_signals, &SignalWatcher::interrupted, this, [this] { finish(m_follow ? Ok : Cancelled); });
    connect(m_connection, &EngineConnection::failed, this,
            [this](const core::Error &e) { fail(exitCodeFor(e.category), e.message); });
    connect(m_connection, &EngineConnection::ready, this, [this] {
        if (m_command == QLatin1String("ps"))
            ps();
        else if (m_command == QLatin1String("logs"))
            logs();
        else if (m_command == QLatin1String("stop"))
            stop();
        else
            open();
    });
    m_connection->open();
}

void ClientCommand::ps()
{
    m_connection->client()->call(ipc::method::List).then(this, [this](const core::Result<QJsonValue> &reply) {
        if (!reply)
            return fail(exitCodeFor(reply.error().category), reply.error().message);
        const QJsonArray runs = reply->toObject().value(QStringLiteral("runs")).toArray();
        if (m_json)
            Terminal::out(QJsonDocument(runs).toJson(QJsonDocument::Indented));
        else
            Terminal::out(RunView::table(runs).toUtf8());
        finish(Ok);
    });
}

void ClientCommand::printLines(const QJsonArray &lines)
{
    QByteArray out;
    for (const QJsonValue &v : lines) {
        const QJsonObject l = v.toObject();
        if (!m_service.isEmpty() && l.value(QStringLiteral("service")).toString() != m_service)
            continue;
        if (m_json) {
            out += QJsonDocument(l).toJson(QJsonDocument::Compact) + '\n';
            continue;
        }
        const QString service = l.value(QStringLiteral("service")).toString();
        QString line;
        if (m_service.isEmpty())
            line = service.isEmpty() ? QStringLiteral("[run] ") : QStringLiteral("[%1] ").arg(service);
        line += l.value(QStringLiteral("text")).toString();
        // A repository's output must not drive the terminal (JSON output is escaped anyway).
        out += (m_raw ? line : core::TerminalText::printable(line)).toUtf8() + '\n';
    }
    Terminal::out(out);
}

void ClientCommand::logs()
{
    ipc::ControlClient *client = m_connection->client();
    if (m_follow) {
        connect(client, &ipc::ControlClient::eventReceived, this,
                [this](const QString &name, const QJsonObject &data) {
                    if (data.value(QStringLiteral("runId")).toString() != m_runId)
                        return;
                    if (name == ipc::event::RunLog)
                        printLines(data.value(QStringLiteral("lines")).toArray());
                });
        connect(client, &ipc::ControlClient::disconnected, this, [this] { finish(Ok); });
    }
    fetchLogs(0);
}

void ClientCommand::fetchLogs(qint64 from)
{
    QJsonObject params{{QStringLiteral("runId"), m_runId},
                       {QStringLiteral("from"), double(from)},
                       {QStringLiteral("count"), LogPage}};
    if (!m_service.isEmpty())
        params.insert(QStringLiteral("service"), m_service);
    m_connection->client()
        ->call(ipc::method::Logs, params)
        .then(this, [this](const core::Result<QJsonValue> &reply) {
            if (!reply)
                return fail(exitCodeFor(reply.error().category), reply.error().message);
            const QJsonArray lines = reply->toObject().value(QStringLiteral("lines")).toArray();
            printLines(lines);
            if (lines.size() >= LogPage)
                return fetchLogs(qint64(reply->toObject().value(QStringLiteral("next")).toDouble()));
            if (!m_follow)
                return finish(Ok);
            // History printed; from here on the engine pushes new lines.
            m_connection->client()->call(
                ipc::method::Subscribe,
                {{QStringLiteral("runs"), QJsonArray{m_runId}}, {QStringLiteral("logs"), true}});
        });
}

void ClientCommand::stop()
{
    ipc::ControlClient *client = m_connection->client();
    auto stopOne = [this, client](const QString &id, const std::shared_ptr<int> &pending,
                                  const std::shared_ptr<int> &code) {
        ++*pending;
        client->call(ipc::method::Stop, {{QStringLiteral("runId"), id}})
            .then(this, [this, id, pending, code](const core::Result<QJsonValue> &reply) {
                if (!reply) {
                    Terminal::error(QStringLiteral("%1: %2").arg(id, reply.error().message));
                    *code = exitCodeFor(reply.error().category);
                } else {
                    const QJsonObject run = reply->toObject().value(QStringLiteral("run")).toObject();
                    Terminal::out(QStringLiteral("%1 %2\n")
                                      .arg(id, run.value(QStringLiteral("state")).toString())
                                      .toUtf8());
                }
                if (--*pending == 0)
                    finish(*code);
            });
    };
    auto pending = std::make_shared<int>(0);
    auto code = std::make_shared<int>(Ok);
    if (!m_all)
        return stopOne(m_runId, pending, code);
    client->call(ipc::method::List)
        .then(this, [this, stopOne, pending, code](const core::Result<QJsonValue> &reply) {
            if (!reply)
                return fail(exitCodeFor(reply.error().category), reply.error().message);
            ++*pending; // held until every stop is sent
            for (const QJsonValue &v : reply->toObject().value(QStringLiteral("runs")).toArray()) {
                const QString state = v.toObject().value(QStringLiteral("state")).toString();
                if (state != QLatin1String("STOPPED") && state != QLatin1String("FAILED"))
                    stopOne(v.toObject().value(QStringLiteral("id")).toString(), pending, code);
            }
            if (--*pending == 0)
                finish(*code);
        });
}

void ClientCommand::open()
{
    m_connection->client()
        ->call(ipc::method::OpenPreview, {{QStringLiteral("runId"), m_runId}})
        .then(this, [this](const core::Result<QJsonValue> &reply) {
            if (!reply)
                return fail(exitCodeFor(reply.error().category), reply.error().message);
            const QString url = reply->toObject().value(QStringLiteral("url")).toString();
            Terminal::out(url.toUtf8() + '\n');
            if (!qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
                QProcess::startDetached(QStringLiteral("xdg-open"), {url});
            finish(Ok);
        });
}

} // namespace rr::cli
