#include "core/terminaltext.h"

namespace rr::core {

namespace {

constexpr char16_t Esc = 0x1B;
constexpr char16_t Bel = 0x07;
constexpr char16_t Csi8 = 0x9B; // the one-character forms of ESC [ and ESC ]
constexpr char16_t Osc8 = 0x9D;
constexpr char16_t St8 = 0x9C;

bool isControl(char16_t c)
{
    return (c < 0x20 && c != u'\t' && c != u'\n') || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

} // namespace

QString TerminalText::printable(const QString &text)
{
    enum class State
    {
        Text,
        Escape,   // after ESC
        Csi,      // ESC [ ... up to a final byte 0x40-0x7E
        String,   // ESC ] / P / X / ^ / _ ... up to BEL or ST
        StringEsc // ESC inside a string: ST is ESC backslash
    };
    QString out;
    out.reserve(text.size());
    State state = State::Text;
    for (const QChar qc : text) {
        const char16_t c = qc.unicode();
        switch (state) {
        case State::Text:
            if (c == Esc)
                state = State::Escape;
            else if (c == Csi8)
                state = State::Csi;
            else if (c == Osc8 || c == 0x90 || c == 0x98 || c == 0x9E || c == 0x9F)
                state = State::String;
            else if (!isControl(c))
                out.append(qc);
            break;
        case State::Escape:
            if (c == u'[')
                state = State::Csi;
            else if (c == u']' || c == u'P' || c == u'X' || c == u'^' || c == u'_')
                state = State::String;
            else
                state = State::Text; // a two-character sequence (ESC c, ESC 7, …): both go
            break;
        case State::Csi:
            if (c >= 0x40 && c <= 0x7E)
                state = State::Text;
            else if (c == Esc)
                state = State::Escape;
            break;
        case State::String:
            if (c == Bel || c == St8)
                state = State::Text;
            else if (c == Esc)
                state = State::StringEsc;
            break;
        case State::StringEsc:
            state = c == u'\\' ? State::Text : State::String;
            break;
        }
    }
    return out;
}

} // namespace rr::core
