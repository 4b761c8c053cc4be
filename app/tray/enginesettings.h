#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace rr::runs {
class Orchestrator;
}

namespace rr::tray {

// The engine knobs in the settings: how many images build at once (the orchestrator's build
// queue), the runtime runs go to when they do not say, and the network mode (offline: runs use cached
// checkouts and local images only, the plan's `offline`). Remembered in $XDG_CONFIG_HOME/reporunner/tray.ini
// and applied at start. Not final: QML registration derives from it.
class EngineSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the settings")
    Q_DISABLE_COPY_MOVE(EngineSettings)
    Q_PROPERTY(int buildParallelism READ buildParallelism WRITE setBuildParallelism NOTIFY changed)
    Q_PROPERTY(bool offline READ offline WRITE setOffline NOTIFY changed)
    // "auto" (Kubernetes when its cluster answers, else Docker) | "kubernetes" | "docker".
    Q_PROPERTY(QString defaultRuntime READ defaultRuntime WRITE setDefaultRuntime NOTIFY changed)
    Q_PROPERTY(QString error READ error NOTIFY changed)

public:
    // `path` empty: the default file.
    explicit EngineSettings(runs::Orchestrator *orchestrator, const QString &path = {},
                            QObject *parent = nullptr);

    // $XDG_CONFIG_HOME/reporunner/tray.ini: every tray-side engine setting lives there.
    static QString defaultPath();

    int buildParallelism() const;
    void setBuildParallelism(int builds);
    bool offline() const { return m_offline; }
    void setOffline(bool offline);
    QString defaultRuntime() const;
    void setDefaultRuntime(const QString &runtime);
    QString error() const { return m_error; }

Q_SIGNALS:
    void changed();

private:
    void save();

    runs::Orchestrator *m_orchestrator;
    QString m_path;
    bool m_offline = false;
    QString m_error;
};

} // namespace rr::tray
