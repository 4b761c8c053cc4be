#include "runs/logwriter.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace rr::runs {

namespace {

core::Error writerError(const QString &message)
{
    return core::makeError(core::ErrorCategory::Io, QStringLiteral("store.sql"),
                           QStringLiteral("the run history could not store log lines: %1").arg(message));
}

// SQLITE_TRANSIENT would copy every value again; the bytes outlive the step that reads them.
int bindUtf8(sqlite3_stmt *statement, int index, const QByteArray &bytes)
{
    return sqlite3_bind_text(statement, index, bytes.constData(), int(bytes.size()), SQLITE_STATIC);
}

} // namespace

core::Result<std::unique_ptr<LogWriter>> LogWriter::create(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return core::fail(writerError(QStringLiteral("the connection is not an open SQLite database")));
    sqlite3 *connection = *static_cast<sqlite3 *const *>(handle.constData());
    sqlite3_stmt *insert = nullptr;
    if (sqlite3_prepare_v3(connection,
                           "INSERT INTO logs(run_id, service, ts, stream, line) VALUES(?1,?2,?3,?4,?5)", -1,
                           SQLITE_PREPARE_PERSISTENT, &insert, nullptr) != SQLITE_OK)
        return core::fail(writerError(QString::fromUtf8(sqlite3_errmsg(connection))));
    return std::unique_ptr<LogWriter>(new LogWriter(connection, insert));
}

LogWriter::LogWriter(sqlite3 *db, sqlite3_stmt *insert)
    : m_db(db)
    , m_insert(insert)
{}

LogWriter::~LogWriter()
{
    // Must happen before Qt closes the connection, or SQLite refuses to close it.
    sqlite3_finalize(m_insert);
}

core::Result<void> LogWriter::insert(const QList<LogLine> &lines)
{
    // A burst is mostly one run, one service and one stream: re-encode only what changed.
    struct Encoded
    {
        QString source;
        QByteArray bytes;
        const QByteArray &operator()(const QString &value)
        {
            if (bytes.isNull() || value != source) {
                source = value;
                bytes = value.toUtf8();
            }
            return bytes;
        }
    } runId, service, stream;
    for (const LogLine &line : lines) {
        const QByteArray text = line.text.toUtf8();
        const bool bound = bindUtf8(m_insert, 1, runId(line.runId)) == SQLITE_OK &&
                           bindUtf8(m_insert, 2, service(line.service)) == SQLITE_OK &&
                           bindUtf8(m_insert, 3, timeText(line.time)) == SQLITE_OK &&
                           bindUtf8(m_insert, 4, stream(line.stream)) == SQLITE_OK &&
                           bindUtf8(m_insert, 5, text) == SQLITE_OK;
        if (!bound || sqlite3_step(m_insert) != SQLITE_DONE) {
            const core::Error error = writerError(QString::fromUtf8(sqlite3_errmsg(m_db)));
            sqlite3_reset(m_insert);
            sqlite3_clear_bindings(m_insert); // the bound bytes die with this frame
            return core::fail(error);
        }
        sqlite3_reset(m_insert);
    }
    sqlite3_clear_bindings(m_insert);
    return {};
}

const QByteArray &LogWriter::timeText(const QDateTime &time)
{
    if (time != m_lastTime || m_lastTimeText.isNull()) {
        m_lastTime = time;
        m_lastTimeText = time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs).toUtf8() : QByteArray("");
    }
    return m_lastTimeText;
}

} // namespace rr::runs
