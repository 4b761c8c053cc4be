#include "source/gitsupport.h"

#include "core/logging.h"

#include <QUrl>

#include <git2.h>

namespace rr::source::gitsupport {

using core::ErrorCategory;

LibGit2::LibGit2()
{
    static const int initialised = git_libgit2_init();
    Q_UNUSED(initialised)
}

QString oidHex(const git_oid *oid)
{
    char hex[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(hex, sizeof hex, oid);
    return QString::fromLatin1(hex);
}

namespace {

FetchContext &contextOf(void *payload)
{
    return *static_cast<FetchContext *>(payload);
}

int onTransferProgress(const git_indexer_progress *stats, void *payload)
{
    FetchContext &ctx = contextOf(payload);
    if (ctx.isCancelled())
        return -1;
    ctx.receivedBytes = qint64(stats->received_bytes);
    ctx.receivedObjects = int(stats->received_objects);
    const qint64 total = ctx.bytesBefore + ctx.receivedBytes;
    if (ctx.maxBytes > 0 && total > ctx.maxBytes) {
        ctx.tooLarge = true;
        return -1;
    }
    if (ctx.progress)
        ctx.progress(total, int(stats->received_objects), int(stats->total_objects));
    return 0;
}

int onSideband(const char *, int, void *payload)
{
    return contextOf(payload).isCancelled() ? -1 : 0;
}

bool isLoopbackHost(const QString &host)
{
    return host == QLatin1String("localhost") || host == QLatin1String("::1") ||
           host.startsWith(QLatin1String("127."));
}

int onCredentials(git_credential **out, const char *url, const char *usernameFromUrl, unsigned int allowed,
                  void *payload)
{
    FetchContext &ctx = contextOf(payload);
    if (ctx.isCancelled())
        return -1;
    // libgit2 asks again after rejected credentials; one offer each is enough.
    if (++ctx.credentialAttempts > 2) {
        git_error_set_str(GIT_ERROR_NET, "the remote rejected the credentials");
        ctx.authRejected = true;
        return GIT_EAUTH;
    }
    const QUrl remote(QString::fromUtf8(url));
    const QByteArray user = usernameFromUrl ? QByteArray(usernameFromUrl) : QByteArrayLiteral("git");
    // A token only travels encrypted, or to this machine (a local mirror).
    const bool safeTransport = remote.scheme() == QLatin1String("https") ||
                               (remote.scheme() == QLatin1String("http") && isLoopbackHost(remote.host()));
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && safeTransport && ctx.tokenProvider &&
        !ctx.tokenOffered) {
        ctx.tokenOffered = true;
        const QString token = ctx.tokenProvider(remote.host());
        if (!token.isEmpty()) {
            qCDebug(lcSource) << "offering a stored token for" << remote.host();
            return git_credential_userpass_plaintext_new(out, "x-access-token", token.toUtf8().constData());
        }
    }
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) && ctx.credentialAttempts == 1)
        return git_credential_ssh_key_from_agent(out, user.constData());
    if (allowed & GIT_CREDENTIAL_USERNAME)
        return git_credential_username_new(out, user.constData());
    git_error_set_str(GIT_ERROR_NET, "no credentials are available");
    ctx.authRejected = true;
    return GIT_EAUTH;
}

} // namespace

void installCallbacks(git_remote_callbacks &callbacks, FetchContext &context)
{
    callbacks.transfer_progress = onTransferProgress;
    callbacks.sideband_progress = onSideband;
    callbacks.credentials = onCredentials;
    callbacks.payload = &context;
}

QString humanSize(qint64 bytes)
{
    const double mib = double(bytes) / (1024.0 * 1024.0);
    if (mib >= 1024.0)
        return QStringLiteral("%1 GiB").arg(mib / 1024.0, 0, 'f', 1);
    if (mib >= 1.0)
        return QStringLiteral("%1 MiB").arg(mib, 0, 'f', 1);
    return QStringLiteral("%1 KiB").arg(double(bytes) / 1024.0, 0, 'f', 0);
}

core::Error lastError(int code, const FetchContext &context, const QString &what)
{
    if (context.isCancelled())
        return core::makeError(ErrorCategory::Cancelled, QStringLiteral("source.cancelled"),
                               QStringLiteral("The clone was cancelled."));
    if (context.tooLarge)
        return core::makeError(
            ErrorCategory::Source, QStringLiteral("source.too_large"),
            QStringLiteral(
                "The repository is larger than the size limit of %1, so the clone was stopped. "
                "Raise the source size limit (setting \"maxSourceSize\", CLI --max-size) to clone it.")
                .arg(humanSize(context.maxBytes)));
    const git_error *e = git_error_last();
    const QString detail = e && e->message ? QString::fromUtf8(e->message) : QStringLiteral("unknown error");
    if (code == GIT_EAUTH || context.authRejected)
        return core::makeError(
            ErrorCategory::Source, QStringLiteral("source.auth_failed"),
            QStringLiteral("%1: authentication required (%2). For a private repository, store an "
                           "access token for its host: `reporunner auth login --host HOST` (the "
                           "token is read from standard input) or the app's settings.")
                .arg(what, detail));
    if (code == GIT_ENOTFOUND)
        return core::makeError(ErrorCategory::Source, QStringLiteral("source.not_found"),
                               QStringLiteral("%1: %2").arg(what, detail));
    return core::makeError(ErrorCategory::Source, QStringLiteral("source.git_failed"),
                           QStringLiteral("%1: %2").arg(what, detail));
}

} // namespace rr::source::gitsupport
