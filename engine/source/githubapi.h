#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QString>

class QNetworkAccessManager;

namespace rr::source {

// A small asynchronous client for GitHub's REST API (api.github.com, a GitHub Enterprise
// `/api/v3/` or a stand-in), used to look at a repository without cloning it. It honours
// GitHub's rate limit: after a 403/429 with `X-RateLimit-Remaining: 0` or `Retry-After` it
// sends nothing until the reset time and answers `github.rate_limited` at once; it also keeps
// its own bound on requests per minute so a page cannot make it hammer the API.
class GitHubApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GitHubApi)

public:
    static constexpr const char *EnvironmentVariable = "REPORUNNER_GITHUB_API";
    static constexpr const char *DefaultBase = "https://api.github.com/";
    static constexpr qint64 MaxResponseBytes = qint64(16) << 20; // GitHub caps trees at ~7 MB
    static constexpr int MaxRequestsPerMinute = 60;
    static constexpr int TimeoutMs = 20000;

    explicit GitHubApi(QObject *parent = nullptr);

    // REPORUNNER_GITHUB_API (normalised to end in '/'), else DefaultBase; an unusable value is an
    // error. `configured` tells whether the variable was set.
    static core::Result<QString> baseFromEnvironment(bool *configured = nullptr);

    void setBase(const QString &base) { m_base = base; }
    QString base() const { return m_base; }

    // GET <base><path>; `token` (may be empty) goes in the Authorization header only. `accept`
    // e.g. "application/vnd.github.raw". Errors: github.rate_limited, github.not_found (404,
    // 422), github.http, github.network, github.too_large.
    QFuture<core::Result<QByteArray>> get(const QString &path, const QString &token,
                                          const QByteArray &accept = "application/vnd.github+json");

    // When the rate limit lifts; invalid when it is not exhausted.
    QDateTime blockedUntil() const { return m_blockedUntil; }

private:
    core::Result<void> admit();
    core::Unexpected rateLimited() const;

    QNetworkAccessManager *m_nam;
    QString m_base = QString::fromLatin1(DefaultBase);
    QDateTime m_blockedUntil;
    QList<QDateTime> m_recent; // request times in the last minute
};

} // namespace rr::source
