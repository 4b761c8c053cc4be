#pragma once

#include "core/linebuffer.h"

#include "core/error.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>

class QNetworkReply;

namespace rr::kube {

class KubeClient;

// A list+watch cache of one collection (optionally filtered by label/field selectors): LIST,
// then WATCH from its resourceVersion; re-watch from the last version seen when a stream ends;
// on 410 Expired (in-stream ERROR or plain HTTP) re-list and replace the cache.
class KubeWatch final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KubeWatch)
public:
    KubeWatch(KubeClient *client, QString collectionPath, QString labelSelector = {},
              QString fieldSelector = {}, QObject *parent = nullptr);
    ~KubeWatch() override;

    void start();
    void stop();
    int timeoutSeconds = 240;

    bool isSynced() const { return m_synced; }
    QMap<QString, QJsonObject> objects() const { return m_objects; } // by namespace/name
    int relists() const { return m_lists; }

Q_SIGNALS:
    // After each LIST: the cache was replaced.
    void synced();
    // After the cache took the change; type is ADDED, MODIFIED or DELETED.
    void changed(const QString &type, const QJsonObject &object);
    // LIST failed (watch failures are retried).
    void failed(const rr::core::Error &error);

private:
    void list();
    void watch();
    void onData();
    void onFinished();
    void handleLine(const QByteArray &line);
    void retryLater(void (KubeWatch::*step)());

    KubeClient *m_client;
    QString m_path, m_labels, m_fields;
    QMap<QString, QJsonObject> m_objects;
    QString m_resourceVersion;
    QPointer<QNetworkReply> m_reply;
    core::LineBuffer m_lines;
    bool m_running = false;
    bool m_synced = false;
    bool m_expired = false;
    int m_lists = 0;
    int m_failures = 0;
};

} // namespace rr::kube
