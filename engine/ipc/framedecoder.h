#pragma once

#include "ipc/protocol.h"

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <optional>

namespace rr::ipc {

// Splits a byte stream into frames of a 4-byte big-endian length and a JSON payload.
//
// Bytes may arrive in any chunking: one read is never assumed to be one message. A header
// that declares more than the maximum is reported once as `Oversized` and its payload is then
// skipped without being buffered, so the stream stays in sync and the sender can continue.
class FrameDecoder final
{
public:
    struct Item
    {
        enum class Kind
        {
            Frame,     // `payload` holds one complete message
            Oversized, // a header declared `declaredSize` bytes, more than the limit
        };
        Kind kind = Kind::Frame;
        QByteArray payload;
        std::uint32_t declaredSize = 0;
    };

    explicit FrameDecoder(std::uint32_t maxPayload = kMaxMessageSize);

    void feed(QByteArrayView bytes);
    // The next complete item, or nothing until more bytes arrive.
    std::optional<Item> next();

    // True while part of a frame (or of a skipped oversized payload) is still outstanding.
    bool hasPartialFrame() const;
    qsizetype bufferedBytes() const { return m_buffer.size() - m_pos; }
    std::uint32_t maxPayload() const { return m_maxPayload; }

    // Prefixes `payload` with its length.
    static QByteArray encode(QByteArrayView payload);

private:
    void compact();

    QByteArray m_buffer;
    qsizetype m_pos = 0;
    std::uint64_t m_skip = 0;
    std::uint32_t m_maxPayload;
};

} // namespace rr::ipc
