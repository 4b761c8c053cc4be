#include "imagepuller.h"

#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

namespace rr::test::kubeapi {

ImagePuller::ImagePuller(ServerConfig *config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{}

ImagePuller::Status ImagePuller::status(const QString &image)
{
    // "host[:port]/name[:tag|@digest]"; a first component without '.', ':' or "localhost" is
    // not a registry host, and such images never come from a known registry.
    const qsizetype slash = image.indexOf(QLatin1Char('/'));
    if (slash < 0)
        return {};
    const QString host = image.left(slash);
    const QString baseUrl = m_config->registries.value(host);
    if (baseUrl.isEmpty())
        return {};
    QString name = image.mid(slash + 1);
    QString reference = QStringLiteral("latest");
    if (const qsizetype at = name.indexOf(QLatin1Char('@')); at >= 0) {
        reference = name.mid(at + 1);
        name.truncate(at);
    } else if (const qsizetype colon = name.lastIndexOf(QLatin1Char(':'));
               colon > name.lastIndexOf(QLatin1Char('/'))) {
        reference = name.mid(colon + 1);
        name.truncate(colon);
    }
    Entry &entry = m_entries[image];
    const bool due = entry.status.state == State::Unmanaged ||
                     (entry.status.state == State::Failed && !entry.inFlight &&
                      entry.failedAt.msecsTo(QDateTime::currentDateTimeUtc()) > 1000);
    if (due) {
        if (entry.status.state == State::Unmanaged)
            entry.status.state = State::Pulling;
        entry.inFlight = true;
        pull(image, baseUrl, name, reference);
    }
    return entry.status;
}

void ImagePuller::pull(const QString &image, const QString &baseUrl, const QString &name,
                       const QString &reference)
{
    QNetworkRequest request(
        QUrl(baseUrl + QStringLiteral("/v2/") + name + QStringLiteral("/manifests/") + reference));
    // What containerd accepts; a registry answers 404 MANIFEST_UNKNOWN when the tag is absent.
    request.setRawHeader("Accept", "application/vnd.docker.distribution.manifest.v2+json, "
                                   "application/vnd.docker.distribution.manifest.list.v2+json, "
                                   "application/vnd.oci.image.manifest.v1+json, "
                                   "application/vnd.oci.image.index.v1+json");
    request.setTransferTimeout(5000);
    QNetworkReply *reply = m_nam.head(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply, image, baseUrl] {
        reply->deleteLater();
        Entry &entry = m_entries[image];
        entry.inFlight = false;
        const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (code == 200) {
            entry.status = {State::Pulled, QString(), entry.status.failures};
            return;
        }
        const QString why =
            code == 404 ? QStringLiteral("%1: not found").arg(image)
            : code != 0
                ? QStringLiteral("unexpected status from HEAD request to %1: %2")
                      .arg(reply->url().toString())
                      .arg(code)
                : QStringLiteral("dial tcp %1: %2").arg(QUrl(baseUrl).authority(), reply->errorString());
        entry.status.state = State::Failed;
        ++entry.status.failures;
        entry.status.message =
            QStringLiteral("failed to pull and unpack image \"%1\": failed to resolve reference \"%1\": %2")
                .arg(image, why);
        entry.failedAt = QDateTime::currentDateTimeUtc();
    });
}

} // namespace rr::test::kubeapi
