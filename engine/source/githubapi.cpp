#include "source/githubapi.h"

#include "core/logging.h"
#include "core/promises.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

namespace rr::source {

namespace {

using core::ErrorCategory;

// When GitHub says the limit lifts: Retry-After (seconds) wins, else X-RateLimit-Reset (epoch
// seconds), else a minute from now. Invalid when the answer is not a rate-limit answer.
QDateTime rateLimitReset(const QNetworkReply &reply, int status)
{
    if (status != 403 && status != 429)
        return {};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    bool ok = false;
    const qint64 retryAfter = reply.rawHeader("Retry-After").trimmed().toLongLong(&ok);
    if (ok && retryAfter >= 0)
        return now.addSecs(qMin<qint64>(retryAfter, 24 * 3600));
    if (reply.rawHeader("X-RateLimit-Remaining").trimmed() != "0")
        return status == 429 ? now.addSecs(60) : QDateTime();
    const qint64 reset = reply.rawHeader("X-RateLimit-Reset").trimmed().toLongLong(&ok);
    if (ok && reset > now.toSecsSinceEpoch())
        return QDateTime::fromSecsSinceEpoch(qMin(reset, now.toSecsSinceEpoch() + 24 * 3600), Qt::UTC);
    return now.addSecs(60);
}

} // namespace

GitHubApi::GitHubApi(QObject *parent)
    : QObject(parent)
    , m_nam(new QNetworkAccessManager(this))
{
    m_nam->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

core::Result<QString> GitHubApi::baseFromEnvironment(bool *configured)
{
    const QString value = qEnvironmentVariable(EnvironmentVariable).trimmed();
    if (configured)
        *configured = !value.isEmpty();
    if (value.isEmpty())
        return QString::fromLatin1(DefaultBase);
    const QUrl url(value, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || url.hasQuery() || url.hasFragment() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")))
        return core::fail(ErrorCategory::Input, QStringLiteral("source.bad_github_api"),
                          QStringLiteral("%1=\"%2\" is not an http(s) base URL such as "
                                         "https://api.github.com/ or https://ghe.example/api/v3/.")
                              .arg(QLatin1String(EnvironmentVariable), value.left(200)));
    return value.endsWith(QLatin1Char('/')) ? value : QString(value + QLatin1Char('/'));
}

core::Unexpected GitHubApi::rateLimited() const
{
    return core::fail(ErrorCategory::Source, QStringLiteral("github.rate_limited"),
                      QStringLiteral("GitHub's API rate limit is used up until %1 UTC; RepoRunner will "
                                     "not ask again before then. A GitHub token in RepoRunner's "
                                     "settings raises the limit.")
                          .arg(m_blockedUntil.toUTC().toString(QStringLiteral("HH:mm:ss"))));
}

core::Result<void> GitHubApi::admit()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_blockedUntil.isValid() && now < m_blockedUntil)
        return rateLimited();
    m_blockedUntil = {};
    while (!m_recent.isEmpty() && m_recent.first().secsTo(now) >= 60)
        m_recent.removeFirst();
    if (m_recent.size() >= MaxRequestsPerMinute) {
        m_blockedUntil = m_recent.first().addSecs(60);
        return rateLimited();
    }
    m_recent.append(now);
    return {};
}

QFuture<core::Result<QByteArray>> GitHubApi::get(const QString &path, const QString &token,
                                                 const QByteArray &accept)
{
    using Answer = core::Result<QByteArray>;
    if (auto admitted = admit(); !admitted)
        return core::promises::ready<Answer>(core::Unexpected(admitted.error()));
    QNetworkRequest request(QUrl(m_base + path));
    request.setRawHeader("Accept", accept);
    request.setRawHeader("X-GitHub-Api-Version", "2022-11-28");
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("RepoRunner"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setTransferTimeout(TimeoutMs);
    QNetworkReply *reply = m_nam->get(request);
    auto promise = core::promises::started<Answer>();
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > MaxResponseBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, promise, path] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QDateTime reset = rateLimitReset(*reply, status);
        if (reset.isValid()) {
            m_blockedUntil = reset;
            qCWarning(lcSource) << "GitHub API rate limit reached; no requests until" << reset;
            return core::promises::settle(*promise, Answer(rateLimited()));
        }
        if (reply->bytesAvailable() > MaxResponseBytes ||
            reply->error() == QNetworkReply::OperationCanceledError)
            return core::promises::settle(
                *promise,
                Answer(core::fail(ErrorCategory::Source, QStringLiteral("github.too_large"),
                                  QStringLiteral("GitHub's answer for %1 is too large.").arg(path))));
        if (status == 404 || status == 422)
            return core::promises::settle(
                *promise,
                Answer(core::fail(ErrorCategory::Source, QStringLiteral("github.not_found"),
                                  QStringLiteral("GitHub has no %1 (HTTP %2).").arg(path).arg(status))));
        if (status == 0)
            return core::promises::settle(
                *promise, Answer(core::fail(
                              ErrorCategory::Source, QStringLiteral("github.network"),
                              QStringLiteral("GitHub's API did not answer: %1").arg(reply->errorString()))));
        if (status != 200)
            return core::promises::settle(
                *promise,
                Answer(core::fail(
                    ErrorCategory::Source, QStringLiteral("github.http"),
                    QStringLiteral("GitHub's API answered HTTP %1 for %2.").arg(status).arg(path))));
        core::promises::settle(*promise, Answer(reply->readAll()));
    });
    return promise->future();
}

} // namespace rr::source
