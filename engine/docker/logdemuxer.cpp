#include "docker/logdemuxer.h"

namespace rr::docker {

QList<LogFrame> LogDemuxer::feed(const QByteArray &chunk)
{
    QList<LogFrame> frames;
    if (m_tty || m_corrupt) {
        if (!chunk.isEmpty())
            frames.append({LogFrame::Stream::Stdout, chunk});
        return frames;
    }
    m_buffer.append(chunk);
    qsizetype pos = 0;
    while (m_buffer.size() - pos >= 8) {
        const auto *h = reinterpret_cast<const unsigned char *>(m_buffer.constData() + pos);
        if (h[0] > 3 || h[1] != 0 || h[2] != 0 || h[3] != 0) {
            // Not a multiplexed stream after all (a TTY container we were not told about):
            // never drop output, hand the rest over raw.
            m_corrupt = true;
            frames.append({LogFrame::Stream::Stdout, m_buffer.mid(pos)});
            m_buffer.clear();
            return frames;
        }
        const quint32 size =
            (quint32(h[4]) << 24) | (quint32(h[5]) << 16) | (quint32(h[6]) << 8) | quint32(h[7]);
        if (m_buffer.size() - pos - 8 < qsizetype(size))
            break;
        frames.append({static_cast<LogFrame::Stream>(h[0]), m_buffer.mid(pos + 8, size)});
        pos += 8 + size;
    }
    m_buffer.remove(0, pos);
    return frames;
}

} // namespace rr::docker
