// reporunner-tray: the desktop app. Hosts the engine and its control API in-process, shows
// runs in the tray and a Qt Quick window, and notifies through the desktop's notifications.
#include "trayapplication.h"

#include "common/engineprobe.h"
#include "core/error.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("reporunner"));
    QApplication::setApplicationDisplayName(QStringLiteral("RepoRunner"));
    QApplication::setApplicationVersion(QStringLiteral(REPORUNNER_VERSION));
    // The window closes to the tray; Quit in the tray menu ends the app.
    QApplication::setQuitOnLastWindowClosed(false);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("RepoRunner tray app with the engine in-process."));
    const QCommandLineOption socket(QStringLiteral("socket"), QStringLiteral("control socket path"),
                                    QStringLiteral("path"), rr::app::controlSocketPath());
    const QCommandLineOption hidden(QStringLiteral("hidden"),
                                    QStringLiteral("start in the tray, without the window"));
    parser.addOptions({socket, hidden});
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    rr::tray::TrayApplication tray;
    QObject::connect(&tray, &rr::tray::TrayApplication::quitting, &app, [] { QApplication::exit(0); });
    // Started from inside the event loop: a failure that is known at once must still be able
    // to end it with exit().
    QTimer::singleShot(0, &tray, [&] {
        tray.start(parser.value(socket), !parser.isSet(hidden))
            .then(&tray, [](const rr::core::Result<void> &started) {
                if (!started) {
                    std::fprintf(stderr, "reporunner-tray: %s\n", qPrintable(started.error().message));
                    QApplication::exit(started.error().code == QLatin1String("engine.running") ? 3 : 1);
                }
            });
    });
    return app.exec();
}
