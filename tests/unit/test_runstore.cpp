#include "runs/loginbox.h"
#include "runs/runstore.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace rr::runs;

namespace {

RunRecord sampleRun(const QString &id)
{
    RunRecord r;
    r.id = id;
    r.source = QStringLiteral("https://github.com/o/r");
    r.owner = QStringLiteral("o");
    r.repo = QStringLiteral("r");
    r.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    r.mode = QStringLiteral("compose");
    r.runtime = QStringLiteral("docker");
    r.state = RunState::Failed;
    r.createdAt = QDateTime::currentDateTimeUtc();
    r.updatedAt = r.createdAt;
    r.request = QJsonObject{{QStringLiteral("source"), r.source}};
    r.diagnosis = Diagnosis{QStringLiteral("DEPLOYING"),
                            QStringLiteral("crash"),
                            QStringLiteral("web exited 1"),
                            QStringLiteral("web"),
                            {QStringLiteral("panic: boom")}};
    r.phases = {{RunState::Fetching, r.createdAt, r.createdAt.addMSecs(1200), 1.0},
                {RunState::Deploying, r.createdAt.addMSecs(1200), {}, 0.5}};
    return r;
}

} // namespace

class TestRunStore : public QObject
{
    Q_OBJECT

    template<class T> static T wait(QFuture<T> future)
    {
        if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10000))
            qFatal("store future did not finish");
        return future.result();
    }

private Q_SLOTS:
    void roundTripsRunsAndPhases()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(wait(store.open()).has_value());
        store.saveRun(sampleRun(QStringLiteral("abc12345")));
        const auto got = wait(store.run(QStringLiteral("abc12345")));
        QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error().message));
        QCOMPARE(got->commit, QStringLiteral("0123456789abcdef0123456789abcdef01234567"));
        QCOMPARE(got->state, RunState::Failed);
        QVERIFY(got->diagnosis.has_value());
        QCOMPARE(got->diagnosis->lastLines, QStringList{QStringLiteral("panic: boom")});
        QCOMPARE(got->phases.size(), 2);
        QCOMPARE(got->phases.at(0).startedAt.msecsTo(got->phases.at(0).finishedAt), qint64(1200));
        QVERIFY(!got->phases.at(1).finishedAt.isValid());
        QCOMPARE(got->request.value(QStringLiteral("source")).toString(), got->source);
        const auto missing = wait(store.run(QStringLiteral("nope")));
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, QStringLiteral("run.not_found"));
    }

    void historySurvivesReopen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        {
            RunStore store(path);
            QVERIFY(wait(store.open()).has_value());
            store.saveRun(sampleRun(QStringLiteral("keepme01")));
            store.appendLog({0, QStringLiteral("keepme01"), QStringLiteral("web"),
                             QDateTime::currentDateTimeUtc(), QStringLiteral("stdout"),
                             QStringLiteral("written before the restart")});
        } // destroyed without an explicit flush: the worker flushes on its way out
        RunStore again(path);
        QVERIFY(wait(again.open()).has_value());
        const auto runs = wait(again.runs());
        QVERIFY(runs.has_value());
        QCOMPARE(runs->size(), 1);
        const auto logs = wait(again.logs(QStringLiteral("keepme01")));
        QVERIFY(logs.has_value());
        QCOMPARE(logs->size(), 1);
        QCOMPARE(logs->first().text, QStringLiteral("written before the restart"));
    }

    void capsLogsPerServiceOldestFirst()
    {
        QTemporaryDir dir;
        StoreLimits limits;
        limits.maxLinesPerService = 100;
        limits.flushBatchLines = 64;
        RunStore store(dir.filePath(QStringLiteral("runs.sqlite")), limits);
        QVERIFY(wait(store.open()).has_value());
        for (int i = 0; i < 250; ++i)
            store.appendLog({0,
                             QStringLiteral("r1"),
                             QStringLiteral("web"),
                             {},
                             QStringLiteral("stdout"),
                             QStringLiteral("web %1").arg(i)});
        for (int i = 0; i < 10; ++i)
            store.appendLog({0,
                             QStringLiteral("r1"),
                             QStringLiteral("db"),
                             {},
                             QStringLiteral("stdout"),
                             QStringLiteral("db %1").arg(i)});
        QVERIFY(wait(store.flush()).has_value());
        const auto web = wait(store.logs(QStringLiteral("r1"), QStringLiteral("web"), 0, 1000));
        QVERIFY(web.has_value());
        QCOMPARE(web->size(), 100);
        QCOMPARE(web->first().text, QStringLiteral("web 150"));
        QCOMPARE(web->last().text, QStringLiteral("web 249"));
        const auto db = wait(store.logs(QStringLiteral("r1"), QStringLiteral("db")));
        QCOMPARE(db->size(), 10);
        // Paging by id continues where the last page ended.
        const auto page = wait(store.logs(QStringLiteral("r1"), QStringLiteral("web"), web->at(49).id, 10));
        QCOMPARE(page->size(), 10);
        QCOMPARE(page->first().text, QStringLiteral("web 200"));
    }

    // The events pane's read: the newest events of every service, oldest first, nothing else.
    void eventsAreTheNewestEventLines()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(wait(store.open()).has_value());
        for (int i = 0; i < 30; ++i) {
            const QString service = i % 3 == 0 ? QString(QStringLiteral("")) : QStringLiteral("web");
            const QString stream = i % 2 == 0 ? QStringLiteral("event") : QStringLiteral("stdout");
            store.appendLog({0, QStringLiteral("r1"), service, {}, stream, QStringLiteral("line %1").arg(i)});
        }
        store.appendLog({0,
                         QStringLiteral("r2"),
                         QStringLiteral(""),
                         {},
                         QStringLiteral("event"),
                         QStringLiteral("another run")});
        const auto events = wait(store.events(QStringLiteral("r1"), 5));
        QVERIFY(events.has_value());
        QCOMPARE(events->size(), 5);
        QCOMPARE(events->first().text, QStringLiteral("line 20"));
        QCOMPARE(events->last().text, QStringLiteral("line 28"));
        for (const LogLine &l : *events)
            QCOMPARE(l.stream, QStringLiteral("event"));
        QCOMPARE(events->at(1).service, QStringLiteral("web")); // line 22: services' events too
        QCOMPARE(wait(store.events(QStringLiteral("r1")))->size(), 15);
    }

    void logLinesRoundTripExactly()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(wait(store.open()).has_value());
        // One batch that switches run, service, stream and time from line to line, with text
        // outside ASCII: every value must come back as it went in.
        const QDateTime t0 =
            QDateTime::fromString(QStringLiteral("2026-11-27T10:00:00.123Z"), Qt::ISODateWithMs);
        const QStringList services{QStringLiteral("web"), QString(), QStringLiteral("db")};
        QList<LogLine> batch;
        for (int i = 0; i < 30; ++i)
            batch.append({0, i % 4 == 3 ? QStringLiteral("r2") : QStringLiteral("r1"), services.at(i % 3),
                          i % 5 == 0 ? QDateTime() : t0.addMSecs(i / 2),
                          i % 2 ? QStringLiteral("stderr") : QStringLiteral("stdout"),
                          QStringLiteral("zeile %1 — ✓ ünïcödé 🚀").arg(i)});
        store.appendLogs(batch);
        const auto r1 = wait(store.logs(QStringLiteral("r1")));
        const auto r2 = wait(store.logs(QStringLiteral("r2")));
        QVERIFY(r1.has_value() && r2.has_value());
        QCOMPARE(r1->size() + r2->size(), batch.size());
        int next1 = 0, next2 = 0;
        for (const LogLine &sent : std::as_const(batch)) {
            const LogLine &got = sent.runId == QStringLiteral("r1") ? r1->at(next1++) : r2->at(next2++);
            QCOMPARE(got.service, sent.service);
            QCOMPARE(got.stream, sent.stream);
            QCOMPARE(got.text, sent.text);
            QCOMPARE(got.time, sent.time);
        }
    }

    void failedLogWriteIsReportedAndStoreKeepsWorking()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        RunStore store(path);
        QVERIFY(wait(store.open()).has_value());
        QSignalSpy errors(&store, &RunStore::errorOccurred);
        {
            // Another connection takes the table away, as a corrupted or foreign file would.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("vandal"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DROP TABLE logs")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("vandal"));
        store.appendLog({0,
                         QStringLiteral("r1"),
                         QStringLiteral("web"),
                         {},
                         QStringLiteral("stdout"),
                         QStringLiteral("lost")});
        const auto flushed = wait(store.flush());
        QVERIFY(!flushed);
        QCOMPARE(flushed.error().code, QStringLiteral("store.sql"));
        QVERIFY2(flushed.error().message.contains(QStringLiteral("logs")),
                 qPrintable(flushed.error().message));
        QCOMPARE(errors.size(), 1);
        // Runs are still stored after the failed log write.
        store.saveRun(sampleRun(QStringLiteral("alive001")));
        QVERIFY(wait(store.run(QStringLiteral("alive001"))).has_value());
    }

    // The store holds what runs printed and were given: its folder and file are the user's only.
    void storeIsPrivate()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("data/reporunner"));
        RunStore store(folder + QStringLiteral("/runs.sqlite"));
        QVERIFY(wait(store.open()).has_value());
        const auto modeOf = [](const QString &path) {
            struct stat st = {};
            return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_mode & 0777 : mode_t(0);
        };
        QCOMPARE(modeOf(folder), mode_t(0700));
        QCOMPARE(modeOf(folder + QStringLiteral("/runs.sqlite")), mode_t(0600));
    }

    // When the store falls behind a flood, its inbox keeps a fixed size: further lines are
    // dropped, counted, and the next take says so for their run.
    void inboxDropsBeyondItsBoundAndSaysSo()
    {
        LogInbox inbox(64 * 1024);
        QList<LogLine> burst;
        for (int i = 0; i < 1000; ++i)
            burst.append({0, QStringLiteral("r1"), QStringLiteral("web"), QDateTime::currentDateTimeUtc(),
                          QStringLiteral("stdout"), QString(100, QLatin1Char('x'))});
        QVERIFY(inbox.put(burst));
        QVERIFY(!inbox.put(burst));
        const QList<LogLine> taken = inbox.take();
        QVERIFY(taken.size() < 1000);
        qsizetype bytes = 0;
        for (const LogLine &l : taken)
            bytes += l.text.size() * 2;
        QVERIFY(bytes <= 64 * 1024);
        QCOMPARE(taken.last().stream, QStringLiteral("event"));
        QVERIFY2(
            taken.last().text.contains(QStringLiteral("dropped %1 log lines").arg(2000 - (taken.size() - 1))),
            qPrintable(taken.last().text));
        QVERIFY(inbox.take().isEmpty()); // said once
    }

    void refusesNewerSchema()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        {
            RunStore store(path);
            QVERIFY(wait(store.open()).has_value());
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("poke"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE meta SET value='99' WHERE key='schema_version'")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("poke"));
        RunStore store(path);
        const auto opened = wait(store.open());
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, QStringLiteral("store.too_new"));
    }

    void deleteRemovesEverything()
    {
        QTemporaryDir dir;
        RunStore store(dir.filePath(QStringLiteral("runs.sqlite")));
        QVERIFY(wait(store.open()).has_value());
        store.saveRun(sampleRun(QStringLiteral("gone0001")));
        store.appendLog(
            {0, QStringLiteral("gone0001"), {}, {}, QStringLiteral("build"), QStringLiteral("x")});
        store.deleteRun(QStringLiteral("gone0001"));
        QVERIFY(wait(store.runs())->isEmpty());
        QVERIFY(wait(store.logs(QStringLiteral("gone0001")))->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRunStore)
#include "test_runstore.moc"
