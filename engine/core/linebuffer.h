#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace rr::core {

// Longest line of untrusted output (container and build logs) the engine keeps: a line
// longer than this is cut with a marker, and the rest of it is dropped as it arrives, so an
// endless line costs a fixed amount of memory.
inline constexpr qsizetype kMaxLogLineBytes = 16 * 1024;
// Longest line of a daemon's or API server's own stream (JSON messages, watch events): far
// above anything they send, and still a bound.
inline constexpr qsizetype kMaxProtocolLineBytes = 16 * 1024 * 1024;

// Cuts a byte stream that arrives in arbitrary chunks (HTTP bodies, process output) into
// '\n'-terminated lines, keeping an unfinished line until the rest of it arrives. A line over
// the limit comes out once, cut at a UTF-8 boundary and marked (cutMarker), and the rest of it
// is skipped up to its newline.
class LineBuffer final
{
public:
    explicit LineBuffer(qsizetype maxLineBytes = kMaxProtocolLineBytes)
        : m_max(maxLineBytes)
    {}

    // The lines completed by `chunk`, without their '\n'.
    QList<QByteArray> feed(const QByteArray &chunk);
    // The unfinished last line (empty if the stream ended with '\n'); the buffer is then empty.
    QByteArray takeRest();
    void clear()
    {
        m_pending.clear();
        m_skipping = false;
    }
    qsizetype bufferedBytes() const { return m_pending.size(); }

    // What a cut line ends with.
    static QByteArray cutMarker();
    // `line` cut to at most `maxBytes` (at a UTF-8 boundary) plus the marker, if it is longer.
    static QByteArray cut(const QByteArray &line, qsizetype maxBytes);
    // The same for text: at most `maxChars` UTF-16 units, never between a surrogate pair.
    static QString cut(const QString &text, qsizetype maxChars);

private:
    QByteArray m_pending;
    qsizetype m_max;
    bool m_skipping = false; // inside a line already given out cut: drop up to its newline
};

} // namespace rr::core
