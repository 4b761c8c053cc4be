#pragma once

#include "resourcetype.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <optional>

namespace rr::test::kubeapi {

// One change, as delivered to watchers.
struct WatchEvent
{
    qint64 rv = 0;
    QString type; // ADDED, MODIFIED, DELETED
    const ResourceType *resource = nullptr;
    QString ns;
    QJsonObject object;
};

// In-memory storage with one global resourceVersion counter and a bounded change history.
class ObjectStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ObjectStore)

public:
    explicit ObjectStore(QObject *parent = nullptr);

    qint64 currentRv() const { return m_rv; }
    // Watches from a version older than this get 410 Expired.
    qint64 oldestWatchableRv() const { return m_compactedRv; }
    std::optional<QJsonObject> get(const ResourceType &type, const QString &ns, const QString &name) const;
    QList<QJsonObject> list(const ResourceType &type, const QString &ns) const; // ns empty: all
    // Stores the object with a fresh resourceVersion and records ADDED/MODIFIED.
    QJsonObject put(const ResourceType &type, QJsonObject object);
    void remove(const ResourceType &type, const QString &ns, const QString &name);
    QList<WatchEvent> eventsAfter(qint64 rv) const;
    void compact();

Q_SIGNALS:
    void changed(const rr::test::kubeapi::WatchEvent &event);

private:
    void record(WatchEvent event);

    qint64 m_rv = 100;
    qint64 m_compactedRv = 100;
    QHash<const ResourceType *, QMap<QString, QJsonObject>> m_objects;
    QList<WatchEvent> m_history;
};

QString namespaceOf(const QJsonObject &o);
QString nameOf(const QJsonObject &o);

} // namespace rr::test::kubeapi
