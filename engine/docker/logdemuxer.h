#pragma once

#include <QByteArray>
#include <QList>

namespace rr::docker {

// One piece of container output with the stream it came from.
struct LogFrame
{
    enum class Stream
    {
        Stdin = 0,
        Stdout = 1,
        Stderr = 2,
        System = 3, // exec errors
    };
    Stream stream = Stream::Stdout;
    QByteArray data;

    bool operator==(const LogFrame &) const = default;
};

// Splits Docker's multiplexed attach/logs stream (8-byte header: stream, 0, 0, 0, big-endian
// u32 size) into frames, whatever way the bytes were chunked. TTY containers have no headers:
// everything is stdout.
class LogDemuxer final
{
public:
    explicit LogDemuxer(bool tty = false)
        : m_tty(tty)
    {}

    // Returns every frame completed by `chunk`; a partial frame waits for the next chunk.
    QList<LogFrame> feed(const QByteArray &chunk);
    // Bytes held back for an incomplete frame (non-zero at end of stream means truncation).
    qsizetype pendingBytes() const { return m_buffer.size(); }
    // True after a header that is not a Docker frame header; the rest is passed through as stdout.
    bool isCorrupt() const { return m_corrupt; }

private:
    QByteArray m_buffer;
    bool m_tty = false;
    bool m_corrupt = false;
};

} // namespace rr::docker
