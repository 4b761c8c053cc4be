// reporunner-nativehost: started by Chrome/Edge/Brave for our extension only. Relays
// native-messaging frames to the RepoRunner app over its owner-only local socket.
#include "ipc/protocol.h"
#include "origin.h"
#include "relay.h"
#include "stdinreader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <cstdio>
#include <unistd.h>

namespace {

// How to start the app when it isn't running: the tray app if installed, else the headless
// engine (`reporunner serve`). Both the installed and the build-tree layouts are looked at.
QStringList appCommand()
{
    const QString here = QCoreApplication::applicationDirPath();
    const QStringList dirs{here, here + QStringLiteral("/../../bin"), here + QStringLiteral("/../app/cli"),
                           here + QStringLiteral("/../app/tray")};
    for (const QString &name : {QStringLiteral("reporunner-app"), QStringLiteral("reporunner")}) {
        QString found;
        for (const QString &dir : dirs)
            if (QFileInfo(dir + QLatin1Char('/') + name).isExecutable()) {
                found = QDir::cleanPath(dir + QLatin1Char('/') + name);
                break;
            }
        if (found.isEmpty())
            found = QStandardPaths::findExecutable(name);
        if (found.isEmpty())
            continue;
        return name == QLatin1String("reporunner") ? QStringList{found, QStringLiteral("serve")}
                                                   : QStringList{found, QStringLiteral("--background")};
    }
    return {};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(REPORUNNER_VERSION));
    const QStringList args = QCoreApplication::arguments();
    // Chrome passes the caller's origin first (Firefox would pass a manifest path; unsupported).
    if (args.size() < 2 || !rr::nativehost::isAllowedOrigin(args.at(1))) {
        std::fprintf(
            stderr,
            "reporunner-nativehost: refusing caller %s: only the RepoRunner extension may use this host\n",
            args.size() < 2 ? "(none)" : qPrintable(args.at(1)));
        return 1;
    }

    rr::nativehost::RelayOptions options;
    options.socketPath = rr::ipc::defaultSocketPath();
    options.appCommand = appCommand();
    // Like `reporunner`'s own autostart: output and pid next to the socket, in the private runtime dir.
    const QString runtimeDir = rr::ipc::runtimeDirectory();
    if (rr::ipc::ensurePrivateDirectory(runtimeDir)) {
        options.appLogFile = QDir(runtimeDir).filePath(QStringLiteral("serve.log"));
        options.appPidFile = QDir(runtimeDir).filePath(QStringLiteral("serve.pid"));
    }
    rr::nativehost::Relay relay(options);
    rr::nativehost::StdinReader input(0);

    QFile output;
    // By descriptor, not FILE*: stdio would buffer frames in a pipe until exit.
    if (!output.open(STDOUT_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered))
        return 1;
    QObject::connect(&relay, &rr::nativehost::Relay::toBrowser, &app,
                     [&output](const QByteArray &frame) { output.write(frame); });
    QObject::connect(&input, &rr::nativehost::StdinReader::bytesRead, &relay,
                     &rr::nativehost::Relay::onBrowserBytes);
    QObject::connect(&input, &rr::nativehost::StdinReader::closed, &relay,
                     &rr::nativehost::Relay::onBrowserClosed);
    QObject::connect(&relay, &rr::nativehost::Relay::finished, &app, &QCoreApplication::exit,
                     Qt::QueuedConnection);
    return app.exec();
}
