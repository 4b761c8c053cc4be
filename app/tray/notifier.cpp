#include "notifier.h"

#include "runlistmodel.h"
#include "traylog.h"

#include "runs/runjson.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>

namespace rr::tray {

Notifier::Notifier(QObject *parent)
    : QObject(parent)
{}

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
        return Note{QStringLiteral("%1 is ready").arg(name), url.isEmpty()
                                                                 ? QStringLiteral("Run %1 is up.").arg(run.id)
                                                                 : QStringLiteral("Preview: %1").arg(url)};
    }
    if (run.state == runs::RunState::Failed && previous && runs::isActive(*previous)) {
        const QString why = run.diagnosis ? run.diagnosis->summary : QStringLiteral("No diagnosis.");
        if (*previous == runs::RunState::Ready)
            return Note{QStringLiteral("%1 stopped by an error").arg(name), why};
        const QString phase = run.diagnosis ? run.diagnosis->phase : runs::stateName(*previous);
        return Note{QStringLiteral("%1 failed in %2").arg(name, phase), why};
    }
    return std::nullopt;
}

void Notifier::send(const Note &note)
{
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("/org/freedesktop/Notifications"),
        QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("Notify"));
    // Servers with "body-markup" read the body as HTML, and a repository names its services,
    // writes its errors and picks its output: its text is shown as text.
    call << QStringLiteral("RepoRunner") << 0u << QStringLiteral("system-run") << note.summary
         << note.body.toHtmlEscaped() << QStringList() << QVariantMap() << -1;
    qCInfo(lcTray) << "notify:" << note.summary;
    Q_EMIT notified(note.summary, note.body);
    auto *watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [](QDBusPendingCallWatcher *w) {
        const QDBusPendingReply<uint> reply = *w;
        if (reply.isError())
            qCWarning(lcTray) << "desktop notification failed:" << reply.error().message();
        w->deleteLater();
    });
}

} // namespace rr::tray
