#include "plan/translationreport.h"

#include <QJsonObject>

namespace rr::plan {

QString statusName(ReportEntry::Status status)
{
    switch (status) {
    case ReportEntry::Status::Mapped:
        return QStringLiteral("mapped");
    case ReportEntry::Status::Adapted:
        return QStringLiteral("adapted");
    case ReportEntry::Status::Dropped:
        return QStringLiteral("dropped");
    case ReportEntry::Status::Refused:
        return QStringLiteral("refused");
    }
    return {};
}

void TranslationReport::add(const QString &service, const QString &key, ReportEntry::Status status,
                            const QString &reason, const core::Location &where)
{
    entries.append(ReportEntry{service, key, status, reason, where});
}

bool TranslationReport::hasRefusals() const
{
    for (const ReportEntry &e : entries)
        if (e.status == ReportEntry::Status::Refused)
            return true;
    return false;
}

QList<ReportEntry> TranslationReport::refusals() const
{
    QList<ReportEntry> out;
    for (const ReportEntry &e : entries)
        if (e.status == ReportEntry::Status::Refused)
            out.append(e);
    return out;
}

QList<ReportEntry> TranslationReport::find(const QString &service, const QString &key) const
{
    QList<ReportEntry> out;
    for (const ReportEntry &e : entries)
        if (e.service == service && (key.isEmpty() || e.key == key))
            out.append(e);
    return out;
}

bool TranslationReport::covers(const QString &service, const QString &key) const
{
    for (const ReportEntry &e : entries)
        if (e.service == service && e.key == key)
            return true;
    return false;
}

QString TranslationReport::toText() const
{
    int serviceWidth = 3;
    int keyWidth = 3;
    for (const ReportEntry &e : entries) {
        serviceWidth = qMax(serviceWidth, int(e.service.size()));
        keyWidth = qMax(keyWidth, int(e.key.size()));
    }
    QString out;
    for (const ReportEntry &e : entries) {
        QString line =
            (e.service.isEmpty() ? QStringLiteral("(run)") : e.service).leftJustified(serviceWidth) +
            QStringLiteral("  ") + e.key.leftJustified(keyWidth) + QStringLiteral("  ") +
            statusName(e.status).toUpper().leftJustified(7);
        if (!e.reason.isEmpty())
            line += QStringLiteral("  ") + e.reason;
        if (e.where.isValid())
            line += QStringLiteral("  (") + e.where.toString() + QLatin1Char(')');
        out += line.trimmed() + QLatin1Char('\n');
    }
    return out;
}

QJsonArray TranslationReport::toJson() const
{
    QJsonArray out;
    for (const ReportEntry &e : entries) {
        QJsonObject o{{QStringLiteral("service"), e.service},
                      {QStringLiteral("key"), e.key},
                      {QStringLiteral("status"), statusName(e.status)},
                      {QStringLiteral("reason"), e.reason}};
        if (e.where.isValid())
            o.insert(QStringLiteral("where"), QJsonObject{{QStringLiteral("file"), e.where.file},
                                                          {QStringLiteral("line"), e.where.line},
                                                          {QStringLiteral("column"), e.where.column}});
        out.append(o);
    }
    return out;
}

} // namespace rr::plan
