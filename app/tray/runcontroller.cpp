#include "runcontroller.h"

#include "logmodel.h"
#include "runlistmodel.h"
#include "traylog.h"

#include "runs/orchestrator.h"
#include "runs/runjson.h"
#include "runs/runstore.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QPointer>
#include <QUrl>

namespace rr::tray {

namespace {

constexpr int PageSize = 5000;

} // namespace

RunController::RunController(runs::Orchestrator *orchestrator, LogModel *logs, QObject *parent)
    : QObject(parent)
    , m_orchestrator(orchestrator)
    , m_logs(logs)
    , m_logSource(allSources())
{
    connect(m_orchestrator, &runs::Orchestrator::runUpdated, this, &RunController::onRunUpdated);
    connect(m_orchestrator, &runs::Orchestrator::logLines, this, &RunController::onLogLines);
}

QVariantMap RunController::selectedRun() const
{
    if (!m_record)
        return {};
    const runs::RunRecord &r = *m_record;
    QVariantMap m{{QStringLiteral("id"), r.id},
                  {QStringLiteral("repo"), RunListModel::displayName(r)},
                  {QStringLiteral("source"), r.source},
                  {QStringLiteral("ref"), r.ref},
                  {QStringLiteral("commit"), r.commit},
                  {QStringLiteral("mode"), r.mode},
                  {QStringLiteral("runtime"), r.runtime},
                  {QStringLiteral("state"), runs::stateName(r.state)},
                  {QStringLiteral("active"), runs::isActive(r.state)},
                  {QStringLiteral("previewUrl"), runs::RunJson::primaryUrl(r)}};
    if (r.diagnosis) {
        m.insert(QStringLiteral("failedPhase"), r.diagnosis->phase);
        m.insert(QStringLiteral("diagnosis"), r.diagnosis->summary);
        m.insert(QStringLiteral("lastLines"), r.diagnosis->lastLines.join(QLatin1Char('\n')));
    }
    return m;
}

QVariantList RunController::phases() const
{
    QVariantList out;
    if (!m_record)
        return out;
    for (const runs::PhaseRecord &p : m_record->phases) {
        const bool done = p.finishedAt.isValid();
        out.append(QVariantMap{
            {QStringLiteral("phase"), runs::stateName(p.phase)},
            {QStringLiteral("running"), !done},
            {QStringLiteral("startedAt"), p.startedAt},
            {QStringLiteral("durationMs"), done ? double(p.startedAt.msecsTo(p.finishedAt)) : -1.0},
            {QStringLiteral("progress"), p.progress}});
    }
    return out;
}

QVariantList RunController::services() const
{
    QVariantList out;
    if (!m_record)
        return out;
    const QJsonArray endpoints = m_record->details.value(QStringLiteral("endpoints")).toArray();
    for (const QJsonValue &v : m_record->details.value(QStringLiteral("services")).toArray()) {
        const QJsonObject s = v.toObject();
        const QString name = s.value(QStringLiteral("service")).toString();
        QStringList ports;
        QString url;
        for (const QJsonValue &ev : endpoints) {
            const QJsonObject e = ev.toObject();
            if (e.value(QStringLiteral("service")).toString() != name)
                continue;
            ports.append(QStringLiteral("%1→%2")
                             .arg(e.value(QStringLiteral("containerPort")).toInt())
                             .arg(e.value(QStringLiteral("localPort")).toInt()));
            if (url.isEmpty())
                url = e.value(QStringLiteral("url")).toString();
        }
        out.append(QVariantMap{{QStringLiteral("name"), name},
                               {QStringLiteral("state"), s.value(QStringLiteral("state")).toString()},
                               {QStringLiteral("restarts"), s.value(QStringLiteral("restarts")).toInt()},
                               {QStringLiteral("detail"), s.value(QStringLiteral("detail")).toString()},
                               {QStringLiteral("ports"), ports.join(QStringLiteral(", "))},
                               {QStringLiteral("url"), url}});
    }
    return out;
}

QStringList RunController::logSources() const
{
    QStringList out{allSources(), runLogSource()};
    for (const QVariant &s : services())
        out.append(s.toMap().value(QStringLiteral("name")).toString());
    return out;
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
    m_record = m_orchestrator->run(runId);
    m_logSource = allSources();
    Q_EMIT selectionChanged();
    Q_EMIT selectedRunChanged();
    Q_EMIT logSourceChanged();
    reloadLogs();
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

void RunController::openPreview(const QString &runId)
{
    const auto run = m_orchestrator->run(runId);
    const QString url = run ? runs::RunJson::primaryUrl(*run) : QString();
    if (url.isEmpty()) {
        Q_EMIT message(QStringLiteral("This run has no preview URL yet."));
        return;
    }
    QDesktopServices::openUrl(QUrl(url));
}

void RunController::onRunUpdated(const runs::RunRecord &run)
{
    if (run.id != m_selected)
        return;
    m_record = run;
    Q_EMIT selectedRunChanged();
}

void RunController::onLogLines(const QString &runId, const QList<runs::LogLine> &lines)
{
    if (runId != m_selected)
        return;
    if (m_loading)
        m_pendingLive += lines;
    else
        m_logs->appendLines(lines);
}

// History first, then whatever arrived live meanwhile: flush() makes every line emitted
// before this point readable, and lines emitted after it wait in m_pendingLive.
void RunController::reloadLogs()
{
    const quint64 generation = ++m_generation;
    m_logs->clear();
    m_logs->setServiceFilter(serviceFilter());
    m_pendingLive.clear();
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
    m_logs->appendLines(std::exchange(m_pendingLive, {}));
    Q_EMIT logsLoadingChanged();
}

} // namespace rr::tray
