#include "runcontroller.h"

#include "logmodel.h"
#include "phaselistmodel.h"
#include "runevents.h"
#include "runlistmodel.h"
#include "servicelistmodel.h"
#include "traylog.h"

#include "runs/orchestrator.h"
#include "runs/runjson.h"
#include "runs/runstore.h"

#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QPointer>
#include <QSaveFile>
#include <QUrl>

namespace rr::tray {

namespace {

constexpr int PageSize = 5000;

} // namespace

RunController::RunController(runs::Orchestrator *orchestrator, LogModel *logs, QObject *parent)
    : QObject(parent)
    , m_orchestrator(orchestrator)
    , m_logs(logs)
    , m_phases(new PhaseListModel(this))
    , m_services(new ServiceListModel(this))
    , m_events(new RunEvents(orchestrator, this))
    , m_logSource(allSources())
{
    m_liveFlush.setSingleShot(true);
    m_liveFlush.setInterval(LiveBatchMs);
    connect(&m_liveFlush, &QTimer::timeout, this,
            [this] { m_logs->appendLines(std::exchange(m_pendingLive, {})); });
    connect(m_orchestrator, &runs::Orchestrator::runUpdated, this, &RunController::onRunUpdated);
    connect(m_orchestrator, &runs::Orchestrator::logLines, this, &RunController::onLogLines);
}

void RunController::showRecord(const std::optional<runs::RunRecord> &record)
{
    m_summary = record ? RunSummary::of(*record) : RunSummary();
    m_phases->setPhases(record ? record->phases : QList<runs::PhaseRecord>());
    m_services->setServices(record ? ServiceListModel::rowsFrom(record->details) : QList<ServiceRow>());
    Q_EMIT selectedRunChanged();
}

LogModel *RunController::events() const
{
    return m_events->model();
}

QStringList RunController::logSources() const
{
    return QStringList{allSources(), runLogSource()} + m_services->names();
}

void RunController::setLogSource(const QString &source)
{
    if (source == m_logSource)
        return;
    m_logSource = source;
    Q_EMIT logSourceChanged();
    reloadLogs();
}

std::optional<QString> RunController::serviceFilter() const
{
    if (m_logSource == allSources())
        return std::nullopt;
    if (m_logSource == runLogSource())
        return QString();
    return m_logSource;
}

void RunController::select(const QString &runId)
{
    if (runId == m_selected)
        return;
    m_selected = runId;
    m_logSource = allSources();
    showRecord(m_orchestrator->run(runId));
    Q_EMIT selectionChanged();
    Q_EMIT logSourceChanged();
    reloadLogs();
    m_events->show(runId);
}

QString RunController::start(const QString &source, const QString &runtime)
{
    QString spec = source.trimmed();
    if (spec.isEmpty())
        return QStringLiteral("Enter a repository URL or a local folder.");
    // A folder typed relative to the home directory is what a user means by "~/x" or "x".
    if (spec.startsWith(QLatin1String("~/")))
        spec = QDir::home().filePath(spec.mid(2));
    if (!spec.contains(QLatin1String("://")) && !spec.startsWith(QLatin1String("git@")) &&
        QFileInfo::exists(spec))
        spec = QFileInfo(spec).absoluteFilePath();
    runs::StartOptions options;
    options.request.source = spec;
    options.runtime = runtime == QLatin1String("auto") ? QString() : runtime;
    const auto outcome = m_orchestrator->start(options);
    if (!outcome) {
        Q_EMIT message(outcome.error().message);
        return outcome.error().message;
    }
    qCInfo(lcTray) << "started run" << outcome->run.id << "from the window";
    select(outcome->run.id);
    return {};
}

void RunController::stop(const QString &runId)
{
    qCInfo(lcTray) << "stopping run" << runId;
    m_orchestrator->stop(runId).then(this, [this](const core::Result<runs::RunRecord> &stopped) {
        if (!stopped)
            Q_EMIT message(stopped.error().message);
    });
}

QString RunController::restart(const QString &runId)
{
    const auto run = m_orchestrator->run(runId);
    if (!run)
        return QStringLiteral("No such run.");
    runs::StartOptions options;
    options.request = runs::RunJson::toRequest(run->request);
    options.request.runId.clear();
    if (options.request.source.isEmpty())
        options.request.source = run->source;
    options.runtime = run->runtime;
    options.replace = true;
    const auto outcome = m_orchestrator->start(options);
    if (!outcome) {
        Q_EMIT message(outcome.error().message);
        return outcome.error().message;
    }
    qCInfo(lcTray) << "restarted run" << runId << "as" << outcome->run.id;
    select(outcome->run.id);
    return {};
}

void RunController::remove(const QString &runId)
{
    qCInfo(lcTray) << "removing run" << runId;
    m_orchestrator->remove(runId).then(this, [this, runId](const core::Result<void> &removed) {
        if (!removed) {
            Q_EMIT message(removed.error().message);
            return;
        }
        if (runId == m_selected)
            select(QString());
        Q_EMIT runRemoved(runId);
        Q_EMIT message(QStringLiteral("Run %1 removed.").arg(runId));
    });
}

void RunController::setLogFilter(const QString &pattern)
{
    if (pattern == m_logFilter)
        return;
    m_logFilter = pattern;
    const QRegularExpression re(pattern, QRegularExpression::CaseInsensitiveOption);
    m_logFilterError = re.isValid() ? QString() : re.errorString();
    Q_EMIT logFilterChanged();
    if (!re.isValid())
        return; // the view says why; the last valid filter stays
    m_logs->setTextFilter(pattern.isEmpty() ? QRegularExpression() : re);
    reloadLogs();
}

void RunController::copyLogs()
{
    QGuiApplication::clipboard()->setText(m_logs->allText());
    Q_EMIT message(QStringLiteral("Copied %1 log lines.").arg(m_logs->rowCount()));
}

QString RunController::exportLogs(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return file.errorString();
    file.write(m_logs->allText().toUtf8());
    file.write("\n");
    if (!file.commit())
        return file.errorString();
    Q_EMIT message(QStringLiteral("Exported %1 log lines to %2").arg(m_logs->rowCount()).arg(path));
    return {};
}

void RunController::chooseExportFile()
{
    auto *dialog =
        new QFileDialog(nullptr, QStringLiteral("Export logs"),
                        QDir::home().filePath(QStringLiteral("reporunner-%1.log").arg(m_selected)));
    dialog->setObjectName(QStringLiteral("exportDialog"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        if (const QString error = exportLogs(path); !error.isEmpty())
            Q_EMIT message(error);
    });
    dialog->open(); // non-modal: no nested event loop
}

void RunController::onRunUpdated(const runs::RunRecord &run)
{
    if (run.id != m_selected)
        return;
    showRecord(run);
}

void RunController::onLogLines(const QString &runId, const QList<runs::LogLine> &lines)
{
    if (runId != m_selected)
        return;
    m_pendingLive += lines;
    // Live lines reach the view at most once per LiveBatchMs: a chatty service sends a burst
    // every event-loop turn, and each model update relayouts every visible row.
    if (!m_loading && !m_liveFlush.isActive())
        m_liveFlush.start();
}

// History first, then whatever arrived live meanwhile: flush() makes every line emitted
// before this point readable, and lines emitted after it wait in m_pendingLive.
void RunController::reloadLogs()
{
    const quint64 generation = ++m_generation;
    m_logs->clear();
    m_logs->setServiceFilter(serviceFilter());
    m_pendingLive.clear();
    m_liveFlush.stop();
    m_loading = !m_selected.isEmpty();
    Q_EMIT logsLoadingChanged();
    if (!m_loading)
        return;
    m_orchestrator->store()->flush().then(this, [this, generation](const core::Result<void> &) {
        if (generation == m_generation)
            loadPage(generation, 0);
    });
}

void RunController::loadPage(quint64 generation, qint64 afterId)
{
    m_orchestrator->store()
        ->logs(m_selected, serviceFilter(), afterId, PageSize)
        .then(this, [this, generation](const core::Result<QList<runs::LogLine>> &page) {
            if (generation != m_generation)
                return;
            if (!page) {
                Q_EMIT message(page.error().message);
                finishLoading();
                return;
            }
            m_logs->appendLines(*page);
            if (page->size() < PageSize)
                finishLoading();
            else
                loadPage(generation, page->constLast().id);
        });
}

void RunController::finishLoading()
{
    m_loading = false;
    m_logs->appendUnseen(std::exchange(m_pendingLive, {}));
    Q_EMIT logsLoadingChanged();
}

} // namespace rr::tray
