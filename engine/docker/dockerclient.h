#pragma once

#include "core/promises.h"
#include "core/result.h"
#include "docker/apirequest.h"
#include "docker/apiresponse.h"
#include "docker/daemoninfo.h"
#include "docker/dockerconnection.h"
#include "docker/dockerhost.h"
#include "docker/logdemuxer.h"

#include <QFuture>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

namespace rr::docker {

// Asynchronous Docker Engine API client. Every call runs a blocking libcurl transfer on this
// client's own thread pool (never the caller's thread) and resolves a QFuture; cancelling the
// future or calling cancelAll() aborts the transfer. An own pool rather than the global one,
// because builds and followed logs hold a thread for minutes and must not starve other work.
class DockerClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerClient)

public:
    // Returns true once the caller asked to stop (cancelAll() or QFuture::cancel()).
    using CancelCheck = CurlTransport::CancelCheck;
    template<class T> using Job = std::function<core::Result<T>(DockerConnection &, const CancelCheck &)>;

    explicit DockerClient(const DockerHost &host, QObject *parent = nullptr);
    // Cancels what is in flight and waits (briefly: transfers poll for cancellation) for the
    // workers, so no callback outlives the client.
    ~DockerClient() override;

    const DockerHost &host() const;

    QFuture<core::Result<DaemonInfo>> daemonInfo();
    // Any call; a non-2xx answer is an error carrying Docker's message.
    QFuture<core::Result<ApiResponse>> send(const ApiRequest &request);
    QFuture<core::Result<QJsonValue>> sendJson(const ApiRequest &request);
    // A streamed answer; `sink` runs on the worker thread for every chunk (return false to stop).
    QFuture<core::Result<ApiResponse>> stream(const ApiRequest &request, CurlTransport::ChunkSink sink);

    // Images
    QFuture<core::Result<QJsonObject>> inspectImage(const QString &reference);
    QFuture<core::Result<bool>> imageExists(const QString &reference);
    // `labels` are "key" or "key=value" filters, all of which must match.
    QFuture<core::Result<QJsonArray>> listImages(const QStringList &labels = {});
    QFuture<core::Result<QJsonValue>> removeImage(const QString &reference, bool force = false);

    // Containers
    QFuture<core::Result<QString>> createContainer(const QString &name, const QJsonObject &config);
    QFuture<core::Result<QJsonValue>> startContainer(const QString &id);
    QFuture<core::Result<QJsonValue>> stopContainer(const QString &id, int timeoutSeconds = 10);
    QFuture<core::Result<QJsonValue>> removeContainer(const QString &id, bool force = true);
    QFuture<core::Result<QJsonObject>> inspectContainer(const QString &id);
    QFuture<core::Result<QJsonArray>> listContainers(const QStringList &labels = {}, bool all = true);
    // Resolves with the exit code once the container stops.
    QFuture<core::Result<int>> waitContainer(const QString &id);
    // The last `tail` lines (or all when tail < 0), demultiplexed unless the container has a TTY.
    QFuture<core::Result<QList<LogFrame>>> containerLogs(const QString &id, int tail = -1, bool tty = false);

    // Networks and volumes
    QFuture<core::Result<QString>> createNetwork(const QString &name, const QJsonObject &labels);
    QFuture<core::Result<QJsonValue>> removeNetwork(const QString &id);
    QFuture<core::Result<QJsonArray>> listNetworks(const QStringList &labels = {});
    QFuture<core::Result<QString>> createVolume(const QString &name, const QJsonObject &labels);
    QFuture<core::Result<QJsonValue>> removeVolume(const QString &name, bool force = false);
    QFuture<core::Result<QJsonArray>> listVolumes(const QStringList &labels = {});

    // Runs `job` on the pool with the shared connection; the building block of the calls above
    // and of longer jobs such as ImageBuilder's.
    template<class T> QFuture<core::Result<T>> run(Job<T> job);

    // Aborts every call in flight; their futures finish with a Cancelled error.
    void cancelAll();

    static QUrlQuery labelFilter(const QStringList &labels);

private:
    std::shared_ptr<std::atomic_bool> registerJob();

    std::shared_ptr<DockerConnection> m_connection;
    QThreadPool m_pool;
    QMutex m_mutex;
    QList<std::weak_ptr<std::atomic_bool>> m_inFlight;
};

template<class T> QFuture<core::Result<T>> DockerClient::run(Job<T> job)
{
    auto promise = core::promises::started<core::Result<T>>();
    QFuture<core::Result<T>> future = promise->future();
    auto flag = registerJob();
    auto connection = m_connection;
    m_pool.start([promise, flag, connection, job = std::move(job)] {
        const CancelCheck cancelled = [promise, flag] { return flag->load() || promise->isCanceled(); };
        core::promises::settle(promise, job(*connection, cancelled));
    });
    return future;
}

} // namespace rr::docker
