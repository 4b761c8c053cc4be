#include "selector.h"

#include "jsonutil.h"

#include <QRegularExpression>

namespace rr::test::kubeapi {

bool Selector::parse(const QString &text, bool fields, Selector *out, QString *error)
{
    out->m_fields = fields;
    out->m_terms.clear();
    // Split on commas outside parentheses.
    QStringList parts;
    QString current;
    int depth = 0;
    for (const QChar c : text) {
        if (c == QLatin1Char('('))
            ++depth;
        else if (c == QLatin1Char(')'))
            --depth;
        if (c == QLatin1Char(',') && depth == 0) {
            parts << current;
            current.clear();
        } else {
            current += c;
        }
    }
    parts << current;
    static const QRegularExpression setRe(
        QStringLiteral("^\\s*([^\\s!=]+)\\s+(in|notin)\\s*\\((.*)\\)\\s*$"));
    for (QString p : parts) {
        p = p.trimmed();
        if (p.isEmpty())
            continue;
        Term t;
        const auto m = setRe.match(p);
        if (!fields && m.hasMatch()) {
            t.key = m.captured(1);
            t.op = m.captured(2) == QLatin1String("in") ? Term::In : Term::NotIn;
            for (const QString &v : m.captured(3).split(QLatin1Char(',')))
                t.values << v.trimmed();
        } else if (p.contains(QLatin1String("!="))) {
            t.key = p.section(QStringLiteral("!="), 0, 0).trimmed();
            t.op = Term::NotEquals;
            t.values << p.section(QStringLiteral("!="), 1).trimmed();
        } else if (p.contains(QLatin1Char('='))) {
            const QString sep = p.contains(QLatin1String("==")) ? QStringLiteral("==") : QStringLiteral("=");
            t.key = p.section(sep, 0, 0).trimmed();
            t.values << p.section(sep, 1).trimmed();
        } else if (!fields && p.startsWith(QLatin1Char('!'))) {
            t.key = p.mid(1).trimmed();
            t.op = Term::NotExists;
        } else if (!fields) {
            t.key = p;
            t.op = Term::Exists;
        } else {
            *error = QStringLiteral("invalid selector: '%1'; can't understand '%2'").arg(text, p);
            return false;
        }
        if (t.key.isEmpty()) {
            *error = QStringLiteral("unable to parse requirement: found '%1'").arg(p);
            return false;
        }
        out->m_terms << t;
    }
    return true;
}

bool Selector::matches(const QJsonObject &object) const
{
    const QJsonObject labels = meta(object).value(QStringLiteral("labels")).toObject();
    for (const Term &t : m_terms) {
        QJsonValue v;
        if (m_fields) {
            v = valueAt(object, t.key.split(QLatin1Char('.')));
        } else {
            v = labels.value(t.key);
        }
        const bool present = !v.isUndefined() && !v.isNull();
        const QString s = v.isDouble() ? QString::number(v.toDouble())
                          : v.isBool() ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                       : v.toString();
        switch (t.op) {
        case Term::Equals:
            if (s != t.values.value(0))
                return false;
            break;
        case Term::NotEquals:
            if (present && s == t.values.value(0))
                return false;
            break;
        case Term::In:
            if (!present || !t.values.contains(s))
                return false;
            break;
        case Term::NotIn:
            if (present && t.values.contains(s))
                return false;
            break;
        case Term::Exists:
            if (!present)
                return false;
            break;
        case Term::NotExists:
            if (present)
                return false;
            break;
        }
    }
    return true;
}

} // namespace rr::test::kubeapi
