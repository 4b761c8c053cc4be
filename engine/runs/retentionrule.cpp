#include "runs/retentionrule.h"

#include <QHash>

#include <algorithm>

namespace rr::runs {

QList<docker::OwnedImage> RetentionRule::expiredImages(const QList<docker::OwnedImage> &images,
                                                       const RetentionPolicy &policy, const QDateTime &now)
{
    // Untagged images are leftovers of rebuilds: each is its own group, so only age protects it.
    QHash<QString, QList<docker::OwnedImage>> byRepository;
    for (const docker::OwnedImage &image : images)
        byRepository[image.repository.isEmpty() ? image.id : image.repository].append(image);
    const QDateTime cutoff = now.addDays(-policy.imageDays);
    QList<docker::OwnedImage> expired;
    for (auto it = byRepository.begin(); it != byRepository.end(); ++it) {
        QList<docker::OwnedImage> &group = it.value();
        std::stable_sort(
            group.begin(), group.end(),
            [](const docker::OwnedImage &a, const docker::OwnedImage &b) { return a.created > b.created; });
        const bool untagged = group.constFirst().tags.isEmpty();
        for (qsizetype i = untagged ? 0 : policy.keepImages; i < group.size(); ++i)
            if (group.at(i).created < cutoff)
                expired.append(group.at(i));
    }
    std::sort(expired.begin(), expired.end(),
              [](const docker::OwnedImage &a, const docker::OwnedImage &b) { return a.created < b.created; });
    return expired;
}

QList<source::GitCacheEntry> RetentionRule::expiredRepositories(const QList<source::GitCacheEntry> &entries,
                                                                const RetentionPolicy &policy,
                                                                const QDateTime &now,
                                                                const QSet<QString> &inUse)
{
    const QDateTime cutoff = now.addDays(-policy.gitCacheDays);
    QList<source::GitCacheEntry> expired;
    for (const source::GitCacheEntry &entry : entries)
        if (!inUse.contains(entry.key) && entry.lastUsed.isValid() && entry.lastUsed < cutoff)
            expired.append(entry);
    return expired;
}

} // namespace rr::runs
