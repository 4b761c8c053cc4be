#include "instancebus.h"

#include "traylog.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QPromise>

#include <memory>

namespace rr::tray {

InstanceBus::InstanceBus(QObject *parent)
    : QObject(parent)
{}

bool InstanceBus::registerInstance()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return false;
    if (!bus.registerObject(objectPath(), this, QDBusConnection::ExportScriptableSlots))
        return false;
    if (!bus.registerService(serviceName())) {
        bus.unregisterObject(objectPath());
        return false;
    }
    return true;
}

void InstanceBus::Activate(const QString &runId)
{
    qCInfo(lcTray) << "activated by a second launch" << runId;
    Q_EMIT activated(runId);
}

QFuture<bool> InstanceBus::activateRunning(const QString &runId)
{
    auto promise = std::make_shared<QPromise<bool>>();
    promise->start();
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        promise->addResult(false);
        promise->finish();
        return promise->future();
    }
    QDBusMessage call = QDBusMessage::createMethodCall(
        serviceName(), objectPath(), QStringLiteral("org.reporunner.Tray1"), QStringLiteral("Activate"));
    call << runId;
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call, 5000));
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, watcher,
                     [promise](QDBusPendingCallWatcher *w) {
                         const QDBusPendingReply<> reply = *w;
                         promise->addResult(!reply.isError());
                         promise->finish();
                         w->deleteLater();
                     });
    return promise->future();
}

} // namespace rr::tray
