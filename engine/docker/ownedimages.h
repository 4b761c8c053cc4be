#pragma once

#include "core/result.h"

#include <QDateTime>
#include <QFuture>
#include <QStringList>

namespace rr::docker {

class DockerClient;

// One tag of an image an engine built (or the untagged image), as the daemon lists it.
struct OwnedImage
{
    QString id;
    QStringList tags;   // the one "repository:tag"; empty for an untagged image
    QString repository; // of the tag: the unit the retention counts in ("" when untagged)
    QDateTime created;
    qint64 size = 0;
};

// What a build-cache pass found or removed.
struct BuildCacheSweep
{
    int records = 0;
    qint64 bytes = 0;
};

// The images one engine built (labelled reporunner.dev/engine=<engine id>) and the daemon's build
// cache: lists them, and removes what a retention pass chose. Images are removed tag by tag and
// never forced, so an image a container still uses stays. Work runs on the client's pool.
class OwnedImages final
{
public:
    static constexpr const char *EngineLabel = "reporunner.dev/engine";

    // `client` must outlive every future this returns.
    OwnedImages(DockerClient *client, QString engineId);

    QFuture<core::Result<QList<OwnedImage>>> list();
    // Resolves with the images that are gone; one still in use is skipped, not an error.
    QFuture<core::Result<QList<OwnedImage>>> remove(const QList<OwnedImage> &images);
    // Build-cache records unused for `unusedFor` (the daemon's cache is shared by every builder,
    // so age is the only safe criterion); `dryRun` only measures them.
    QFuture<core::Result<BuildCacheSweep>> sweepBuildCache(qint64 unusedForSeconds, bool dryRun);

    static QList<OwnedImage> fromJson(const QJsonArray &images);

private:
    DockerClient *m_client;
    QString m_engineId;
};

} // namespace rr::docker
