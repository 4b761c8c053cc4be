#include "source/sourcespecparser.h"

#include "core/logging.h"
#include "source/githubmirror.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

namespace rr::source {

using core::ErrorCategory;

namespace {

const QString GitHubHost = QStringLiteral("github.com");

bool isHexSha(const QString &text, int minLength)
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]+$"));
    return text.size() >= minLength && text.size() <= 40 && hex.match(text).hasMatch();
}

QString stripGitSuffix(QString name)
{
    if (name.endsWith(QLatin1String(".git")))
        name.chop(4);
    return name;
}

// A folder inside the repository must stay inside it.
core::Result<QString> checkedSubdir(const QStringList &segments, const QString &input)
{
    for (const QString &s : segments) {
        if (s == QLatin1String("..") || s == QLatin1String("."))
            return core::fail(
                ErrorCategory::Input, QStringLiteral("source.bad_path"),
                QStringLiteral("The folder in \"%1\" may not contain \".\" or \"..\".").arg(input));
    }
    return segments.join(QLatin1Char('/'));
}

// Fills ref/subdir/refPath from the segments after /tree, /blob or /commit.
core::Result<void> applyRefSegments(SourceSpec &spec, const QString &kind, const QStringList &rest)
{
    if (rest.isEmpty())
        return core::fail(
            ErrorCategory::Input, QStringLiteral("source.missing_ref"),
            QStringLiteral("\"%1\" names no branch, tag or commit after /%2/.").arg(spec.input, kind));
    if (kind == QLatin1String("commit")) {
        if (!isHexSha(rest.first(), 4))
            return core::fail(
                ErrorCategory::Input, QStringLiteral("source.bad_commit"),
                QStringLiteral("\"%1\" is not a commit id (expected hexadecimal).").arg(rest.first()));
        spec.ref = rest.first().toLower();
        spec.refIsCommit = true;
        return {};
    }
    const auto all = checkedSubdir(rest.mid(1), spec.input);
    if (!all)
        return core::fail(all.error());
    spec.ref = rest.first();
    QStringList pathSegments = rest.mid(1);
    spec.refPathIsFile = kind == QLatin1String("blob");
    if (spec.refPathIsFile && !pathSegments.isEmpty())
        pathSegments.removeLast(); // the file's folder is the project root
    spec.subdir = pathSegments.join(QLatin1Char('/'));
    if (rest.size() > 1)
        spec.refPath = rest.join(QLatin1Char('/')); // ambiguous until the remote's refs are known
    spec.refIsCommit = isHexSha(spec.ref, 40);
    return {};
}

void setOwnerRepo(SourceSpec &spec, const QStringList &repoSegments)
{
    if (repoSegments.isEmpty())
        return;
    spec.repo = stripGitSuffix(repoSegments.last());
    if (repoSegments.size() > 1)
        spec.owner = repoSegments.at(repoSegments.size() - 2);
}

QStringList pathSegments(const QString &path)
{
    return path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
}

core::Result<SourceSpec> parseLocal(const QString &input, const QString &path)
{
    QString expanded = path;
    if (expanded == QLatin1String("~") || expanded.startsWith(QLatin1String("~/")))
        expanded = QDir::homePath() + expanded.mid(1);
    const QFileInfo info(expanded);
    if (!info.exists())
        return core::fail(ErrorCategory::Input, QStringLiteral("source.local_path_missing"),
                          QStringLiteral("There is no folder at \"%1\".").arg(input));
    if (!info.isDir())
        return core::fail(
            ErrorCategory::Input, QStringLiteral("source.not_a_folder"),
            QStringLiteral("\"%1\" is a file; choose the folder that holds the project.").arg(input));
    SourceSpec spec;
    spec.kind = SourceSpec::Kind::LocalFolder;
    spec.input = input;
    spec.localPath = info.canonicalFilePath();
    spec.owner = QStringLiteral("local");
    spec.repo = QFileInfo(spec.localPath).fileName();
    if (spec.repo.isEmpty())
        spec.repo = QStringLiteral("root");
    return spec;
}

core::Result<SourceSpec> parseGitHub(const QString &input, const QStringList &segments)
{
    if (segments.size() < 2)
        return core::fail(
            ErrorCategory::Input, QStringLiteral("source.not_a_repository"),
            QStringLiteral("\"%1\" is not a GitHub repository URL (expected github.com/OWNER/REPO).")
                .arg(input));
    const auto mirror = GitHubMirror::fromEnvironment();
    if (!mirror)
        return core::fail(mirror.error());
    SourceSpec spec;
    spec.input = input;
    spec.owner = segments.at(0);
    spec.repo = stripGitSuffix(segments.at(1));
    spec.remoteUrl = GitHubMirror::cloneUrl(spec.owner, spec.repo, *mirror);
    const QStringList rest = segments.mid(2);
    if (!rest.isEmpty()) {
        const QString &kind = rest.first();
        // Other repository pages (issues, pulls, actions...) just mean "this repository".
        if (kind == QLatin1String("tree") || kind == QLatin1String("blob") ||
            kind == QLatin1String("commit")) {
            const auto applied = applyRefSegments(spec, kind, rest.mid(1));
            if (!applied)
                return core::fail(applied.error());
        }
    }
    return spec;
}

core::Result<SourceSpec> parseGenericHttp(const QString &input, const QUrl &url)
{
    const QStringList segments = pathSegments(url.path(QUrl::FullyDecoded));
    if (segments.isEmpty())
        return core::fail(ErrorCategory::Input, QStringLiteral("source.not_a_repository"),
                          QStringLiteral("\"%1\" names a host but no repository.").arg(input));
    // Web UIs put /tree/<ref>/... (GitLab: /-/tree/...) after the repository path.
    qsizetype split = -1;
    for (qsizetype i = 2; i + 1 < segments.size(); ++i) {
        const QString &s = segments.at(i);
        if (s == QLatin1String("tree") || s == QLatin1String("blob") || s == QLatin1String("commit")) {
            split = i;
            break;
        }
    }
    SourceSpec spec;
    spec.input = input;
    QStringList repoSegments = split < 0 ? segments : segments.mid(0, split);
    if (split >= 0 && repoSegments.last() == QLatin1String("-"))
        repoSegments.removeLast();
    QUrl remote;
    remote.setScheme(url.scheme());
    remote.setHost(url.host());
    remote.setPort(url.port());
    remote.setPath(QLatin1Char('/') + repoSegments.join(QLatin1Char('/')), QUrl::DecodedMode);
    spec.remoteUrl = remote.toString(QUrl::FullyEncoded);
    setOwnerRepo(spec, repoSegments);
    if (split >= 0) {
        const auto applied = applyRefSegments(spec, segments.at(split), segments.mid(split + 1));
        if (!applied)
            return core::fail(applied.error());
    }
    return spec;
}

core::Result<SourceSpec> parseUrl(const QString &input, QString text)
{
    static const QRegularExpression schemeRe(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*)://"));
    const auto schemeMatch = schemeRe.match(text);
    QString scheme = schemeMatch.captured(1).toLower();
    if (scheme == QLatin1String("git+ssh") || scheme == QLatin1String("ssh+git")) {
        text = QStringLiteral("ssh") + text.mid(scheme.size());
        scheme = QStringLiteral("ssh");
    }
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return core::fail(ErrorCategory::Input, QStringLiteral("source.bad_url"),
                          QStringLiteral("\"%1\" is not a valid URL.").arg(input));
    const QString host = url.host().toLower();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https")) {
        if (host == GitHubHost || host == QLatin1String("www.github.com"))
            return parseGitHub(input, pathSegments(url.path(QUrl::FullyDecoded)));
        return parseGenericHttp(input, url);
    }
    if (scheme == QLatin1String("ssh") || scheme == QLatin1String("git")) {
        SourceSpec spec;
        spec.input = input;
        // Keep an ssh user name (not a secret) but never a password.
        spec.remoteUrl = url.adjusted(QUrl::RemovePassword | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                      QUrl::StripTrailingSlash)
                             .toString(QUrl::FullyEncoded);
        if (scheme == QLatin1String("git"))
            spec.remoteUrl = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                          QUrl::StripTrailingSlash)
                                 .toString(QUrl::FullyEncoded);
        setOwnerRepo(spec, pathSegments(url.path(QUrl::FullyDecoded)));
        if (spec.repo.isEmpty())
            return core::fail(ErrorCategory::Input, QStringLiteral("source.not_a_repository"),
                              QStringLiteral("\"%1\" names a host but no repository.").arg(input));
        return spec;
    }
    return core::fail(
        ErrorCategory::Input, QStringLiteral("source.unsupported_scheme"),
        QStringLiteral("\"%1\" uses %2://, which is not supported; use https://, ssh://, git:// "
                       "or a local folder.")
            .arg(input, scheme));
}

} // namespace

core::Result<SourceSpec> SourceSpecParser::parse(const QString &raw)
{
    const QString input = raw.trimmed();
    if (input.isEmpty())
        return core::fail(ErrorCategory::Input, QStringLiteral("source.empty"),
                          QStringLiteral("No repository URL or folder was given."));

    if (input.startsWith(QLatin1String("file:"), Qt::CaseInsensitive)) {
        const QUrl url(input);
        if (!url.isValid() || !url.isLocalFile() ||
            (!url.host().isEmpty() && url.host() != QLatin1String("localhost")))
            return core::fail(ErrorCategory::Input, QStringLiteral("source.bad_url"),
                              QStringLiteral("\"%1\" is not a local file:// URL.").arg(input));
        return parseLocal(input, url.toLocalFile());
    }

    static const QRegularExpression schemeRe(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*://"));
    if (schemeRe.match(input).hasMatch())
        return parseUrl(input, input);

    if (input.startsWith(QLatin1Char('/')) || input.startsWith(QLatin1Char('~')) ||
        input.startsWith(QLatin1Char('.')))
        return parseLocal(input, input);

    // scp-like ssh: [user@]host:path (a single letter before ':' would be a Windows drive).
    static const QRegularExpression scpRe(
        QStringLiteral("^(?:([A-Za-z0-9._-]+)@)?([A-Za-z0-9.-]{2,}):([^/].*)$"));
    const auto scp = scpRe.match(input);
    if (scp.hasMatch() && !input.contains(QLatin1Char(' '))) {
        SourceSpec spec;
        spec.input = input;
        QString path = scp.captured(3);
        while (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        const QString user = scp.captured(1);
        const QString host = scp.captured(2).toLower();
        setOwnerRepo(spec, pathSegments(path));
        if (host == GitHubHost && !path.endsWith(QLatin1String(".git")))
            path += QStringLiteral(".git");
        spec.remoteUrl =
            (user.isEmpty() ? QString() : user + QLatin1Char('@')) + host + QLatin1Char(':') + path;
        if (spec.repo.isEmpty())
            return core::fail(ErrorCategory::Input, QStringLiteral("source.not_a_repository"),
                              QStringLiteral("\"%1\" names a host but no repository.").arg(input));
        return spec;
    }

    if (input.startsWith(QLatin1String("github.com/"), Qt::CaseInsensitive) ||
        input.startsWith(QLatin1String("www.github.com/"), Qt::CaseInsensitive))
        return parseUrl(input, QStringLiteral("https://") + input);

    if (QFileInfo(input).isDir())
        return parseLocal(input, input);
    if (input.contains(QLatin1Char('/')))
        return core::fail(
            ErrorCategory::Input, QStringLiteral("source.local_path_missing"),
            QStringLiteral("\"%1\" is neither a repository URL nor an existing folder.").arg(input));
    return core::fail(
        ErrorCategory::Input, QStringLiteral("source.unrecognised"),
        QStringLiteral("\"%1\" is not a repository URL (https://, ssh://, git@host:path) or a folder.")
            .arg(input));
}

QString SourceSpecParser::withoutCredentials(const QString &input)
{
    static const QRegularExpression withUserInfo(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*://)([^/@]*)@"));
    const auto match = withUserInfo.match(input.trimmed());
    if (!match.hasMatch())
        return input;
    const QString scheme = match.captured(1).toLower();
    const QString userInfo = match.captured(2);
    const bool ssh = scheme.startsWith(QLatin1String("ssh")) || scheme.contains(QLatin1String("+ssh"));
    const qsizetype colon = userInfo.indexOf(QLatin1Char(':'));
    // ssh keeps its user name (git@…); web addresses carry tokens in either part.
    const QString kept =
        ssh && colon != 0 ? (colon < 0 ? userInfo : userInfo.left(colon)) + QLatin1Char('@') : QString();
    return match.captured(1) + kept + input.trimmed().mid(match.capturedEnd(0));
}

} // namespace rr::source
