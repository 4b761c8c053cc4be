#include "runs/storeworker.h"
#include "core/privatepaths.h"

#include "core/logging.h"
#include "runs/loginbox.h"
#include "runs/logwriter.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace rr::runs {

namespace {

using core::ErrorCategory;

// Each entry moves the schema one version up; never edit a shipped step, add one.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps{
        {QStringLiteral(
             "CREATE TABLE runs(id TEXT PRIMARY KEY, source TEXT, owner TEXT, repo TEXT, ref TEXT, "
             "commit_sha TEXT, mode TEXT, runtime TEXT, idempotency_key TEXT, dedupe_key TEXT, "
             "state TEXT NOT NULL, diagnosis TEXT, request TEXT, details TEXT, created_at TEXT, "
             "updated_at TEXT)"),
         QStringLiteral("CREATE INDEX runs_idempotency ON runs(idempotency_key)"),
         QStringLiteral("CREATE TABLE phases(run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, "
                        "seq INTEGER NOT NULL, phase TEXT NOT NULL, started_at TEXT, finished_at TEXT, "
                        "progress REAL, PRIMARY KEY(run_id, seq))"),
         QStringLiteral("CREATE TABLE logs(id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, "
                        "service TEXT NOT NULL, ts TEXT, stream TEXT, line TEXT)"),
         QStringLiteral("CREATE INDEX logs_run_service ON logs(run_id, service, id)")},
    };
    return steps;
}

core::Error sqlError(const QString &what, const QSqlError &e)
{
    return core::makeError(ErrorCategory::Io, QStringLiteral("store.sql"),
                           QStringLiteral("the run history could not %1: %2").arg(what, e.text()));
}

QString toText(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime fromText(const QString &s)
{
    return s.isEmpty() ? QDateTime() : QDateTime::fromString(s, Qt::ISODateWithMs);
}

QString diagnosisToJson(const std::optional<Diagnosis> &d)
{
    if (!d)
        return {};
    const QJsonObject o{{QStringLiteral("phase"), d->phase},
                        {QStringLiteral("code"), d->code},
                        {QStringLiteral("summary"), d->summary},
                        {QStringLiteral("service"), d->service},
                        {QStringLiteral("lastLines"), QJsonArray::fromStringList(d->lastLines)}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<Diagnosis> diagnosisFromJson(const QString &text)
{
    if (text.isEmpty())
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    Diagnosis d;
    d.phase = o.value(QStringLiteral("phase")).toString();
    d.code = o.value(QStringLiteral("code")).toString();
    d.summary = o.value(QStringLiteral("summary")).toString();
    d.service = o.value(QStringLiteral("service")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("lastLines")).toArray())
        d.lastLines << v.toString();
    return d;
}

QString objectToText(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

StoreWorker::StoreWorker(const QString &path, StoreLimits limits, std::shared_ptr<LogInbox> inbox)
    : m_path(path)
    , m_connection(QStringLiteral("reporunner-store-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_limits(limits)
    , m_inbox(std::move(inbox))
{}

StoreWorker::~StoreWorker()
{
    if (QSqlDatabase::contains(m_connection)) {
        flushLogs();
        m_logWriter.reset();
        QSqlDatabase::database(m_connection).close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

core::Result<void> StoreWorker::open()
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return core::fail(ErrorCategory::Internal, QStringLiteral("store.no_sqlite"),
                          QStringLiteral("Qt's SQLite driver is missing (install libqt6sql6-sqlite)"));
    if (auto dir = core::makePrivateDirectory(QFileInfo(m_path).absolutePath()); !dir)
        return core::fail(
            ErrorCategory::Io, QStringLiteral("store.mkdir"),
            QStringLiteral("cannot create the folder for %1: %2").arg(m_path, dir.error().message));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return core::fail(sqlError(QStringLiteral("be opened"), db.lastError()));
    // The folder is private already; the file is too, in case it is ever moved out of it.
    (void)core::makePrivateFile(m_path);
    QSqlQuery q(db);
    for (const char *pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"})
        q.exec(QString::fromLatin1(pragma));
    if (auto r = migrate(); !r)
        return r;
    auto writer = LogWriter::create(db);
    if (!writer)
        return core::fail(writer.error());
    m_logWriter = std::move(*writer);
    m_flushTimer = new QTimer(this);
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(m_limits.flushIntervalMs);
    connect(m_flushTimer, &QTimer::timeout, this, [this] { flushLogs(); });
    return {};
}

core::Result<void> StoreWorker::migrate()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")))
        return core::fail(sqlError(QStringLiteral("be initialised"), q.lastError()));
    q.exec(QStringLiteral("SELECT value FROM meta WHERE key='schema_version'"));
    const int current = q.next() ? q.value(0).toInt() : 0;
    if (current > RunStore::SchemaVersion)
        return core::fail(
            ErrorCategory::Io, QStringLiteral("store.too_new"),
            QStringLiteral("the run history at %1 was written by a newer RepoRunner (schema %2)")
                .arg(m_path)
                .arg(current));
    for (int version = current; version < RunStore::SchemaVersion; ++version) {
        db.transaction();
        for (const QString &sql : migrations().at(version))
            if (!q.exec(sql)) {
                const core::Error e = sqlError(QStringLiteral("be migrated"), q.lastError());
                db.rollback();
                return core::fail(e);
            }
        q.prepare(QStringLiteral("INSERT OR REPLACE INTO meta(key, value) VALUES('schema_version', ?)"));
        q.addBindValue(QString::number(version + 1));
        q.exec();
        if (!db.commit())
            return core::fail(sqlError(QStringLiteral("be migrated"), db.lastError()));
    }
    return {};
}

core::Result<void> StoreWorker::saveRun(const RunRecord &run)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO runs(id, source, owner, repo, ref, commit_sha, mode, runtime, "
        "idempotency_key, dedupe_key, state, diagnosis, request, details, created_at, updated_at) "
        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    for (const QVariant &v :
         {QVariant(run.id), QVariant(run.source), QVariant(run.owner), QVariant(run.repo), QVariant(run.ref),
          QVariant(run.commit), QVariant(run.mode), QVariant(run.runtime), QVariant(run.idempotencyKey),
          QVariant(run.dedupeKey), QVariant(stateName(run.state)), QVariant(diagnosisToJson(run.diagnosis)),
          QVariant(objectToText(run.request)), QVariant(objectToText(run.details)),
          QVariant(toText(run.createdAt)), QVariant(toText(run.updatedAt))})
        q.addBindValue(v);
    bool ok = q.exec();
    QSqlError failure = q.lastError();
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM phases WHERE run_id=?"));
    del.addBindValue(run.id);
    if (ok && !(ok = del.exec()))
        failure = del.lastError();
    for (int i = 0; ok && i < run.phases.size(); ++i) {
        const PhaseRecord &p = run.phases.at(i);
        QSqlQuery ins(db);
        ins.prepare(
            QStringLiteral("INSERT INTO phases(run_id, seq, phase, started_at, finished_at, progress) "
                           "VALUES(?,?,?,?,?,?)"));
        ins.addBindValue(run.id);
        ins.addBindValue(i);
        ins.addBindValue(stateName(p.phase));
        ins.addBindValue(toText(p.startedAt));
        ins.addBindValue(toText(p.finishedAt));
        ins.addBindValue(p.progress);
        if (!(ok = ins.exec()))
            failure = ins.lastError();
    }
    if (!ok || !db.commit()) {
        const core::Error e =
            sqlError(QStringLiteral("save run %1").arg(run.id), ok ? db.lastError() : failure);
        db.rollback();
        Q_EMIT writeFailed(e);
        return core::fail(e);
    }
    return {};
}

void StoreWorker::takeInbox()
{
    m_pending += m_inbox->take();
    if (m_pending.size() >= m_limits.flushBatchLines)
        flushLogs();
    else if (m_flushTimer && !m_flushTimer->isActive())
        m_flushTimer->start();
}

core::Result<void> StoreWorker::flushLogs()
{
    m_pending += m_inbox->take();
    if (m_pending.isEmpty() || !m_logWriter)
        return {};
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    const core::Result<void> inserted = m_logWriter->insert(m_pending);
    bool ok = inserted.has_value();
    QSqlError failure;
    QHash<LogKey, qint64> added;
    for (const LogLine &l : std::as_const(m_pending))
        ++added[{l.runId, l.service}];
    // Cap each service's log, oldest lines first. Trimming scans the newest lines, so it runs
    // only once a service is a tenth over its cap (and then trims to the cap exactly), not
    // after every batch: that keeps ingestion fast at the cost of a little slack.
    const qint64 cap = m_limits.maxLinesPerService;
    const qint64 slack = qMax<qint64>(cap / 10, 1);
    for (auto it = added.cbegin(); ok && it != added.cend(); ++it) {
        qint64 &count = m_lineCounts[it.key()];
        if (count == 0) {
            QSqlQuery counter(db);
            counter.prepare(QStringLiteral("SELECT COUNT(*) FROM logs WHERE run_id=? AND service=?"));
            counter.addBindValue(it.key().first);
            counter.addBindValue(it.key().second);
            ok = counter.exec() && counter.next();
            count = ok ? counter.value(0).toLongLong() : 0; // includes this batch
            if (!ok)
                failure = counter.lastError();
        } else {
            count += it.value();
        }
        if (!ok || count <= cap + slack)
            continue;
        QSqlQuery trim(db);
        trim.prepare(
            QStringLiteral("DELETE FROM logs WHERE run_id=:r AND service=:s AND id < (SELECT id FROM logs "
                           "WHERE run_id=:r AND service=:s ORDER BY id DESC LIMIT 1 OFFSET :n)"));
        trim.bindValue(QStringLiteral(":r"), it.key().first);
        trim.bindValue(QStringLiteral(":s"), it.key().second);
        trim.bindValue(QStringLiteral(":n"), cap - 1);
        if (!(ok = trim.exec()))
            failure = trim.lastError();
        count = cap;
    }
    // Dropped either way: a full disk must not grow memory without bound.
    m_pending.clear();
    if (!ok || !db.commit()) {
        const core::Error e =
            !inserted ? inserted.error()
                      : sqlError(QStringLiteral("store log lines"), ok ? db.lastError() : failure);
        db.rollback();
        m_lineCounts.clear(); // recounted from the database on the next flush
        qCWarning(lcCore) << e.message;
        Q_EMIT writeFailed(e);
        return core::fail(e);
    }
    return {};
}

core::Result<void> StoreWorker::deleteRun(const QString &id)
{
    flushLogs();
    for (auto it = m_lineCounts.begin(); it != m_lineCounts.end();)
        it = it.key().first == id ? m_lineCounts.erase(it) : std::next(it);
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    db.transaction();
    for (const char *sql : {"DELETE FROM logs WHERE run_id=?", "DELETE FROM phases WHERE run_id=?",
                            "DELETE FROM runs WHERE id=?"}) {
        q.prepare(QString::fromLatin1(sql));
        q.addBindValue(id);
        if (!q.exec()) {
            const core::Error e = sqlError(QStringLiteral("delete run %1").arg(id), q.lastError());
            db.rollback();
            Q_EMIT writeFailed(e);
            return core::fail(e);
        }
    }
    db.commit();
    return {};
}

core::Result<QList<PhaseRecord>> StoreWorker::phases(const QString &runId)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral(
        "SELECT phase, started_at, finished_at, progress FROM phases WHERE run_id=? ORDER BY seq"));
    q.addBindValue(runId);
    if (!q.exec())
        return core::fail(sqlError(QStringLiteral("read phases"), q.lastError()));
    QList<PhaseRecord> out;
    while (q.next())
        out.append({stateFromName(q.value(0).toString()).value_or(RunState::Queued),
                    fromText(q.value(1).toString()), fromText(q.value(2).toString()), q.value(3).toDouble()});
    return out;
}

core::Result<QList<RunRecord>> StoreWorker::readRuns(const QString &id)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(
        QStringLiteral("SELECT id, source, owner, repo, ref, commit_sha, mode, runtime, idempotency_key, "
                       "dedupe_key, state, diagnosis, request, details, created_at, updated_at FROM runs ") +
        (id.isNull() ? QString() : QStringLiteral("WHERE id=? ")) +
        QStringLiteral("ORDER BY created_at DESC"));
    if (!id.isNull())
        q.addBindValue(id);
    if (!q.exec())
        return core::fail(sqlError(QStringLiteral("list runs"), q.lastError()));
    QList<RunRecord> out;
    while (q.next()) {
        RunRecord r;
        r.id = q.value(0).toString();
        r.source = q.value(1).toString();
        r.owner = q.value(2).toString();
        r.repo = q.value(3).toString();
        r.ref = q.value(4).toString();
        r.commit = q.value(5).toString();
        r.mode = q.value(6).toString();
        r.runtime = q.value(7).toString();
        r.idempotencyKey = q.value(8).toString();
        r.dedupeKey = q.value(9).toString();
        r.state = stateFromName(q.value(10).toString()).value_or(RunState::Failed);
        r.diagnosis = diagnosisFromJson(q.value(11).toString());
        r.request = QJsonDocument::fromJson(q.value(12).toString().toUtf8()).object();
        r.details = QJsonDocument::fromJson(q.value(13).toString().toUtf8()).object();
        r.createdAt = fromText(q.value(14).toString());
        r.updatedAt = fromText(q.value(15).toString());
        auto p = phases(r.id);
        if (!p)
            return core::fail(p.error());
        r.phases = *p;
        out.append(r);
    }
    return out;
}

core::Result<QList<RunRecord>> StoreWorker::runs()
{
    return readRuns({});
}

core::Result<RunRecord> StoreWorker::run(const QString &id)
{
    auto found = readRuns(id);
    if (!found)
        return core::fail(found.error());
    if (found->isEmpty())
        return core::fail(ErrorCategory::Input, QStringLiteral("run.not_found"),
                          QStringLiteral("no run \"%1\"").arg(id));
    return found->first();
}

core::Result<QList<LogLine>> StoreWorker::logs(const QString &runId, const std::optional<QString> &service,
                                               qint64 afterId, int limit)
{
    flushLogs();
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT id, service, ts, stream, line FROM logs WHERE run_id=? AND id>? ") +
              (service ? QStringLiteral("AND service=? ") : QString()) +
              QStringLiteral("ORDER BY id LIMIT ?"));
    q.addBindValue(runId);
    q.addBindValue(afterId);
    if (service)
        q.addBindValue(*service);
    q.addBindValue(limit);
    if (!q.exec())
        return core::fail(sqlError(QStringLiteral("read logs"), q.lastError()));
    QList<LogLine> out;
    while (q.next())
        out.append({q.value(0).toLongLong(), runId, q.value(1).toString(), fromText(q.value(2).toString()),
                    q.value(3).toString(), q.value(4).toString()});
    return out;
}

core::Result<QString> StoreWorker::metaValue(const QString &key)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT value FROM meta WHERE key=?"));
    q.addBindValue(key);
    if (!q.exec())
        return core::fail(sqlError(QStringLiteral("read %1").arg(key), q.lastError()));
    return q.next() ? q.value(0).toString() : QString();
}

core::Result<void> StoreWorker::setMetaValue(const QString &key, const QString &value)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)"));
    q.addBindValue(key);
    q.addBindValue(value);
    if (!q.exec()) {
        const core::Error e = sqlError(QStringLiteral("store %1").arg(key), q.lastError());
        Q_EMIT writeFailed(e);
        return core::fail(e);
    }
    return {};
}

core::Result<QList<LogLine>> StoreWorker::events(const QString &runId, int limit)
{
    flushLogs();
    QSqlQuery q(QSqlDatabase::database(m_connection));
    // The newest `limit` events, oldest first.
    q.prepare(
        QStringLiteral("SELECT id, service, ts, stream, line FROM (SELECT * FROM logs WHERE run_id=? AND "
                       "stream='event' ORDER BY id DESC LIMIT ?) ORDER BY id"));
    q.addBindValue(runId);
    q.addBindValue(limit);
    if (!q.exec())
        return core::fail(sqlError(QStringLiteral("read events"), q.lastError()));
    QList<LogLine> out;
    while (q.next())
        out.append({q.value(0).toLongLong(), runId, q.value(1).toString(), fromText(q.value(2).toString()),
                    q.value(3).toString(), q.value(4).toString()});
    return out;
}

} // namespace rr::runs
