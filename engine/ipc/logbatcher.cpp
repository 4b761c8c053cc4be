#include "ipc/logbatcher.h"

#include <QJsonObject>

namespace rr::ipc {

namespace {
// A cheap size estimate; encoding every line twice would cost more than the batching saves.
qsizetype estimateSize(const QJsonValue &line)
{
    if (line.isString())
        return line.toString().size() + 8;
    const QJsonObject obj = line.toObject();
    qsizetype size = 32;
    for (auto it = obj.begin(); it != obj.end(); ++it)
        size += it.key().size() + (it.value().isString() ? it.value().toString().size() : 16);
    return size;
}
} // namespace

LogBatcher::LogBatcher(Sink sink, int maxLines, qsizetype maxBytes, std::chrono::milliseconds interval,
                       QObject *parent)
    : QObject(parent)
    , m_sink(std::move(sink))
    , m_maxLines(qMax(1, maxLines))
    , m_maxBytes(maxBytes)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(interval);
    connect(&m_timer, &QTimer::timeout, this, &LogBatcher::flush);
}

void LogBatcher::append(const QString &runId, const QJsonArray &lines)
{
    for (const QJsonValue &line : lines) {
        Batch &batch = m_batches[runId];
        batch.lines.append(line);
        batch.bytes += estimateSize(line);
        if (batch.lines.size() >= m_maxLines || batch.bytes >= m_maxBytes)
            flushRun(runId);
    }
    if (!m_batches.isEmpty() && !m_timer.isActive())
        m_timer.start();
}

void LogBatcher::flush()
{
    m_timer.stop();
    const QStringList runs = m_batches.keys();
    for (const QString &runId : runs)
        flushRun(runId);
}

void LogBatcher::flushRun(const QString &runId)
{
    const Batch batch = m_batches.take(runId);
    if (!batch.lines.isEmpty())
        m_sink(runId, batch.lines);
}

} // namespace rr::ipc
