#include "project/envfile.h"

#include "project/interpolator.h"

#include <QRegularExpression>
#include <QStringDecoder>

namespace rr::project {

using core::ErrorCategory;

namespace {

QString unescapeDouble(const QString &raw)
{
    QString out;
    out.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] == QLatin1Char('\\') && i + 1 < raw.size()) {
            const QChar c = raw[++i];
            if (c == QLatin1Char('n'))
                out += QLatin1Char('\n');
            else if (c == QLatin1Char('t'))
                out += QLatin1Char('\t');
            else if (c == QLatin1Char('r'))
                out += QLatin1Char('\r');
            else if (c == QLatin1Char('$'))
                out += QStringLiteral("$$"); // keep it literal through interpolation
            else
                out += c;
        } else
            out += raw[i];
    }
    return out;
}

} // namespace

core::Result<QMap<QString, QString>> EnvFile::parse(const QByteArray &bytes, const QString &fileLabel,
                                                    const QMap<QString, QString> &lookup)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(bytes);
    if (decoder.hasError() || bytes.contains('\0'))
        return core::fail(ErrorCategory::Compose, QStringLiteral("compose.env.binary"),
                          QStringLiteral("The environment file is not UTF-8 text"),
                          core::Location{fileLabel, 0, 0});
    static const QRegularExpression keyRe(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.-]*$"));

    QMap<QString, QString> out;
    Interpolator interp;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const int lineNo = int(n + 1);
        QString line = lines[n];
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')))
            continue;
        QString body = trimmed;
        if (body.startsWith(QLatin1String("export ")))
            body = body.mid(7).trimmed();
        const qsizetype eq = body.indexOf(QLatin1Char('='));
        const QString key = (eq < 0 ? body : body.left(eq)).trimmed();
        const core::Location at{fileLabel, lineNo, 1};
        if (!keyRe.match(key).hasMatch())
            return core::fail(ErrorCategory::Compose, QStringLiteral("compose.env.syntax"),
                              QStringLiteral("Invalid variable name '%1'").arg(key), at);
        if (eq < 0)
            continue; // a bare name would come from the host environment, which we never read
        QString raw = body.mid(eq + 1).trimmed();
        QString value;
        bool interpolate = true;
        if (raw.startsWith(QLatin1Char('\'')) || raw.startsWith(QLatin1Char('"'))) {
            const QChar quote = raw[0];
            QString acc = raw.mid(1);
            // A quoted value may continue on the following lines until its closing quote.
            auto closing = [&](const QString &s) {
                for (qsizetype i = 0; i < s.size(); ++i) {
                    if (quote == QLatin1Char('"') && s[i] == QLatin1Char('\\')) {
                        ++i;
                        continue;
                    }
                    if (s[i] == quote)
                        return i;
                }
                return qsizetype(-1);
            };
            qsizetype close = closing(acc);
            while (close < 0 && n + 1 < lines.size()) {
                acc += QLatin1Char('\n') + lines[++n];
                if (acc.endsWith(QLatin1Char('\r')))
                    acc.chop(1);
                close = closing(acc);
            }
            if (close < 0)
                return core::fail(ErrorCategory::Compose, QStringLiteral("compose.env.syntax"),
                                  QStringLiteral("Unterminated quoted value for %1").arg(key), at);
            const QString inner = acc.left(close);
            if (quote == QLatin1Char('\'')) {
                value = inner;
                interpolate = false;
            } else
                value = unescapeDouble(inner);
        } else {
            const qsizetype hash = raw.indexOf(QLatin1String(" #"));
            value = (hash < 0 ? raw : raw.left(hash)).trimmed();
        }
        if (interpolate) {
            for (auto it = out.cbegin(); it != out.cend(); ++it)
                interp.setVariable(it.key(), it.value());
            for (auto it = lookup.cbegin(); it != lookup.cend(); ++it)
                interp.setVariable(it.key(), it.value());
            auto expanded = interp.interpolate(value, at);
            if (!expanded)
                return core::fail(expanded.error());
            value = *expanded;
        }
        out.insert(key, value);
    }
    return out;
}

} // namespace rr::project
