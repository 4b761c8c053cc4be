#include "control/tokencontrol.h"

#include "ipc/protocol.h"
#include "source/tokenstore.h"

namespace rr::control {

namespace {

using core::ErrorCategory;
using ipc::HandlerResult;

QFuture<HandlerResult> refuse(const QString &code, const QString &message)
{
    return ipc::ControlHandler::ready(core::fail(ErrorCategory::Input, code, message));
}

// A host name as git remotes use it: letters, digits, dots, dashes and an optional port.
bool plausibleHost(const QString &host)
{
    if (host.isEmpty() || host.size() > 253)
        return false;
    for (const QChar c : host)
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('.') && c != QLatin1Char('-') &&
            c != QLatin1Char(':'))
            return false;
    return true;
}

// Tokens are printable ASCII without spaces (GitHub's, GitLab's, Gitea's all are). Anything
// else is refused without quoting it back.
bool plausibleToken(const QString &token)
{
    if (token.isEmpty() || token.size() > 1024)
        return false;
    for (const QChar c : token)
        if (c.unicode() <= 0x20 || c.unicode() >= 0x7f)
            return false;
    return true;
}

// Keychain errors name the keychain's trouble, never the secret; still, only our own words
// and the keychain's code leave the engine.
core::Error keychainError(const core::Error &e, const QString &host)
{
    return core::makeError(
        ErrorCategory::Io, QStringLiteral("auth.keychain"),
        QStringLiteral("The desktop keychain did not take the request for %1: %2").arg(host, e.message));
}

} // namespace

TokenControl::TokenControl(source::TokenStore *tokens, QObject *parent)
    : QObject(parent)
    , m_tokens(tokens)
{}

bool TokenControl::handles(const QString &method)
{
    return method == ipc::method::AuthSetToken || method == ipc::method::AuthClearToken ||
           method == ipc::method::AuthStatus;
}

QFuture<HandlerResult> TokenControl::handle(const QString &method, const QJsonObject &params)
{
    const QString host =
        params.value(QStringLiteral("host")).toString(QLatin1String(DefaultHost)).trimmed().toLower();
    if (!plausibleHost(host))
        return refuse(QStringLiteral("auth.bad_host"),
                      QStringLiteral("The host must be a git host name such as github.com."));
    if (!m_tokens)
        return refuse(QStringLiteral("auth.unavailable"),
                      QStringLiteral("This engine has no keychain to keep tokens in."));
    if (method == ipc::method::AuthSetToken)
        return setToken(host, params.value(QStringLiteral("token")).toString().trimmed());
    if (method == ipc::method::AuthClearToken)
        return clearToken(host);
    return status(host);
}

QFuture<HandlerResult> TokenControl::setToken(const QString &host, const QString &token)
{
    if (!plausibleToken(token))
        return refuse(QStringLiteral("auth.bad_token"),
                      QStringLiteral("That is not an access token: tokens are up to 1024 printable "
                                     "characters without spaces. Nothing was stored."));
    return m_tokens->write(host, token)
        .then(this, [host, size = token.size()](const core::Result<bool> &written) {
            if (!written)
                return HandlerResult(core::Unexpected(keychainError(written.error(), host)));
            return HandlerResult(QJsonObject{{QStringLiteral("host"), host},
                                             {QStringLiteral("stored"), true},
                                             {QStringLiteral("length"), int(size)}});
        });
}

QFuture<HandlerResult> TokenControl::clearToken(const QString &host)
{
    return m_tokens->remove(host).then(this, [host](const core::Result<bool> &removed) {
        if (!removed)
            return HandlerResult(core::Unexpected(keychainError(removed.error(), host)));
        return HandlerResult(QJsonObject{{QStringLiteral("host"), host}, {QStringLiteral("stored"), false}});
    });
}

QFuture<HandlerResult> TokenControl::status(const QString &host)
{
    return m_tokens->read(host).then(this, [host](const core::Result<QString> &token) {
        if (!token)
            return HandlerResult(core::Unexpected(keychainError(token.error(), host)));
        QJsonObject o{{QStringLiteral("host"), host}, {QStringLiteral("stored"), !token->isEmpty()}};
        if (!token->isEmpty())
            o.insert(QStringLiteral("length"), int(token->size()));
        return HandlerResult(o);
    });
}

} // namespace rr::control
