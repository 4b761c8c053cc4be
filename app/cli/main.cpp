#include "exitcode.h"
#include "plancommand.h"
#include "terminal.h"

#include <QCoreApplication>
#include <QLoggingCategory>

namespace {

const char *const Usage =
    "usage: reporunner <command> [options]\n"
    "\n"
    "commands:\n"
    "  plan URL|PATH   print the run plan (Kubernetes manifests) and translation report\n"
    "\n"
    "Run 'reporunner <command> --help' for a command's options.\n";

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("reporunner"));
    QCoreApplication::setApplicationVersion(QStringLiteral(REPORUNNER_VERSION));
    // The engine's info chatter is for the app's log; the CLI shows progress itself.
    // QT_LOGGING_RULES still turns it back on.
    QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*.debug=false\nreporunner.*.info=false"));

    const QStringList args = QCoreApplication::arguments().mid(1);
    const QString command = args.value(0);
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        rr::cli::Terminal::out(Usage);
        return command.isEmpty() ? rr::cli::Usage : rr::cli::Ok;
    }
    if (command == QLatin1String("--version")) {
        rr::cli::Terminal::out(QByteArray("reporunner ") + REPORUNNER_VERSION + '\n');
        return rr::cli::Ok;
    }
    if (command == QLatin1String("plan")) {
        rr::cli::PlanCommand plan;
        QObject::connect(&plan, &rr::cli::PlanCommand::finished, &app, &QCoreApplication::exit,
                         Qt::QueuedConnection);
        plan.start(args);
        return app.exec();
    }
    rr::cli::Terminal::error(QStringLiteral("unknown command \"%1\"").arg(command));
    rr::cli::Terminal::err(Usage);
    return rr::cli::Usage;
}
