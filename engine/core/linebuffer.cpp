#include "core/linebuffer.h"

#include <utility>

namespace rr::core {

QByteArray LineBuffer::cutMarker()
{
    return QByteArrayLiteral(" \xE2\x80\xA6 [line cut by RepoRunner]");
}

QByteArray LineBuffer::cut(const QByteArray &line, qsizetype maxBytes)
{
    if (line.size() <= maxBytes)
        return line;
    qsizetype keep = qMax<qsizetype>(maxBytes, 0);
    // Back off over UTF-8 continuation bytes so no character is split.
    while (keep > 0 && (static_cast<unsigned char>(line.at(keep)) & 0xC0) == 0x80)
        --keep;
    return line.left(keep) + cutMarker();
}

QString LineBuffer::cut(const QString &text, qsizetype maxChars)
{
    if (text.size() <= maxChars)
        return text;
    qsizetype keep = qMax<qsizetype>(maxChars, 0);
    if (keep > 0 && text.at(keep - 1).isHighSurrogate())
        --keep;
    return text.left(keep) + QString::fromUtf8(cutMarker());
}

QList<QByteArray> LineBuffer::feed(const QByteArray &chunk)
{
    QList<QByteArray> lines;
    qsizetype from = 0;
    while (from < chunk.size()) {
        const qsizetype nl = chunk.indexOf('\n', from);
        const qsizetype end = nl < 0 ? chunk.size() : nl;
        if (!m_skipping) {
            // Never hold more than the limit (plus one byte, to know the line is longer).
            const qsizetype room = m_max + 1 - m_pending.size();
            m_pending.append(chunk.constData() + from, qMin(end - from, qMax<qsizetype>(room, 0)));
            if (m_pending.size() > m_max) {
                lines.append(cut(m_pending, m_max));
                m_pending.clear();
                m_skipping = true;
            }
        }
        if (nl < 0)
            break;
        if (m_skipping)
            m_skipping = false;
        else
            lines.append(std::exchange(m_pending, {}));
        from = nl + 1;
    }
    return lines;
}

QByteArray LineBuffer::takeRest()
{
    m_skipping = false;
    return std::exchange(m_pending, {});
}

} // namespace rr::core
