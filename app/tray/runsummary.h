#pragma once

#include "runs/runrecord.h"

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// The selected run's header as a value: what the run view shows above its panes.
class RunSummary
{
    Q_GADGET
    QML_VALUE_TYPE(runSummary)
    Q_PROPERTY(QString id MEMBER id)
    Q_PROPERTY(QString repo MEMBER repo)
    Q_PROPERTY(QString source MEMBER source)
    Q_PROPERTY(QString ref MEMBER ref)
    Q_PROPERTY(QString shortCommit MEMBER shortCommit)
    Q_PROPERTY(QString mode MEMBER mode)
    Q_PROPERTY(QString runtime MEMBER runtime)
    Q_PROPERTY(QString state MEMBER state)
    Q_PROPERTY(int tone MEMBER tone)
    Q_PROPERTY(bool active MEMBER active)
    Q_PROPERTY(bool stopping MEMBER stopping)
    Q_PROPERTY(QString previewUrl MEMBER previewUrl)
    Q_PROPERTY(QString failedPhase MEMBER failedPhase)
    Q_PROPERTY(QString diagnosis MEMBER diagnosis)
    Q_PROPERTY(QString lastLines MEMBER lastLines)
    Q_PROPERTY(bool building MEMBER building)
    Q_PROPERTY(double buildProgress MEMBER buildProgress)
    Q_PROPERTY(QString buildStep MEMBER buildStep)

public:
    static RunSummary of(const runs::RunRecord &record);

    QString id;
    QString repo;
    QString source;
    QString ref;
    QString shortCommit;
    QString mode;
    QString runtime;
    QString state;
    int tone = 0;
    bool active = false;
    bool stopping = false;
    QString previewUrl;
    QString failedPhase;
    QString diagnosis;
    QString lastLines;
    bool building = false;    // in the BUILDING phase now
    double buildProgress = 0; // 0..1, that phase's progress
    QString buildStep;        // "web: [2/5] RUN make" (the engine's last build step)

    bool operator==(const RunSummary &) const = default;
};

} // namespace rr::tray
