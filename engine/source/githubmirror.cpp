#include "source/githubmirror.h"

#include "core/logging.h"

#include <QUrl>

namespace rr::source {

core::Result<QString> GitHubMirror::normalise(const QString &mirror)
{
    const QString trimmed = mirror.trimmed();
    if (trimmed.isEmpty())
        return QString();
    const QUrl url(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    const bool known = scheme == QLatin1String("http") || scheme == QLatin1String("https") ||
                       scheme == QLatin1String("git") || scheme == QLatin1String("ssh") ||
                       scheme == QLatin1String("file");
    if (!url.isValid() || !known || (scheme != QLatin1String("file") && url.host().isEmpty()) ||
        url.hasQuery() || url.hasFragment())
        return core::fail(core::ErrorCategory::Input, QStringLiteral("source.bad_mirror"),
                          QStringLiteral("%1=\"%2\" is not a usable mirror; set it to a base URL such as "
                                         "http://127.0.0.1:9418/ (repositories are fetched from "
                                         "<base><owner>/<repo>.git) or unset it.")
                              .arg(QLatin1String(EnvironmentVariable), trimmed));
    return trimmed.endsWith(QLatin1Char('/')) ? trimmed : QString(trimmed + QLatin1Char('/'));
}

core::Result<QString> GitHubMirror::fromEnvironment()
{
    const QString value = qEnvironmentVariable(EnvironmentVariable);
    auto mirror = normalise(value);
    if (mirror && !mirror->isEmpty()) {
        static bool logged = false;
        if (!logged) {
            logged = true;
            qCInfo(lcSource) << "fetching GitHub repositories from the mirror" << *mirror;
        }
    }
    return mirror;
}

QString GitHubMirror::cloneUrl(const QString &owner, const QString &repo, const QString &mirror)
{
    const QString path = owner + QLatin1Char('/') + repo + QStringLiteral(".git");
    return mirror.isEmpty() ? QStringLiteral("https://github.com/") + path : mirror + path;
}

} // namespace rr::source
