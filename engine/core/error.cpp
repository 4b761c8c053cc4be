#include "core/error.h"

namespace rr::core {

QString Location::toString() const
{
    if (file.isEmpty())
        return {};
    QString out = file;
    if (line > 0) {
        out += QLatin1Char(':') + QString::number(line);
        if (column > 0)
            out += QLatin1Char(':') + QString::number(column);
    }
    return out;
}

QString Error::toString() const
{
    const QString at = where.toString();
    return at.isEmpty() ? message : at + QLatin1String(": ") + message;
}

QString categoryName(ErrorCategory category)
{
    switch (category) {
    case ErrorCategory::Input:
        return QStringLiteral("input");
    case ErrorCategory::Source:
        return QStringLiteral("source");
    case ErrorCategory::Project:
        return QStringLiteral("project");
    case ErrorCategory::Compose:
        return QStringLiteral("compose");
    case ErrorCategory::Refused:
        return QStringLiteral("refused");
    case ErrorCategory::Plan:
        return QStringLiteral("plan");
    case ErrorCategory::Docker:
        return QStringLiteral("docker");
    case ErrorCategory::Kube:
        return QStringLiteral("kube");
    case ErrorCategory::Io:
        return QStringLiteral("io");
    case ErrorCategory::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorCategory::Internal:
        return QStringLiteral("internal");
    }
    return QStringLiteral("internal");
}

Error makeError(ErrorCategory category, const QString &code, const QString &message, const Location &where)
{
    return Error{category, code, message, {}, where};
}

} // namespace rr::core
