#include "retentionsettings.h"

#include "enginesettings.h"
#include "traylog.h"

#include "runs/orchestrator.h"
#include "runs/prunereport.h"
#include "runs/retentionscheduler.h"

#include <QLocale>
#include <QSettings>

namespace rr::tray {

namespace {

const QString kKeepImages = QStringLiteral("retention/keepImages");
const QString kImageDays = QStringLiteral("retention/imageDays");
const QString kGitCacheDays = QStringLiteral("retention/gitCacheDays");

} // namespace

RetentionSettings::RetentionSettings(runs::Orchestrator *orchestrator, const QString &path, QObject *parent)
    : QObject(parent)
    , m_orchestrator(orchestrator)
    , m_path(path.isEmpty() ? EngineSettings::defaultPath() : path)
{
    const QSettings file(m_path, QSettings::IniFormat);
    if (!file.contains(kKeepImages))
        return;
    runs::OrchestratorSettings s = m_orchestrator->settings();
    s.retention.keepImages = file.value(kKeepImages, s.retention.keepImages).toInt();
    s.retention.imageDays = file.value(kImageDays, s.retention.imageDays).toInt();
    s.retention.gitCacheDays = file.value(kGitCacheDays, s.retention.gitCacheDays).toInt();
    if (const auto applied = m_orchestrator->setSettings(s); !applied)
        qCWarning(lcTray) << "ignoring the saved retention:" << applied.error().message;
}

int RetentionSettings::keepImages() const
{
    return m_orchestrator->settings().retention.keepImages;
}

int RetentionSettings::imageDays() const
{
    return m_orchestrator->settings().retention.imageDays;
}

int RetentionSettings::gitCacheDays() const
{
    return m_orchestrator->settings().retention.gitCacheDays;
}

template<typename Change> void RetentionSettings::change(Change mutate)
{
    runs::OrchestratorSettings s = m_orchestrator->settings();
    mutate(s.retention);
    const auto applied = m_orchestrator->setSettings(s);
    m_error = applied ? QString() : applied.error().message;
    if (applied) {
        QSettings file(m_path, QSettings::IniFormat);
        file.setValue(kKeepImages, keepImages());
        file.setValue(kImageDays, imageDays());
        file.setValue(kGitCacheDays, gitCacheDays());
        file.sync();
        qCInfo(lcTray) << "retention: keep" << keepImages() << "images," << imageDays() << "days; clones"
                       << gitCacheDays() << "days";
    }
    Q_EMIT changed();
}

void RetentionSettings::setKeepImages(int count)
{
    change([count](runs::RetentionPolicy &r) { r.keepImages = count; });
}

void RetentionSettings::setImageDays(int days)
{
    change([days](runs::RetentionPolicy &r) { r.imageDays = days; });
}

void RetentionSettings::setGitCacheDays(int days)
{
    change([days](runs::RetentionPolicy &r) { r.gitCacheDays = days; });
}

QString RetentionSettings::nextPass() const
{
    const runs::RetentionScheduler *scheduler = m_orchestrator->retentionScheduler();
    if (!scheduler || !scheduler->isArmed())
        return {};
    const qint64 hours = (scheduler->remainingMs() + 30 * 60 * 1000) / (60 * 60 * 1000);
    if (hours < 1)
        return QStringLiteral("within the hour");
    return hours == 1 ? QStringLiteral("in about an hour") : QStringLiteral("in about %1 hours").arg(hours);
}

QString RetentionSettings::describe(const runs::PruneReport &report)
{
    const QLocale locale;
    QString out =
        QStringLiteral("Removed %1 image(s), %2 build-cache record(s) and %3 cached repositor%4: %5 freed.")
            .arg(report.images.size())
            .arg(report.buildCache.records)
            .arg(report.repositories.size())
            .arg(report.repositories.size() == 1 ? QStringLiteral("y") : QStringLiteral("ies"))
            .arg(locale.formattedDataSize(report.reclaimedBytes()));
    if (!report.problems.isEmpty())
        out += QStringLiteral(" Not everything could be looked at: ") +
               report.problems.join(QStringLiteral("; "));
    return out;
}

void RetentionSettings::cleanUpNow()
{
    if (m_busy)
        return;
    m_busy = true;
    m_message = QStringLiteral("Cleaning up…");
    Q_EMIT cleanupChanged();
    m_orchestrator->prune(m_orchestrator->settings().retention, false)
        .then(this, [this](const core::Result<runs::PruneReport> &report) {
            m_busy = false;
            m_message =
                report ? describe(*report) : QStringLiteral("Clean-up failed: ") + report.error().message;
            qCInfo(lcTray) << "clean up now:" << m_message;
            Q_EMIT cleanupChanged();
        });
}

void RetentionSettings::watchDailyPass()
{
    runs::RetentionScheduler *scheduler = m_orchestrator->retentionScheduler();
    if (!scheduler)
        return;
    connect(scheduler, &runs::RetentionScheduler::passFinished, this,
            [this](const runs::PruneReport &report) {
                m_message = QStringLiteral("Daily clean-up: ") + describe(report);
                Q_EMIT cleanupChanged();
            });
    connect(scheduler, &runs::RetentionScheduler::passFailed, this, [this](const core::Error &error) {
        m_message = QStringLiteral("Daily clean-up failed: ") + error.message;
        Q_EMIT cleanupChanged();
    });
    Q_EMIT cleanupChanged();
}

} // namespace rr::tray
