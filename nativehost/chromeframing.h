#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>

#include <cstdint>
#include <optional>

namespace rr::nativehost {

// Chrome's native-messaging framing: a native-endian uint32 length, then UTF-8 JSON.
namespace chrome {

// Chrome refuses host messages over 1 MiB; we stay a little under to be safe.
inline constexpr std::uint32_t MaxToBrowser = 1024 * 1024;
// What we accept from the browser: requests are small; anything bigger is garbage.
inline constexpr std::uint32_t MaxFromBrowser = 1024 * 1024;

QByteArray encode(const QJsonObject &message);

// Encodes `message` as one or more frames of at most MaxToBrowser bytes each, measured after
// JSON escaping: a `run.log` event is split across several events by lines, a reply's lines
// are cut to those that fit, one line too long for a frame is cut with a marker, and anything
// else that does not fit becomes an error for the browser (with the request id when there is one).
// `limit` is Chrome's unless a test or fuzzer wants small frames.
QList<QByteArray> encodeForBrowser(const QJsonObject &message, std::uint32_t limit = MaxToBrowser);

// Incremental reader: feed whatever arrived, take complete frames out. A frame announcing
// more than the limit is reported once and its payload skipped as it arrives, so a hostile
// length never makes us buffer it and the stream stays in sync.
class FrameReader final
{
public:
    struct Frame
    {
        QByteArray payload;
        bool oversized = false; // payload empty; the browser sent more than the limit
    };

    explicit FrameReader(std::uint32_t limit = MaxFromBrowser)
        : m_limit(limit)
    {}
    void feed(QByteArrayView bytes);
    std::optional<Frame> next();
    bool hasPartial() const { return !m_buffer.isEmpty() || m_skip > 0; }
    qsizetype bufferedBytes() const { return m_buffer.size(); }

private:
    std::uint32_t m_limit;
    QByteArray m_buffer;
    qint64 m_skip = 0;
};

} // namespace chrome
} // namespace rr::nativehost
