#include "jsonutil.h"

#include <QDateTime>
#include <QRandomGenerator>

namespace rr::test::kubeapi {

QString nowRfc3339()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

QString randomSuffix(int length)
{
    static const QString alphabet = QStringLiteral("bcdfghjklmnpqrstvwxz2456789");
    QString s;
    for (int i = 0; i < length; ++i)
        s += alphabet.at(QRandomGenerator::global()->bounded(int(alphabet.size())));
    return s;
}

QJsonValue valueAt(const QJsonObject &o, const QStringList &path)
{
    QJsonValue v(o);
    for (const QString &p : path) {
        if (!v.isObject())
            return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(p);
    }
    return v;
}

void setValueAt(QJsonObject *o, const QStringList &path, const QJsonValue &value)
{
    if (path.isEmpty())
        return;
    if (path.size() == 1) {
        if (value.isUndefined())
            o->remove(path.first());
        else
            o->insert(path.first(), value);
        return;
    }
    QJsonObject child = o->value(path.first()).toObject();
    setValueAt(&child, path.mid(1), value);
    o->insert(path.first(), child);
}

QJsonObject mergePatch(QJsonObject target, const QJsonObject &patch)
{
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.value().isNull())
            target.remove(it.key());
        else if (it.value().isObject())
            target.insert(it.key(), mergePatch(target.value(it.key()).toObject(), it.value().toObject()));
        else
            target.insert(it.key(), it.value());
    }
    return target;
}

QList<QStringList> leafPaths(const QJsonObject &o, const QStringList &prefix)
{
    QList<QStringList> out;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QStringList path = prefix + QStringList{it.key()};
        if (it.value().isObject() && !it.value().toObject().isEmpty())
            out << leafPaths(it.value().toObject(), path);
        else
            out << path;
    }
    return out;
}

QJsonObject fieldsV1(const QList<QStringList> &leaves)
{
    QJsonObject root;
    for (const QStringList &leaf : leaves) {
        QStringList fpath;
        for (const QString &p : leaf)
            fpath << QStringLiteral("f:") + p;
        if (valueAt(root, fpath).isUndefined())
            setValueAt(&root, fpath, QJsonObject());
    }
    return root;
}

QList<QStringList> leavesFromFieldsV1(const QJsonObject &fields, const QStringList &prefix)
{
    QList<QStringList> out;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (!it.key().startsWith(QLatin1String("f:")))
            continue;
        const QStringList path = prefix + QStringList{it.key().mid(2)};
        const QJsonObject child = it.value().toObject();
        if (child.isEmpty())
            out << path;
        else
            out << leavesFromFieldsV1(child, path);
    }
    return out;
}

QJsonObject meta(const QJsonObject &o)
{
    return o.value(QStringLiteral("metadata")).toObject();
}

QString metaString(const QJsonObject &o, const char *key)
{
    return meta(o).value(QString::fromLatin1(key)).toString();
}

} // namespace rr::test::kubeapi
