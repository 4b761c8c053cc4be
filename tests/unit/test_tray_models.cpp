// The tray app's models without QML, each under QAbstractItemModelTester in Fatal mode: the run
// list fed by run updates, the phase and service lists of the selected run, the run summary
// value, the state tones, and the ring-buffered log model with 100k+ lines.
#include "ansitext.h"
#include "logmodel.h"
#include "notifier.h"
#include "phaselistmodel.h"
#include "runlistmodel.h"
#include "runsummary.h"
#include "servicelistmodel.h"
#include "statetone.h"
#include "traystate.h"
#include "trayui.h"

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
    // A live line that the history read already brought is not shown twice.
    void liveLinesAlreadyLoadedAreDropped()
    {
        tray::LogModel model(100);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QDateTime t = QDateTime::currentDateTimeUtc();
        const auto line = [&t](int ms, const char *text) {
            return runs::LogLine{0,
                                 QStringLiteral("r"),
                                 QStringLiteral("web"),
                                 t.addMSecs(ms),
                                 QStringLiteral("stdout"),
                                 QString::fromLatin1(text)};
        };
        model.appendLines({line(0, "a"), line(5, "b"), line(9, "c")});
        model.appendUnseen({line(9, "c"), line(9, "c2"), line(12, "d")});
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(3).data(tray::LogModel::TextRole).toString(), QStringLiteral("c2"));
        // The same text at another time is another line.
        model.appendUnseen({line(20, "a")});
        QCOMPARE(model.rowCount(), 6);
    }

    // The run view's build bar: the BUILDING phase's progress and the engine's last step.
    void summaryCarriesTheBuildStep()
    {
        runs::RunRecord r = record(QStringLiteral("b1"), RunState::Building);
        r.phases = {{RunState::Fetching, QDateTime::currentDateTimeUtc(), QDateTime::currentDateTimeUtc(), 1},
                    {RunState::Building, QDateTime::currentDateTimeUtc(), {}, 0.4}};
        r.details.insert(QStringLiteral("buildStep"),
                         QJsonObject{{QStringLiteral("service"), QStringLiteral("web")},
                                     {QStringLiteral("step"), QStringLiteral("[2/5] RUN make")},
                                     {QStringLiteral("cached"), true}});
        tray::RunSummary s = tray::RunSummary::of(r);
        QVERIFY(s.building);
        QCOMPARE(s.buildProgress, 0.4);
        QCOMPARE(s.buildStep, QStringLiteral("web: [2/5] RUN make (cached)"));
        r.state = RunState::Ready;
        QVERIFY(!tray::RunSummary::of(r).building);
        QCOMPARE(tray::RunSummary::of(record(QStringLiteral("b2"), RunState::Queued)).buildStep, QString());
    }

    void runListUpsertsInPlaceAndPrependsNew()
    {
        tray::RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
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

    void toneIsOneMappingForRunsAndServices()
    {
        using tray::Tone::Value;
        // The colour bug: runtimes send lowercase "failed", runs uppercase "FAILED".
        QCOMPARE(tray::toneOf(QStringLiteral("failed")), tray::Tone::Bad);
        QCOMPARE(tray::toneOf(QStringLiteral("FAILED")), tray::Tone::Bad);
        QCOMPARE(tray::toneOf(QStringLiteral("READY")), tray::Tone::Good);
        QCOMPARE(tray::toneOf(QStringLiteral("healthy")), tray::Tone::Good);
        QCOMPARE(tray::toneOf(QStringLiteral("running")), tray::Tone::Good);
        QCOMPARE(tray::toneOf(QStringLiteral("BUILDING")), tray::Tone::Busy);
        QCOMPARE(tray::toneOf(QStringLiteral("starting")), tray::Tone::Busy);
        QCOMPARE(tray::toneOf(QStringLiteral("STOPPED")), tray::Tone::Neutral);
        QCOMPARE(tray::toneOf(QStringLiteral("completed")), tray::Tone::Neutral);
        QCOMPARE(tray::toneOf(QStringLiteral("pending")), tray::Tone::Busy);
        QCOMPARE(tray::toneOf(QStringLiteral("creating")), tray::Tone::Busy);
        QCOMPARE(tray::toneOf(QStringLiteral("nonsense")), tray::Tone::Neutral); // no enum names it
        tray::RunListModel model;
        model.setRuns({record(QStringLiteral("a"), RunState::Failed)});
        QCOMPARE(model.index(0).data(tray::RunListModel::ToneRole).toInt(), int(tray::Tone::Bad));
    }

    void phaseListUpdatesInPlace()
    {
        tray::PhaseListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        QList<runs::PhaseRecord> phases{{RunState::Fetching, t0, t0.addMSecs(1500), 1.0},
                                        {RunState::Building, t0.addMSecs(1500), {}, 0.4}};
        model.setPhases(phases);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0).data(tray::PhaseListModel::DurationMsRole).toDouble(), 1500.0);
        QCOMPARE(model.index(1).data(tray::PhaseListModel::RunningRole).toBool(), true);
        QCOMPARE(model.index(1).data(tray::PhaseListModel::DurationMsRole).toDouble(), -1.0);
        QCOMPARE(model.index(1).data(tray::PhaseListModel::PhaseRole).toString(), QStringLiteral("BUILDING"));

        phases[1].finishedAt = t0.addMSecs(4000);
        phases.append({RunState::Deploying, t0.addMSecs(4000), {}, 0});
        model.setPhases(phases);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(inserted.size(), 2); // the first two, then only the new one
        QCOMPARE(changed.size(), 1);  // BUILDING finished in place
        QCOMPARE(model.index(1).data(tray::PhaseListModel::DurationMsRole).toDouble(), 2500.0);
        model.setPhases({});
        QCOMPARE(model.rowCount(), 0);
    }

    void serviceListReadsDetails()
    {
        tray::ServiceListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QJsonObject details{
            {QStringLiteral("services"),
             QJsonArray{QJsonObject{{QStringLiteral("service"), QStringLiteral("web")},
                                    {QStringLiteral("state"), QStringLiteral("running")},
                                    {QStringLiteral("restarts"), 2}},
                        QJsonObject{{QStringLiteral("service"), QStringLiteral("db")},
                                    {QStringLiteral("state"), QStringLiteral("starting")}}}},
            {QStringLiteral("endpoints"),
             QJsonArray{QJsonObject{{QStringLiteral("service"), QStringLiteral("web")},
                                    {QStringLiteral("containerPort"), 8000},
                                    {QStringLiteral("localPort"), 32771},
                                    {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:32771/")},
                                    {QStringLiteral("primary"), true}}}}};
        model.setServices(tray::ServiceListModel::rowsFrom(details));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.names(), (QStringList{QStringLiteral("web"), QStringLiteral("db")}));
        const QModelIndex web = model.index(0);
        QCOMPARE(web.data(tray::ServiceListModel::PortsRole).toString(), QStringLiteral("8000→32771"));
        QCOMPARE(web.data(tray::ServiceListModel::UrlRole).toString(),
                 QStringLiteral("http://127.0.0.1:32771/"));
        QCOMPARE(web.data(tray::ServiceListModel::RestartsRole).toInt(), 2);
        QCOMPARE(web.data(tray::ServiceListModel::PrimaryRole).toBool(), true);
        QCOMPARE(web.data(tray::ServiceListModel::ToneRole).toInt(), int(tray::Tone::Good));

        // Only a state moved: one dataChanged, no reset.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QJsonArray services = details.value(QStringLiteral("services")).toArray();
        QJsonObject db = services.at(1).toObject();
        db.insert(QStringLiteral("state"), QStringLiteral("failed"));
        services.replace(1, db);
        details.insert(QStringLiteral("services"), services);
        model.setServices(tray::ServiceListModel::rowsFrom(details));
        QCOMPARE(reset.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(1).data(tray::ServiceListModel::ToneRole).toInt(), int(tray::Tone::Bad));
    }

    void runSummaryIsAValue()
    {
        auto r = record(QStringLiteral("a"), RunState::Failed);
        r.diagnosis = runs::Diagnosis{QStringLiteral("BUILDING"),
                                      QStringLiteral("build.failed"),
                                      QStringLiteral("The build failed."),
                                      {},
                                      {QStringLiteral("step 3"), QStringLiteral("exit 1")}};
        const tray::RunSummary s = tray::RunSummary::of(r);
        QCOMPARE(s.repo, QStringLiteral("octo/site-a"));
        QCOMPARE(s.shortCommit, QStringLiteral("0123456"));
        QCOMPARE(s.state, QStringLiteral("FAILED"));
        QCOMPARE(s.tone, int(tray::Tone::Bad));
        QVERIFY(!s.active);
        QCOMPARE(s.failedPhase, QStringLiteral("BUILDING"));
        QCOMPARE(s.lastLines, QStringLiteral("step 3\nexit 1"));
        // Readable through the meta-object, as QML reads it.
        const QMetaObject &mo = tray::RunSummary::staticMetaObject;
        QCOMPARE(mo.property(mo.indexOfProperty("diagnosis")).readOnGadget(&s).toString(),
                 QStringLiteral("The build failed."));
    }

    void formatsDurationsAndAges()
    {
        QCOMPARE(tray::TrayUi::duration(-1), QStringLiteral("…"));
        QCOMPARE(tray::TrayUi::duration(850), QStringLiteral("850 ms"));
        QCOMPARE(tray::TrayUi::duration(12345), QStringLiteral("12.3 s"));
        QCOMPARE(tray::TrayUi::duration(125000), QStringLiteral("2 min 5 s"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QCOMPARE(tray::TrayUi::age(now.addSecs(-12), now), QStringLiteral("12 s ago"));
        QCOMPARE(tray::TrayUi::age(now.addSecs(-300), now), QStringLiteral("5 min ago"));
        QCOMPARE(tray::TrayUi::age(now.addSecs(-7300), now), QStringLiteral("2 h ago"));
        QCOMPARE(tray::TrayUi::age(now.addDays(-4), now), QStringLiteral("4 d ago"));
    }

    void ansiColoursAndHighlight()
    {
        const QString line = QStringLiteral("\x1b[1;31mERROR\x1b[0m db <down> \x1b[2K");
        QCOMPARE(tray::ansi::plain(line), QStringLiteral("ERROR db <down> "));
        const QString styled = tray::ansi::styled(line);
        QVERIFY2(styled.contains(QLatin1String("<b><font color=\"#ff7b72\">ERROR</font></b>")),
                 qPrintable(styled));
        QVERIFY(styled.contains(QLatin1String("&lt;down&gt;"))); // HTML escaped
        QVERIFY(!styled.contains(QChar(0x1b)));
        // A match across a colour change is marked in both runs, case-insensitively.
        const QString marked = tray::ansi::styled(line, QStringLiteral("or d"));
        QCOMPARE(marked.count(QLatin1String("<u>")), 2);
        QVERIFY2(marked.contains(QLatin1String(">OR</font></b></u>")), qPrintable(marked));
        QCOMPARE(tray::ansi::styled(QStringLiteral("plain")), QStringLiteral("plain"));
        QCOMPARE(tray::ansi::styled(QStringLiteral("\x1b[92mok")),
                 QStringLiteral("<font color=\"#aff5b4\">ok</font>"));
    }

    void logModelSearchesAndFilters()
    {
        tray::LogModel model(1000);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QList<runs::LogLine> lines = batch(0, 10);
        lines[3].text = QStringLiteral("\x1b[31mERROR\x1b[0m connection refused");
        lines[7].text = QStringLiteral("error: retrying");
        model.appendLines(lines);
        QCOMPARE(model.index(3).data(tray::LogModel::TextRole).toString(),
                 QStringLiteral("ERROR connection refused"));
        QCOMPARE(model.find(0, true), -1); // no search yet

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setSearch(QStringLiteral("error"));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(3).data(tray::LogModel::MatchesRole).toBool(), true);
        QCOMPARE(model.index(4).data(tray::LogModel::MatchesRole).toBool(), false);
        QVERIFY(model.index(7).data(tray::LogModel::StyledRole).toString().contains(QLatin1String("<u>")));
        QCOMPARE(model.find(-1, true), 3);
        QCOMPARE(model.find(3, true), 7);
        QCOMPARE(model.find(7, true), 3); // wraps
        QCOMPARE(model.find(3, false), 7);
        QVERIFY(!model.index(0).data(tray::LogModel::TimeTextRole).isNull());

        model.clear();
        model.setTextFilter(
            QRegularExpression(QStringLiteral("refused|retry"), QRegularExpression::CaseInsensitiveOption));
        model.appendLines(lines);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.allText(), QStringLiteral("ERROR connection refused\nerror: retrying"));
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
        // READY offers the logs (default click) and, once a preview URL exists, the preview.
        QCOMPARE(Notifier::noteFor(RunState::Deploying, ready)->runId, QStringLiteral("a"));
        QCOMPARE(Notifier::noteFor(RunState::Deploying, ready)->actions,
                 (QStringList{QStringLiteral("default"), QStringLiteral("Show logs"), QStringLiteral("logs"),
                              QStringLiteral("Show logs")}));
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
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
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
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
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
