#include "phaselistmodel.h"

namespace rr::tray {

PhaseListModel::PhaseListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int PhaseListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_phases.size());
}

QVariant PhaseListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const runs::PhaseRecord &p = m_phases.at(index.row());
    const bool done = p.finishedAt.isValid();
    switch (role) {
    case Qt::DisplayRole:
    case PhaseRole:
        return runs::stateName(p.phase);
    case RunningRole:
        return !done;
    case DurationMsRole:
        return done ? double(p.startedAt.msecsTo(p.finishedAt)) : -1.0;
    case ProgressRole:
        return p.progress;
    default:
        return {};
    }
}

QHash<int, QByteArray> PhaseListModel::roleNames() const
{
    return {{PhaseRole, "phase"},
            {RunningRole, "running"},
            {DurationMsRole, "durationMs"},
            {ProgressRole, "progress"}};
}

// Same-length prefixes change in place; only added or removed rows are inserted or removed.
void PhaseListModel::setPhases(const QList<runs::PhaseRecord> &phases)
{
    const qsizetype before = m_phases.size();
    const int common = int(std::min(phases.size(), m_phases.size()));
    if (phases.size() < m_phases.size()) {
        beginRemoveRows({}, common, int(m_phases.size()) - 1);
        m_phases.resize(common);
        endRemoveRows();
    }
    for (int row = 0; row < common; ++row) {
        const runs::PhaseRecord &now = phases.at(row);
        runs::PhaseRecord &was = m_phases[row];
        if (now.phase != was.phase || now.startedAt != was.startedAt || now.finishedAt != was.finishedAt ||
            now.progress != was.progress) {
            was = now;
            Q_EMIT dataChanged(index(row), index(row));
        }
    }
    if (phases.size() > m_phases.size()) {
        beginInsertRows({}, common, int(phases.size()) - 1);
        m_phases = phases;
        endInsertRows();
    }
    if (m_phases.size() != before)
        Q_EMIT countChanged();
}

} // namespace rr::tray
