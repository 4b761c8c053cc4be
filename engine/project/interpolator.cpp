#include "project/interpolator.h"

namespace rr::project {

using core::ErrorCategory;

namespace {

constexpr int MaxNesting = 32;

bool isNameStart(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
           (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) || c == QLatin1Char('_');
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
}

core::Unexpected invalid(const QString &text, const core::Location &where, const QString &why)
{
    return core::fail(ErrorCategory::Compose, QStringLiteral("compose.interpolation.invalid"),
                      QStringLiteral("Invalid interpolation format in \"%1\": %2 (write $$ for a literal $)")
                          .arg(text, why),
                      where);
}

} // namespace

Interpolator::Interpolator(QMap<QString, QString> variables)
    : m_variables(std::move(variables))
{}

QStringList Interpolator::unsetVariables() const
{
    QStringList out(m_unset.begin(), m_unset.end());
    out.sort();
    return out;
}

core::Result<QString> Interpolator::interpolate(const QString &text, const core::Location &where) const
{
    return expand(text, where, 0);
}

core::Result<QString> Interpolator::expand(const QString &text, const core::Location &where, int depth) const
{
    if (depth > MaxNesting)
        return invalid(text, where, QStringLiteral("nested too deeply"));
    if (!text.contains(QLatin1Char('$')))
        return text;
    QString out;
    out.reserve(text.size());
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text[i];
        if (c != QLatin1Char('$')) {
            out += c;
            ++i;
            continue;
        }
        if (i + 1 >= n)
            return invalid(text, where, QStringLiteral("a '$' at the end"));
        const QChar next = text[i + 1];
        if (next == QLatin1Char('$')) {
            out += QLatin1Char('$');
            i += 2;
            continue;
        }
        if (isNameStart(next)) {
            qsizetype j = i + 1;
            while (j < n && isNameChar(text[j]))
                ++j;
            const QString name = text.mid(i + 1, j - i - 1);
            if (m_variables.contains(name))
                out += m_variables.value(name);
            else
                m_unset.insert(name);
            i = j;
            continue;
        }
        if (next != QLatin1Char('{'))
            return invalid(text, where, QStringLiteral("'$' must start a variable name"));

        // ${NAME[op arg]}
        qsizetype j = i + 2;
        if (j >= n || !isNameStart(text[j]))
            return invalid(text, where, QStringLiteral("'${' must be followed by a variable name"));
        while (j < n && isNameChar(text[j]))
            ++j;
        const QString name = text.mid(i + 2, j - i - 2);
        if (j >= n)
            return invalid(text, where, QStringLiteral("missing '}'"));
        QString op;
        if (text[j] == QLatin1Char(':') && j + 1 < n &&
            (text[j + 1] == QLatin1Char('-') || text[j + 1] == QLatin1Char('?') ||
             text[j + 1] == QLatin1Char('+'))) {
            op = text.mid(j, 2);
            j += 2;
        } else if (text[j] == QLatin1Char('-') || text[j] == QLatin1Char('?') ||
                   text[j] == QLatin1Char('+')) {
            op = text.mid(j, 1);
            j += 1;
        } else if (text[j] != QLatin1Char('}')) {
            return invalid(text, where, QStringLiteral("unexpected '%1' after ${%2").arg(text[j]).arg(name));
        }
        // Find the matching '}', skipping nested ${...} and $$.
        const qsizetype argStart = j;
        int level = 0;
        while (j < n) {
            if (text[j] == QLatin1Char('$') && j + 1 < n && text[j + 1] == QLatin1Char('$')) {
                j += 2;
                continue;
            }
            if (text[j] == QLatin1Char('$') && j + 1 < n && text[j + 1] == QLatin1Char('{')) {
                ++level;
                j += 2;
                continue;
            }
            if (text[j] == QLatin1Char('}')) {
                if (level == 0)
                    break;
                --level;
            }
            ++j;
        }
        if (j >= n)
            return invalid(text, where, QStringLiteral("missing '}'"));
        const QString arg = text.mid(argStart, j - argStart);
        i = j + 1;

        const bool set = m_variables.contains(name);
        const QString value = m_variables.value(name);
        const bool nonEmpty = set && !value.isEmpty();
        if (op.isEmpty()) {
            if (!set)
                m_unset.insert(name);
            out += value;
        } else if (op == QLatin1String(":-") || op == QLatin1String("-")) {
            const bool useValue = op == QLatin1String(":-") ? nonEmpty : set;
            if (useValue)
                out += value;
            else {
                auto sub = expand(arg, where, depth + 1);
                if (!sub)
                    return sub;
                out += *sub;
            }
        } else if (op == QLatin1String(":?") || op == QLatin1String("?")) {
            const bool ok = op == QLatin1String(":?") ? nonEmpty : set;
            if (!ok) {
                auto sub = expand(arg, where, depth + 1);
                const QString why = sub ? *sub : arg;
                const QString state = set ? QStringLiteral("is empty") : QStringLiteral("is not set");
                return core::fail(ErrorCategory::Compose, QStringLiteral("compose.interpolation.required"),
                                  why.isEmpty()
                                      ? QStringLiteral("Required variable %1 %2").arg(name, state)
                                      : QStringLiteral("Required variable %1 %2: %3").arg(name, state, why),
                                  where);
            }
            out += value;
        } else { // ":+" or "+"
            const bool useArg = op == QLatin1String(":+") ? nonEmpty : set;
            if (useArg) {
                auto sub = expand(arg, where, depth + 1);
                if (!sub)
                    return sub;
                out += *sub;
            }
        }
    }
    return out;
}

} // namespace rr::project
