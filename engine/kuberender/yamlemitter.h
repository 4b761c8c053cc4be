#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace rr::kuberender {

// A multi-document YAML stream ("---" separated). Strings that a YAML reader would take
// for a number, bool or null are quoted, so they stay strings.
QByteArray toYamlStream(const QList<QJsonObject> &objects);

} // namespace rr::kuberender
