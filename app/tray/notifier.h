#pragma once

#include "runs/runrecord.h"

#include <QHash>
#include <QObject>

namespace rr::tray {

// Desktop notifications through org.freedesktop.Notifications (QtDBus) when a run becomes
// READY, FAILED, or fails after having been READY ("stopped by error"). Runs seen for the
// first time in a terminal or READY state (history, re-attach) do not notify.
class Notifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Notifier)
public:
    explicit Notifier(QObject *parent = nullptr);

    // Records the state without notifying (the history at start-up).
    void remember(const runs::RunRecord &run);
    void onRunUpdated(const runs::RunRecord &run);

    struct Note
    {
        QString summary;
        QString body;
        QString runId;
        QStringList actions; // key, label, key, label... ("default" is a click on the bubble)
    };
    // The notification a transition deserves, if any; pure so it can be tested.
    static std::optional<Note> noteFor(std::optional<runs::RunState> previous, const runs::RunRecord &run);

Q_SIGNALS:
    // Emitted for each notification sent (the D-Bus reply arrives later).
    void notified(const QString &summary, const QString &body);
    // The user picked an action ("preview", "logs" or "default") on a run's notification.
    void actionInvoked(const QString &runId, const QString &action);

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);

private:
    void send(const Note &note);

    QHash<QString, runs::RunState> m_states;
    QHash<uint, QString> m_runByNotification;
};

} // namespace rr::tray
