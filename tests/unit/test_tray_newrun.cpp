// The tray's new-run flow: its models under QAbstractItemModelTester (Fatal), the values and
// consent helpers, and NewRunController driving the engine's real control handler (detect,
// plan, start) on a compose project with a profile and a refused service.
#include "browserintegration.h"
#include "choicelistmodel.h"
#include "consentstore.h"
#include "enginesettings.h"
#include "logmodel.h"
#include "newruncontroller.h"
#include "planreportmodel.h"
#include "planservicemodel.h"
#include "runcontroller.h"
#include "statetone.h"

#include "testsupport.h"

#include "control/runcontrolhandler.h"
#include "runs/orchestrator.h"
#include "runs/runstore.h"
#include "source/fetcher.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace rr;
using rr::tray::NewRunController;

namespace {

const QByteArray kCompose = "services:\n"
                            "  web:\n"
                            "    image: busybox:1.36\n"
                            "    command: [\"httpd\", \"-f\", \"-p\", \"8000\"]\n"
                            "    ports: [\"80:8000\"]\n"
                            "  worker:\n"
                            "    image: busybox:1.36\n"
                            "    profiles: [tools]\n"
                            "    command: [\"sleep\", \"3600\"]\n"
                            "    depends_on: [web]\n"
                            "  admin:\n"
                            "    image: busybox:1.36\n"
                            "    profiles: [tools]\n"
                            "    privileged: true\n"
                            "    command: [\"sleep\", \"3600\"]\n";

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

} // namespace

class TestTrayNewRun : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("app"));
        rr::test::writeTree(m_project, {{QStringLiteral("compose.yaml"), kCompose}});
    }

    void reportRowsCarryStatusReasonAndPlace()
    {
        tray::PlanReportModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const QJsonArray report = json(R"({"r": [
            {"service": "web", "key": "ports", "status": "adapted", "reason": "host port 80 moves up",
             "where": {"file": "/p/app/compose.yaml", "line": 5, "column": 12}},
            {"service": "admin", "key": "privileged", "status": "refused", "reason": "privileged mode"},
            {"service": "", "key": "x-extra", "status": "dropped", "reason": "extension field"}]})")
                                      .value(QStringLiteral("r"))
                                      .toArray();
        model.setRows(tray::PlanReportModel::rowsFrom(report, QStringLiteral("/p/app")));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.refusedCount(), 1);
        QCOMPARE(model.index(0).data(tray::PlanReportModel::LocationRole).toString(),
                 QStringLiteral("compose.yaml:5:12"));
        QCOMPARE(model.index(1).data(tray::PlanReportModel::ToneRole).toInt(), int(tray::Tone::Bad));
        QCOMPARE(model.index(1).data(tray::PlanReportModel::LocationRole).toString(), QString());
        QCOMPARE(model.index(2).data(tray::PlanReportModel::StatusRole).toString(),
                 QStringLiteral("dropped"));
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.setRows(model.rows()); // the same report: nothing moves
        QCOMPARE(resets.size(), 0);
        model.setRows({});
        QCOMPARE(model.rowCount(), 0);
    }

    void serviceRowsFollowTheCatalogAndPicks()
    {
        const QJsonObject plan = json(R"({
            "services": [{"name": "web", "image": "busybox:1.36", "primary": true, "build": false,
                          "dependsOn": [], "ports": [{"containerPort": 8000, "hostPort": 8080, "protocol": "TCP"}]},
                         {"name": "worker", "image": "", "primary": false, "build": true, "dependsOn": ["web"],
                          "ports": []}],
            "catalog": [{"name": "web", "profiles": [], "dependsOn": []},
                        {"name": "worker", "profiles": ["tools"], "dependsOn": ["web"]},
                        {"name": "admin", "profiles": ["tools"], "dependsOn": []}],
            "activeProfiles": ["tools"]})");
        tray::PlanServiceModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setRows(tray::PlanServiceModel::rowsFrom(plan, {QStringLiteral("worker")}));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.plannedCount(), 2);
        // Every role the view binds to has a name (a missing one leaves a required property unset).
        for (const QByteArray role :
             {"name", "profiles", "picked", "planned", "primary", "detail", "ports", "why"})
            QVERIFY2(model.roleNames().values().contains(role), role.constData());
        QVERIFY(model.index(0).data(tray::PlanServiceModel::PrimaryRole).toBool());
        QCOMPARE(model.index(0).data(tray::PlanServiceModel::PortsRole).toString(),
                 QStringLiteral("8080 → 8000"));
        QCOMPARE(model.index(0).data(tray::PlanServiceModel::WhyRole).toString(),
                 QStringLiteral("needed by worker"));
        QVERIFY(!model.index(0).data(tray::PlanServiceModel::PickedRole).toBool());
        QVERIFY(model.index(1).data(tray::PlanServiceModel::PickedRole).toBool());
        QCOMPARE(model.index(1).data(tray::PlanServiceModel::DetailRole).toString(),
                 QStringLiteral("built here · profile tools"));
        QCOMPARE(model.index(2).data(tray::PlanServiceModel::WhyRole).toString(),
                 QStringLiteral("not picked"));
        QSignalSpy picks(&model, &tray::PlanServiceModel::picksChanged);
        QVERIFY(model.setData(model.index(2), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(picks.size(), 1);
        QCOMPARE(model.picked(), (QStringList{QStringLiteral("worker"), QStringLiteral("admin")}));

        // No picks: what the profiles enable shows as picked; the other profile's service says why.
        QJsonObject off = plan;
        off.insert(QStringLiteral("activeProfiles"), QJsonArray());
        model.setRows(tray::PlanServiceModel::rowsFrom(off, {}));
        QVERIFY(model.index(0).data(tray::PlanServiceModel::PickedRole).toBool());
        QCOMPARE(model.index(2).data(tray::PlanServiceModel::WhyRole).toString(),
                 QStringLiteral("profile tools is off"));
    }

    void choicesKeepTheirChecks()
    {
        tray::ChoiceListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setNames({QStringLiteral("debug"), QStringLiteral("tools")});
        QSignalSpy changed(&model, &tray::ChoiceListModel::choicesChanged);
        model.toggle(1, true);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.checked(), QStringList{QStringLiteral("tools")});
        model.setNames({QStringLiteral("tools"), QStringLiteral("zeta")});
        QCOMPARE(model.checked(), QStringList{QStringLiteral("tools")});
        model.setChecked({QStringLiteral("zeta")});
        QCOMPARE(model.index(1).data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Checked);
        QCOMPARE(model.checked(), QStringList{QStringLiteral("zeta")});
    }

    void valuesAreNameEqualsValueLines()
    {
        QString error;
        const auto values =
            NewRunController::parseValues(QStringLiteral("A=1\n\n# note\n_B = two words\nC="), &error);
        QVERIFY(error.isEmpty());
        QCOMPARE(values.value(QStringLiteral("A")), QStringLiteral("1"));
        QCOMPARE(values.value(QStringLiteral("_B")), QStringLiteral(" two words"));
        QVERIFY(values.contains(QStringLiteral("C")));
        QVERIFY(NewRunController::parseValues(QStringLiteral("A=1\n1X=2"), &error).isEmpty());
        QCOMPARE(error, QStringLiteral("Line 2: write NAME=value (a letter or _ first)."));
        NewRunController::parseValues(QStringLiteral("no equals sign"), &error);
        QVERIFY(!error.isEmpty());
    }

    void consentIsRememberedPerRepository()
    {
        const QString path = m_dir.filePath(QStringLiteral("consent.ini"));
        const QString repo =
            tray::ConsentStore::repositoryKey(QStringLiteral("https://github.com/octo/site"));
        QVERIFY(!repo.isEmpty());
        // A folder of the same repository is the same repository.
        QCOMPARE(
            tray::ConsentStore::repositoryKey(QStringLiteral("https://github.com/octo/site/tree/main/docs")),
            repo);
        QCOMPARE(tray::ConsentStore::repositoryKey(m_project), m_project);
        {
            tray::ConsentStore store(path);
            QSignalSpy changed(&store, &tray::ConsentStore::changed);
            store.allow(repo);
            store.allow(repo);
            QCOMPARE(changed.size(), 1);
            QVERIFY(store.allows(repo));
        }
        tray::ConsentStore again(path);
        QCOMPARE(again.repositories(), QStringList{repo});
        again.revoke(repo);
        QVERIFY(!tray::ConsentStore(path).allows(repo));
    }

    // Settings → browser integration: install, an edited manifest shows outdated, repair, remove.
    void browserManifestsInstallRepairRemove()
    {
        const QString home = m_dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home + QStringLiteral("/.config/chromium")));
        const QString templatePath = m_dir.filePath(QStringLiteral("host.json"));
        const QByteArray manifest =
            R"({"name": "dev.reporunner.host", "path": "/usr/libexec/x", "type": "stdio"})";
        rr::test::writeTree(m_dir.path(), {{QStringLiteral("host.json"), manifest}});
        tray::BrowserIntegration browsers(home, templatePath);
        QAbstractItemModelTester tester(&browsers, QAbstractItemModelTester::FailureReportingMode::Fatal);
        const auto chromium = [&browsers]() -> tray::BrowserRow {
            for (const tray::BrowserRow &r : browsers.rows())
                if (r.id == QLatin1String("chromium"))
                    return r;
            return {};
        };
        QCOMPARE(chromium().name, QStringLiteral("Chromium"));
        QVERIFY(chromium().status == QLatin1String("missing") ||
                chromium().status == QLatin1String("system"));
        const QString file =
            home + QStringLiteral("/.config/chromium/NativeMessagingHosts/dev.reporunner.host.json");
        QVERIFY(browsers.install(QStringLiteral("chromium")));
        QCOMPARE(chromium().status, QStringLiteral("installed"));
        QFile written(file);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QCOMPARE(written.readAll(), manifest);
        written.close();
        rr::test::writeTree(home + QStringLiteral("/.config/chromium/NativeMessagingHosts"),
                            {{QStringLiteral("dev.reporunner.host.json"), "{}"}});
        browsers.refresh();
        QCOMPARE(chromium().status, QStringLiteral("outdated"));
        QVERIFY(browsers.repair(QStringLiteral("chromium")));
        QCOMPARE(chromium().status, QStringLiteral("installed"));
        QVERIFY(browsers.remove(QStringLiteral("chromium")));
        QVERIFY(!QFileInfo::exists(file));
        QVERIFY(chromium().status != QLatin1String("installed"));
        QVERIFY(!browsers.install(QStringLiteral("netscape")));
        tray::BrowserIntegration noTemplate(home, m_dir.filePath(QStringLiteral("absent.json")));
        QVERIFY(!noTemplate.install(QStringLiteral("chromium")));
        QVERIFY(noTemplate.message().contains(QLatin1String("template")));
    }

    // The real handler: detect, the plan with a profile picked and a refused service, the
    // consent's consequences, a service unpicked, consent given and revoked, then Start.
    void flowDrivesTheEngine()
    {
        runs::RunStore store(m_dir.filePath(QStringLiteral("runs.sqlite")));
        auto opened = store.open();
        QTRY_VERIFY(opened.isFinished());
        QVERIFY(opened.result().has_value());
        source::Fetcher fetcher;
        runs::Orchestrator orchestrator(&store, &fetcher, nullptr, nullptr, nullptr);
        auto init = orchestrator.initialize();
        QTRY_VERIFY(init.isFinished());
        control::RunControlHandler handler(&orchestrator, &fetcher);
        tray::LogModel logs(1000);
        tray::RunController runs(&orchestrator, &logs);
        tray::ConsentStore consent(m_dir.filePath(QStringLiteral("flow-consent.ini")));
        NewRunController flow(&handler, &runs, &consent);
        QAbstractItemModelTester t1(flow.services(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester t2(flow.report(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester t3(flow.profiles(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester t4(flow.consequences(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);

        // Engine settings: build parallelism reaches the orchestrator and is remembered.
        {
            const QString ini = m_dir.filePath(QStringLiteral("tray.ini"));
            tray::EngineSettings settings(&orchestrator, ini);
            settings.setBuildParallelism(3);
            QCOMPARE(orchestrator.settings().buildParallelism, 3);
            settings.setBuildParallelism(0);
            QVERIFY(!settings.error().isEmpty());
            QCOMPARE(orchestrator.settings().buildParallelism, 3);
            settings.setOffline(true);
            runs::OrchestratorSettings reset = orchestrator.settings();
            reset.buildParallelism = 2;
            QVERIFY(orchestrator.setSettings(reset).has_value());
            tray::EngineSettings again(&orchestrator, ini);
            QCOMPARE(orchestrator.settings().buildParallelism, 3);
            QVERIFY(again.offline());
        }

        flow.setSource(QStringLiteral("/nonexistent/folder/%1").arg(QCoreApplication::applicationPid()));
        flow.detect();
        QTRY_COMPARE(flow.stage(), NewRunController::Failed);
        QVERIFY(!flow.error().isEmpty());

        flow.setSource(m_project);
        flow.detect();
        QTRY_COMPARE(flow.stage(), NewRunController::Planned);
        QVERIFY2(flow.summary().detected.startsWith(QLatin1String("Compose: compose.yaml (")),
                 qPrintable(flow.summary().detected));
        QCOMPARE(flow.profiles()->names(), QStringList{QStringLiteral("tools")});
        QCOMPARE(flow.services()->plannedCount(), 1);
        QCOMPARE(flow.summary().primary, QStringLiteral("web"));
        QCOMPARE(flow.services()->rows().constFirst().ports, QStringLiteral("8080 → 8000"));
        QCOMPARE(flow.summary().refused, 0);
        QVERIFY(flow.canStart());

        flow.pickProfile(QStringLiteral("tools"), true);
        QTRY_COMPARE(flow.stage(), NewRunController::Planned);
        QCOMPARE(flow.services()->plannedCount(), 3);
        QCOMPARE(flow.summary().refused, 1);
        QVERIFY(!flow.canStart());
        const auto refused =
            std::find_if(flow.report()->rows().cbegin(), flow.report()->rows().cend(),
                         [](const tray::ReportRow &r) { return r.status == QLatin1String("refused"); });
        QVERIFY(refused != flow.report()->rows().cend());
        QCOMPARE(refused->service, QStringLiteral("admin"));
        QCOMPARE(refused->key, QStringLiteral("privileged"));
        // What consent would change: that line, as the unsafe plan words it.
        QTRY_COMPARE(flow.consequences()->rowCount(), 1);
        const tray::ReportRow consequence = flow.consequences()->rows().constFirst();
        QCOMPARE(consequence.status, QStringLiteral("adapted"));
        QVERIFY2(consequence.reason.contains(QLatin1String("allowed by the user's unsafe setting")),
                 qPrintable(consequence.reason));

        flow.pickService(QStringLiteral("admin"), false);
        QTRY_COMPARE(flow.stage(), NewRunController::Planned);
        QCOMPARE(flow.services()->plannedCount(), 2);
        QCOMPARE(flow.summary().refused, 0);
        QVERIFY(flow.canStart());

        flow.pickService(QStringLiteral("admin"), true);
        QTRY_COMPARE(flow.stage(), NewRunController::Planned);
        QCOMPARE(flow.summary().refused, 1);
        flow.allowUnsafe();
        QVERIFY(consent.allows(m_project));
        QTRY_COMPARE(flow.stage(), NewRunController::Planned);
        QCOMPARE(flow.summary().refused, 0);
        QVERIFY(flow.unsafeAllowed());
        QVERIFY(flow.canStart());
        flow.revokeUnsafe();
        QVERIFY(!consent.allows(m_project));
        QTRY_COMPARE(flow.stage(), NewRunController::Planned);
        QCOMPARE(flow.summary().refused, 1);
        flow.pickService(QStringLiteral("admin"), false);
        QTRY_COMPARE(flow.stage(), NewRunController::Planned);

        flow.setValuesText(QStringLiteral("not a value"));
        QVERIFY(!flow.valuesError().isEmpty());
        QVERIFY(!flow.canStart());
        flow.setValuesText(QStringLiteral("GREETING=hi"));
        QVERIFY(flow.canStart());

        QSignalSpy started(&flow, &NewRunController::started);
        flow.start();
        QTRY_COMPARE(started.size(), 1);
        const QString runId = started.constFirst().constFirst().toString();
        QCOMPARE(runs.selectedRunId(), runId);
        const auto run = orchestrator.run(runId);
        QVERIFY(run.has_value());
        QCOMPARE(run->request.value(QStringLiteral("profiles")).toArray().size(), 1);
        QCOMPARE(run->request.value(QStringLiteral("services")).toArray().size(), 2);
        QCOMPARE(flow.stage(), NewRunController::Idle);
        // No runtime in this test: the run ends FAILED; wait so nothing is left in flight.
        QTRY_VERIFY(runs::isTerminal(orchestrator.run(runId)->state));
        // The events pane: the run's events from the store and live, nothing but events.
        QTRY_VERIFY(runs.events()->rowCount() >= 2);
        QStringList events;
        for (int r = 0; r < runs.events()->rowCount(); ++r) {
            QCOMPARE(runs.events()->index(r).data(tray::LogModel::StreamRole).toString(),
                     QStringLiteral("event"));
            events << runs.events()->index(r).data(tray::LogModel::TextRole).toString();
        }
        QVERIFY2(events.contains(QStringLiteral("QUEUED")) && events.contains(QStringLiteral("FAILED")),
                 qPrintable(events.join(QLatin1Char('|'))));
        // Selecting the run again reads the same events back from the store.
        runs.select(QString());
        QCOMPARE(runs.events()->rowCount(), 0);
        runs.select(runId);
        QTRY_VERIFY(runs.events()->rowCount() > 0);
        QTest::qWait(200);
        QStringList again;
        for (int r = 0; r < runs.events()->rowCount(); ++r)
            again << runs.events()->index(r).data(tray::LogModel::TextRole).toString();
        QCOMPARE(again.join(QLatin1Char('|')), events.join(QLatin1Char('|')));
        // The run view's log load continues on the controller: it ends before the controller does.
        QTRY_VERIFY(!runs.logsLoading());
        auto flushed = store.flush();
        QTRY_VERIFY(flushed.isFinished());
    }
};

QTEST_MAIN(TestTrayNewRun)
#include "test_tray_newrun.moc"
