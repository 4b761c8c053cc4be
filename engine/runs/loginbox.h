#pragma once

#include "runs/runrecord.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMutex>

#include <utility>

namespace rr::runs {

// Where callers on any thread drop log lines for the store thread. Only the put that finds it
// empty has to wake the store thread, so a chatty service costs one queued event per batch
// the store takes, not one per line. It holds at most maxBytes of text: when the store falls
// behind a flood, further lines are dropped and counted, and the next take says so per run.
class LogInbox final
{
public:
    static constexpr qsizetype DefaultMaxBytes = 32 * 1024 * 1024;

    explicit LogInbox(qsizetype maxBytes = DefaultMaxBytes)
        : m_maxBytes(maxBytes)
    {}

    // True when the inbox was empty, i.e. the caller must wake the store thread.
    bool put(const QList<LogLine> &lines)
    {
        const QMutexLocker lock(&m_mutex);
        const bool wasEmpty = m_lines.isEmpty();
        for (const LogLine &line : lines) {
            const qsizetype size = sizeOf(line);
            if (m_bytes + size > m_maxBytes) {
                ++m_dropped[line.runId];
                continue;
            }
            m_bytes += size;
            m_lines.append(line);
        }
        return wasEmpty;
    }

    QList<LogLine> take()
    {
        const QMutexLocker lock(&m_mutex);
        QList<LogLine> out = std::exchange(m_lines, {});
        m_bytes = 0;
        for (auto it = m_dropped.cbegin(); it != m_dropped.cend(); ++it) {
            LogLine marker;
            marker.runId = it.key();
            marker.service = QStringLiteral("");
            marker.time = QDateTime::currentDateTimeUtc();
            marker.stream = QStringLiteral("event");
            marker.text =
                QStringLiteral(
                    "RepoRunner dropped %1 log lines: the run wrote faster than they could be stored")
                    .arg(it.value());
            out.append(marker);
        }
        m_dropped.clear();
        return out;
    }

private:
    static qsizetype sizeOf(const LogLine &line)
    {
        return (line.text.size() + line.service.size() + line.stream.size() + line.runId.size()) * 2 + 64;
    }

    QMutex m_mutex;
    QList<LogLine> m_lines;
    qsizetype m_bytes = 0;
    const qsizetype m_maxBytes;
    QHash<QString, qint64> m_dropped; // runId -> lines dropped since the last take
};

} // namespace rr::runs
