#pragma once

#include <QJsonObject>
#include <QString>

namespace rr::cli {

// How the CLI shows runs (the control API's run JSON) to people.
class RunView final
{
public:
    static QString duration(qint64 ms);     // "850ms", "4.2s", "3m05s"
    static QString age(const QString &iso); // "12s", "5m", "3h", "2d"
    static QString ports(const QJsonObject &run);
    static QString table(const QJsonArray &runs);
    // The exit code a failed run maps to, from its diagnosis code.
    static int exitCodeForDiagnosis(const QJsonObject &run);
    static QString diagnosis(const QJsonObject &run);
};

} // namespace rr::cli
