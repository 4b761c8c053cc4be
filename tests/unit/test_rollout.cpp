// The rollout state machine (engine/runtime/rollout) against a scripted driver: waves, each
// depends_on condition, restart: true, the READY rule, the settle window, one-shots, failures,
// deadlines, the primary endpoint and the states it publishes. The runtimes' own drivers are
// covered by the shared integration test test_rollout_rules.
#include "ipc/protocolschema.h"
#include "runtime/rollout.h"
#include "runtime/rolloutdriver.h"

#include <QDateTime>
#include <QPromise>
#include <QSignalSpy>
#include <QTest>

using namespace rr;
using namespace rr::runtime;
using Condition = project::Dependency::Condition;
using Instance = InstanceObservation;

namespace {

template<class T> QFuture<T> done(T value)
{
    QPromise<T> p;
    p.start();
    p.addResult(std::move(value));
    p.finish();
    return p.future();
}

// A driver whose world the test scripts: it records what the rollout asked and reports the
// observations the test feeds it.
class ScriptedDriver final : public RolloutDriver
{
    Q_OBJECT
public:
    QStringList created;
    QStringList restarted;
    QList<ServiceFailure> diagnosed;
    QList<Endpoint> endpoints;
    QList<bool> answers_; // consumed one per attempt; empty = answers
    int answerAttempts = 0;
    bool stopped = false;
    core::Result<void> prepareResult;

    QFuture<core::Result<void>> prepare(bool) override { return done(prepareResult); }
    QFuture<core::Result<void>> create(const plan::ServicePlan &service) override
    {
        created << service.name;
        return done(core::Result<void>());
    }
    QFuture<core::Result<void>> restart(const plan::ServicePlan &service) override
    {
        restarted << service.name;
        return done(core::Result<void>());
    }
    QFuture<core::Error> diagnose(const ServiceFailure &failure) override
    {
        diagnosed << failure;
        return done(core::makeError(core::ErrorCategory::Docker, QStringLiteral("run.exited"),
                                    QStringLiteral("%1 failed").arg(failure.service)));
    }
    QFuture<core::Result<QList<Endpoint>>> publish() override
    {
        return done(core::Result<QList<Endpoint>>(endpoints));
    }
    QFuture<bool> answers(const Endpoint &) override
    {
        ++answerAttempts;
        return done(answers_.isEmpty() ? true : answers_.takeFirst());
    }
    QJsonObject details() const override { return {}; }
    void stop() override { stopped = true; }

    // One instance of `service` in the given shape, started `ageMs` ago.
    void see(const QString &service, Instance::Phase phase, Instance::Health health = Instance::Health::None,
             int exitCode = -1, qint64 ageMs = 60000)
    {
        Instance i;
        i.id = service + QStringLiteral("-1");
        i.phase = phase;
        i.health = health;
        i.exitCode = exitCode;
        i.startedAt = QDateTime::currentDateTimeUtc().addMSecs(-ageMs);
        Q_EMIT observed(ServiceObservation{service, {i}, {}});
    }
    void running(const QString &s, qint64 ageMs = 60000) { see(s, Instance::Phase::Running, {}, -1, ageMs); }
    void healthy(const QString &s) { see(s, Instance::Phase::Running, Instance::Health::Healthy); }
    void exited(const QString &s, int code) { see(s, Instance::Phase::Exited, {}, code); }
};

plan::ServicePlan service(const QString &name, QList<plan::PlanDependency> deps = {}, bool oneShot = false,
                          bool healthCheck = false)
{
    plan::ServicePlan s;
    s.name = name;
    s.dnsName = name;
    s.dependsOn = std::move(deps);
    s.oneShot = oneShot;
    if (healthCheck)
        s.readiness = plan::PlanProbe{{QStringLiteral("true")}};
    return s;
}

plan::PlanDependency on(const QString &name, Condition c = Condition::Started, bool restart = false)
{
    return plan::PlanDependency{name, c, true, restart};
}

plan::RunPlan planOf(QList<plan::ServicePlan> services)
{
    plan::RunPlan p;
    p.runId = QStringLiteral("r1");
    p.services = std::move(services);
    return p;
}

RolloutOptions quick()
{
    RolloutOptions o;
    o.readyTimeoutMs = 20000;
    o.settleMs = 0;
    o.previewTimeoutMs = 5000;
    o.previewRetryMs = 10;
    return o;
}

// The last state the rollout published for `service`.
ServiceState lastState(const QSignalSpy &spy, const QString &service)
{
    ServiceState s = ServiceState::Pending;
    for (const QList<QVariant> &args : spy) {
        const auto st = args.at(0).value<ServiceStatus>();
        if (st.service == service)
            s = st.state;
    }
    return s;
}

} // namespace

class TestRollout final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<ServiceStatus>(); }

    void statesMatchTheProtocol()
    {
        QStringList fromSchema;
        for (const char *const *v = ipc::schema::kEnum_ServiceState; *v; ++v)
            fromSchema << QString::fromLatin1(*v);
        QCOMPARE(fromSchema, serviceStateNames());
        for (const QString &name : serviceStateNames())
            QCOMPARE(serviceStateName(*serviceStateFromName(name)), name);
        QVERIFY(!serviceStateFromName(u"FAILED"));
    }

    void wavesFollowEachCondition()
    {
        ScriptedDriver driver;
        Rollout rollout(
            planOf({service(QStringLiteral("db"), {}, false, true),
                    service(QStringLiteral("migrate"), {on(QStringLiteral("db"), Condition::Healthy)}, true),
                    service(QStringLiteral("cache")),
                    service(QStringLiteral("web"),
                            {on(QStringLiteral("migrate"), Condition::CompletedSuccessfully),
                             on(QStringLiteral("cache"), Condition::Started)})}),
            &driver, quick());
        QSignalSpy ready(&rollout, &Rollout::ready);
        QSignalSpy status(&rollout, &Rollout::serviceStatusChanged);
        rollout.start();
        QTRY_COMPARE(driver.created, (QStringList{QStringLiteral("db"), QStringLiteral("cache")}));
        QCOMPARE(lastState(status, QStringLiteral("migrate")), ServiceState::Pending);

        driver.see(QStringLiteral("db"), Instance::Phase::Running, Instance::Health::Starting);
        driver.running(QStringLiteral("cache"));
        QTest::qWait(20);
        QCOMPARE(driver.created.size(), 2); // db runs but is not healthy yet
        QCOMPARE(lastState(status, QStringLiteral("db")), ServiceState::Running);

        driver.healthy(QStringLiteral("db"));
        QTRY_VERIFY(driver.created.contains(QStringLiteral("migrate")));
        QCOMPARE(lastState(status, QStringLiteral("db")), ServiceState::Healthy);
        driver.running(QStringLiteral("migrate"));
        QTest::qWait(20);
        QVERIFY(!driver.created.contains(QStringLiteral("web"))); // migrate has not completed

        driver.exited(QStringLiteral("migrate"), 0);
        QTRY_VERIFY(driver.created.contains(QStringLiteral("web")));
        QCOMPARE(lastState(status, QStringLiteral("migrate")), ServiceState::Completed);
        QVERIFY(ready.isEmpty());
        driver.running(QStringLiteral("web"));
        QTRY_COMPARE(ready.size(), 1);
        QVERIFY(rollout.isReady());
        QCOMPARE(lastState(status, QStringLiteral("web")), ServiceState::Healthy);
    }

    void laterWaveWaitsForEarlierWaveToBeCreated()
    {
        // b has no dependency of its own, but c (wave 2) waits until wave 1 is created.
        ScriptedDriver driver;
        Rollout rollout(
            planOf({service(QStringLiteral("a")), service(QStringLiteral("b"), {on(QStringLiteral("a"))}),
                    service(QStringLiteral("c"), {on(QStringLiteral("b"))})}),
            &driver, quick());
        rollout.start();
        QTRY_COMPARE(driver.created, QStringList{QStringLiteral("a")});
        driver.running(QStringLiteral("a"));
        QTRY_COMPARE(driver.created, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        driver.running(QStringLiteral("b"));
        QTRY_COMPARE(driver.created.size(), 3);
    }

    void oneShotExitingNonZeroFails()
    {
        ScriptedDriver driver;
        Rollout rollout(planOf({service(QStringLiteral("job"), {}, true),
                                service(QStringLiteral("web"),
                                        {on(QStringLiteral("job"), Condition::CompletedSuccessfully)})}),
                        &driver, quick());
        QSignalSpy failed(&rollout, &Rollout::failed);
        QSignalSpy status(&rollout, &Rollout::serviceStatusChanged);
        rollout.start();
        QTRY_COMPARE(driver.created, QStringList{QStringLiteral("job")});
        driver.exited(QStringLiteral("job"), 3);
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(driver.diagnosed.size(), 1);
        QCOMPARE(driver.diagnosed.first().kind, ServiceFailure::Kind::Exited);
        QCOMPARE(failed.first().first().value<core::Error>().message, QStringLiteral("job failed"));
        QCOMPARE(lastState(status, QStringLiteral("job")), ServiceState::Failed);
        QVERIFY(driver.stopped);
        QCOMPARE(driver.created.size(), 1);
    }

    void oneShotThatNobodyAwaitsNeedOnlyStart()
    {
        ScriptedDriver driver;
        Rollout rollout(planOf({service(QStringLiteral("seed"), {}, true), service(QStringLiteral("web"))}),
                        &driver, quick());
        QSignalSpy ready(&rollout, &Rollout::ready);
        rollout.start();
        driver.running(QStringLiteral("web"));
        QTest::qWait(20);
        QVERIFY(ready.isEmpty()); // seed has not started
        driver.running(QStringLiteral("seed"));
        QTRY_COMPARE(ready.size(), 1);
        driver.exited(QStringLiteral("seed"), 0); // completing later is no failure
        QTest::qWait(20);
        QCOMPARE(rollout.state(QStringLiteral("seed")), ServiceState::Completed);
    }

    void longRunningServiceExitingWithZeroFails()
    {
        ScriptedDriver driver;
        Rollout rollout(planOf({service(QStringLiteral("web"))}), &driver, quick());
        QSignalSpy failed(&rollout, &Rollout::failed);
        rollout.start();
        driver.exited(QStringLiteral("web"), 0);
        QTRY_COMPARE(failed.size(), 1);
    }

    void settleWindowRunsFromEachInstancesStart()
    {
        ScriptedDriver driver;
        RolloutOptions o = quick();
        o.settleMs = 400;
        Rollout rollout(planOf({service(QStringLiteral("old")), service(QStringLiteral("young"))}), &driver,
                        o);
        QSignalSpy ready(&rollout, &Rollout::ready);
        rollout.start();
        driver.running(QStringLiteral("old"), 10000); // long past its window
        driver.running(QStringLiteral("young"), 0);
        QTest::qWait(100);
        QVERIFY2(ready.isEmpty(), "READY before the youngest instance settled");
        QTRY_COMPARE(ready.size(), 1);
    }

    void dyingInsideTheSettleWindowFails()
    {
        ScriptedDriver driver;
        RolloutOptions o = quick();
        o.settleMs = 60000;
        Rollout rollout(planOf({service(QStringLiteral("web"))}), &driver, o);
        QSignalSpy ready(&rollout, &Rollout::ready);
        QSignalSpy failed(&rollout, &Rollout::failed);
        rollout.start();
        driver.running(QStringLiteral("web"), 0);
        QTest::qWait(50);
        driver.see(QStringLiteral("web"), Instance::Phase::Exited, {}, 1, 0);
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(ready.isEmpty());
    }

    void unhealthyFails()
    {
        ScriptedDriver driver;
        Rollout rollout(planOf({service(QStringLiteral("db"), {}, false, true)}), &driver, quick());
        QSignalSpy failed(&rollout, &Rollout::failed);
        rollout.start();
        driver.see(QStringLiteral("db"), Instance::Phase::Running, Instance::Health::Unhealthy);
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(driver.diagnosed.first().kind, ServiceFailure::Kind::Unhealthy);
    }

    void driverProblemFails()
    {
        ScriptedDriver driver;
        Rollout rollout(planOf({service(QStringLiteral("web"))}), &driver, quick());
        QSignalSpy failed(&rollout, &Rollout::failed);
        rollout.start();
        Q_EMIT driver.observed(
            ServiceObservation{QStringLiteral("web"), {}, QStringLiteral("ImagePullBackOff")});
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(driver.diagnosed.first().kind, ServiceFailure::Kind::Problem);
    }

    void dependencyThatNeverGetsHealthyTimesOut()
    {
        ScriptedDriver driver;
        RolloutOptions o = quick();
        o.readyTimeoutMs = 300;
        o.category = core::ErrorCategory::Kube;
        Rollout rollout(
            planOf({service(QStringLiteral("db"), {}, false, true),
                    service(QStringLiteral("web"), {on(QStringLiteral("db"), Condition::Healthy)})}),
            &driver, o);
        QSignalSpy failed(&rollout, &Rollout::failed);
        rollout.start();
        driver.see(QStringLiteral("db"), Instance::Phase::Running, Instance::Health::Starting);
        QTRY_COMPARE(failed.size(), 1);
        const auto e = failed.first().first().value<core::Error>();
        QCOMPARE(e.code, QStringLiteral("run.timeout"));
        QCOMPARE(e.category, core::ErrorCategory::Kube);
        QVERIFY2(e.message.contains(QStringLiteral("db (running, waiting for its health check)")),
                 qPrintable(e.message));
        QVERIFY2(e.message.contains(QStringLiteral("web (pending, waiting for db to become healthy)")),
                 qPrintable(e.message));
        QCOMPARE(driver.created, QStringList{QStringLiteral("db")});
    }

    void restartPropagatesToDependantsThatAskForIt()
    {
        ScriptedDriver driver;
        Rollout rollout(
            planOf({service(QStringLiteral("db")),
                    service(QStringLiteral("api"), {on(QStringLiteral("db"), Condition::Started, true)}),
                    service(QStringLiteral("web"), {on(QStringLiteral("db"))})}),
            &driver, quick());
        rollout.start();
        driver.running(QStringLiteral("db"), 5000);
        QTRY_COMPARE(driver.created.size(), 3);
        driver.running(QStringLiteral("db"), 10); // a newer start: db restarted
        QTRY_COMPARE(driver.restarted, QStringList{QStringLiteral("api")});
    }

    void primaryEndpointMustAnswer()
    {
        ScriptedDriver driver;
        Endpoint e;
        e.service = QStringLiteral("web");
        e.localPort = 1234;
        e.primary = true;
        driver.endpoints = {e};
        driver.answers_ = {false, false, true};
        Rollout rollout(planOf({service(QStringLiteral("web"))}), &driver, quick());
        QSignalSpy ready(&rollout, &Rollout::ready);
        rollout.start();
        driver.running(QStringLiteral("web"));
        QTRY_COMPARE(ready.size(), 1);
        QCOMPARE(driver.answerAttempts, 3);
        QCOMPARE(ready.first().first().value<QList<Endpoint>>().first().localPort, 1234);
    }

    void silentPrimaryEndpointFails()
    {
        ScriptedDriver driver;
        Endpoint e;
        e.service = QStringLiteral("web");
        e.primary = true;
        driver.endpoints = {e};
        driver.answers_ = QList<bool>(1000, false);
        RolloutOptions o = quick();
        o.previewTimeoutMs = 100;
        Rollout rollout(planOf({service(QStringLiteral("web"))}), &driver, o);
        QSignalSpy failed(&rollout, &Rollout::failed);
        rollout.start();
        driver.running(QStringLiteral("web"));
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().value<core::Error>().code, QStringLiteral("run.port_silent"));
    }

    void failureAfterReadyBreaksTheRunOnce()
    {
        ScriptedDriver driver;
        Rollout rollout(planOf({service(QStringLiteral("a")), service(QStringLiteral("b"))}), &driver,
                        quick());
        QSignalSpy ready(&rollout, &Rollout::ready);
        QSignalSpy broken(&rollout, &Rollout::broken);
        QSignalSpy failed(&rollout, &Rollout::failed);
        rollout.start();
        driver.running(QStringLiteral("a"));
        driver.running(QStringLiteral("b"));
        QTRY_COMPARE(ready.size(), 1);
        driver.exited(QStringLiteral("a"), 137);
        driver.exited(QStringLiteral("b"), 1);
        QTRY_COMPARE(driver.diagnosed.size(), 2);
        QTRY_COMPARE(rollout.state(QStringLiteral("b")), ServiceState::Failed);
        QCOMPARE(broken.size(), 1);
        QVERIFY(failed.isEmpty());
    }

    void cancelStopsEverything()
    {
        ScriptedDriver driver;
        Rollout rollout(
            planOf({service(QStringLiteral("a")), service(QStringLiteral("b"), {on(QStringLiteral("a"))})}),
            &driver, quick());
        QSignalSpy failed(&rollout, &Rollout::failed);
        QSignalSpy status(&rollout, &Rollout::serviceStatusChanged);
        rollout.start();
        QTRY_COMPARE(driver.created.size(), 1);
        rollout.cancel();
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().value<core::Error>().category, core::ErrorCategory::Cancelled);
        QCOMPARE(lastState(status, QStringLiteral("a")), ServiceState::Stopped);
        QCOMPARE(lastState(status, QStringLiteral("b")), ServiceState::Stopped);
        QVERIFY(driver.stopped);
    }

    void attachNeedsOnlyRunningServices()
    {
        ScriptedDriver driver;
        RolloutOptions o = quick();
        o.attach = true;
        o.settleMs = 60000;
        Rollout rollout(
            planOf({service(QStringLiteral("db"), {}, false, true),
                    service(QStringLiteral("web"), {on(QStringLiteral("db"), Condition::Healthy)})}),
            &driver, o);
        QSignalSpy ready(&rollout, &Rollout::ready);
        rollout.start();
        driver.see(QStringLiteral("db"), Instance::Phase::Running, Instance::Health::Starting, -1, 0);
        driver.running(QStringLiteral("web"), 0);
        QTRY_COMPARE(ready.size(), 1);
        QVERIFY(driver.created.isEmpty());
    }

    void preparationFailureFails()
    {
        ScriptedDriver driver;
        driver.prepareResult = core::Unexpected(core::makeError(
            core::ErrorCategory::Docker, QStringLiteral("run.vanished"), QStringLiteral("gone")));
        Rollout rollout(planOf({service(QStringLiteral("web"))}), &driver, quick());
        QSignalSpy failed(&rollout, &Rollout::failed);
        rollout.start();
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().value<core::Error>().code, QStringLiteral("run.vanished"));
    }
};

QTEST_GUILESS_MAIN(TestRollout)
#include "test_rollout.moc"
