#pragma once

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>

namespace rr::ipc {

// Gathers log lines per run and hands them on in batches, so a chatty service costs one
// event per interval instead of one per line.
class LogBatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogBatcher)

public:
    using Sink = std::function<void(const QString &runId, const QJsonArray &lines)>;

    // A batch goes out when it holds `maxLines` lines or `maxBytes` of text, or `interval`
    // after its first line.
    LogBatcher(Sink sink, int maxLines, qsizetype maxBytes, std::chrono::milliseconds interval,
               QObject *parent = nullptr);

    void append(const QString &runId, const QJsonArray &lines);
    void flush();

private:
    struct Batch
    {
        QJsonArray lines;
        qsizetype bytes = 0;
    };
    void flushRun(const QString &runId);

    Sink m_sink;
    int m_maxLines;
    qsizetype m_maxBytes;
    QTimer m_timer;
    QHash<QString, Batch> m_batches;
};

} // namespace rr::ipc
