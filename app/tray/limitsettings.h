#pragma once

#include "plan/quotasettings.h"

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace rr::runs {
class Orchestrator;
}

namespace rr::tray {

// Quota and limits in the settings: what one container gets when its compose file sets nothing
// (memory, CPU, processes; on Docker the container's limits, on Kubernetes the LimitRange) and
// what one run may use in all (the namespace's ResourceQuota; on Docker the cap the planner
// shares among services). Applied to the orchestrator, so every run that starts afterwards is
// planned with them, and remembered in tray.ini next to the other engine settings.
// Not final: QML registration derives from it.
class LimitSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the settings")
    Q_DISABLE_COPY_MOVE(LimitSettings)
    Q_PROPERTY(int containerMemoryMiB READ containerMemoryMiB WRITE setContainerMemoryMiB NOTIFY changed)
    Q_PROPERTY(int containerCpuMilli READ containerCpuMilli WRITE setContainerCpuMilli NOTIFY changed)
    Q_PROPERTY(int containerPids READ containerPids WRITE setContainerPids NOTIFY changed)
    Q_PROPERTY(int runMemoryMiB READ runMemoryMiB WRITE setRunMemoryMiB NOTIFY changed)
    Q_PROPERTY(int runCpuMilli READ runCpuMilli WRITE setRunCpuMilli NOTIFY changed)
    Q_PROPERTY(int runPods READ runPods WRITE setRunPods NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)

public:
    // `path` empty: the tray's settings file (EngineSettings::defaultPath()).
    explicit LimitSettings(runs::Orchestrator *orchestrator, const QString &path = {},
                           QObject *parent = nullptr);

    int containerMemoryMiB() const;
    int containerCpuMilli() const;
    int containerPids() const;
    int runMemoryMiB() const;
    int runCpuMilli() const;
    int runPods() const;
    void setContainerMemoryMiB(int mib);
    void setContainerCpuMilli(int milli);
    void setContainerPids(int pids);
    void setRunMemoryMiB(int mib);
    void setRunCpuMilli(int milli);
    void setRunPods(int pods);
    QString error() const { return m_error; }

    // Back to the engine's defaults.
    Q_INVOKABLE void reset();

Q_SIGNALS:
    void changed();

private:
    plan::QuotaSettings quota() const;
    // Applies `quota` (requests shrunk to fit the new limits) and saves it; an error leaves the
    // engine's quota as it was and says why.
    void apply(plan::QuotaSettings quota);
    void save();

    runs::Orchestrator *m_orchestrator;
    QString m_path;
    QString m_error;
};

} // namespace rr::tray
