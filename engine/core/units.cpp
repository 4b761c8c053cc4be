#include "core/units.h"

#include <QRegularExpression>

namespace rr::core::units {

std::optional<qint64> parseDurationMs(const QString &text)
{
    // Go's time.ParseDuration, which Compose and Docker both use: units are required, "0" aside.
    static const QRegularExpression part(QStringLiteral("([0-9]*\\.?[0-9]+)(ns|us|µs|ms|s|m|h)"));
    const QString s = text.trimmed();
    if (s == QLatin1String("0"))
        return 0;
    if (s.isEmpty())
        return std::nullopt;
    double totalMs = 0;
    qsizetype pos = 0;
    while (pos < s.size()) {
        const auto m = part.match(s, pos, QRegularExpression::NormalMatch,
                                  QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return std::nullopt;
        const QString unit = m.captured(2);
        const double factor = unit == QLatin1String("h")    ? 3600000.0
                              : unit == QLatin1String("m")  ? 60000.0
                              : unit == QLatin1String("s")  ? 1000.0
                              : unit == QLatin1String("ms") ? 1.0
                              : unit == QLatin1String("ns") ? 1e-6
                                                            : 1e-3;
        totalMs += m.captured(1).toDouble() * factor;
        pos = m.capturedEnd();
    }
    if (totalMs > 1e15)
        return std::nullopt;
    return qint64(totalMs);
}

std::optional<qint64> parseByteSize(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^([0-9]*\\.?[0-9]+)\\s*([bkmgtp]?)(?:i?b)?$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const QString unit = m.captured(2).toLower();
    const int power = unit.isEmpty() ? 0 : int(QStringLiteral("bkmgtp").indexOf(unit));
    double value = m.captured(1).toDouble();
    for (int i = 0; i < power; ++i)
        value *= 1024.0;
    if (value > 9e18)
        return std::nullopt;
    return qint64(value);
}

} // namespace rr::core::units
