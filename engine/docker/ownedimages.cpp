#include "docker/ownedimages.h"

#include "core/logging.h"
#include "docker/dockerclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

namespace rr::docker {

using core::ErrorCategory;

namespace {

QString repositoryOf(const QString &tag)
{
    const int slash = int(tag.lastIndexOf(QLatin1Char('/')));
    const int colon = int(tag.lastIndexOf(QLatin1Char(':')));
    return colon > slash ? tag.left(colon) : tag;
}

// The time a build-cache record was last used (created when never used since).
QDateTime lastUsed(const QJsonObject &record)
{
    for (const char *key : {"LastUsedAt", "CreatedAt"}) {
        const QDateTime t =
            QDateTime::fromString(record.value(QLatin1String(key)).toString(), Qt::ISODateWithMs);
        if (t.isValid())
            return t;
    }
    return {};
}

} // namespace

OwnedImages::OwnedImages(DockerClient *client, QString engineId)
    : m_client(client)
    , m_engineId(std::move(engineId))
{}

QList<OwnedImage> OwnedImages::fromJson(const QJsonArray &images)
{
    QList<OwnedImage> out;
    for (const QJsonValue &v : images) {
        const QJsonObject o = v.toObject();
        OwnedImage image;
        image.id = o.value(QStringLiteral("Id")).toString();
        image.created =
            QDateTime::fromSecsSinceEpoch(o.value(QStringLiteral("Created")).toInteger(), Qt::UTC);
        image.size = o.value(QStringLiteral("Size")).toInteger();
        QStringList tags;
        for (const QJsonValue &t : o.value(QStringLiteral("RepoTags")).toArray())
            if (t.toString() != QLatin1String("<none>:<none>"))
                tags << t.toString();
        if (tags.isEmpty())
            out.append(image);
        // Identical builds of two services are one image with two tags: each tag is counted in
        // its own repository, and the image goes with its last tag.
        for (const QString &tag : std::as_const(tags)) {
            OwnedImage tagged = image;
            tagged.tags = {tag};
            tagged.repository = repositoryOf(tag);
            out.append(tagged);
        }
    }
    return out;
}

QFuture<core::Result<QList<OwnedImage>>> OwnedImages::list()
{
    if (m_engineId.isEmpty())
        return core::promises::ready(core::Result<QList<OwnedImage>>(
            core::fail(ErrorCategory::Internal, QStringLiteral("prune.no_engine"),
                       QStringLiteral("Without an engine id no image can be told apart as ours."))));
    const QStringList labels{QStringLiteral("%1=%2").arg(QLatin1String(EngineLabel), m_engineId)};
    return m_client->listImages(labels).then([](const core::Result<QJsonArray> &images) {
        return images ? core::Result<QList<OwnedImage>>(fromJson(*images))
                      : core::Result<QList<OwnedImage>>(core::fail(images.error()));
    });
}

QFuture<core::Result<QList<OwnedImage>>> OwnedImages::remove(const QList<OwnedImage> &images)
{
    return m_client->run<QList<OwnedImage>>(
        [images](DockerConnection &c,
                 const DockerClient::CancelCheck &cancelled) -> core::Result<QList<OwnedImage>> {
            QList<OwnedImage> removed;
            for (const OwnedImage &image : images) {
                // Each tag, never forced: the image goes with its last tag, and Docker refuses
                // while a container (even a stopped one kept for inspection) uses it.
                const QStringList refs = image.tags.isEmpty() ? QStringList{image.id} : image.tags;
                bool gone = true;
                for (const QString &ref : refs) {
                    auto answer = c.call(
                        ApiRequest::del(QStringLiteral("/images/%1").arg(ApiRequest::pathSegment(ref))),
                        cancelled);
                    if (!answer && answer.error().category == ErrorCategory::Cancelled)
                        return core::fail(answer.error());
                    if (!answer) {
                        qCInfo(lcDocker) << "keeping" << ref << answer.error().message;
                        gone = false;
                    }
                }
                if (gone)
                    removed.append(image);
            }
            return removed;
        });
}

QFuture<core::Result<BuildCacheSweep>> OwnedImages::sweepBuildCache(qint64 unusedForSeconds, bool dryRun)
{
    return m_client->run<BuildCacheSweep>(
        [unusedForSeconds,
         dryRun](DockerConnection &c,
                 const DockerClient::CancelCheck &cancelled) -> core::Result<BuildCacheSweep> {
            BuildCacheSweep sweep;
            if (dryRun) {
                auto df = c.callJson(ApiRequest::get(QStringLiteral("/system/df")), cancelled);
                if (!df)
                    return core::fail(df.error());
                const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-unusedForSeconds);
                for (const QJsonValue &v : df->toObject().value(QStringLiteral("BuildCache")).toArray()) {
                    const QJsonObject record = v.toObject();
                    const QDateTime used = lastUsed(record);
                    if (record.value(QStringLiteral("InUse")).toBool() || !used.isValid() || used > cutoff)
                        continue;
                    ++sweep.records;
                    sweep.bytes += record.value(QStringLiteral("Size")).toInteger();
                }
                return sweep;
            }
            const QJsonObject filters{
                {QStringLiteral("until"), QJsonArray{QStringLiteral("%1s").arg(unusedForSeconds)}}};
            QUrlQuery q;
            ApiRequest::addParam(q, QStringLiteral("filters"),
                                 QString::fromUtf8(QJsonDocument(filters).toJson(QJsonDocument::Compact)));
            auto pruned = c.callJson(ApiRequest::post(QStringLiteral("/build/prune"), q), cancelled);
            if (!pruned)
                return core::fail(pruned.error());
            const QJsonObject o = pruned->toObject();
            sweep.records = int(o.value(QStringLiteral("CachesDeleted")).toArray().size());
            sweep.bytes = o.value(QStringLiteral("SpaceReclaimed")).toInteger();
            return sweep;
        });
}

} // namespace rr::docker
