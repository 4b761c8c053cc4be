#include "contextlistmodel.h"

#include "statetone.h"
#include "traylog.h"

#include "kube/contextpolicy.h"
#include "kube/kubeconfig.h"

#include <QSettings>

namespace rr::tray {

namespace {

QString defaultSettingsPath()
{
    return QSettings(QStringLiteral("reporunner"), QStringLiteral("reporunner")).fileName();
}

} // namespace

ContextListModel::ContextListModel(const QString &settingsPath, const QStringList &kubeconfigFiles,
                                   QObject *parent)
    : QAbstractListModel(parent)
    , m_settingsPath(settingsPath.isEmpty() ? defaultSettingsPath() : settingsPath)
    , m_files(kubeconfigFiles.isEmpty() ? kube::Kubeconfig::defaultFiles() : kubeconfigFiles)
    , m_fixed(!qEnvironmentVariable(kube::ContextPolicy::EnvironmentVariable).trimmed().isEmpty())
{
    refresh();
    // What the engine chose when it started (it reads the same files, once).
    m_atStart = m_chosen;
}

void ContextListModel::refresh()
{
    QList<ContextRow> rows;
    const QSettings settings(m_settingsPath, QSettings::IniFormat);
    const kube::ContextPolicy policy = kube::ContextPolicy::fromEnvironmentAndSettings(settings);
    const auto config = kube::Kubeconfig::load(m_files);
    QString chosen;
    if (config) {
        chosen = policy.choose(*config);
        for (const QString &name : config->contextNames())
            rows.append(ContextRow{name, policy.allows(name), policy.allowList().contains(name),
                                   name == chosen, policy.reason(name)});
    } else {
        m_message = QStringLiteral("The kubeconfig could not be read: %1").arg(config.error().message);
    }
    // Rows keep their place: only the flags change unless the kubeconfig itself did.
    bool sameNames = rows.size() == m_rows.size();
    for (int i = 0; sameNames && i < rows.size(); ++i)
        sameNames = rows.at(i).name == m_rows.at(i).name;
    if (sameNames) {
        for (int i = 0; i < rows.size(); ++i) {
            if (rows.at(i) != m_rows.at(i)) {
                m_rows[i] = rows.at(i);
                Q_EMIT dataChanged(index(i), index(i));
            }
        }
    } else {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    }
    m_named = policy.named();
    m_chosen = chosen;
    Q_EMIT changed();
}

int ContextListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ContextListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ContextRow &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return row.name;
    case AllowedRole:
        return row.allowed;
    case OnAllowListRole:
        return row.onAllowList;
    case ChosenRole:
        return row.chosen;
    case ReasonRole:
        return row.reason;
    case ToneRole:
        return row.chosen ? Tone::Good : row.allowed ? Tone::Neutral : Tone::Bad;
    default:
        return {};
    }
}

QHash<int, QByteArray> ContextListModel::roleNames() const
{
    return {{NameRole, "name"},     {AllowedRole, "allowed"}, {OnAllowListRole, "onAllowList"},
            {ChosenRole, "chosen"}, {ReasonRole, "reason"},   {ToneRole, "tone"}};
}

void ContextListModel::write(const QString &key, const QVariant &value)
{
    QSettings settings(m_settingsPath, QSettings::IniFormat);
    if (value.isNull())
        settings.remove(key);
    else
        settings.setValue(key, value);
    settings.sync();
    if (settings.status() != QSettings::NoError)
        m_message = QStringLiteral("Could not write %1.").arg(m_settingsPath);
    else
        m_message.clear();
    qCInfo(lcTray) << "kube settings:" << key << value;
}

void ContextListModel::allow(const QString &context)
{
    QStringList list = QSettings(m_settingsPath, QSettings::IniFormat)
                           .value(QLatin1String(kube::ContextPolicy::AllowListKey))
                           .toStringList();
    if (context.isEmpty() || list.contains(context))
        return;
    list.append(context);
    write(QLatin1String(kube::ContextPolicy::AllowListKey), list);
    refresh();
}

void ContextListModel::forbid(const QString &context)
{
    QStringList list = QSettings(m_settingsPath, QSettings::IniFormat)
                           .value(QLatin1String(kube::ContextPolicy::AllowListKey))
                           .toStringList();
    if (list.removeAll(context) > 0)
        write(QLatin1String(kube::ContextPolicy::AllowListKey), list.isEmpty() ? QVariant() : QVariant(list));
    // A named context is allowed by being named: forbidding it un-names it too.
    if (!m_fixed && m_named == context)
        write(QLatin1String(kube::ContextPolicy::ContextKey), QVariant());
    refresh();
}

void ContextListModel::use(const QString &context)
{
    if (m_fixed) {
        m_message = QStringLiteral("%1 names the context; unset it to choose here.")
                        .arg(QLatin1String(kube::ContextPolicy::EnvironmentVariable));
        Q_EMIT changed();
        return;
    }
    write(QLatin1String(kube::ContextPolicy::ContextKey), context.isEmpty() ? QVariant() : QVariant(context));
    refresh();
}

} // namespace rr::tray
