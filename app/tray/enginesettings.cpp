#include "enginesettings.h"

#include "traylog.h"

#include "runs/orchestrator.h"

#include <QSettings>
#include <QStandardPaths>

namespace rr::tray {

namespace {

const QString kParallelism = QStringLiteral("engine/buildParallelism");
const QString kOffline = QStringLiteral("engine/offline");

} // namespace

EngineSettings::EngineSettings(runs::Orchestrator *orchestrator, const QString &path, QObject *parent)
    : QObject(parent)
    , m_orchestrator(orchestrator)
    , m_path(path.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
                                  QStringLiteral("/reporunner/tray.ini")
                            : path)
{
    const QSettings file(m_path, QSettings::IniFormat);
    m_offline = file.value(kOffline, false).toBool();
    if (file.contains(kParallelism)) {
        runs::OrchestratorSettings s = m_orchestrator->settings();
        s.buildParallelism = file.value(kParallelism).toInt();
        if (const auto applied = m_orchestrator->setSettings(s); !applied)
            qCWarning(lcTray) << "ignoring the saved build parallelism:" << applied.error().message;
    }
}

int EngineSettings::buildParallelism() const
{
    return m_orchestrator->settings().buildParallelism;
}

void EngineSettings::setBuildParallelism(int builds)
{
    runs::OrchestratorSettings s = m_orchestrator->settings();
    if (s.buildParallelism == builds)
        return;
    s.buildParallelism = builds;
    const auto applied = m_orchestrator->setSettings(s);
    m_error = applied ? QString() : applied.error().message;
    if (applied)
        save();
    Q_EMIT changed();
}

void EngineSettings::setOffline(bool offline)
{
    if (offline == m_offline)
        return;
    m_offline = offline;
    save();
    Q_EMIT changed();
}

void EngineSettings::save()
{
    QSettings file(m_path, QSettings::IniFormat);
    file.setValue(kParallelism, buildParallelism());
    file.setValue(kOffline, m_offline);
    file.sync();
    qCInfo(lcTray) << "engine settings: builds" << buildParallelism() << "offline" << m_offline;
}

} // namespace rr::tray
