#pragma once

#include <QAbstractListModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// Names with a check box each: the plan screen's compose profiles. Setting the names keeps
// the checks of names that stay; toggling one row changes that row only.
// Not final: QML registration derives from it.
class ChoiceListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the new-run controller")
    Q_DISABLE_COPY_MOVE(ChoiceListModel)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        CheckedRole, // "chosen" in QML: a CheckBox delegate has its own final `checked`
    };
    Q_ENUM(Role)

    explicit ChoiceListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setNames(const QStringList &names);
    QStringList names() const { return m_names; }
    QStringList checked() const;
    void setChecked(const QStringList &checked);
    // The view's check box: changes one row and says so through choicesChanged.
    Q_INVOKABLE void toggle(int row, bool checked);

Q_SIGNALS:
    void countChanged();
    void choicesChanged();

private:
    QStringList m_names;
    QList<bool> m_checked;
};

} // namespace rr::tray
