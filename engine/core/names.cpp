#include "core/names.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QRegularExpression>

namespace rr::core::names {

bool isDns1123Label(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    return name.size() <= MaxLabelLength && re.match(name).hasMatch();
}

bool isDns1035Label(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z]([-a-z0-9]*[a-z0-9])?$"));
    return name.size() <= MaxLabelLength && re.match(name).hasMatch();
}

bool isDns1123Subdomain(const QString &name)
{
    if (name.isEmpty() || name.size() > 253)
        return false;
    static const QRegularExpression re(
        QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"));
    return re.match(name).hasMatch();
}

QString toDnsLabel(const QString &text, int maxLength)
{
    QString out;
    out.reserve(text.size());
    bool lastDash = false;
    for (const QChar c : text.toLower()) {
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                        (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
        if (ok) {
            out += c;
            lastDash = false;
        } else if (!lastDash) {
            out += QLatin1Char('-');
            lastDash = true;
        }
    }
    while (out.startsWith(QLatin1Char('-')))
        out.remove(0, 1);
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    if (out.isEmpty() || !out.at(0).isLetter())
        out.prepend(QLatin1String("x-"));

    const bool changed = out != text;
    if (changed && out != text.toLower()) {
        // Keep "my_app" and "my.app" apart once both become "my-app".
        const QByteArray hash = QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex();
        const QString suffix = QLatin1Char('-') + QString::fromLatin1(hash.left(5));
        if (out.size() + suffix.size() > maxLength)
            out.truncate(maxLength - suffix.size());
        while (out.endsWith(QLatin1Char('-')))
            out.chop(1);
        out += suffix;
    } else if (out.size() > maxLength) {
        const QByteArray hash = QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex();
        out.truncate(maxLength - 6);
        while (out.endsWith(QLatin1Char('-')))
            out.chop(1);
        out += QLatin1Char('-') + QString::fromLatin1(hash.left(5));
    }
    return out;
}

QString newRunId()
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QString id;
    id += QLatin1Char(letters[QRandomGenerator::system()->bounded(26)]);
    for (int i = 0; i < 7; ++i)
        id += QLatin1Char(alnum[QRandomGenerator::system()->bounded(36)]);
    return id;
}

} // namespace rr::core::names
