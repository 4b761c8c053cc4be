#pragma once

#include "ipc/controlhandler.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

namespace rr::source {
class TokenStore;
}

namespace rr::control {

// The control API's auth.* methods: set, clear and check the access token for a git host (the
// tray's settings use them). The token travels only in the auth.setToken request and into the
// keychain: no reply, event, log line, error message or database row carries it; auth.status
// says only whether one is stored and how long it is. The browser's allow-lists never pass
// these methods.
class TokenControl final : public QObject
{
    Q_DISABLE_COPY_MOVE(TokenControl)
public:
    static constexpr const char *DefaultHost = "github.com";

    // `tokens` may be null (no keychain in this engine): every method then says so.
    explicit TokenControl(source::TokenStore *tokens, QObject *parent = nullptr);

    static bool handles(const QString &method);
    QFuture<ipc::HandlerResult> handle(const QString &method, const QJsonObject &params);

private:
    QFuture<ipc::HandlerResult> setToken(const QString &host, const QString &token);
    QFuture<ipc::HandlerResult> clearToken(const QString &host);
    QFuture<ipc::HandlerResult> status(const QString &host);

    source::TokenStore *m_tokens;
};

} // namespace rr::control
