#include "planreportmodel.h"

#include "statetone.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

namespace rr::tray {

namespace {

Tone::Value toneOfStatus(const QString &status)
{
    if (status == QLatin1String("refused"))
        return Tone::Bad;
    if (status == QLatin1String("adapted") || status == QLatin1String("dropped"))
        return Tone::Busy;
    return Tone::Good;
}

} // namespace

PlanReportModel::PlanReportModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int PlanReportModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant PlanReportModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReportRow &r = m_rows.at(index.row());
    switch (role) {
    case ServiceRole:
        return r.service;
    case KeyRole:
        return r.key;
    case StatusRole:
        return r.status;
    case ToneRole:
        return int(toneOfStatus(r.status));
    case Qt::DisplayRole:
    case ReasonRole:
        return r.reason;
    case LocationRole:
        return r.location;
    default:
        return {};
    }
}

QHash<int, QByteArray> PlanReportModel::roleNames() const
{
    return {{ServiceRole, "service"}, {KeyRole, "key"},       {StatusRole, "status"},
            {ToneRole, "tone"},       {ReasonRole, "reason"}, {LocationRole, "location"}};
}

void PlanReportModel::setRows(const QList<ReportRow> &rows)
{
    if (rows == m_rows)
        return;
    // A new plan is a new report: one reset, not a diff of unrelated lines.
    beginResetModel();
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

int PlanReportModel::refusedCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [](const ReportRow &r) { return r.status == QLatin1String("refused"); }));
}

QList<ReportRow> PlanReportModel::rowsFrom(const QJsonArray &report, const QString &projectDir)
{
    QList<ReportRow> rows;
    rows.reserve(report.size());
    const QDir root(projectDir);
    for (const QJsonValue &v : report) {
        const QJsonObject o = v.toObject();
        ReportRow row{o.value(QStringLiteral("service")).toString(),
                      o.value(QStringLiteral("key")).toString(),
                      o.value(QStringLiteral("status")).toString(),
                      o.value(QStringLiteral("reason")).toString(),
                      {}};
        const QJsonObject where = o.value(QStringLiteral("where")).toObject();
        if (!where.isEmpty()) {
            QString file = where.value(QStringLiteral("file")).toString();
            if (!projectDir.isEmpty() && QFileInfo(file).isAbsolute())
                file = root.relativeFilePath(file);
            row.location = QStringLiteral("%1:%2").arg(file).arg(where.value(QStringLiteral("line")).toInt());
            if (const int column = where.value(QStringLiteral("column")).toInt(); column > 0)
                row.location += QStringLiteral(":%1").arg(column);
        }
        rows.append(row);
    }
    return rows;
}

} // namespace rr::tray
