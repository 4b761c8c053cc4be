#pragma once

#include <QByteArray>
#include <QObject>

class QSocketNotifier;

namespace rr::nativehost {

// Reads a file descriptor (stdin) as data arrives, through a QSocketNotifier: no polling and
// no blocking reads on the event loop.
class StdinReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StdinReader)
public:
    explicit StdinReader(int fd = 0, QObject *parent = nullptr);

Q_SIGNALS:
    void bytesRead(const QByteArray &bytes);
    void closed(); // end of file or a read error: the browser went away

private:
    void onReadable();

    int m_fd;
    QSocketNotifier *m_notifier;
};

} // namespace rr::nativehost
