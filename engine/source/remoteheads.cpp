#include "source/remoteheads.h"

#include "source/gitptr.h"
#include "source/gitsupport.h"
#include "source/refresolver.h"

#include <QHash>
#include <QStringList>

namespace rr::source {

using core::ErrorCategory;

namespace {

struct Advertised
{
    QHash<QString, QString> commits; // full ref name → commit (tags peeled)
    QStringList branches;
    QStringList tags;
};

Advertised readHeads(const git_remote_head **heads, size_t count)
{
    Advertised out;
    for (size_t i = 0; i < count; ++i) {
        QString name = QString::fromUtf8(heads[i]->name);
        const QString oid = gitsupport::oidHex(&heads[i]->oid);
        if (name.endsWith(QLatin1String("^{}"))) { // the peeled target of an annotated tag wins
            name.chop(3);
            out.commits.insert(name, oid);
            continue;
        }
        if (!out.commits.contains(name))
            out.commits.insert(name, oid);
        if (name.startsWith(QLatin1String("refs/heads/")))
            out.branches << name.mid(11);
        else if (name.startsWith(QLatin1String("refs/tags/")))
            out.tags << name.mid(10);
    }
    return out;
}

core::Result<QString> pick(const SourceSpec &spec, const Advertised &remote)
{
    QString ref = spec.ref;
    bool isTag = false;
    if (!spec.refPath.isEmpty()) {
        const RefResolver::Split split = RefResolver::split(spec.refPath, remote.branches, remote.tags);
        ref = split.ref;
        isTag = split.isTag;
    }
    const QString name = ref.isEmpty()                   ? QStringLiteral("HEAD")
                         : isTag                         ? QStringLiteral("refs/tags/") + ref
                         : remote.branches.contains(ref) ? QStringLiteral("refs/heads/") + ref
                                                         : QStringLiteral("refs/tags/") + ref;
    if (const QString commit = remote.commits.value(name); !commit.isEmpty())
        return commit;
    return core::fail(ErrorCategory::Source, QStringLiteral("source.ref_not_found"),
                      QStringLiteral("No branch or tag of %1 is called \"%2\".").arg(spec.remoteUrl, ref));
}

} // namespace

core::Result<QString> RemoteHeads::commitFor(const SourceSpec &spec, FetchContext &context)
{
    if (spec.refIsCommit && spec.refPath.isEmpty() && spec.ref.size() == 40)
        return spec.ref.toLower();
    gitsupport::LibGit2 libgit2;
    git_remote *raw = nullptr;
    const QByteArray url = spec.remoteUrl.toUtf8();
    if (git_remote_create_detached(&raw, url.constData()) != 0)
        return core::fail(
            gitsupport::lastError(-1, context, QStringLiteral("Cannot use %1").arg(spec.remoteUrl)));
    RemotePtr remote(raw);
    git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
    gitsupport::installCallbacks(callbacks, context);
    git_proxy_options proxy = GIT_PROXY_OPTIONS_INIT;
    proxy.type = GIT_PROXY_AUTO;
    context.beginRemote();
    const int rc = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, &proxy, nullptr);
    if (rc != 0)
        return core::fail(gitsupport::lastError(
            rc, context, QStringLiteral("Asking %1 for its refs failed").arg(spec.remoteUrl)));
    const git_remote_head **heads = nullptr;
    size_t count = 0;
    const int listed = git_remote_ls(&heads, &count, remote.get());
    core::Result<QString> commit = core::fail(gitsupport::lastError(
        listed, context, QStringLiteral("Reading the refs of %1 failed").arg(spec.remoteUrl)));
    if (listed == 0)
        commit = pick(spec, readHeads(heads, count));
    git_remote_disconnect(remote.get());
    return commit;
}

} // namespace rr::source
