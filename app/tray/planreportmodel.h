#pragma once

#include <QAbstractListModel>
#include <QJsonArray>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// One line of a plan's translation report, as the plan screen shows it.
struct ReportRow
{
    QString service; // empty for run-wide notes
    QString key;     // the compose key, e.g. "ports"
    QString status;  // "mapped" | "adapted" | "dropped" | "refused"
    QString reason;
    QString location; // "compose.yaml:12:7"; empty when the engine gave none

    bool operator==(const ReportRow &) const = default;
};

// A translation report (the engine's `report` array): every compose key of every planned
// service, mapped, adapted, dropped or refused, with the reason and where it was written.
// Not final: QML registration derives from it.
class PlanReportModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the new-run controller")
    Q_DISABLE_COPY_MOVE(PlanReportModel)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(int refusedCount READ refusedCount NOTIFY countChanged)

public:
    enum Role
    {
        ServiceRole = Qt::UserRole + 1,
        KeyRole,
        StatusRole,
        ToneRole,
        ReasonRole,
        LocationRole,
    };
    Q_ENUM(Role)

    explicit PlanReportModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setRows(const QList<ReportRow> &rows);
    const QList<ReportRow> &rows() const { return m_rows; }
    int refusedCount() const;

    // The rows of the engine's report; file paths are shown relative to `projectDir`.
    static QList<ReportRow> rowsFrom(const QJsonArray &report, const QString &projectDir = {});

Q_SIGNALS:
    void countChanged();

private:
    QList<ReportRow> m_rows;
};

} // namespace rr::tray
