#pragma once

#include "core/result.h"
#include "docker/apiresponse.h"

#include <QFuture>
#include <QJsonObject>
#include <QObject>

namespace rr::docker {
class DockerClient;
}

namespace rr::dockerruntime {

// One Engine API /events stream for all of a DockerRuntime's runs (our containers only, by the
// managed-by label), so a run costs no pool thread of its own for watching. Lives on its
// owner thread and reports there; when the stream breaks it reconnects from the last event's
// time (Docker replays what was missed) and says so with resubscribed(), after which drivers
// inspect their containers again.
class DockerEvents final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerEvents)
public:
    static constexpr int ReconnectMs = 500;

    // `client` must outlive this object.
    explicit DockerEvents(docker::DockerClient *client, QObject *parent = nullptr);
    // Ends the stream and waits for it: nothing is posted to a dead object.
    ~DockerEvents() override;

    // Starts following if not yet (idempotent).
    void start();

Q_SIGNALS:
    // Something happened to a container of ours (its run and service labels as Docker sent them).
    void containerChanged(const QString &runLabel, const QString &serviceLabel, const QString &containerId);
    // A container of ours was destroyed (by us at teardown, or by someone else: `docker rm -f`).
    void containerRemoved(const QString &runLabel, const QString &containerId);
    void resubscribed();

private:
    void subscribe(qint64 sinceNanos);
    void onEvents(const QList<QJsonObject> &events);

    docker::DockerClient *m_client;
    QFuture<core::Result<docker::ApiResponse>> m_stream;
    qint64 m_lastNanos = 0;
    bool m_started = false;
    bool m_stopping = false;
};

} // namespace rr::dockerruntime
