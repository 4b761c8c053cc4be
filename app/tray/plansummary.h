#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// The head of the new-run flow as a value: what detection found, then the plan's mode, commit,
// runtime (with why) and the report's counts.
class PlanSummary
{
    Q_GADGET
    QML_VALUE_TYPE(planSummary)
    Q_PROPERTY(QString detected MEMBER detected)
    Q_PROPERTY(QString mode MEMBER mode)
    Q_PROPERTY(QString commit MEMBER commit)
    Q_PROPERTY(QString ref MEMBER ref)
    Q_PROPERTY(QString runtime MEMBER runtime)
    Q_PROPERTY(QString runtimeTarget MEMBER runtimeTarget)
    Q_PROPERTY(QString runtimeReason MEMBER runtimeReason)
    Q_PROPERTY(QString primary MEMBER primary)
    Q_PROPERTY(int mapped MEMBER mapped)
    Q_PROPERTY(int adapted MEMBER adapted)
    Q_PROPERTY(int dropped MEMBER dropped)
    Q_PROPERTY(int refused MEMBER refused)

public:
    // "Compose: compose.yaml, compose.override.yaml (3 services); Dockerfiles: Dockerfile".
    static QString detectedText(const QJsonObject &detection);
    // The plan's head from the engine's `plan` answer; `detected` stays as it was.
    void takePlan(const QJsonObject &plan);

    QString detected;
    QString mode;
    QString commit;
    QString ref;
    QString runtime;
    QString runtimeTarget;
    QString runtimeReason;
    QString primary;
    int mapped = 0;
    int adapted = 0;
    int dropped = 0;
    int refused = 0;

    bool operator==(const PlanSummary &) const = default;
};

} // namespace rr::tray
