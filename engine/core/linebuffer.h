#pragma once

#include <QByteArray>
#include <QList>

namespace rr::core {

// Cuts a byte stream that arrives in arbitrary chunks (HTTP bodies, process output) into
// '\n'-terminated lines, keeping an unfinished line until the rest of it arrives.
class LineBuffer final
{
public:
    // The lines completed by `chunk`, without their '\n'.
    QList<QByteArray> feed(const QByteArray &chunk);
    // The unfinished last line (empty if the stream ended with '\n'); the buffer is then empty.
    QByteArray takeRest();
    void clear() { m_pending.clear(); }

private:
    QByteArray m_pending;
};

} // namespace rr::core
