#include "runlistmodel.h"

#include "statetone.h"

#include "runs/runjson.h"

#include <QFileInfo>
#include <QJsonArray>

namespace rr::tray {

RunListModel::RunListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int RunListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

QVariant RunListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const runs::RunRecord &r = m_runs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case RepoRole:
        return displayName(r);
    case RunIdRole:
        return r.id;
    case RefRole:
        return r.ref;
    case ShortCommitRole:
        return r.commit.left(7);
    case ModeRole:
        return r.mode;
    case RuntimeRole:
        return r.runtime;
    case StateRole:
        return runs::stateName(r.state);
    case ToneRole:
        return int(toneOf(runs::stateName(r.state)));
    case CreatedAtRole:
        return r.createdAt;
    case PortsRole:
        return ports(r);
    case PreviewUrlRole:
        return runs::RunJson::primaryUrl(r);
    case ActiveRole:
        return runs::isActive(r.state);
    case SummaryRole:
        return r.diagnosis ? r.diagnosis->summary : QString();
    default:
        return {};
    }
}

QHash<int, QByteArray> RunListModel::roleNames() const
{
    return {{RunIdRole, "runId"},
            {RepoRole, "repo"},
            {RefRole, "ref"},
            {ShortCommitRole, "shortCommit"},
            {ModeRole, "mode"},
            {RuntimeRole, "runtime"},
            {StateRole, "state"},
            {ToneRole, "tone"},
            {CreatedAtRole, "createdAt"},
            {PortsRole, "ports"},
            {PreviewUrlRole, "previewUrl"},
            {ActiveRole, "active"},
            {SummaryRole, "summary"}};
}

void RunListModel::setRuns(const QList<runs::RunRecord> &runs)
{
    beginResetModel();
    m_runs = runs;
    endResetModel();
    Q_EMIT countChanged();
    Q_EMIT runsChanged();
}

void RunListModel::upsert(const runs::RunRecord &run)
{
    const int row = indexOf(run.id);
    if (row >= 0) {
        m_runs[row] = run;
        Q_EMIT dataChanged(index(row), index(row));
    } else {
        beginInsertRows({}, 0, 0);
        m_runs.prepend(run);
        endInsertRows();
        Q_EMIT countChanged();
    }
    Q_EMIT runsChanged();
}

void RunListModel::remove(const QString &runId)
{
    const int row = indexOf(runId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_runs.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
    Q_EMIT runsChanged();
}

int RunListModel::activeCount() const
{
    return int(std::count_if(m_runs.cbegin(), m_runs.cend(),
                             [](const runs::RunRecord &r) { return runs::isActive(r.state); }));
}

int RunListModel::indexOf(const QString &runId) const
{
    for (qsizetype i = 0; i < m_runs.size(); ++i) {
        if (m_runs.at(i).id == runId)
            return int(i);
    }
    return -1;
}

QString RunListModel::stateOf(const QString &runId) const
{
    const int row = indexOf(runId);
    return row < 0 ? QString() : runs::stateName(m_runs.at(row).state);
}

QString RunListModel::displayName(const runs::RunRecord &run)
{
    if (!run.owner.isEmpty() && !run.repo.isEmpty())
        return run.owner + QLatin1Char('/') + run.repo;
    if (!run.repo.isEmpty())
        return run.repo;
    return QFileInfo(run.source).fileName().isEmpty() ? run.source : QFileInfo(run.source).fileName();
}

QString RunListModel::ports(const runs::RunRecord &run)
{
    QStringList out;
    for (const QJsonValue &v : run.details.value(QStringLiteral("endpoints")).toArray()) {
        const QJsonObject e = v.toObject();
        const int local = e.value(QStringLiteral("localPort")).toInt();
        if (local > 0)
            out.append(
                QStringLiteral("%1→%2").arg(e.value(QStringLiteral("containerPort")).toInt()).arg(local));
    }
    return out.join(QStringLiteral(", "));
}

} // namespace rr::tray
