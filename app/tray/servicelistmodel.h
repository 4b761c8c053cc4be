#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// One service of the selected run as the run view shows it.
struct ServiceRow
{
    QString name;
    QString state; // as the runtime sends it, e.g. "running", "failed"
    int restarts = 0;
    QString detail;
    QString ports; // "8000→32771, 8443→32772"
    QString url;   // the first preview URL, if any
    bool primary = false;

    bool operator==(const ServiceRow &) const = default;
};

// The selected run's services with state, restarts, ports and preview link, read from the
// run's details ("services" and "endpoints"). Rows change in place when only a state moves.
// Not final: QML registration derives from it.
class ServiceListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the run controller")
    Q_DISABLE_COPY_MOVE(ServiceListModel)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        StateRole,
        ToneRole,
        RestartsRole,
        DetailRole,
        PortsRole,
        UrlRole,
        PrimaryRole,
    };
    Q_ENUM(Role)

    explicit ServiceListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setServices(const QList<ServiceRow> &rows);
    const QList<ServiceRow> &rows() const { return m_rows; }
    QStringList names() const;

    // The rows a run's details describe.
    static QList<ServiceRow> rowsFrom(const QJsonObject &details);

Q_SIGNALS:
    void countChanged();

private:
    QList<ServiceRow> m_rows;
};

} // namespace rr::tray
