#pragma once

#include <QString>

namespace rr::core {

// Text from a repository (its logs, its service names) on its way to a terminal: escape
// sequences could move the cursor, rewrite what was printed before, retitle the window or set
// the clipboard (OSC 52), so they are removed, along with the other C0 and C1 control
// characters. Tabs and newlines stay.
class TerminalText final
{
public:
    static QString printable(const QString &text);
};

} // namespace rr::core
