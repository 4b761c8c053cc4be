#include "authcommand.h"

#include "exitcode.h"
#include "terminal.h"

#include "source/tokenstore.h"

#include <QCommandLineParser>
#include <QFuture>

#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace rr::cli {

namespace {

// One line from standard input, without echo when it is a terminal.
QString readTokenLine(const QString &host)
{
    const bool tty = ::isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (tty) {
        Terminal::err(QStringLiteral("Token for %1: ").arg(host).toUtf8());
        ::tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    QByteArray line;
    for (int c = std::getchar(); c != EOF && c != '\n'; c = std::getchar())
        line.append(char(c));
    if (tty) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        Terminal::err("\n");
    }
    return QString::fromUtf8(line).trimmed();
}

} // namespace

AuthCommand::AuthCommand(QObject *parent)
    : QObject(parent)
    , m_tokens(new source::TokenStore(this))
{}

void AuthCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Store, remove or check the access token for private repositories (in the desktop keychain).\n"
        "  login   read a token from standard input and store it\n"
        "  logout  remove the stored token\n"
        "  status  say whether a token is stored"));
    const QCommandLineOption hostOption(QStringLiteral("host"),
                                        QStringLiteral("the git host (default github.com)"),
                                        QStringLiteral("host"), QStringLiteral("github.com"));
    parser.addOption(hostOption);
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("login, logout or status"));
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
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    const QString host = parser.value(hostOption).trimmed().toLower();
    if (positional.size() != 1 || host.isEmpty()) {
        Terminal::error(QStringLiteral("usage: reporunner auth login|logout|status [--host HOST]; the "
                                       "token is read from standard input, never from the command line"));
        Q_EMIT finished(Usage);
        return;
    }
    if (action == QLatin1String("login"))
        login(host);
    else if (action == QLatin1String("logout"))
        logout(host);
    else if (action == QLatin1String("status"))
        status(host);
    else {
        Terminal::error(
            QStringLiteral("unknown auth action \"%1\": use login, logout or status").arg(action.left(32)));
        Q_EMIT finished(Usage);
    }
}

void AuthCommand::login(const QString &host)
{
    const QString token = readTokenLine(host);
    if (token.isEmpty()) {
        Terminal::error(QStringLiteral("no token on standard input; nothing was stored"));
        Q_EMIT finished(Usage);
        return;
    }
    m_tokens->write(host, token).then(this, [this, host](const core::Result<bool> &written) {
        if (!written) {
            Terminal::error(written.error().message);
            Q_EMIT finished(Failure);
            return;
        }
        Terminal::out(QStringLiteral("Stored a token for %1 in the keychain.\n").arg(host).toUtf8());
        Q_EMIT finished(Ok);
    });
}

void AuthCommand::logout(const QString &host)
{
    m_tokens->remove(host).then(this, [this, host](const core::Result<bool> &removed) {
        if (!removed) {
            Terminal::error(removed.error().message);
            Q_EMIT finished(Failure);
            return;
        }
        Terminal::out(QStringLiteral("No token is stored for %1 now.\n").arg(host).toUtf8());
        Q_EMIT finished(Ok);
    });
}

void AuthCommand::status(const QString &host)
{
    m_tokens->read(host).then(this, [this, host](const core::Result<QString> &token) {
        if (!token) {
            Terminal::error(token.error().message);
            Q_EMIT finished(Failure);
            return;
        }
        if (token->isEmpty()) {
            Terminal::out(QStringLiteral("%1: no token stored\n").arg(host).toUtf8());
            Q_EMIT finished(Failure);
            return;
        }
        // Only its length and last characters, so a user can tell tokens apart.
        Terminal::out(QStringLiteral("%1: a token is stored (%2 characters, ending in \u2026%3)\n")
                          .arg(host)
                          .arg(token->size())
                          .arg(token->right(4))
                          .toUtf8());
        Q_EMIT finished(Ok);
    });
}

} // namespace rr::cli
