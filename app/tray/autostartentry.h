#pragma once

#include "core/result.h"

#include <QLatin1String>
#include <QString>

namespace rr::tray {

// The per-user "Start at login" setting: an XDG autostart entry in ~/.config/autostart that
// starts the tray app hidden. On turns it on by copying the packaged template (or, from a build
// tree, by writing the same entry for this executable); off removes the file. Nothing starts at
// login unless the user turned it on.
class AutostartEntry final
{
public:
    static constexpr QLatin1String FileName{"dev.reporunner.RepoRunner.desktop"};

    // `entryPath` is the user's entry, `templatePath` the packaged one (may not exist) and
    // `program` what the written entry runs when there is no template.
    AutostartEntry(QString entryPath, QString templatePath, QString program);
    // The user's entry, the installed template and this executable.
    static AutostartEntry forCurrentUser();

    bool isEnabled() const;
    core::Result<void> setEnabled(bool enabled);

    QString entryPath() const { return m_entryPath; }

private:
    QByteArray entryContents() const;

    QString m_entryPath;
    QString m_templatePath;
    QString m_program;
};

} // namespace rr::tray
