#include "enginesettings.h"

#include "traylog.h"

#include "runs/orchestrator.h"

#include <QSettings>
#include <QStandardPaths>

namespace rr::tray {

namespace {

const QString kParallelism = QStringLiteral("engine/buildParallelism");
const QString kOffline = QStringLiteral("engine/offline");
const QString kRuntime = QStringLiteral("engine/defaultRuntime");

} // namespace

EngineSettings::EngineSettings(runs::Orchestrator *orchestrator, const QString &path, QObject *parent)
    : QObject(parent)
    , m_orchestrator(orchestrator)
    , m_path(path.isEmpty() ? defaultPath() : path)
{
    const QSettings file(m_path, QSettings::IniFormat);
    m_offline = file.value(kOffline, false).toBool();
    if (file.contains(kParallelism)) {
        runs::OrchestratorSettings s = m_orchestrator->settings();
        s.buildParallelism = file.value(kParallelism).toInt();
        if (const auto applied = m_orchestrator->setSettings(s); !applied)
            qCWarning(lcTray) << "ignoring the saved build parallelism:" << applied.error().message;
    }
    if (file.contains(kRuntime)) {
        runs::OrchestratorSettings s = m_orchestrator->settings();
        s.defaultRuntime = file.value(kRuntime).toString();
        if (const auto applied = m_orchestrator->setSettings(s); !applied)
            qCWarning(lcTray) << "ignoring the saved runtime:" << applied.error().message;
    }
}

QString EngineSettings::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/reporunner/tray.ini");
}

QString EngineSettings::defaultRuntime() const
{
    return m_orchestrator->settings().defaultRuntime;
}

void EngineSettings::setDefaultRuntime(const QString &runtime)
{
    runs::OrchestratorSettings s = m_orchestrator->settings();
    if (s.defaultRuntime == runtime)
        return;
    s.defaultRuntime = runtime;
    const auto applied = m_orchestrator->setSettings(s);
    m_error = applied ? QString() : applied.error().message;
    if (applied)
        save();
    Q_EMIT changed();
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
    file.setValue(kRuntime, defaultRuntime());
    file.sync();
    qCInfo(lcTray) << "engine settings: builds" << buildParallelism() << "offline" << m_offline << "runtime"
                   << defaultRuntime();
}

} // namespace rr::tray
