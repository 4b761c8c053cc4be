#include "choicelistmodel.h"

namespace rr::tray {

ChoiceListModel::ChoiceListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int ChoiceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

QVariant ChoiceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return m_names.at(index.row());
    case CheckedRole:
        return m_checked.at(index.row());
    case Qt::CheckStateRole:
        return m_checked.at(index.row()) ? Qt::Checked : Qt::Unchecked;
    default:
        return {};
    }
}

bool ChoiceListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) ||
        (role != CheckedRole && role != Qt::CheckStateRole))
        return false;
    const bool on = role == CheckedRole ? value.toBool() : value.value<Qt::CheckState>() == Qt::Checked;
    if (m_checked.at(index.row()) == on)
        return true;
    m_checked[index.row()] = on;
    Q_EMIT dataChanged(index, index, {CheckedRole, Qt::CheckStateRole});
    Q_EMIT choicesChanged();
    return true;
}

Qt::ItemFlags ChoiceListModel::flags(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> ChoiceListModel::roleNames() const
{
    return {{NameRole, "name"}, {CheckedRole, "chosen"}};
}

void ChoiceListModel::setNames(const QStringList &names)
{
    if (names == m_names)
        return;
    const QStringList keep = checked();
    beginResetModel();
    m_names = names;
    m_checked.clear();
    for (const QString &n : names)
        m_checked.append(keep.contains(n));
    endResetModel();
    Q_EMIT countChanged();
}

QStringList ChoiceListModel::checked() const
{
    QStringList out;
    for (qsizetype i = 0; i < m_names.size(); ++i) {
        if (m_checked.at(i))
            out.append(m_names.at(i));
    }
    return out;
}

void ChoiceListModel::setChecked(const QStringList &checked)
{
    for (int i = 0; i < m_names.size(); ++i) {
        const bool on = checked.contains(m_names.at(i));
        if (m_checked.at(i) != on) {
            m_checked[i] = on;
            Q_EMIT dataChanged(index(i), index(i), {CheckedRole, Qt::CheckStateRole});
        }
    }
}

void ChoiceListModel::toggle(int row, bool checked)
{
    setData(index(row), checked, CheckedRole);
}

} // namespace rr::tray
