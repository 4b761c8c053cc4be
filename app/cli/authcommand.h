#pragma once

#include <QObject>
#include <QStringList>

namespace rr::source {
class TokenStore;
}

namespace rr::cli {

// `reporunner auth login|logout|status [--host HOST]`: the access token the engine offers when
// a https (or loopback) git remote asks for credentials, kept in the desktop keychain. The token
// is read from standard input (without echo at a terminal), never from the command line.
class AuthCommand final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuthCommand)
public:
    explicit AuthCommand(QObject *parent = nullptr);
    void start(const QStringList &arguments);

Q_SIGNALS:
    void finished(int exitCode);

private:
    void login(const QString &host);
    void logout(const QString &host);
    void status(const QString &host);

    source::TokenStore *m_tokens = nullptr;
};

} // namespace rr::cli
