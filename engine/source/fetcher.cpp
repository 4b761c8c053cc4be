#include "source/fetcher.h"

#include "core/logging.h"
#include "core/promises.h"
#include "source/fetchjob.h"
#include "source/remoteheads.h"

#include <QElapsedTimer>
#include <QList>
#include <QMutex>
#include <QStandardPaths>
#include <QThreadPool>

namespace rr::source {

// What worker threads may touch after the Fetcher is gone: guarded by the mutex.
struct Fetcher::Shared
{
    QMutex mutex;
    Fetcher *owner = nullptr; // null once the Fetcher is destroyed
    TokenProvider tokenProvider;
    QList<std::weak_ptr<std::atomic_bool>> inFlight;
};

namespace {

// Progress arrives per network packet; the UI needs a few updates a second.
class ProgressThrottle
{
public:
    bool shouldEmit(qint64 bytes, int objects, int total)
    {
        const bool first = !m_timer.isValid();
        const bool done = total > 0 && objects == total;
        if (!first && !done && bytes - m_lastBytes < 256 * 1024 && m_timer.elapsed() < 100)
            return false;
        m_timer.start();
        m_lastBytes = bytes;
        return true;
    }

private:
    QElapsedTimer m_timer;
    qint64 m_lastBytes = 0;
};

} // namespace

Fetcher::Fetcher(QObject *parent)
    : QObject(parent)
    , m_shared(std::make_shared<Shared>())
{
    m_shared->owner = this;
}

Fetcher::~Fetcher()
{
    cancel();
    QMutexLocker locker(&m_shared->mutex);
    m_shared->owner = nullptr;
}

void Fetcher::setTokenProvider(TokenProvider provider)
{
    QMutexLocker locker(&m_shared->mutex);
    m_shared->tokenProvider = std::move(provider);
}

QString Fetcher::defaultCacheDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
           QStringLiteral("/reporunner/git");
}

void Fetcher::cancel()
{
    QMutexLocker locker(&m_shared->mutex);
    for (const auto &weak : std::as_const(m_shared->inFlight)) {
        if (const auto flag = weak.lock())
            flag->store(true);
    }
    m_shared->inFlight.clear();
}

void Fetcher::reportProgress(qint64 receivedBytes, int receivedObjects, int totalObjects)
{
    Q_EMIT progress(receivedBytes, receivedObjects, totalObjects);
}

QFuture<core::Result<Checkout>> Fetcher::fetch(const SourceSpec &spec, const FetchOptions &options)
{
    auto promise = core::promises::started<core::Result<Checkout>>();
    QFuture<core::Result<Checkout>> future = promise->future();
    auto cancelled = std::make_shared<std::atomic_bool>(false);
    TokenProvider provider;
    {
        QMutexLocker locker(&m_shared->mutex);
        m_shared->inFlight.removeIf([](const std::weak_ptr<std::atomic_bool> &w) { return w.expired(); });
        m_shared->inFlight.append(cancelled);
        provider = m_shared->tokenProvider;
    }
    auto shared = m_shared;
    QThreadPool::globalInstance()->start([shared, promise, cancelled, spec, options, provider] {
        FetchContext context;
        context.cancelled = cancelled;
        context.tokenProvider = provider;
        auto throttle = std::make_shared<ProgressThrottle>();
        context.progress = [shared, promise, cancelled, throttle](qint64 bytes, int objects, int total) {
            if (promise->isCanceled()) // the caller cancelled the QFuture itself
                cancelled->store(true);
            if (!throttle->shouldEmit(bytes, objects, total))
                return;
            QMutexLocker locker(&shared->mutex);
            if (Fetcher *owner = shared->owner)
                QMetaObject::invokeMethod(
                    owner, [owner, bytes, objects, total] { owner->reportProgress(bytes, objects, total); },
                    Qt::QueuedConnection);
        };
        auto result = FetchJob::run(spec, options, context);
        if (!result)
            qCInfo(lcSource) << "fetch failed:" << result.error().code << result.error().message;
        core::promises::settle(promise, std::move(result));
    });
    return future;
}

QFuture<core::Result<QString>> Fetcher::remoteCommit(const SourceSpec &spec)
{
    auto promise = core::promises::started<core::Result<QString>>();
    QFuture<core::Result<QString>> future = promise->future();
    TokenProvider provider;
    {
        QMutexLocker locker(&m_shared->mutex);
        provider = m_shared->tokenProvider;
    }
    QThreadPool::globalInstance()->start([promise, spec, provider] {
        FetchContext context;
        context.tokenProvider = provider;
        core::promises::settle(promise, RemoteHeads::commitFor(spec, context));
    });
    return future;
}

} // namespace rr::source
