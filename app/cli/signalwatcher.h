#pragma once

#include <QObject>

class QSocketNotifier;

namespace rr::cli {

// Turns SIGINT/SIGTERM into a Qt signal through a self-pipe, so handlers run on the event loop.
class SignalWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignalWatcher)
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void interrupted(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace rr::cli
