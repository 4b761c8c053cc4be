// reporunner-firewall: makes and removes the iptables rules that isolate Docker runs
// (docs/security.md) for engines that are not root. systemd starts it on the first connection
// to /run/reporunner-firewall.sock (installer/systemd); `--socket PATH` serves a socket of its own.
#include "firewallserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>
#include <cstdlib>
#include <grp.h>
#include <unistd.h>

namespace {

constexpr int SystemdFirstDescriptor = 3;

int fail(const QString &message)
{
    std::fprintf(stderr, "reporunner-firewall: %s\n", qPrintable(message));
    return 1;
}

// The one socket systemd passed for this process, or -1 (sd_listen_fds, without libsystemd).
int systemdSocket()
{
    const QByteArray pid = qgetenv("LISTEN_PID");
    const QByteArray fds = qgetenv("LISTEN_FDS");
    if (pid.isEmpty() || pid.toLongLong() != qint64(::getpid()) || fds.toInt() != 1)
        return -1;
    return SystemdFirstDescriptor;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(REPORUNNER_VERSION));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Makes the iptables rules that isolate RepoRunner's Docker runs, for engines that are not root."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption socketOption(
        QStringLiteral("socket"), QStringLiteral("Serve this socket instead of the one systemd passes."),
        QStringLiteral("path"));
    const QCommandLineOption groupOption(QStringLiteral("group"),
                                         QStringLiteral("The group whose members may ask (default: docker)."),
                                         QStringLiteral("name"), QStringLiteral("docker"));
    parser.addOptions({socketOption, groupOption});
    parser.process(app);

    if (::geteuid() != 0)
        return fail(QStringLiteral("must run as root: it changes this machine's iptables rules"));
    const QByteArray groupName = parser.value(groupOption).toLocal8Bit();
    const group *allowed = ::getgrnam(groupName.constData());
    if (!allowed)
        return fail(QStringLiteral("there is no group \"%1\"").arg(parser.value(groupOption)));

    rr::firewall::FirewallServer server(allowed->gr_gid);
    const int passed = systemdSocket();
    const auto serving = parser.isSet(socketOption) ? server.listen(parser.value(socketOption))
                         : passed >= 0              ? server.adopt(passed)
                                                    : rr::core::Result<void>(rr::core::fail(
                                                          rr::core::ErrorCategory::Input, QStringLiteral("firewall.usage"),
                                                          QStringLiteral("no socket: start it through "
                                                                                      "reporunner-firewall.socket or give --socket")));
    if (!serving)
        return fail(serving.error().message);
    return app.exec();
}
