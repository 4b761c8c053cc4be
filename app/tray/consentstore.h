#pragma once

#include <QObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace rr::tray {

// The repositories a user allowed unsafe runs for (privileged mode, host namespaces, host
// devices: what the sandbox refuses by default). Remembered per repository in one file under
// the user's config folder, listed and revocable in the settings.
// Not final: QML registration derives from it.
class ConsentStore : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("created by the tray app")
    Q_DISABLE_COPY_MOVE(ConsentStore)
    Q_PROPERTY(QStringList repositories READ repositories NOTIFY changed)

public:
    // `path` empty: $XDG_CONFIG_HOME/reporunner/unsafe-consent.ini.
    explicit ConsentStore(const QString &path = {}, QObject *parent = nullptr);

    // The key a source is remembered under: the normalised clone URL of a repository (so
    // github.com/o/r and its /tree/main/x share one), or the absolute folder. Empty when the
    // text is not a source.
    static QString repositoryKey(const QString &source);

    QStringList repositories() const { return m_keys; }
    Q_INVOKABLE bool allows(const QString &repository) const { return m_keys.contains(repository); }
    Q_INVOKABLE void allow(const QString &repository);
    Q_INVOKABLE void revoke(const QString &repository);
    QString path() const { return m_path; }

Q_SIGNALS:
    void changed();

private:
    void save();

    QString m_path;
    QStringList m_keys;
};

} // namespace rr::tray
