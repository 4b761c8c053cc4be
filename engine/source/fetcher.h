#pragma once

#include "core/result.h"
#include "source/checkout.h"
#include "source/fetchoptions.h"
#include "source/sourcespec.h"

#include <QFuture>
#include <QObject>

#include <functional>
#include <memory>

namespace rr::source {

// Clones or updates a repository in the cache and checks out the wanted commit, on a thread pool.
class Fetcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Fetcher)

public:
    using TokenProvider = std::function<QString(const QString &host)>;

    explicit Fetcher(QObject *parent = nullptr);
    ~Fetcher() override;

    // Called on a worker thread when a https remote asks for credentials; the token only ever
    // lives in memory (libgit2's credential callback), never in a URL or config on disk.
    void setTokenProvider(TokenProvider provider);

    QFuture<core::Result<Checkout>> fetch(const SourceSpec &spec, const FetchOptions &options = {});

    // The commit the spec's ref names on the remote now, asked without fetching (git ls-remote).
    QFuture<core::Result<QString>> remoteCommit(const SourceSpec &spec);

    // Aborts every fetch in flight; their futures finish with a Cancelled error.
    void cancel();

    static QString defaultCacheDir();

Q_SIGNALS:
    // Emitted on this object's thread (queued from the worker).
    void progress(qint64 receivedBytes, int receivedObjects, int totalObjects);

private:
    void reportProgress(qint64 receivedBytes, int receivedObjects, int totalObjects);

    struct Shared;
    std::shared_ptr<Shared> m_shared;
};

} // namespace rr::source
