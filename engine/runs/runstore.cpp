#include "runs/runstore.h"

#include "core/promises.h"
#include "runs/loginbox.h"
#include "runs/storeworker.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUuid>

#include <memory>

namespace rr::runs {

namespace {

// Runs `fn(worker)` on the store thread and hands its result back through a future.
template<class T, class Fn> QFuture<T> onWorker(StoreWorker *worker, Fn fn)
{
    return core::promises::onThreadOf(worker,
                                      [worker, fn = std::move(fn)]() mutable -> T { return fn(worker); });
}

} // namespace

RunStore::RunStore(const QString &path, StoreLimits limits, QObject *parent)
    : QObject(parent)
    , m_inbox(std::make_shared<LogInbox>())
    , m_worker(new StoreWorker(path.isEmpty() ? defaultPath() : path, limits, m_inbox))
    , m_engineId(engineIdFor(path.isEmpty() ? defaultPath() : path))
{
    qRegisterMetaType<rr::core::Error>();
    m_thread.setObjectName(QStringLiteral("reporunner-store"));
    m_worker->moveToThread(&m_thread);
    // Deferred deletes run on the thread as it finishes, so the worker flushes there.
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &StoreWorker::writeFailed, this, &RunStore::errorOccurred);
    m_thread.start();
}

RunStore::~RunStore()
{
    m_thread.quit();
    m_thread.wait();
}

QString RunStore::engineIdFor(const QString &path)
{
    // The database is the engine: its absolute path names it, the same across restarts. An
    // in-memory database is an engine of its own each time.
    const QByteArray key = path == QLatin1String(":memory:") ? QUuid::createUuid().toByteArray()
                                                             : QFileInfo(path).absoluteFilePath().toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(12));
}

QString RunStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/reporunner/runs.sqlite");
}

QFuture<core::Result<void>> RunStore::open()
{
    return onWorker<core::Result<void>>(m_worker, [](StoreWorker *w) { return w->open(); });
}

void RunStore::saveRun(const RunRecord &run)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, run] { w->saveRun(run); }, Qt::QueuedConnection);
}

void RunStore::appendLog(const LogLine &line)
{
    appendLogs({line});
}

void RunStore::appendLogs(const QList<LogLine> &lines)
{
    if (m_inbox->put(lines))
        QMetaObject::invokeMethod(m_worker, &StoreWorker::takeInbox, Qt::QueuedConnection);
}

void RunStore::deleteRun(const QString &id)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, id] { w->deleteRun(id); }, Qt::QueuedConnection);
}

QFuture<core::Result<QList<RunRecord>>> RunStore::runs()
{
    return onWorker<core::Result<QList<RunRecord>>>(m_worker, [](StoreWorker *w) { return w->runs(); });
}

QFuture<core::Result<RunRecord>> RunStore::run(const QString &id)
{
    return onWorker<core::Result<RunRecord>>(m_worker, [id](StoreWorker *w) { return w->run(id); });
}

QFuture<core::Result<QList<LogLine>>>
RunStore::logs(const QString &runId, const std::optional<QString> &service, qint64 afterId, int limit)
{
    return onWorker<core::Result<QList<LogLine>>>(
        m_worker, [=](StoreWorker *w) { return w->logs(runId, service, afterId, limit); });
}

QFuture<core::Result<QString>> RunStore::metaValue(const QString &key)
{
    return onWorker<core::Result<QString>>(m_worker, [key](StoreWorker *w) { return w->metaValue(key); });
}

QFuture<core::Result<void>> RunStore::setMetaValue(const QString &key, const QString &value)
{
    return onWorker<core::Result<void>>(m_worker,
                                        [key, value](StoreWorker *w) { return w->setMetaValue(key, value); });
}

QFuture<core::Result<QList<LogLine>>> RunStore::events(const QString &runId, int limit)
{
    return onWorker<core::Result<QList<LogLine>>>(m_worker,
                                                  [=](StoreWorker *w) { return w->events(runId, limit); });
}

QFuture<core::Result<void>> RunStore::flush()
{
    return onWorker<core::Result<void>>(m_worker, [](StoreWorker *w) { return w->flushLogs(); });
}

} // namespace rr::runs
