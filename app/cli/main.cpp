#include "authcommand.h"
#include "cleanupcommand.h"
#include "clientcommand.h"
#include "exitcode.h"
#include "plancommand.h"
#include "runcommand.h"
#include "servecommand.h"
#include "terminal.h"

#include <QCoreApplication>
#include <QLoggingCategory>

namespace {

const char *const Usage =
    "usage: reporunner <command> [options]\n"
    "\n"
    "commands:\n"
    "  run URL|PATH    build and deploy a repository; prints its preview URLs\n"
    "  ps              list runs\n"
    "  logs RUN        print a run's logs (-f to follow)\n"
    "  stop RUN|--all  stop runs and remove what they created\n"
    "  open RUN        print and open a run's preview URL\n"
    "  rm RUN|--all-stopped  remove a finished run's history and logs\n"
    "  prune           remove old images, build cache and cloned repositories\n"
    "  plan URL|PATH   print the run plan (Kubernetes manifests) and translation report\n"
    "  serve           run the engine headless, serving the control API\n"
    "  auth ACTION     login|logout|status: the token for private repositories\n"
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
    // Every command object reports its exit code through finished(); the loop ends there.
    const auto runCommand = [&app, &args](auto &handler) {
        QObject::connect(&handler, &std::remove_reference_t<decltype(handler)>::finished, &app,
                         &QCoreApplication::exit, Qt::QueuedConnection);
        handler.start(args);
        return app.exec();
    };
    if (command == QLatin1String("plan")) {
        rr::cli::PlanCommand plan;
        return runCommand(plan);
    }
    if (command == QLatin1String("run")) {
        rr::cli::RunCommand run;
        return runCommand(run);
    }
    if (command == QLatin1String("auth")) {
        rr::cli::AuthCommand auth;
        return runCommand(auth);
    }
    if (command == QLatin1String("rm") || command == QLatin1String("prune")) {
        rr::cli::CleanupCommand cleanup;
        return runCommand(cleanup);
    }
    if (command == QLatin1String("serve")) {
        rr::cli::ServeCommand serve;
        return runCommand(serve);
    }
    if (command == QLatin1String("ps") || command == QLatin1String("logs") ||
        command == QLatin1String("stop") || command == QLatin1String("open")) {
        rr::cli::ClientCommand client;
        return runCommand(client);
    }
    rr::cli::Terminal::error(QStringLiteral("unknown command \"%1\"").arg(command));
    rr::cli::Terminal::err(Usage);
    return rr::cli::Usage;
}
