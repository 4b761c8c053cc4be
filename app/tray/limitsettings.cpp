#include "limitsettings.h"

#include "enginesettings.h"
#include "traylog.h"

#include "runs/orchestrator.h"

#include <QSettings>

namespace rr::tray {

namespace {

constexpr qint64 MiB = 1024 * 1024;

// tray.ini keys, with the quota field each one holds.
const QString kContainerMemory = QStringLiteral("limits/containerMemoryMiB");
const QString kContainerCpu = QStringLiteral("limits/containerCpuMilli");
const QString kContainerPids = QStringLiteral("limits/containerPids");
const QString kRunMemory = QStringLiteral("limits/runMemoryMiB");
const QString kRunCpu = QStringLiteral("limits/runCpuMilli");
const QString kRunPods = QStringLiteral("limits/runPods");

int toMiB(qint64 bytes)
{
    return int(bytes / MiB);
}

} // namespace

LimitSettings::LimitSettings(runs::Orchestrator *orchestrator, const QString &path, QObject *parent)
    : QObject(parent)
    , m_orchestrator(orchestrator)
    , m_path(path.isEmpty() ? EngineSettings::defaultPath() : path)
{
    const QSettings file(m_path, QSettings::IniFormat);
    if (!file.contains(kContainerMemory))
        return; // never changed: the engine's defaults
    plan::QuotaSettings q = quota();
    q.defaultMemory = file.value(kContainerMemory).toLongLong() * MiB;
    q.defaultCpuMilli = file.value(kContainerCpu, q.defaultCpuMilli).toInt();
    q.defaultPids = file.value(kContainerPids, q.defaultPids).toLongLong();
    q.limitsMemory = file.value(kRunMemory, toMiB(q.limitsMemory)).toLongLong() * MiB;
    q.limitsCpuMilli = file.value(kRunCpu, q.limitsCpuMilli).toInt();
    q.pods = file.value(kRunPods, q.pods).toInt();
    apply(q);
    if (!m_error.isEmpty())
        qCWarning(lcTray) << "ignoring the saved limits:" << m_error;
}

plan::QuotaSettings LimitSettings::quota() const
{
    return m_orchestrator->settings().quota;
}

int LimitSettings::containerMemoryMiB() const
{
    return toMiB(quota().defaultMemory);
}

int LimitSettings::containerCpuMilli() const
{
    return quota().defaultCpuMilli;
}

int LimitSettings::containerPids() const
{
    return int(quota().defaultPids);
}

int LimitSettings::runMemoryMiB() const
{
    return toMiB(quota().limitsMemory);
}

int LimitSettings::runCpuMilli() const
{
    return quota().limitsCpuMilli;
}

int LimitSettings::runPods() const
{
    return quota().pods;
}

void LimitSettings::setContainerMemoryMiB(int mib)
{
    plan::QuotaSettings q = quota();
    q.defaultMemory = qint64(mib) * MiB;
    apply(q);
}

void LimitSettings::setContainerCpuMilli(int milli)
{
    plan::QuotaSettings q = quota();
    q.defaultCpuMilli = milli;
    apply(q);
}

void LimitSettings::setContainerPids(int pids)
{
    plan::QuotaSettings q = quota();
    q.defaultPids = pids;
    apply(q);
}

void LimitSettings::setRunMemoryMiB(int mib)
{
    plan::QuotaSettings q = quota();
    q.limitsMemory = qint64(mib) * MiB;
    apply(q);
}

void LimitSettings::setRunCpuMilli(int milli)
{
    plan::QuotaSettings q = quota();
    q.limitsCpuMilli = milli;
    apply(q);
}

void LimitSettings::setRunPods(int pods)
{
    plan::QuotaSettings q = quota();
    q.pods = pods;
    apply(q);
}

void LimitSettings::reset()
{
    apply(plan::QuotaSettings{});
}

void LimitSettings::apply(plan::QuotaSettings q)
{
    // The user sets limits; requests are the engine's, cut down to fit them.
    const plan::QuotaSettings engine;
    q.defaultRequestMemory = qMin(engine.defaultRequestMemory, q.defaultMemory);
    q.defaultRequestCpuMilli = qMin(engine.defaultRequestCpuMilli, q.defaultCpuMilli);
    q.requestsMemory = qMin(engine.requestsMemory, q.limitsMemory);
    q.requestsCpuMilli = qMin(engine.requestsCpuMilli, q.limitsCpuMilli);
    const plan::QuotaSettings before = quota();
    runs::OrchestratorSettings s = m_orchestrator->settings();
    s.quota = q;
    const auto applied = m_orchestrator->setSettings(s);
    m_error = applied ? QString() : applied.error().message;
    if (applied && !(before == q))
        save();
    // Also on refusal: the fields show the engine's values again.
    Q_EMIT changed();
}

void LimitSettings::save()
{
    QSettings file(m_path, QSettings::IniFormat);
    file.setValue(kContainerMemory, containerMemoryMiB());
    file.setValue(kContainerCpu, containerCpuMilli());
    file.setValue(kContainerPids, containerPids());
    file.setValue(kRunMemory, runMemoryMiB());
    file.setValue(kRunCpu, runCpuMilli());
    file.setValue(kRunPods, runPods());
    file.sync();
    qCInfo(lcTray) << "limits: container" << containerMemoryMiB() << "MiB" << containerCpuMilli() << "m"
                   << containerPids() << "pids; run" << runMemoryMiB() << "MiB" << runCpuMilli() << "m"
                   << runPods() << "pods";
}

} // namespace rr::tray
