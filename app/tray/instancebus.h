#pragma once

#include <QFuture>
#include <QObject>

namespace rr::tray {

// One tray app per user session: the first instance owns org.reporunner.Tray on the session bus
// and answers Activate(runId); a second launch calls it (showing the first one's window,
// optionally on a run) instead of failing on the busy control socket.
class InstanceBus : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.reporunner.Tray1")
    Q_DISABLE_COPY_MOVE(InstanceBus)
public:
    explicit InstanceBus(QObject *parent = nullptr);

    static QString serviceName() { return QStringLiteral("org.reporunner.Tray"); }
    static QString objectPath() { return QStringLiteral("/org/reporunner/Tray"); }

    // Claims the name; false when the session has no bus or another instance holds it.
    bool registerInstance();
    // Asks the running instance to show itself; resolves true when it answered.
    static QFuture<bool> activateRunning(const QString &runId);

public Q_SLOTS:
    Q_SCRIPTABLE void Activate(const QString &runId);

Q_SIGNALS:
    void activated(const QString &runId);
};

} // namespace rr::tray
