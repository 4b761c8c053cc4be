#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// One service a plan could run: from the plan's catalog (every service of every profile) and,
// when it is planned, the plan's own facts.
struct PlanServiceRow
{
    QString name;
    QStringList profiles;  // empty: always on
    QStringList dependsOn; // compose depends_on
    bool picked = false;   // the user's choice; with no choice made, whatever the plan runs
    bool planned = false;  // in the plan: picked, needed by a pick, or enabled by default
    bool primary = false;
    bool build = false;
    QString image;
    QString ports; // "8080 → 80, 9000"
    QString why;   // "needed by web", "profile tools is off"

    QString detail() const;

    bool operator==(const PlanServiceRow &) const = default;
};

// The plan screen's service picker: the catalog with what the plan runs, its primary, images
// and ports. Rows are replaced on each plan; toggling a pick changes one row.
// Not final: QML registration derives from it.
class PlanServiceModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the new-run controller")
    Q_DISABLE_COPY_MOVE(PlanServiceModel)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int plannedCount READ plannedCount NOTIFY countChanged)

public:
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        ProfilesRole,
        PickedRole,
        PlannedRole,
        PrimaryRole,
        BuildRole,
        ImageRole,
        PortsRole,
        WhyRole,
        DetailRole, // "built here · ports 8080 → 80 · profile tools · needed by web"
    };
    Q_ENUM(Role)

    explicit PlanServiceModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRows(const QList<PlanServiceRow> &rows);
    const QList<PlanServiceRow> &rows() const { return m_rows; }
    int plannedCount() const;
    // The user's picks, in catalog order.
    QStringList picked() const;

    // Rows from the engine's plan answer (`catalog`, `services`), keeping `picks`.
    static QList<PlanServiceRow> rowsFrom(const QJsonObject &plan, const QStringList &picks);

Q_SIGNALS:
    void countChanged();
    // A pick changed through setData (the view's check box).
    void picksChanged();

private:
    QList<PlanServiceRow> m_rows;
};

} // namespace rr::tray
