// reporunner-tray: the desktop app. Hosts the engine and its control API in-process, shows
// runs in the tray and a Qt Quick window, and notifies through the desktop's notifications.
#include "instancebus.h"
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
    const QCommandLineOption run(QStringLiteral("run"), QStringLiteral("open the window on this run"),
                                 QStringLiteral("id"));
    parser.addOptions({socket, hidden, run});
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    rr::tray::TrayApplication tray;
    QObject::connect(&tray, &rr::tray::TrayApplication::quitting, &app, [] { QApplication::exit(0); });
    // Started from inside the event loop: a failure that is known at once must still be able
    // to end it with exit().
    QTimer::singleShot(0, &tray, [&] {
        const QString runId = parser.value(run);
        tray.start(parser.value(socket), !parser.isSet(hidden) || !runId.isEmpty())
            .then(&tray, [&tray, runId](const rr::core::Result<void> &started) {
                if (started) {
                    if (!runId.isEmpty())
                        tray.showLogs(runId);
                    return;
                }
                if (started.error().code != QLatin1String("engine.running")) {
                    std::fprintf(stderr, "reporunner-tray: %s\n", qPrintable(started.error().message));
                    QApplication::exit(1);
                    return;
                }
                // A second launch: the first tray app shows its window instead. Only when the
                // engine is `reporunner serve` (no tray on the bus) is this a refusal.
                const QString refusal = started.error().message;
                rr::tray::InstanceBus::activateRunning(runId).then(&tray, [refusal](bool shown) {
                    if (shown) {
                        std::fprintf(stderr, "reporunner-tray: showed the running RepoRunner window\n");
                        QApplication::exit(0);
                    } else {
                        std::fprintf(stderr, "reporunner-tray: %s\n", qPrintable(refusal));
                        QApplication::exit(3);
                    }
                });
            });
    });
    return app.exec();
}
