#include "servecommand.h"

#include "common/localengine.h"
#include "engineconnection.h"
#include "exitcode.h"
#include "signalwatcher.h"
#include "terminal.h"

#include "ipc/protocol.h"

#include <QCommandLineParser>

namespace rr::cli {

ServeCommand::ServeCommand(QObject *parent)
    : QObject(parent)
{}

void ServeCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Run the RepoRunner engine without a GUI, serving the control API."));
    const QCommandLineOption socket(QStringLiteral("socket"), QStringLiteral("control socket path"),
                                    QStringLiteral("path"), EngineConnection::socketPath());
    parser.addOption(socket);
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        Terminal::error(parser.errorText());
        Q_EMIT finished(Usage);
        return;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        Terminal::out(parser.helpText().toUtf8());
        Q_EMIT finished(Ok);
        return;
    }
    m_signals = new SignalWatcher(this);
    connect(m_signals, &SignalWatcher::interrupted, this, [this] { Q_EMIT finished(Ok); });
    const QString path = parser.value(socket);
    // Before the engine opens its store or touches Docker: a socket directory another user
    // prepared means someone waits to intercept us.
    if (auto dir = ipc::checkSocketDirectory(path); !dir) {
        Terminal::error(dir.error().message);
        Q_EMIT finished(exitCodeFor(dir.error().category));
        return;
    }
    m_engine = new app::LocalEngine(this);
    m_engine->start(path).then(this, [this, path](const core::Result<void> &started) {
        if (!started) {
            Terminal::error(started.error().message);
            Q_EMIT finished(exitCodeFor(started.error().category));
            return;
        }
        Terminal::err(QStringLiteral("reporunner engine listening on %1\n").arg(path).toUtf8());
    });
}

} // namespace rr::cli
