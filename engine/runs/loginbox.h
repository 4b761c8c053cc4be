#pragma once

#include "runs/runrecord.h"

#include <QList>
#include <QMutex>

#include <utility>

namespace rr::runs {

// Where callers on any thread drop log lines for the store thread. Only the put that finds it
// empty has to wake the store thread, so a chatty service costs one queued event per batch
// the store takes, not one per line.
class LogInbox final
{
public:
    // True when the inbox was empty, i.e. the caller must wake the store thread.
    bool put(const QList<LogLine> &lines)
    {
        const QMutexLocker lock(&m_mutex);
        const bool wasEmpty = m_lines.isEmpty();
        m_lines += lines;
        return wasEmpty;
    }

    QList<LogLine> take()
    {
        const QMutexLocker lock(&m_mutex);
        return std::exchange(m_lines, {});
    }

private:
    QMutex m_mutex;
    QList<LogLine> m_lines;
};

} // namespace rr::runs
