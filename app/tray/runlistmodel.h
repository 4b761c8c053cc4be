#pragma once

#include "runs/runrecord.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// Every run the engine knows, newest first, for the window's run list and the tray menu.
// Fed by the orchestrator's runUpdated signal (upsert), never by polling.
// Not final: QML registration derives from it.
class RunListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the tray app")
    Q_DISABLE_COPY_MOVE(RunListModel)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int activeCount READ activeCount NOTIFY runsChanged)

public:
    enum Role
    {
        RunIdRole = Qt::UserRole + 1,
        RepoRole,
        RefRole,
        ShortCommitRole,
        ModeRole,
        RuntimeRole,
        StateRole,
        ToneRole,
        CreatedAtRole,
        PortsRole,
        PreviewUrlRole,
        ActiveRole,
        SummaryRole,
    };
    Q_ENUM(Role)

    explicit RunListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRuns(const QList<runs::RunRecord> &runs);
    // Replaces the run with the same id in place, or inserts it at the top.
    void upsert(const runs::RunRecord &run);
    void remove(const QString &runId);

    const QList<runs::RunRecord> &records() const { return m_runs; }
    int activeCount() const;
    Q_INVOKABLE int indexOf(const QString &runId) const;
    Q_INVOKABLE QString stateOf(const QString &runId) const;

    // "owner/repo", or the folder name for local sources.
    static QString displayName(const runs::RunRecord &run);
    // "8080→32771, 5432→32772": container port to the local one.
    static QString ports(const runs::RunRecord &run);

Q_SIGNALS:
    void countChanged();
    // Any run changed; the tray icon and menu follow this.
    void runsChanged();

private:
    QList<runs::RunRecord> m_runs;
};

} // namespace rr::tray
