#include "objectstore.h"

namespace rr::test::kubeapi {

namespace {
constexpr qsizetype kHistory = 20000;
QString key(const QString &ns, const QString &name)
{
    return ns + QLatin1Char('/') + name;
}
} // namespace

QString namespaceOf(const QJsonObject &o)
{
    return o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("namespace")).toString();
}

QString nameOf(const QJsonObject &o)
{
    return o.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("name")).toString();
}

ObjectStore::ObjectStore(QObject *parent)
    : QObject(parent)
{}

std::optional<QJsonObject> ObjectStore::get(const ResourceType &type, const QString &ns,
                                            const QString &name) const
{
    const auto &objects = m_objects[&type];
    const auto it = objects.constFind(key(ns, name));
    if (it == objects.cend())
        return std::nullopt;
    return it.value();
}

QList<QJsonObject> ObjectStore::list(const ResourceType &type, const QString &ns) const
{
    QList<QJsonObject> out;
    const auto &objects = m_objects[&type];
    for (auto it = objects.cbegin(); it != objects.cend(); ++it) {
        if (ns.isEmpty() || namespaceOf(it.value()) == ns)
            out << it.value();
    }
    return out;
}

QJsonObject ObjectStore::put(const ResourceType &type, QJsonObject object)
{
    const QString k = key(namespaceOf(object), nameOf(object));
    const bool existed = m_objects[&type].contains(k);
    QJsonObject meta = object.value(QStringLiteral("metadata")).toObject();
    meta.insert(QStringLiteral("resourceVersion"), QString::number(++m_rv));
    object.insert(QStringLiteral("metadata"), meta);
    m_objects[&type].insert(k, object);
    record({m_rv, existed ? QStringLiteral("MODIFIED") : QStringLiteral("ADDED"), &type, namespaceOf(object),
            object});
    return object;
}

void ObjectStore::remove(const ResourceType &type, const QString &ns, const QString &name)
{
    auto &objects = m_objects[&type];
    const auto it = objects.find(key(ns, name));
    if (it == objects.end())
        return;
    QJsonObject object = it.value();
    objects.erase(it);
    QJsonObject meta = object.value(QStringLiteral("metadata")).toObject();
    meta.insert(QStringLiteral("resourceVersion"), QString::number(++m_rv));
    object.insert(QStringLiteral("metadata"), meta);
    record({m_rv, QStringLiteral("DELETED"), &type, ns, object});
}

QList<WatchEvent> ObjectStore::eventsAfter(qint64 rv) const
{
    QList<WatchEvent> out;
    for (const WatchEvent &e : m_history) {
        if (e.rv > rv)
            out << e;
    }
    return out;
}

void ObjectStore::compact()
{
    m_history.clear();
    m_compactedRv = m_rv;
}

void ObjectStore::record(WatchEvent event)
{
    m_history.append(event);
    if (m_history.size() > kHistory) {
        m_compactedRv = m_history.first().rv;
        m_history.removeFirst();
    }
    Q_EMIT changed(event);
}

} // namespace rr::test::kubeapi
