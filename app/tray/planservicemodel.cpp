#include "planservicemodel.h"

#include <QJsonArray>

namespace rr::tray {

namespace {

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}

QString portsText(const QJsonArray &ports)
{
    QStringList out;
    for (const QJsonValue &v : ports) {
        const QJsonObject p = v.toObject();
        const int container = p.value(QStringLiteral("containerPort")).toInt();
        const int host = p.value(QStringLiteral("hostPort")).toInt();
        QString text =
            host > 0 ? QStringLiteral("%1 → %2").arg(host).arg(container) : QString::number(container);
        if (const QString protocol = p.value(QStringLiteral("protocol")).toString();
            !protocol.isEmpty() && protocol != QLatin1String("TCP"))
            text += QLatin1Char('/') + protocol.toLower();
        out.append(text);
    }
    return out.join(QStringLiteral(", "));
}

} // namespace

QString PlanServiceRow::detail() const
{
    QStringList parts;
    if (planned)
        parts.append(build ? QStringLiteral("built here") : image);
    if (!ports.isEmpty())
        parts.append(QStringLiteral("ports ") + ports);
    if (!profiles.isEmpty())
        parts.append(QStringLiteral("profile ") + profiles.join(QStringLiteral(", ")));
    if (!why.isEmpty())
        parts.append(why);
    return parts.join(QStringLiteral(" · "));
}

PlanServiceModel::PlanServiceModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int PlanServiceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant PlanServiceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PlanServiceRow &s = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return s.name;
    case ProfilesRole:
        return s.profiles.join(QStringLiteral(", "));
    case Qt::CheckStateRole:
        return s.picked ? Qt::Checked : Qt::Unchecked;
    case PickedRole:
        return s.picked;
    case PlannedRole:
        return s.planned;
    case PrimaryRole:
        return s.primary;
    case BuildRole:
        return s.build;
    case ImageRole:
        return s.image;
    case PortsRole:
        return s.ports;
    case WhyRole:
        return s.why;
    case DetailRole:
        return s.detail();
    default:
        return {};
    }
}

bool PlanServiceModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        (role != PickedRole && role != Qt::CheckStateRole))
        return false;
    const bool picked = role == PickedRole ? value.toBool() : value.value<Qt::CheckState>() == Qt::Checked;
    PlanServiceRow &s = m_rows[index.row()];
    if (s.picked == picked)
        return true;
    s.picked = picked;
    Q_EMIT dataChanged(index, index, {PickedRole, Qt::CheckStateRole});
    Q_EMIT picksChanged();
    return true;
}

Qt::ItemFlags PlanServiceModel::flags(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> PlanServiceModel::roleNames() const
{
    return {{NameRole, "name"},       {ProfilesRole, "profiles"}, {PickedRole, "picked"},
            {PlannedRole, "planned"}, {PrimaryRole, "primary"},   {BuildRole, "build"},
            {ImageRole, "image"},     {PortsRole, "ports"},       {WhyRole, "why"},
            {DetailRole, "detail"}};
}

void PlanServiceModel::setRows(const QList<PlanServiceRow> &rows)
{
    if (rows == m_rows)
        return;
    beginResetModel();
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

int PlanServiceModel::plannedCount() const
{
    return int(
        std::count_if(m_rows.cbegin(), m_rows.cend(), [](const PlanServiceRow &r) { return r.planned; }));
}

QStringList PlanServiceModel::picked() const
{
    QStringList out;
    for (const PlanServiceRow &r : m_rows) {
        if (r.picked)
            out.append(r.name);
    }
    return out;
}

QList<PlanServiceRow> PlanServiceModel::rowsFrom(const QJsonObject &plan, const QStringList &picks)
{
    QHash<QString, QJsonObject> planned;
    QHash<QString, QStringList> neededBy;
    for (const QJsonValue &v : plan.value(QStringLiteral("services")).toArray()) {
        const QJsonObject s = v.toObject();
        planned.insert(s.value(QStringLiteral("name")).toString(), s);
        for (const QString &d : strings(s.value(QStringLiteral("dependsOn"))))
            neededBy[d].append(s.value(QStringLiteral("name")).toString());
    }
    const QStringList active = strings(plan.value(QStringLiteral("activeProfiles")));
    QList<PlanServiceRow> rows;
    QJsonArray catalog = plan.value(QStringLiteral("catalog")).toArray();
    if (catalog.isEmpty()) // Dockerfile mode: the plan's one service is the catalog
        catalog = plan.value(QStringLiteral("services")).toArray();
    for (const QJsonValue &v : catalog) {
        const QJsonObject c = v.toObject();
        PlanServiceRow row;
        row.name = c.value(QStringLiteral("name")).toString();
        row.profiles = strings(c.value(QStringLiteral("profiles")));
        row.dependsOn = strings(c.value(QStringLiteral("dependsOn")));
        const auto it = planned.constFind(row.name);
        row.planned = it != planned.constEnd();
        // No picks: everything the active profiles enable runs, and shows as picked.
        row.picked = picks.isEmpty() ? row.planned : picks.contains(row.name);
        if (row.planned) {
            row.primary = it->value(QStringLiteral("primary")).toBool();
            row.build = it->value(QStringLiteral("build")).toBool();
            row.image = it->value(QStringLiteral("image")).toString();
            row.ports = portsText(it->value(QStringLiteral("ports")).toArray());
            if (!row.picked && !picks.isEmpty() && neededBy.contains(row.name))
                row.why =
                    QStringLiteral("needed by %1").arg(neededBy.value(row.name).join(QStringLiteral(", ")));
        } else if (!picks.isEmpty() && !row.picked) {
            row.why = QStringLiteral("not picked");
        } else if (!row.profiles.isEmpty()) {
            bool on = false;
            for (const QString &p : row.profiles)
                on = on || active.contains(p);
            row.why = on ? QStringLiteral("not picked")
                         : QStringLiteral("profile %1 is off").arg(row.profiles.join(QStringLiteral(" or ")));
        }
        rows.append(row);
    }
    return rows;
}

} // namespace rr::tray
