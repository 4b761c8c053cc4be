#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace rr::test::kubeapi {

QString nowRfc3339();
QString randomSuffix(int length = 5);
QJsonValue valueAt(const QJsonObject &o, const QStringList &path);
void setValueAt(QJsonObject *o, const QStringList &path, const QJsonValue &value); // undefined: remove
QJsonObject mergePatch(QJsonObject target, const QJsonObject &patch);              // RFC 7386
// Leaf paths of an object (lists and empty objects are leaves), as used for field ownership.
QList<QStringList> leafPaths(const QJsonObject &o, const QStringList &prefix = {});
QJsonObject fieldsV1(const QList<QStringList> &leaves);
QList<QStringList> leavesFromFieldsV1(const QJsonObject &fields, const QStringList &prefix = {});
QJsonObject meta(const QJsonObject &o);
QString metaString(const QJsonObject &o, const char *key);

} // namespace rr::test::kubeapi
