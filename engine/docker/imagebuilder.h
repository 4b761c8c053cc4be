#pragma once

#include "core/result.h"
#include "docker/buildoutputparser.h"
#include "docker/buildrequest.h"

#include <QFuture>
#include <QMutex>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

namespace rr::docker {

class DockerClient;
class DockerConnection;

// Builds images through the Engine API: packs the context (honouring .dockerignore) into a
// temporary tar, derives the tag, skips the build when that tag exists, and otherwise streams
// the tar to /build with BuildKit or the classic builder, reporting steps and log lines.
// Signals are emitted on this object's thread; the work runs on the client's pool.
class ImageBuilder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImageBuilder)

public:
    static constexpr const char *ManagedByLabel = "app.kubernetes.io/managed-by";
    static constexpr const char *RepoLabel = "reporunner.dev/repo";

    explicit ImageBuilder(DockerClient *client, QObject *parent = nullptr);
    ~ImageBuilder() override;

    QFuture<core::Result<BuildResult>> build(const BuildRequest &request);
    // Stops every build of this builder; their futures finish with a Cancelled error and the
    // daemon stops the build when the connection drops.
    void cancel();

    // Keeps the `keep` newest images labelled with `repoLabel` and removes the rest; images a
    // container still uses are left alone. Resolves with the removed references.
    QFuture<core::Result<QStringList>> prune(const QString &repoLabel, int keep);

    // "<repository>:<commit12>-<hash8>" (commit "local" when not a hex commit id).
    static QString imageReference(const QString &repository, const QString &commit,
                                  const QString &contextHash);

Q_SIGNALS:
    void contextProgress(qint64 entries, qint64 bytes);
    void stepStarted(const rr::docker::BuildStep &step);
    void logLine(const QString &step, const QString &line);
    // The tag already existed, nothing was built.
    void buildSkipped(const QString &reference);

private:
    struct Relay;
    static core::Result<BuildResult> runBuild(DockerConnection &connection, const BuildRequest &request,
                                              const std::function<bool()> &cancelled,
                                              const std::shared_ptr<Relay> &relay);

    DockerClient *m_client;
    std::shared_ptr<Relay> m_relay;
};

} // namespace rr::docker

Q_DECLARE_METATYPE(rr::docker::BuildStep)
