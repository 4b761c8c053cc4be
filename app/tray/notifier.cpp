#include "notifier.h"

#include "runlistmodel.h"
#include "traylog.h"

#include "runs/runjson.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>

namespace rr::tray {

namespace {

const QString Service = QStringLiteral("org.freedesktop.Notifications");
const QString Path = QStringLiteral("/org/freedesktop/Notifications");

} // namespace

Notifier::Notifier(QObject *parent)
    : QObject(parent)
{
    QDBusConnection::sessionBus().connect(Service, Path, Service, QStringLiteral("ActionInvoked"), this,
                                          SLOT(onActionInvoked(uint, QString)));
}

void Notifier::onActionInvoked(uint id, const QString &action)
{
    const auto it = m_runByNotification.constFind(id);
    if (it == m_runByNotification.cend())
        return; // another app's notification
    qCInfo(lcTray) << "notification action" << action << "for run" << *it;
    Q_EMIT actionInvoked(*it, action);
}

void Notifier::remember(const runs::RunRecord &run)
{
    m_states.insert(run.id, run.state);
}

void Notifier::onRunUpdated(const runs::RunRecord &run)
{
    std::optional<runs::RunState> previous;
    if (auto it = m_states.constFind(run.id); it != m_states.cend())
        previous = *it;
    m_states.insert(run.id, run.state);
    if (auto note = noteFor(previous, run))
        send(*note);
}

std::optional<Notifier::Note> Notifier::noteFor(std::optional<runs::RunState> previous,
                                                const runs::RunRecord &run)
{
    if (previous == run.state)
        return std::nullopt;
    const QString name = RunListModel::displayName(run);
    if (run.state == runs::RunState::Ready && previous && runs::isActive(*previous)) {
        const QString url = runs::RunJson::primaryUrl(run);
        QStringList actions{QStringLiteral("default"), QStringLiteral("Show logs")};
        if (!url.isEmpty())
            actions << QStringLiteral("preview") << QStringLiteral("Open preview");
        actions << QStringLiteral("logs") << QStringLiteral("Show logs");
        return Note{QStringLiteral("%1 is ready").arg(name),
                    url.isEmpty() ? QStringLiteral("Run %1 is up.").arg(run.id)
                                  : QStringLiteral("Preview: %1").arg(url),
                    run.id, actions};
    }
    if (run.state == runs::RunState::Failed && previous && runs::isActive(*previous)) {
        const QString why = run.diagnosis ? run.diagnosis->summary : QStringLiteral("No diagnosis.");
        const QStringList actions{QStringLiteral("default"), QStringLiteral("Show logs"),
                                  QStringLiteral("logs"), QStringLiteral("Show logs")};
        if (*previous == runs::RunState::Ready)
            return Note{QStringLiteral("%1 stopped by an error").arg(name), why, run.id, actions};
        const QString phase = run.diagnosis ? run.diagnosis->phase : runs::stateName(*previous);
        return Note{QStringLiteral("%1 failed in %2").arg(name, phase), why, run.id, actions};
    }
    return std::nullopt;
}

void Notifier::send(const Note &note)
{
    QDBusMessage call = QDBusMessage::createMethodCall(Service, Path, Service, QStringLiteral("Notify"));
    // Servers with "body-markup" read the body as HTML, and a repository names its services,
    // writes its errors and picks its output: its text is shown as text.
    call << QStringLiteral("RepoRunner") << 0u << QStringLiteral("system-run") << note.summary
         << note.body.toHtmlEscaped() << note.actions << QVariantMap() << -1;
    qCInfo(lcTray) << "notify:" << note.summary;
    Q_EMIT notified(note.summary, note.body);
    auto *watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, runId = note.runId](QDBusPendingCallWatcher *w) {
                const QDBusPendingReply<uint> reply = *w;
                if (reply.isError())
                    qCWarning(lcTray) << "desktop notification failed:" << reply.error().message();
                else
                    m_runByNotification.insert(reply.value(), runId);
                w->deleteLater();
            });
}

} // namespace rr::tray
