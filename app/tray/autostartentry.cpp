#include "autostartentry.h"

#include "core/error.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace rr::tray {

AutostartEntry::AutostartEntry(QString entryPath, QString templatePath, QString program)
    : m_entryPath(std::move(entryPath))
    , m_templatePath(std::move(templatePath))
    , m_program(std::move(program))
{}

AutostartEntry AutostartEntry::forCurrentUser()
{
    const QString name = FileName;
    const QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    // Installed by the package under <datadir>/reporunner/autostart (XDG_DATA_DIRS is searched).
    const QString packaged = QStandardPaths::locate(QStandardPaths::GenericDataLocation,
                                                    QStringLiteral("reporunner/autostart/") + name);
    return AutostartEntry(config + QStringLiteral("/autostart/") + name, packaged,
                          QCoreApplication::applicationFilePath());
}

bool AutostartEntry::isEnabled() const
{
    return QFileInfo::exists(m_entryPath);
}

QByteArray AutostartEntry::entryContents() const
{
    if (!m_templatePath.isEmpty()) {
        QFile packaged(m_templatePath);
        if (packaged.open(QIODevice::ReadOnly))
            return packaged.readAll();
    }
    // A build tree has no template: the same entry, for this executable by its full path.
    QString program = m_program;
    program.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QStringLiteral("[Desktop Entry]\n"
                          "Type=Application\n"
                          "Name=RepoRunner\n"
                          "Comment=Start RepoRunner in the tray at login\n"
                          "Exec=\"%1\" --hidden\n"
                          "Icon=reporunner\n"
                          "Terminal=false\n"
                          "NoDisplay=true\n")
        .arg(program)
        .toUtf8();
}

core::Result<void> AutostartEntry::setEnabled(bool enabled)
{
    if (!enabled) {
        QFile entry(m_entryPath);
        if (entry.exists() && !entry.remove())
            return core::fail(
                core::ErrorCategory::Io, QStringLiteral("tray.autostart.remove"),
                QStringLiteral("Could not remove %1: %2").arg(m_entryPath, entry.errorString()));
        return {};
    }
    const QString dir = QFileInfo(m_entryPath).absolutePath();
    if (!QDir().mkpath(dir))
        return core::fail(core::ErrorCategory::Io, QStringLiteral("tray.autostart.write"),
                          QStringLiteral("Could not create the autostart folder %1").arg(dir));
    QSaveFile entry(m_entryPath);
    if (!entry.open(QIODevice::WriteOnly) || entry.write(entryContents()) < 0 || !entry.commit())
        return core::fail(core::ErrorCategory::Io, QStringLiteral("tray.autostart.write"),
                          QStringLiteral("Could not write %1: %2").arg(m_entryPath, entry.errorString()));
    return {};
}

} // namespace rr::tray
