#pragma once

#include <QString>

namespace rr::tray::ansi {

// Log lines carry ANSI SGR escapes (colours, bold). These turn them into what the log view
// shows: plain text without escapes, or Qt Quick "StyledText" (a small HTML subset) with the
// colours kept, HTML escaped, and every case-insensitive occurrence of `highlight` marked.

QString plain(const QString &text);
QString styled(const QString &text, const QString &highlight = {});

} // namespace rr::tray::ansi
