#pragma once

#include "core/result.h"
#include "runs/runrecord.h"
#include "runs/runstore.h"

#include <QHash>
#include <QObject>
#include <QPair>
#include <QTimer>

#include <memory>

namespace rr::runs {

// The half of RunStore that lives on the store thread and owns the SQLite connection.
class LogInbox;
class LogWriter;

class StoreWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreWorker)
public:
    StoreWorker(const QString &path, StoreLimits limits, std::shared_ptr<LogInbox> inbox);
    ~StoreWorker() override;

    core::Result<void> open();
    core::Result<void> saveRun(const RunRecord &run);
    // Moves what callers put in the inbox to the pending batch (flushing a full batch).
    void takeInbox();
    core::Result<void> flushLogs();
    core::Result<void> deleteRun(const QString &id);
    core::Result<QList<RunRecord>> runs();
    core::Result<RunRecord> run(const QString &id);
    core::Result<QList<LogLine>> logs(const QString &runId, const std::optional<QString> &service,
                                      qint64 afterId, int limit);
    core::Result<QString> metaValue(const QString &key);
    core::Result<void> setMetaValue(const QString &key, const QString &value);
    core::Result<QList<LogLine>> events(const QString &runId, int limit);

Q_SIGNALS:
    void writeFailed(const rr::core::Error &error);

private:
    core::Result<void> migrate();
    core::Result<QList<PhaseRecord>> phases(const QString &runId);
    core::Result<QList<RunRecord>> readRuns(const QString &id); // null id = all

    QString m_path;
    QString m_connection;
    StoreLimits m_limits;
    std::shared_ptr<LogInbox> m_inbox;
    std::unique_ptr<LogWriter> m_logWriter; // from open() until the connection closes
    QList<LogLine> m_pending;
    using LogKey = QPair<QString, QString>; // run id, service
    QHash<LogKey, qint64> m_lineCounts;     // lines stored per service, known once counted
    QTimer *m_flushTimer = nullptr;
};

} // namespace rr::runs
