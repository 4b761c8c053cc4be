#pragma once

#include "core/result.h"

#include <QFuture>
#include <QObject>
#include <QString>

namespace rr::source {

// Per-host access tokens (e.g. a GitHub token) in the desktop keychain via QtKeychain.
// Tokens never touch logs, the database or URLs; they only travel in memory to libgit2.
class TokenStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TokenStore)

public:
    explicit TokenStore(QObject *parent = nullptr);
    ~TokenStore() override;

    static QString serviceName(); // "reporunner"

    // May be called from any thread; the keychain job runs on this object's thread.
    // read() yields an empty string when no token is stored for the host.
    QFuture<core::Result<QString>> read(const QString &host);
    QFuture<core::Result<bool>> write(const QString &host, const QString &token);
    QFuture<core::Result<bool>> remove(const QString &host); // removing a missing token succeeds

    // For Fetcher::setTokenProvider: blocks the calling worker thread until the keychain answers.
    // Must not be called on this object's own thread (it would wait for itself).
    QString tokenForWorker(const QString &host);
};

} // namespace rr::source
