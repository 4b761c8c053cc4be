#pragma once

#include "serverconfig.h"

#include <QDateTime>
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>

namespace rr::test::kubeapi {

// The simulated node's pulls from real registries. An image whose registry host the server was
// told about (--registry HOST=URL or POST /rr-test/registry) is "pulled" by asking that registry
// for the manifest (GET /v2/<name>/manifests/<tag>), so a pod only starts when the image really
// is there. Other images are not this class's business.
class ImagePuller final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImagePuller)

public:
    enum class State
    {
        Unmanaged, // not from a known registry
        Pulling,
        Pulled,
        Failed,
    };
    struct Status
    {
        State state = State::Unmanaged;
        QString message; // containerd's wording when Failed
        int failures = 0;
    };

    ImagePuller(ServerConfig *config, QObject *parent = nullptr);

    // Where the image stands; starts a pull when none happened yet, or retries one that failed
    // over a second ago (the kubelet's back-off, shortened).
    Status status(const QString &image);

private:
    struct Entry
    {
        Status status;
        QDateTime failedAt;
        bool inFlight = false;
    };
    void pull(const QString &image, const QString &baseUrl, const QString &name, const QString &reference);

    ServerConfig *m_config;
    QNetworkAccessManager m_nam;
    QHash<QString, Entry> m_entries;
};

} // namespace rr::test::kubeapi
