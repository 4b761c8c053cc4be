#pragma once

#include "core/result.h"
#include "runs/runrecord.h"

#include <QFuture>
#include <QObject>
#include <QThread>

#include <memory>

namespace rr::runs {

class LogInbox;
class StoreWorker;

// Bounds for the run history.
struct StoreLimits
{
    int maxLinesPerService = 20000; // oldest dropped first (up to a tenth more between trims)
    int flushIntervalMs = 100;
    int flushBatchLines = 2000;
};

// The run history in SQLite under the XDG data dir. Every query and write runs on the
// store's own thread; writes are queued and log lines are batched into one transaction
// per flush, so callers (the UI thread included) never wait on disk.
class RunStore final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RunStore)
public:
    // `path` empty = $XDG_DATA_HOME/reporunner/runs.sqlite.
    explicit RunStore(const QString &path = {}, StoreLimits limits = {}, QObject *parent = nullptr);
    ~RunStore() override;

    static QString defaultPath();
    // This engine's id: what its runtimes label their resources with (runtime::Runtime::owner).
    QString engineId() const { return m_engineId; }
    static QString engineIdFor(const QString &path);
    static constexpr int SchemaVersion = 1;

    // Opens (creating or migrating) the database. Nothing else works before it succeeds.
    QFuture<core::Result<void>> open();

    void saveRun(const RunRecord &run);
    void appendLog(const LogLine &line);
    void appendLogs(const QList<LogLine> &lines);
    void deleteRun(const QString &id);

    QFuture<core::Result<QList<RunRecord>>> runs();
    QFuture<core::Result<RunRecord>> run(const QString &id);
    // Lines with id > afterId (0 = from the start), at most `limit`; no service = all
    // services ("" is the run's own log: build output and events).
    QFuture<core::Result<QList<LogLine>>> logs(const QString &runId,
                                               const std::optional<QString> &service = {}, qint64 afterId = 0,
                                               int limit = 1000);
    // Small engine-wide values kept with the history ("" when unset), e.g. the last retention pass.
    QFuture<core::Result<QString>> metaValue(const QString &key);
    QFuture<core::Result<void>> setMetaValue(const QString &key, const QString &value);
    // The run's newest `limit` event lines (stream "event", every service), oldest first.
    QFuture<core::Result<QList<LogLine>>> events(const QString &runId, int limit = 2000);
    // Resolves once everything queued before it is on disk.
    QFuture<core::Result<void>> flush();

Q_SIGNALS:
    // One failure signal for the store: a write that could not be made (disk full, ...).
    void errorOccurred(const rr::core::Error &error);

private:
    QThread m_thread;
    std::shared_ptr<LogInbox> m_inbox;
    StoreWorker *m_worker = nullptr; // lives on m_thread
    QString m_engineId;
};

} // namespace rr::runs
