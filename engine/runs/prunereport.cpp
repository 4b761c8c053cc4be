#include "runs/prunereport.h"

#include <QJsonArray>
#include <QSet>

namespace rr::runs {

qint64 PruneReport::imageBytes() const
{
    // Several tags of one image are one image on disk.
    QSet<QString> counted;
    qint64 total = 0;
    for (const docker::OwnedImage &image : images)
        if (!counted.contains(image.id)) {
            counted.insert(image.id);
            total += image.size;
        }
    return total;
}

qint64 PruneReport::repositoryBytes() const
{
    qint64 total = 0;
    for (const source::GitCacheEntry &entry : repositories)
        total += entry.bytes;
    return total;
}

qint64 PruneReport::reclaimedBytes() const
{
    return imageBytes() + buildCache.bytes + repositoryBytes();
}

QJsonObject PruneReport::toJson() const
{
    QJsonArray imageList;
    for (const docker::OwnedImage &image : images)
        imageList.append(QJsonObject{{QStringLiteral("id"), image.id},
                                     {QStringLiteral("tags"), QJsonArray::fromStringList(image.tags)},
                                     {QStringLiteral("created"), image.created.toString(Qt::ISODate)},
                                     {QStringLiteral("bytes"), double(image.size)}});
    QJsonArray repoList;
    for (const source::GitCacheEntry &entry : repositories)
        repoList.append(
            QJsonObject{{QStringLiteral("key"), entry.key},
                        {QStringLiteral("path"), entry.repoPath},
                        {QStringLiteral("lastUsed"), entry.lastUsed.toUTC().toString(Qt::ISODate)},
                        {QStringLiteral("bytes"), double(entry.bytes)}});
    return {{QStringLiteral("dryRun"), dryRun},
            {QStringLiteral("images"), imageList},
            {QStringLiteral("buildCache"), QJsonObject{{QStringLiteral("records"), buildCache.records},
                                                       {QStringLiteral("bytes"), double(buildCache.bytes)}}},
            {QStringLiteral("repositories"), repoList},
            {QStringLiteral("problems"), QJsonArray::fromStringList(problems)},
            {QStringLiteral("reclaimedBytes"), double(reclaimedBytes())}};
}

} // namespace rr::runs
