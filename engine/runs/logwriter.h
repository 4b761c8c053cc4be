#pragma once

#include "core/result.h"
#include "runs/runrecord.h"

#include <QByteArray>
#include <QDateTime>

#include <memory>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

namespace rr::runs {

// Inserts log lines through SQLite's C API with one statement prepared for the life of the
// connection, binding UTF-8. Qt's driver re-binds every row of a batch as UTF-16 variants,
// which SQLite then converts back; that was most of the cost of storing a line.
class LogWriter final
{
public:
    // `db` must be an open QSQLITE connection; the writer shares its handle.
    static core::Result<std::unique_ptr<LogWriter>> create(const QSqlDatabase &db);
    ~LogWriter();
    Q_DISABLE_COPY_MOVE(LogWriter)

    // Runs inside the caller's transaction; stops at the first failing row.
    core::Result<void> insert(const QList<LogLine> &lines);

private:
    LogWriter(sqlite3 *db, sqlite3_stmt *insert);
    const QByteArray &timeText(const QDateTime &time);

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_insert = nullptr;
    // Lines of a burst usually share their timestamp; formatting it once per run of equal
    // times saves a QDateTime::toString per line.
    QDateTime m_lastTime;
    QByteArray m_lastTimeText;
};

} // namespace rr::runs
