// The tray app's models without QML: the run list fed by run updates, and the ring-buffered
// log model with 100k+ lines, its cap and its service filter.
#include "logmodel.h"
#include "notifier.h"
#include "runlistmodel.h"
#include "traystate.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace rr;
using rr::runs::RunState;

namespace {

runs::RunRecord record(const QString &id, RunState state)
{
    runs::RunRecord r;
    r.id = id;
    r.owner = QStringLiteral("octo");
    r.repo = QStringLiteral("site-") + id;
    r.ref = QStringLiteral("main");
    r.commit = QStringLiteral("0123456789abcdef");
    r.mode = QStringLiteral("dockerfile");
    r.runtime = QStringLiteral("docker");
    r.state = state;
    r.createdAt = QDateTime::currentDateTimeUtc();
    return r;
}

QList<runs::LogLine> batch(int first, int count, const QString &service = QStringLiteral("web"))
{
    QList<runs::LogLine> out;
    out.reserve(count);
    for (int i = first; i < first + count; ++i)
        out.append(runs::LogLine{0,
                                 QStringLiteral("r1"),
                                 service,
                                 {},
                                 QStringLiteral("stdout"),
                                 QStringLiteral("line %1").arg(i)});
    return out;
}

} // namespace

class TestTrayModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runListUpsertsInPlaceAndPrependsNew()
    {
        tray::RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns(
            {record(QStringLiteral("b"), RunState::Stopped), record(QStringLiteral("a"), RunState::Failed)});
        QCOMPARE(model.rowCount(), 2);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        auto b = record(QStringLiteral("b"), RunState::Ready);
        b.details.insert(
            QStringLiteral("endpoints"),
            QJsonArray{QJsonObject{{QStringLiteral("service"), QStringLiteral("web")},
                                   {QStringLiteral("containerPort"), 8000},
                                   {QStringLiteral("localPort"), 32771},
                                   {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:32771/")},
                                   {QStringLiteral("primary"), true}}});
        model.upsert(b);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(changed.size(), 1);
        const QModelIndex first = model.index(0);
        QCOMPARE(first.data(tray::RunListModel::StateRole).toString(), QStringLiteral("READY"));
        QCOMPARE(first.data(tray::RunListModel::RepoRole).toString(), QStringLiteral("octo/site-b"));
        QCOMPARE(first.data(tray::RunListModel::ShortCommitRole).toString(), QStringLiteral("0123456"));
        QCOMPARE(first.data(tray::RunListModel::PortsRole).toString(), QStringLiteral("8000→32771"));
        QCOMPARE(first.data(tray::RunListModel::PreviewUrlRole).toString(),
                 QStringLiteral("http://127.0.0.1:32771/"));
        QCOMPARE(first.data(tray::RunListModel::ActiveRole).toBool(), true);

        model.upsert(record(QStringLiteral("c"), RunState::Building));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0).data(tray::RunListModel::RunIdRole).toString(), QStringLiteral("c"));
        QCOMPARE(model.activeCount(), 2);
        QCOMPARE(model.stateOf(QStringLiteral("a")), QStringLiteral("FAILED"));
        QVERIFY(model.roleNames().values().contains("shortCommit"));
    }

    void trayStateFollowsRuns()
    {
        using tray::TrayState;
        QCOMPARE(tray::trayStateFor({}), TrayState::Idle);
        QCOMPARE(tray::trayStateFor({record(QStringLiteral("a"), RunState::Stopped)}), TrayState::Idle);
        QCOMPARE(tray::trayStateFor({record(QStringLiteral("a"), RunState::Failed)}), TrayState::Failed);
        QCOMPARE(tray::trayStateFor({record(QStringLiteral("a"), RunState::Ready),
                                     record(QStringLiteral("b"), RunState::Failed)}),
                 TrayState::Ready);
        QCOMPARE(tray::trayStateFor({record(QStringLiteral("a"), RunState::Ready),
                                     record(QStringLiteral("b"), RunState::Building)}),
                 TrayState::Busy);
        QVERIFY(!tray::trayIcon(TrayState::Ready).isNull());
    }

    void notifierPicksTransitions()
    {
        using tray::Notifier;
        const auto ready = record(QStringLiteral("a"), RunState::Ready);
        QVERIFY(Notifier::noteFor(RunState::Deploying, ready));
        QVERIFY(Notifier::noteFor(RunState::Deploying, ready)->summary.contains(QLatin1String("ready")));
        QVERIFY(!Notifier::noteFor(std::nullopt, ready)); // re-attached at start-up: no news
        QVERIFY(!Notifier::noteFor(RunState::Ready, ready));
        auto failed = record(QStringLiteral("a"), RunState::Failed);
        failed.diagnosis = runs::Diagnosis{QStringLiteral("BUILDING"),
                                           QStringLiteral("build.failed"),
                                           QStringLiteral("The build failed."),
                                           {},
                                           {}};
        QVERIFY(Notifier::noteFor(RunState::Building, failed)
                    ->summary.contains(QLatin1String("failed in BUILDING")));
        QVERIFY(Notifier::noteFor(RunState::Ready, failed)
                    ->summary.contains(QLatin1String("stopped by an error")));
        QVERIFY(!Notifier::noteFor(RunState::Stopping, record(QStringLiteral("a"), RunState::Stopped)));
    }

    void logModelHoldsHundredThousandLinesInBatches()
    {
        tray::LogModel model(150000);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Warning);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 100; ++i)
            model.appendLines(batch(i * 1000, 1000));
        qInfo() << "100k lines in 100 batches:" << timer.elapsed() << "ms";
        QCOMPARE(model.rowCount(), 100000);
        QCOMPARE(inserted.size(), 100); // one insertion per batch, never per line
        QCOMPARE(model.index(0).data(tray::LogModel::TextRole).toString(), QStringLiteral("line 0"));
        QCOMPARE(model.index(99999).data(tray::LogModel::TextRole).toString(), QStringLiteral("line 99999"));
        QCOMPARE(model.index(5).data(tray::LogModel::ServiceRole).toString(), QStringLiteral("web"));
        QCOMPARE(model.index(5).data(tray::LogModel::StreamRole).toString(), QStringLiteral("stdout"));
        QVERIFY(!model.index(100000).isValid());
    }

    void logModelDropsOldestAtTheCap()
    {
        tray::LogModel model(100000);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        for (int i = 0; i < 130; ++i)
            model.appendLines(batch(i * 1000, 1000));
        QCOMPARE(model.rowCount(), 100000);
        QCOMPARE(removed.size(), 30);
        QCOMPARE(removed.constFirst().at(1).toInt(), 0);
        QCOMPARE(removed.constFirst().at(2).toInt(), 999);
        // The ring wrapped: row 0 is line 30000, the last row the newest line.
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("line 30000"));
        QCOMPARE(model.index(99999).data().toString(), QStringLiteral("line 129999"));
        QCOMPARE(model.text(0, 1), QStringLiteral("line 30000\nline 30001"));

        // A batch bigger than the ring keeps only its tail.
        model.appendLines(batch(500000, 120000));
        QCOMPARE(model.rowCount(), 100000);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("line 520000"));
        QCOMPARE(model.index(99999).data().toString(), QStringLiteral("line 619999"));

        model.clear();
        QCOMPARE(model.rowCount(), 0);
        model.appendLines(batch(0, 3));
        QCOMPARE(model.index(2).data().toString(), QStringLiteral("line 2"));
    }

    void logModelFiltersByService()
    {
        tray::LogModel model(10);
        model.setServiceFilter(QStringLiteral("db"));
        model.appendLines(batch(0, 4, QStringLiteral("web")) + batch(4, 3, QStringLiteral("db")));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("line 4"));
        model.setServiceFilter(std::nullopt);
        model.appendLines(batch(7, 10, QStringLiteral("web")));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.index(9).data().toString(), QStringLiteral("line 16"));
    }
};

// The icons are pixmaps, so a QGuiApplication (offscreen under CTest).
QTEST_MAIN(TestTrayModels)
#include "test_tray_models.moc"
