#include "core/units.h"

#include <QRegularExpression>

namespace rr::core::units {

std::optional<qint64> parseDurationMs(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    bool plain = false;
    const double seconds = t.toDouble(&plain);
    if (plain)
        return seconds < 0 ? std::nullopt : std::optional<qint64>(qint64(seconds * 1000));

    static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)"));
    qint64 total = 0;
    int pos = 0;
    auto it = part.globalMatch(t);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedStart() != pos)
            return std::nullopt;
        pos = m.capturedEnd();
        const double v = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        double ms = 0;
        if (unit == QLatin1String("ns"))
            ms = v / 1e6;
        else if (unit == QLatin1String("us") || unit == QStringLiteral("µs"))
            ms = v / 1e3;
        else if (unit == QLatin1String("ms"))
            ms = v;
        else if (unit == QLatin1String("s"))
            ms = v * 1e3;
        else if (unit == QLatin1String("m"))
            ms = v * 60e3;
        else if (unit == QLatin1String("h"))
            ms = v * 3600e3;
        else
            ms = v * 86400e3;
        total += qint64(ms);
    }
    if (pos != t.size())
        return std::nullopt;
    return total;
}

std::optional<qint64> parseByteSize(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b?)$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const double v = m.captured(1).toDouble();
    const QChar unit = m.captured(2).isEmpty() ? QLatin1Char('b') : m.captured(2).at(0).toLower();
    double factor = 1;
    if (unit == QLatin1Char('k'))
        factor = 1024.0;
    else if (unit == QLatin1Char('m'))
        factor = 1024.0 * 1024;
    else if (unit == QLatin1Char('g'))
        factor = 1024.0 * 1024 * 1024;
    else if (unit == QLatin1Char('t'))
        factor = 1024.0 * 1024 * 1024 * 1024;
    return qint64(v * factor);
}

} // namespace rr::core::units
