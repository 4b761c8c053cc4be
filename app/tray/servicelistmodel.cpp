#include "servicelistmodel.h"

#include "statetone.h"

#include <QJsonArray>

namespace rr::tray {

ServiceListModel::ServiceListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int ServiceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ServiceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ServiceRow &s = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return s.name;
    case StateRole:
        return s.state;
    case ToneRole:
        return int(toneOf(s.state));
    case RestartsRole:
        return s.restarts;
    case DetailRole:
        return s.detail;
    case PortsRole:
        return s.ports;
    case UrlRole:
        return s.url;
    case PrimaryRole:
        return s.primary;
    default:
        return {};
    }
}

QHash<int, QByteArray> ServiceListModel::roleNames() const
{
    return {{NameRole, "name"},     {StateRole, "state"}, {ToneRole, "tone"}, {RestartsRole, "restarts"},
            {DetailRole, "detail"}, {PortsRole, "ports"}, {UrlRole, "url"},   {PrimaryRole, "primary"}};
}

void ServiceListModel::setServices(const QList<ServiceRow> &rows)
{
    const auto sameNames = [&] {
        if (rows.size() != m_rows.size())
            return false;
        for (qsizetype i = 0; i < rows.size(); ++i) {
            if (rows.at(i).name != m_rows.at(i).name)
                return false;
        }
        return true;
    };
    if (!sameNames()) {
        const qsizetype before = m_rows.size();
        beginResetModel();
        m_rows = rows;
        endResetModel();
        if (before != m_rows.size())
            Q_EMIT countChanged();
        return;
    }
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (rows.at(i) == m_rows.at(i))
            continue;
        m_rows[i] = rows.at(i);
        Q_EMIT dataChanged(index(int(i)), index(int(i)));
    }
}

QStringList ServiceListModel::names() const
{
    QStringList out;
    for (const ServiceRow &s : m_rows)
        out.append(s.name);
    return out;
}

QList<ServiceRow> ServiceListModel::rowsFrom(const QJsonObject &details)
{
    QList<ServiceRow> out;
    const QJsonArray endpoints = details.value(QStringLiteral("endpoints")).toArray();
    for (const QJsonValue &v : details.value(QStringLiteral("services")).toArray()) {
        const QJsonObject s = v.toObject();
        ServiceRow row;
        row.name = s.value(QStringLiteral("service")).toString();
        row.state = s.value(QStringLiteral("state")).toString();
        row.restarts = s.value(QStringLiteral("restarts")).toInt();
        row.detail = s.value(QStringLiteral("detail")).toString();
        QStringList ports;
        for (const QJsonValue &ev : endpoints) {
            const QJsonObject e = ev.toObject();
            if (e.value(QStringLiteral("service")).toString() != row.name)
                continue;
            ports.append(QStringLiteral("%1→%2")
                             .arg(e.value(QStringLiteral("containerPort")).toInt())
                             .arg(e.value(QStringLiteral("localPort")).toInt()));
            if (row.url.isEmpty())
                row.url = e.value(QStringLiteral("url")).toString();
            row.primary = row.primary || e.value(QStringLiteral("primary")).toBool();
        }
        row.ports = ports.join(QStringLiteral(", "));
        out.append(row);
    }
    return out;
}

} // namespace rr::tray
