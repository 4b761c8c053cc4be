#pragma once

#include "runs/runrecord.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// The selected run's phase timeline: one row per phase with its duration (-1 while it runs)
// and progress. Rows are updated in place as the run moves, so the view does not flicker.
// Not final: QML registration derives from it.
class PhaseListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the run controller")
    Q_DISABLE_COPY_MOVE(PhaseListModel)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role
    {
        PhaseRole = Qt::UserRole + 1,
        RunningRole,
        DurationMsRole,
        ProgressRole,
    };
    Q_ENUM(Role)

    explicit PhaseListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setPhases(const QList<runs::PhaseRecord> &phases);

Q_SIGNALS:
    void countChanged();

private:
    QList<runs::PhaseRecord> m_phases;
};

} // namespace rr::tray
