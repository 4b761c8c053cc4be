#pragma once

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// One Chromium-family browser and whether it can reach RepoRunner's native-messaging host.
struct BrowserRow
{
    QString id;        // "chromium"
    QString name;      // "Chromium"
    QString userDir;   // ~/.config/chromium/NativeMessagingHosts
    QString systemDir; // /etc/chromium/native-messaging-hosts (the .deb's postinst writes it)
    QString status;    // "installed" | "system" | "outdated" | "missing"
    QString detail;    // for humans: which manifest, and what is wrong

    bool operator==(const BrowserRow &) const = default;
};

// Browser integration in the settings: each installed Chromium-family browser with the state of
// the host manifest it reads, and install / repair / remove of the user's own manifest. The
// manifest is the same template the .deb's postinst copies into the system folders
// (installer/native-messaging), so both paths write identical files.
// Not final: QML registration derives from it.
class BrowserIntegration : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by the settings")
    Q_DISABLE_COPY_MOVE(BrowserIntegration)
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(QString message READ message NOTIFY messageChanged)

public:
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        NameRole,
        StatusRole,
        ToneRole,
        DetailRole,
    };
    Q_ENUM(Role)

    static constexpr const char *HostName = "dev.reporunner.host";

    // `home` and `templatePath` empty: the user's home, and the installed (or built) template.
    explicit BrowserIntegration(const QString &home = {}, const QString &templatePath = {},
                                QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    const QList<BrowserRow> &rows() const { return m_rows; }
    QString message() const { return m_message; }
    QString templatePath() const { return m_template; }

    // Looks again: which browsers are installed (their profile folder or program exists) and
    // what their manifests say.
    Q_INVOKABLE void refresh();
    // Writes (or rewrites: repair) the user's manifest for the browser; remove deletes it.
    Q_INVOKABLE bool install(const QString &browserId);
    Q_INVOKABLE bool repair(const QString &browserId) { return install(browserId); }
    Q_INVOKABLE bool remove(const QString &browserId);

Q_SIGNALS:
    void countChanged();
    void messageChanged();

private:
    QList<BrowserRow> scan() const;
    void say(const QString &message);

    QString m_home;
    QString m_template;
    QList<BrowserRow> m_rows;
    QString m_message;
};

} // namespace rr::tray
