#include "ipc/framedecoder.h"

#include <QtEndian>

#include <algorithm>

namespace rr::ipc {

FrameDecoder::FrameDecoder(std::uint32_t maxPayload)
    : m_maxPayload(maxPayload)
{}

void FrameDecoder::feed(QByteArrayView bytes)
{
    // Drop skipped bytes on arrival so an oversized payload never sits in memory.
    if (m_skip > 0 && m_pos == m_buffer.size()) {
        const auto dropped = std::min<std::uint64_t>(m_skip, std::uint64_t(bytes.size()));
        m_skip -= dropped;
        bytes = bytes.sliced(qsizetype(dropped));
    }
    m_buffer.append(bytes.data(), bytes.size());
}

std::optional<FrameDecoder::Item> FrameDecoder::next()
{
    if (m_skip > 0) {
        const auto dropped = std::min<std::uint64_t>(m_skip, std::uint64_t(bufferedBytes()));
        m_skip -= dropped;
        m_pos += qsizetype(dropped);
        if (m_skip > 0) {
            compact();
            return std::nullopt;
        }
    }
    if (bufferedBytes() < kFrameHeaderSize) {
        compact();
        return std::nullopt;
    }
    const auto size = qFromBigEndian<std::uint32_t>(m_buffer.constData() + m_pos);
    if (size > m_maxPayload) {
        m_pos += kFrameHeaderSize;
        m_skip = size;
        Item item;
        item.kind = Item::Kind::Oversized;
        item.declaredSize = size;
        return item;
    }
    if (bufferedBytes() - kFrameHeaderSize < qsizetype(size)) {
        compact();
        return std::nullopt;
    }
    Item item;
    item.declaredSize = size;
    item.payload = m_buffer.mid(m_pos + kFrameHeaderSize, size);
    m_pos += kFrameHeaderSize + qsizetype(size);
    return item;
}

bool FrameDecoder::hasPartialFrame() const
{
    return m_skip > 0 || bufferedBytes() > 0;
}

QByteArray FrameDecoder::encode(QByteArrayView payload)
{
    QByteArray out(kFrameHeaderSize, Qt::Uninitialized);
    qToBigEndian<std::uint32_t>(std::uint32_t(payload.size()), out.data());
    out.append(payload.data(), payload.size());
    return out;
}

void FrameDecoder::compact()
{
    if (m_pos == 0)
        return;
    if (m_pos >= m_buffer.size()) {
        m_buffer.clear();
        m_pos = 0;
    } else if (m_pos > 64 * 1024 || m_pos * 2 > m_buffer.size()) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
}

} // namespace rr::ipc
