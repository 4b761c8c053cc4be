#include "core/linebuffer.h"

#include <utility>

namespace rr::core {

QList<QByteArray> LineBuffer::feed(const QByteArray &chunk)
{
    m_pending.append(chunk);
    QList<QByteArray> lines;
    qsizetype start = 0;
    for (qsizetype nl = m_pending.indexOf('\n'); nl >= 0; nl = m_pending.indexOf('\n', start)) {
        lines.append(m_pending.mid(start, nl - start));
        start = nl + 1;
    }
    m_pending.remove(0, start);
    return lines;
}

QByteArray LineBuffer::takeRest()
{
    return std::exchange(m_pending, {});
}

} // namespace rr::core
