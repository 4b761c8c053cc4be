#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// One kubeconfig context as the settings show it.
struct ContextRow
{
    QString name;
    bool allowed = false;
    bool onAllowList = false; // the user may take it off again (kind-reporunner is always allowed)
    bool chosen = false;      // the one runs would use (ContextPolicy::choose)
    QString reason;           // ContextPolicy::reason

    bool operator==(const ContextRow &) const = default;
};

// The Kubernetes contexts in the user's kubeconfig and which of them runs may use
// (kube::ContextPolicy): allow or forbid one (kube/allowedContexts), pick the one to use
// (kube/context) or go back to the automatic choice. Written to the settings file the engine
// and the CLI read; the running engine picked its cluster when it started, so a different
// choice says it needs a restart.
// Not final: QML registration derives from it.
class ContextListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the settings")
    Q_DISABLE_COPY_MOVE(ContextListModel)
    Q_PROPERTY(int count READ rowCount NOTIFY changed)
    Q_PROPERTY(QString chosen READ chosen NOTIFY changed)
    Q_PROPERTY(bool automatic READ automatic NOTIFY changed)
    Q_PROPERTY(bool fixedByEnvironment READ fixedByEnvironment CONSTANT)
    Q_PROPERTY(bool restartNeeded READ restartNeeded NOTIFY changed)
    Q_PROPERTY(QString message READ message NOTIFY changed)

public:
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        AllowedRole,
        OnAllowListRole,
        ChosenRole,
        ReasonRole,
        ToneRole,
    };
    Q_ENUM(Role)

    // `settingsPath` empty: the file kube::ContextPolicy reads; `kubeconfigFiles` empty: the
    // kubeconfig kubectl would read.
    explicit ContextListModel(const QString &settingsPath = {}, const QStringList &kubeconfigFiles = {},
                              QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    const QList<ContextRow> &rows() const { return m_rows; }
    QString chosen() const { return m_chosen; }
    // No context named: kind-reporunner when present, else the current one when allowed.
    bool automatic() const { return m_named.isEmpty(); }
    // REPORUNNER_KUBE_CONTEXT names the context: the settings cannot change it.
    bool fixedByEnvironment() const { return m_fixed; }
    bool restartNeeded() const { return m_chosen != m_atStart; }
    QString message() const { return m_message; }
    QString settingsPath() const { return m_settingsPath; }

    Q_INVOKABLE void allow(const QString &context);
    Q_INVOKABLE void forbid(const QString &context);
    // Runs use this context (it is allowed by being named); empty: the automatic choice.
    Q_INVOKABLE void use(const QString &context);
    // Reads the kubeconfig and the settings again.
    Q_INVOKABLE void refresh();

Q_SIGNALS:
    void changed();

private:
    void write(const QString &key, const QVariant &value);

    QString m_settingsPath;
    QStringList m_files;
    QList<ContextRow> m_rows;
    QString m_named;
    QString m_chosen;
    QString m_atStart;
    bool m_fixed = false;
    QString m_message;
};

} // namespace rr::tray
