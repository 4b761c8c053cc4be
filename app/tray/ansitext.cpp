#include "ansitext.h"

#include <QList>

namespace rr::tray::ansi {

namespace {

// The 16 terminal colours, picked to read on the log view's dark background.
constexpr const char *Palette[16] = {"#6e7681", "#ff7b72", "#7ee787", "#e3b341", "#79c0ff", "#d2a8ff",
                                     "#a5d6ff", "#d8dadf", "#8b949e", "#ffa198", "#aff5b4", "#f8e3a1",
                                     "#a5d6ff", "#e2c5ff", "#b3f0ff", "#ffffff"};
constexpr const char *HighlightColour = "#ffd33d";

struct Run
{
    QString text;
    int colour = -1; // index into Palette, -1 for the default
    bool bold = false;
};

// Applies one SGR parameter list ("1;31", "0", "") to the current style.
void applySgr(QStringView params, int &colour, bool &bold)
{
    if (params.isEmpty()) {
        colour = -1;
        bold = false;
        return;
    }
    for (QStringView p : params.split(QLatin1Char(';'))) {
        bool ok = false;
        const int n = p.toInt(&ok);
        if (!ok)
            continue;
        if (n == 0) {
            colour = -1;
            bold = false;
        } else if (n == 1) {
            bold = true;
        } else if (n == 22) {
            bold = false;
        } else if (n >= 30 && n <= 37) {
            colour = n - 30;
        } else if (n >= 90 && n <= 97) {
            colour = n - 90 + 8;
        } else if (n == 39) {
            colour = -1;
        }
    }
}

// Splits the text into styled runs; escapes other than SGR are dropped.
QList<Run> parse(const QString &text)
{
    QList<Run> runs;
    int colour = -1;
    bool bold = false;
    QString current;
    const auto flush = [&] {
        if (!current.isEmpty())
            runs.append(Run{std::exchange(current, {}), colour, bold});
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c != QChar(0x1b)) {
            current.append(c);
            continue;
        }
        if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('[')) {
            qsizetype end = i + 2;
            while (end < text.size() && !(text.at(end).unicode() >= 0x40 && text.at(end).unicode() <= 0x7e))
                ++end;
            if (end < text.size() && text.at(end) == QLatin1Char('m')) {
                flush();
                applySgr(QStringView(text).mid(i + 2, end - i - 2), colour, bold);
            }
            i = end;
        }
        // A lone ESC or another sequence's introducer is dropped.
    }
    flush();
    return runs;
}

void appendStyled(QString &out, const QString &piece, int colour, bool bold, bool marked)
{
    if (piece.isEmpty())
        return;
    QString body = piece.toHtmlEscaped();
    if (marked)
        body = QStringLiteral("<u><b><font color=\"%1\">%2</font></b></u>")
                   .arg(QLatin1String(HighlightColour), body);
    else if (colour >= 0)
        body = QStringLiteral("<font color=\"%1\">%2</font>").arg(QLatin1String(Palette[colour]), body);
    if (bold && !marked)
        body = QStringLiteral("<b>") + body + QStringLiteral("</b>");
    out += body;
}

} // namespace

QString plain(const QString &text)
{
    if (!text.contains(QChar(0x1b)))
        return text;
    QString out;
    for (const Run &r : parse(text))
        out += r.text;
    return out;
}

QString styled(const QString &text, const QString &highlight)
{
    const QList<Run> runs = parse(text);
    QString plainText;
    for (const Run &r : runs)
        plainText += r.text;
    // Marked ranges in plain-text offsets.
    QList<std::pair<qsizetype, qsizetype>> marks;
    if (!highlight.isEmpty()) {
        for (qsizetype at = plainText.indexOf(highlight, 0, Qt::CaseInsensitive); at >= 0;
             at = plainText.indexOf(highlight, at + highlight.size(), Qt::CaseInsensitive))
            marks.append({at, at + highlight.size()});
    }
    QString out;
    qsizetype offset = 0;
    qsizetype mark = 0;
    for (const Run &r : runs) {
        qsizetype pos = 0;
        while (pos < r.text.size()) {
            const qsizetype absolute = offset + pos;
            while (mark < marks.size() && marks.at(mark).second <= absolute)
                ++mark;
            qsizetype end = r.text.size();
            bool marked = false;
            if (mark < marks.size()) {
                if (marks.at(mark).first <= absolute) {
                    marked = true;
                    end = std::min(end, marks.at(mark).second - offset);
                } else {
                    end = std::min(end, marks.at(mark).first - offset);
                }
            }
            appendStyled(out, r.text.mid(pos, end - pos), r.colour, r.bold, marked);
            pos = end;
        }
        offset += r.text.size();
    }
    return out;
}

} // namespace rr::tray::ansi
