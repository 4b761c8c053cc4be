// The orchestrator's state machine, idempotency, de-duplication, cancellation and start-up
// reconciliation, against a scriptable runtime (the real runtimes have integration tests).
#include "control/runcontrolhandler.h"
#include "core/promises.h"
#include "gitserver.h"
#include "ipc/protocol.h"
#include "runs/buildqueue.h"
#include "runs/orchestrator.h"
#include "runs/planbuilder.h"
#include "runs/runjson.h"
#include "runs/runstore.h"
#include "runtime/runtime.h"
#include "scratchrepo.h"
#include "source/fetcher.h"
#include "source/sourcespecparser.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace rr;
using namespace rr::runs;

namespace {

// Waits while the event loop runs, so continuations bound to this thread can finish.
template<class T> T await(QFuture<T> future)
{
    QDeadlineTimer deadline(20000);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!future.isFinished())
        qFatal("a future did not finish within 20 s");
    return future.result();
}

core::Unexpected error(core::ErrorCategory category, const QString &code, const QString &message)
{
    return core::Unexpected(core::makeError(category, code, message));
}

// A runtime whose answers the test decides; it records what the orchestrator asked.
class ScriptedRuntime final : public runtime::Runtime
{
public:
    explicit ScriptedRuntime(QString name)
        : m_name(std::move(name))
    {}
    QString name() const override { return m_name; }
    QString target() const override { return QStringLiteral("scripted %1").arg(m_name); }
    QFuture<core::Result<void>> probe() override
    {
        return core::promises::ready<core::Result<void>>(probeOk ? core::Result<void>()
                                                                 : error(core::ErrorCategory::Kube,
                                                                         QStringLiteral("kube.unreachable"),
                                                                         QStringLiteral("no cluster")));
    }
    QFuture<core::Result<void>> loadImages(const plan::RunPlan &) override
    {
        return core::promises::ready(core::Result<void>());
    }
    QFuture<core::Result<runtime::Deployment>> deploy(const plan::RunPlan &plan) override
    {
        deployed << plan.runId;
        lastPlan = plan;
        Q_EMIT logLine(plan.runId, QStringLiteral("web"), QStringLiteral("stdout"),
                       QStringLiteral("listening on :80"));
        if (deployError)
            return core::promises::ready<core::Result<runtime::Deployment>>(core::Unexpected(*deployError));
        if (holdDeploy) {
            auto promise = core::promises::started<core::Result<runtime::Deployment>>();
            pending.insert(plan.runId, promise);
            return promise->future();
        }
        return core::promises::ready<core::Result<runtime::Deployment>>(deployment(plan.runId));
    }
    QFuture<core::Result<runtime::Deployment>> attach(const plan::RunPlan &plan,
                                                      const runtime::Deployment &previous) override
    {
        attached << plan.runId;
        if (vanished.contains(plan.runId))
            return core::promises::ready<core::Result<runtime::Deployment>>(
                error(core::ErrorCategory::Docker, QStringLiteral("run.vanished"), QStringLiteral("gone")));
        return core::promises::ready<core::Result<runtime::Deployment>>(previous);
    }
    void cancel(const QString &runId) override
    {
        cancelled << runId;
        if (auto promise = pending.take(runId)) {
            core::promises::settle(promise, error(core::ErrorCategory::Cancelled, QStringLiteral("cancelled"),
                                                  QStringLiteral("stopped")));
        }
    }
    QFuture<core::Result<void>> teardown(const QString &runId) override
    {
        tornDown << runId;
        live.removeAll(runId);
        return core::promises::ready(core::Result<void>());
    }
    QFuture<core::Result<QStringList>> liveRunIds() override
    {
        return core::promises::ready<core::Result<QStringList>>(live);
    }

    static runtime::Deployment deployment(const QString &runId)
    {
        runtime::Deployment d;
        d.runId = runId;
        d.endpoints.append({QStringLiteral("web"), 80, QStringLiteral("tcp"), 18080,
                            QStringLiteral("http://127.0.0.1:18080/"), true});
        d.details = QJsonObject{{QStringLiteral("network"), QStringLiteral("rr-net")}};
        return d;
    }

    QString m_name;
    bool probeOk = true;
    bool holdDeploy = false;
    std::optional<core::Error> deployError;
    QStringList live, deployed, attached, cancelled, tornDown;
    plan::RunPlan lastPlan;
    QSet<QString> vanished;
    QMap<QString, std::shared_ptr<QPromise<core::Result<runtime::Deployment>>>> pending;
};

QStringList phaseNames(const RunRecord &r)
{
    QStringList out;
    for (const PhaseRecord &p : r.phases)
        out << stateName(p.phase);
    return out;
}

} // namespace

class TestOrchestrator : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_project;
    int m_stores = 0;
    std::unique_ptr<RunStore> m_store;
    std::unique_ptr<source::Fetcher> m_fetcher;
    std::unique_ptr<ScriptedRuntime> m_docker;
    std::unique_ptr<ScriptedRuntime> m_kube;
    std::unique_ptr<Orchestrator> m_orch;

    void openStore()
    {
        m_store =
            std::make_unique<RunStore>(m_dir.filePath(QStringLiteral("runs-%1.sqlite").arg(++m_stores)));
        auto opened = m_store->open();
        QVERIFY(await(opened).has_value());
    }
    void makeOrchestrator(bool withKube = false)
    {
        m_fetcher = std::make_unique<source::Fetcher>();
        m_orch = std::make_unique<Orchestrator>(m_store.get(), m_fetcher.get(), nullptr, m_docker.get(),
                                                withKube ? m_kube.get() : nullptr);
        auto init = m_orch->initialize();
        QVERIFY(await(init).has_value());
    }
    StartOptions options(const QString &key = {})
    {
        StartOptions o;
        o.request.source = m_project;
        o.idempotencyKey = key;
        return o;
    }
    RunState state(const QString &id) const { return m_orch->run(id)->state; }
    RunRecord stored(const QString &id)
    {
        await(m_store->flush());
        return await(m_store->run(id)).value();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_project = m_dir.filePath(QStringLiteral("app"));
        rr::test::writeTree(m_project, {{QStringLiteral("compose.yaml"),
                                         "services:\n  web:\n    image: busybox:1.36\n"
                                         "    command: [\"httpd\", \"-f\"]\n    ports: [\"8080:80\"]\n"}});
    }
    void init()
    {
        m_docker = std::make_unique<ScriptedRuntime>(QStringLiteral("docker"));
        m_kube = std::make_unique<ScriptedRuntime>(QStringLiteral("kubernetes"));
        openStore();
        makeOrchestrator();
    }
    void cleanup()
    {
        m_orch.reset();
        m_fetcher.reset();
        m_store.reset();
    }

    void runGoesThroughEveryPhaseAndStops()
    {
        QSignalSpy updates(m_orch.get(), &Orchestrator::runUpdated);
        auto started = m_orch->start(options());
        QVERIFY(started.has_value());
        QVERIFY(!started->existing);
        const QString id = started->run.id;
        QTRY_COMPARE(state(id), RunState::Ready);
        const RunRecord ready = *m_orch->run(id);
        QCOMPARE(phaseNames(ready),
                 QStringLiteral("QUEUED FETCHING BUILDING LOADING DEPLOYING READY").split(QLatin1Char(' ')));
        for (int i = 0; i + 1 < ready.phases.size(); ++i)
            QVERIFY2(ready.phases.at(i).finishedAt.isValid(),
                     qPrintable(stateName(ready.phases.at(i).phase)));
        QCOMPARE(ready.runtime, QStringLiteral("docker"));
        QCOMPARE(ready.mode, QStringLiteral("compose"));
        QCOMPARE(ready.details.value(QStringLiteral("endpoints")).toArray().size(), 1);
        QVERIFY(updates.size() >= 6);

        auto stopped = m_orch->stop(id);
        QTRY_VERIFY(stopped.isFinished());
        QCOMPARE(stopped.result()->state, RunState::Stopped);
        QCOMPARE(m_docker->tornDown, QStringList{id});
        // Persisted, with the runtime's log line and the phases.
        const RunRecord onDisk = stored(id);
        QCOMPARE(onDisk.state, RunState::Stopped);
        QVERIFY(phaseNames(onDisk).contains(QStringLiteral("STOPPING")));
        const auto logs = await(m_store->logs(id, QStringLiteral("web")));
        QCOMPARE(logs->size(), 1);
        QCOMPARE(logs->first().text, QStringLiteral("listening on :80"));
    }

    void idempotencyKeyReturnsTheSameRun()
    {
        auto first = m_orch->start(options(QStringLiteral("key-1")));
        auto second = m_orch->start(options(QStringLiteral("key-1")));
        QVERIFY(first && second);
        QCOMPARE(second->run.id, first->run.id);
        QVERIFY(second->existing);
        QTRY_COMPARE(state(first->run.id), RunState::Ready);
        // Still the same run once it is finished: a retried message never starts two.
        auto stopped = m_orch->stop(first->run.id);
        QTRY_VERIFY(stopped.isFinished());
        auto third = m_orch->start(options(QStringLiteral("key-1")));
        QCOMPARE(third->run.id, first->run.id);
        QCOMPARE(m_docker->deployed.size(), 1);
    }

    void identicalActiveRunIsReusedUnlessReplaced()
    {
        auto first = m_orch->start(options());
        auto again = m_orch->start(options());
        QCOMPARE(again->run.id, first->run.id);
        QVERIFY(again->existing);
        StartOptions other = options();
        other.request.services = {QStringLiteral("web")};
        auto different = m_orch->start(other);
        QVERIFY(different->run.id != first->run.id);

        StartOptions replace = options();
        replace.replace = true;
        auto replaced = m_orch->start(replace);
        QVERIFY(!replaced->existing);
        QVERIFY(replaced->run.id != first->run.id);
        QTRY_COMPARE(state(first->run.id), RunState::Stopped);
        QTRY_COMPARE(state(replaced->run.id), RunState::Ready);
        QTRY_COMPARE(state(different->run.id), RunState::Ready);
    }

    void stopDuringDeployCancelsTheRollout()
    {
        m_docker->holdDeploy = true;
        auto started = m_orch->start(options());
        const QString id = started->run.id;
        QTRY_COMPARE(state(id), RunState::Deploying);
        auto stopped = m_orch->stop(id);
        QTRY_VERIFY(stopped.isFinished());
        QCOMPARE(stopped.result()->state, RunState::Stopped);
        QCOMPARE(m_docker->cancelled, QStringList{id});
        QCOMPARE(m_docker->tornDown, QStringList{id});
        QVERIFY(!m_orch->run(id)->diagnosis.has_value());
    }

    void failureRecordsPhaseDiagnosisAndLastLines()
    {
        m_docker->deployError =
            core::makeError(core::ErrorCategory::Docker, QStringLiteral("docker.container_exited"),
                            QStringLiteral("Service web exited with code 1."));
        QSignalSpy failed(m_orch.get(), &Orchestrator::runFailed);
        auto started = m_orch->start(options());
        const QString id = started->run.id;
        QTRY_COMPARE(state(id), RunState::Failed);
        const RunRecord run = *m_orch->run(id);
        QVERIFY(run.diagnosis.has_value());
        QCOMPARE(run.diagnosis->phase, QStringLiteral("DEPLOYING"));
        QCOMPARE(run.diagnosis->code, QStringLiteral("docker.container_exited"));
        QCOMPARE(run.diagnosis->summary, QStringLiteral("Service web exited with code 1."));
        QVERIFY(run.diagnosis->lastLines.contains(QStringLiteral("[web] listening on :80")));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(1).value<core::Error>().category, core::ErrorCategory::Docker);
        QTRY_COMPARE(m_docker->tornDown, QStringList{id});
        QCOMPARE(stored(id).diagnosis->phase, QStringLiteral("DEPLOYING"));
    }

    // keepOnFailure: the failed run keeps its resources (no teardown) and stays stoppable, also
    // after an engine restart (reconciliation neither sweeps nor re-fails it); stop removes them
    // and the run stays FAILED with its diagnosis. Without it a failure cleans up (above).
    void keepOnFailureKeepsResourcesUntilStop()
    {
        m_docker->deployError = core::makeError(core::ErrorCategory::Docker, QStringLiteral("run.exited"),
                                                QStringLiteral("Service web exited with code 1."));
        StartOptions o = options();
        o.request.keepOnFailure = true;
        auto started = m_orch->start(o);
        QVERIFY(started.has_value());
        const QString id = started->run.id;
        QTRY_COMPARE(state(id), RunState::Failed);
        QVERIFY(m_orch->run(id)->details.value(QStringLiteral("kept")).toBool());
        QVERIFY(RunJson::fromRecord(*m_orch->run(id)).value(QStringLiteral("kept")).toBool());
        QTest::qWait(100); // a teardown would be a queued call away
        QVERIFY(m_docker->tornDown.isEmpty());
        QCOMPARE(m_orch->activeCount(), 1);

        await(m_store->flush());
        m_orch.reset(); // the engine restarts
        m_docker->live = {id};
        m_fetcher = std::make_unique<source::Fetcher>();
        m_orch =
            std::make_unique<Orchestrator>(m_store.get(), m_fetcher.get(), nullptr, m_docker.get(), nullptr);
        QSignalSpy done(m_orch.get(), &Orchestrator::reconciled);
        QVERIFY(await(m_orch->initialize()).has_value());
        QTRY_COMPARE(done.size(), 1);
        QVERIFY(m_docker->tornDown.isEmpty()); // not an orphan
        QCOMPARE(state(id), RunState::Failed);
        QCOMPARE(m_orch->run(id)->diagnosis->code, QStringLiteral("run.exited"));

        const auto stopped = await(m_orch->stop(id));
        QVERIFY(stopped.has_value());
        QCOMPARE(stopped->state, RunState::Failed);
        QVERIFY(!stopped->details.contains(QStringLiteral("kept")));
        QCOMPARE(m_docker->tornDown, QStringList{id});
        QTRY_COMPARE(m_orch->activeCount(), 0);
        QCOMPARE(stored(id).diagnosis->summary, QStringLiteral("Service web exited with code 1."));
        QVERIFY(!stored(id).details.contains(QStringLiteral("kept")));
    }

    // A token in the source URL and `--set` values are secrets: neither is kept in the record,
    // sent to clients (RunJson, which every subscriber gets) or logged; only the values' names
    // are shown. The values stay in the private store, which planning again after a restart needs.
    void secretsNeverLeaveTheirPlace()
    {
        static QStringList messages;
        messages.clear();
        const auto previous = qInstallMessageHandler(
            [](QtMsgType, const QMessageLogContext &, const QString &m) { messages << m; });
        auto restore = qScopeGuard([previous] { qInstallMessageHandler(previous); });
        QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*=true"));

        StartOptions o = options();
        o.request.values.insert(QStringLiteral("API_KEY"), QStringLiteral("s3cret-value"));
        auto started = m_orch->start(o);
        QVERIFY(started.has_value());
        const QString id = started->run.id;
        QTRY_COMPARE(state(id), RunState::Ready);
        const QByteArray sent = QJsonDocument(RunJson::fromRecord(*m_orch->run(id))).toJson();
        QVERIFY(!sent.contains("s3cret-value"));
        QVERIFY(sent.contains("API_KEY"));
        QCOMPARE(
            RunJson::fromRecord(*m_orch->run(id))[QStringLiteral("request")][QStringLiteral("valueNames")]
                .toArray(),
            QJsonArray{QStringLiteral("API_KEY")});
        const auto logs = await(m_store->logs(id, std::nullopt));
        for (const LogLine &l : *logs)
            QVERIFY2(!l.text.contains(QStringLiteral("s3cret")), qPrintable(l.text));
        // The store keeps them, for planning the run again.
        QCOMPARE(RunJson::toRequest(stored(id).request).values.value(QStringLiteral("API_KEY")),
                 QStringLiteral("s3cret-value"));

        StartOptions remote = options();
        remote.request.source = QStringLiteral("https://alice:ghp_T0KEN@example.invalid/acme/app.git");
        auto withToken = m_orch->start(remote);
        QVERIFY(withToken.has_value());
        const QString remoteId = withToken->run.id;
        QTRY_VERIFY(isTerminal(state(remoteId))); // nothing answers there
        for (const RunRecord &r : {*m_orch->run(remoteId), stored(remoteId)}) {
            QCOMPARE(r.source, QStringLiteral("https://example.invalid/acme/app.git"));
            QVERIFY(!QJsonDocument(RunJson::fromRecord(r)).toJson().contains("T0KEN"));
            QVERIFY(!QJsonDocument(r.request).toJson().contains("T0KEN"));
        }
        for (const QString &m : std::as_const(messages)) {
            QVERIFY2(!m.contains(QStringLiteral("s3cret")) && !m.contains(QStringLiteral("T0KEN")),
                     qPrintable(m));
        }
        QVERIFY(!messages.isEmpty()); // the engine did log, and said nothing of them
    }

    void sourcesLoseTheirCredentials()
    {
        using source::SourceSpecParser;
        QCOMPARE(SourceSpecParser::withoutCredentials(QStringLiteral("https://u:t@github.com/o/r")),
                 QStringLiteral("https://github.com/o/r"));
        QCOMPARE(
            SourceSpecParser::withoutCredentials(QStringLiteral("https://ghp_x@github.com/o/r/tree/a@b")),
            QStringLiteral("https://github.com/o/r/tree/a@b"));
        QCOMPARE(SourceSpecParser::withoutCredentials(QStringLiteral("ssh://git:pw@host/o/r.git")),
                 QStringLiteral("ssh://git@host/o/r.git"));
        QCOMPARE(SourceSpecParser::withoutCredentials(QStringLiteral("git@github.com:o/r.git")),
                 QStringLiteral("git@github.com:o/r.git"));
        QCOMPARE(SourceSpecParser::withoutCredentials(QStringLiteral("/home/me/project")),
                 QStringLiteral("/home/me/project"));
    }

    void badSourceFailsInFetching()
    {
        StartOptions o = options();
        o.request.source = m_dir.filePath(QStringLiteral("does-not-exist"));
        auto started = m_orch->start(o);
        if (!started)
            return; // refused up front: also a clear answer
        QTRY_COMPARE(state(started->run.id), RunState::Failed);
        QCOMPARE(m_orch->run(started->run.id)->diagnosis->phase, QStringLiteral("FETCHING"));
    }

    void autoPrefersKubernetesOnlyWhenItAnswers()
    {
        m_orch.reset();
        makeOrchestrator(true);
        m_kube->probeOk = false;
        auto a = m_orch->start(options());
        QTRY_COMPARE(state(a->run.id), RunState::Ready);
        QCOMPARE(m_orch->run(a->run.id)->runtime, QStringLiteral("docker"));
        m_kube->probeOk = true;
        StartOptions o = options();
        o.request.services = {QStringLiteral("web")}; // not identical to the first
        auto b = m_orch->start(o);
        QTRY_COMPARE(state(b->run.id), RunState::Ready);
        QCOMPARE(m_orch->run(b->run.id)->runtime, QStringLiteral("kubernetes"));
        QCOMPARE(m_kube->deployed, QStringList{b->run.id});
    }

    void chooseRuntimeSaysWhereAndWhy()
    {
        m_orch.reset();
        makeOrchestrator(true);
        m_kube->probeOk = false;
        const RuntimeChoice fallback = await(m_orch->chooseRuntime(QString()));
        QCOMPARE(fallback.runtime, QStringLiteral("docker"));
        QVERIFY2(fallback.reason.contains(QStringLiteral("no cluster")), qPrintable(fallback.reason));
        m_kube->probeOk = true;
        const RuntimeChoice preferred = await(m_orch->chooseRuntime(QStringLiteral("auto")));
        QCOMPARE(preferred.runtime, QStringLiteral("kubernetes"));
        QCOMPARE(preferred.target, m_kube->target());
        QCOMPARE(await(m_orch->chooseRuntime(QStringLiteral("docker"))).runtime, QStringLiteral("docker"));
        const RuntimeChoice unknown = await(m_orch->chooseRuntime(QStringLiteral("podman")));
        QVERIFY(unknown.runtime.isEmpty());
        QVERIFY2(unknown.reason.contains(QStringLiteral("podman")), qPrintable(unknown.reason));
        // Without a Kubernetes runtime, asking for it says so instead of choosing Docker.
        m_orch.reset();
        makeOrchestrator(false);
        const RuntimeChoice missing = await(m_orch->chooseRuntime(QStringLiteral("kubernetes")));
        QVERIFY(missing.runtime.isEmpty());
        QVERIFY2(missing.reason.contains(QStringLiteral("not available")), qPrintable(missing.reason));
    }

    // The file a /blob/ URL names is the one planned: a compose file over the detected one,
    // or a Dockerfile (Dockerfile mode).
    void blobFileIsTheOnePlanned()
    {
        QTemporaryDir dir;
        rr::test::writeTree(
            dir.path(),
            {{QStringLiteral("compose.yaml"), "services:\n  main:\n    image: busybox:1.36\n"},
             {QStringLiteral("docker-compose.prod.yml"), "services:\n  prod:\n    image: busybox:1.36\n"},
             {QStringLiteral("tools.Dockerfile"), "FROM busybox:1.36\n"}});
        source::Checkout checkout;
        checkout.projectDir = dir.path();
        checkout.worktree = dir.path();
        checkout.selectedFile = QStringLiteral("docker-compose.prod.yml");
        auto compose = PlanBuilder::build(checkout, {});
        QVERIFY2(compose.has_value(), qPrintable(compose ? QString() : compose.error().message));
        QCOMPARE(compose->plan.services.size(), 1);
        QCOMPARE(compose->plan.services.first().name, QStringLiteral("prod"));

        checkout.selectedFile = QStringLiteral("tools.Dockerfile");
        auto dockerfile = PlanBuilder::build(checkout, {});
        QVERIFY2(dockerfile.has_value(), qPrintable(dockerfile ? QString() : dockerfile.error().message));
        QCOMPARE(dockerfile->mode, project::ProjectMode::Dockerfile);
        QVERIFY(dockerfile->plan.services.first().build.has_value());
        QCOMPARE(dockerfile->plan.services.first().build->dockerfile, QStringLiteral("tools.Dockerfile"));
    }

    // Idempotent start: the same inputs return the run; any plan option that differs starts another.
    void identicalRequestsShareARunOthersDoNot()
    {
        StartOptions a = options();
        a.request.values = {{QStringLiteral("TAG"), QStringLiteral("1")}};
        auto first = m_orch->start(a);
        QVERIFY(first.has_value());
        auto same = m_orch->start(a);
        QVERIFY(same.has_value() && same->existing);
        QCOMPARE(same->run.id, first->run.id);
        QVERIFY(!first->run.dedupeKey.contains(QStringLiteral("TAG=1"))); // values only as a digest
        const QList<std::function<void(StartOptions &)>> changes = {
            [](StartOptions &o) {
                o.request.values = {{QStringLiteral("TAG"), QStringLiteral("2")}};
            },
            [](StartOptions &o) { o.request.offline = true; },
            [](StartOptions &o) { o.request.fastProbes = true; },
            [](StartOptions &o) { o.request.keepOnFailure = true; },
            [](StartOptions &o) { o.request.allowUnsafe = true; },
            [](StartOptions &o) { o.request.primaryService = QStringLiteral("web"); },
            [](StartOptions &o) { o.request.profiles = {QStringLiteral("debug")}; },
            [](StartOptions &o) { o.request.composeFiles = {QStringLiteral("compose.yaml")}; },
            [](StartOptions &o) { o.runtime = QStringLiteral("docker"); },
        };
        QSet<QString> ids{first->run.id};
        for (const auto &change : changes) {
            StartOptions o = a;
            change(o);
            auto other = m_orch->start(o);
            QVERIFY(other.has_value());
            QVERIFY(!other->existing);
            QVERIFY(!ids.contains(other->run.id));
            ids.insert(other->run.id);
        }
    }

    // Same request, same commit: the existing run. The branch moved on: a new run. The handler
    // asks the remote (refs only) before it answers, against a real `git daemon`.
    void movedBranchIsANewRun()
    {
        rr::test::GitServer server;
        rr::test::ScratchRepo repo(QStringLiteral("trunk"));
        repo.commit({{QStringLiteral("compose.yaml"), "services:\n  web:\n    image: busybox:1.36\n"}});
        const QString bare = server.root() + QStringLiteral("/o/moving.git");
        QVERIFY2(repo.publish(bare, QStringLiteral("trunk")), qPrintable(repo.error()));
        QVERIFY2(server.startDaemon(), qPrintable(server.errorString()));
        QTemporaryDir cache;
        source::FetchOptions fetchOptions;
        fetchOptions.cacheDir = cache.path();
        m_orch->setFetchOptions(fetchOptions);
        control::RunControlHandler handler(m_orch.get(), m_fetcher.get());
        const QJsonObject params{
            {QStringLiteral("source"), server.daemonUrl(QStringLiteral("o/moving.git"))},
            {QStringLiteral("options"), QJsonObject{{QStringLiteral("runtime"), QStringLiteral("docker")}}}};
        auto start = [&]() -> QJsonObject {
            auto f = handler.handle(ipc::method::Start, params);
            QDeadlineTimer deadline(10000);
            while (!f.isFinished() && !deadline.hasExpired())
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            return f.isFinished() ? f.result().value_or(QJsonValue()).toObject() : QJsonObject();
        };
        const QString first =
            start().value(QStringLiteral("run")).toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!first.isEmpty());
        QTRY_COMPARE(state(first), RunState::Ready);
        const QJsonObject same = start();
        QCOMPARE(same.value(QStringLiteral("run")).toObject().value(QStringLiteral("id")).toString(), first);
        QVERIFY(same.value(QStringLiteral("existing")).toBool());

        const QString moved = repo.commit({{QStringLiteral("README"), "moved on"}});
        QVERIFY(repo.publish(bare, QStringLiteral("trunk")));
        const QJsonObject next = start();
        const QString second =
            next.value(QStringLiteral("run")).toObject().value(QStringLiteral("id")).toString();
        QVERIFY(!next.value(QStringLiteral("existing")).toBool());
        QVERIFY(second != first);
        QTRY_COMPARE(state(second), RunState::Ready);
        QCOMPARE(m_orch->run(second)->commit, moved);
        QVERIFY(m_orch->run(first)->commit != moved);
        QCOMPARE(start().value(QStringLiteral("run")).toObject().value(QStringLiteral("id")).toString(),
                 second);
    }

    void reconciliationMakesEveryStateTrue()
    {
        // Leave runs in several states, as a killed engine would.
        m_docker->holdDeploy = true;
        auto building = m_orch->start(options());
        QTRY_COMPARE(state(building->run.id), RunState::Deploying);
        m_docker->holdDeploy = false;
        StartOptions o = options();
        o.request.services = {QStringLiteral("web")};
        auto ready = m_orch->start(o);
        QTRY_COMPARE(state(ready->run.id), RunState::Ready);
        StartOptions p = options();
        p.request.profiles = {QStringLiteral("x")};
        p.ref = QString();
        p.request.dockerfile = QString();
        p.request.values.insert(QStringLiteral("A"), QStringLiteral("1"));
        p.request.services = {QStringLiteral("web"), QStringLiteral("web")};
        auto vanished = m_orch->start(p);
        QTRY_COMPARE(state(vanished->run.id), RunState::Ready);
        await(m_store->flush());
        m_orch.reset(); // the engine dies; nothing is torn down
        QVERIFY(m_docker->tornDown.isEmpty());

        m_docker = std::make_unique<ScriptedRuntime>(QStringLiteral("docker"));
        m_docker->live = {ready->run.id, vanished->run.id, building->run.id, QStringLiteral("orphan01")};
        m_docker->vanished = {vanished->run.id};
        m_fetcher = std::make_unique<source::Fetcher>();
        m_orch =
            std::make_unique<Orchestrator>(m_store.get(), m_fetcher.get(), nullptr, m_docker.get(), nullptr);
        QSignalSpy done(m_orch.get(), &Orchestrator::reconciled);
        auto init = m_orch->initialize();
        QVERIFY(await(init).has_value());
        QTRY_COMPARE(done.size(), 1);

        QTRY_COMPARE(state(building->run.id), RunState::Failed);
        QCOMPARE(m_orch->run(building->run.id)->diagnosis->code, QStringLiteral("run.interrupted"));
        QCOMPARE(m_orch->run(building->run.id)->diagnosis->phase, QStringLiteral("DEPLOYING"));
        QTRY_COMPARE(state(vanished->run.id), RunState::Failed);
        QVERIFY(m_orch->run(vanished->run.id)->diagnosis->summary.contains(QStringLiteral("vanished")));
        QCOMPARE(state(ready->run.id), RunState::Ready);
        QVERIFY(m_docker->attached.contains(ready->run.id));
        QTRY_VERIFY(m_docker->tornDown.contains(QStringLiteral("orphan01")));
        QTRY_VERIFY(m_docker->tornDown.contains(building->run.id));
        QVERIFY(!m_docker->tornDown.contains(ready->run.id));
        // The re-attached run can still be stopped.
        auto stopped = m_orch->stop(ready->run.id);
        QTRY_VERIFY(stopped.isFinished());
        QCOMPARE(stopped.result()->state, RunState::Stopped);
    }

    void buildQueueLimitsParallelBuilds()
    {
        BuildQueue queue(2);
        QStringList started;
        for (const char *id : {"a", "b", "c", "d"})
            queue.acquire(QString::fromLatin1(id), [&started, id] { started << QString::fromLatin1(id); });
        QCOMPARE(started, QStringLiteral("a b").split(QLatin1Char(' ')));
        QCOMPARE(queue.waiting(), 2);
        queue.release(QStringLiteral("c")); // leaves the queue without ever building
        queue.release(QStringLiteral("a"));
        QCOMPARE(started, QStringLiteral("a b d").split(QLatin1Char(' ')));
        queue.release(QStringLiteral("b"));
        queue.release(QStringLiteral("d"));
        QCOMPARE(queue.running(), 0);
        queue.setLimit(1);
        queue.acquire(QStringLiteral("e"), [&started] { started << QStringLiteral("e"); });
        queue.acquire(QStringLiteral("f"), [&started] { started << QStringLiteral("f"); });
        QCOMPARE(started.size(), 4);
        queue.setLimit(3);
        QCOMPARE(started.size(), 5);
    }

    void controlHandlerMapsTheMethods()
    {
        control::RunControlHandler handler(m_orch.get(), m_fetcher.get());
        auto call = [&handler](const QString &method, const QJsonObject &params) -> ipc::HandlerResult {
            auto f = handler.handle(method, params);
            QDeadlineTimer deadline(10000);
            while (!f.isFinished() && !deadline.hasExpired())
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            return f.isFinished() ? f.result()
                                  : core::Unexpected(core::makeError(core::ErrorCategory::Internal,
                                                                     QStringLiteral("timeout"),
                                                                     QStringLiteral("no answer")));
        };
        auto hello = call(ipc::method::Hello, {});
        QCOMPARE(hello->toObject().value(QStringLiteral("protocol")).toInt(), ipc::kProtocolVersion);
        auto detect = call(ipc::method::Detect, {{QStringLiteral("source"), m_project}});
        QVERIFY(detect.has_value());
        QVERIFY(detect->toObject().value(QStringLiteral("compose")).toBool());
        const QJsonObject startParams{
            {QStringLiteral("source"), m_project},
            {QStringLiteral("options"), QJsonObject{{QStringLiteral("idempotencyKey"), QStringLiteral("k")},
                                                    {QStringLiteral("runtime"), QStringLiteral("docker")}}}};
        auto started = call(ipc::method::Start, startParams);
        QVERIFY(started.has_value());
        const QString id = started->toObject()
                               .value(QStringLiteral("run"))
                               .toObject()
                               .value(QStringLiteral("id"))
                               .toString();
        auto retried = call(ipc::method::Start, startParams);
        QCOMPARE(retried->toObject()
                     .value(QStringLiteral("run"))
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString(),
                 id);
        QVERIFY(retried->toObject().value(QStringLiteral("existing")).toBool());
        QTRY_COMPARE(state(id), RunState::Ready);
        auto list = call(ipc::method::List, {});
        QCOMPARE(list->toObject().value(QStringLiteral("runs")).toArray().size(), 1);
        auto get = call(ipc::method::Get, {{QStringLiteral("runId"), id}});
        QCOMPARE(
            get->toObject().value(QStringLiteral("run")).toObject().value(QStringLiteral("state")).toString(),
            QStringLiteral("READY"));
        auto preview = call(ipc::method::OpenPreview, {{QStringLiteral("runId"), id}});
        QCOMPARE(preview->toObject().value(QStringLiteral("url")).toString(),
                 QStringLiteral("http://127.0.0.1:18080/"));
        auto logs = call(ipc::method::Logs,
                         {{QStringLiteral("runId"), id}, {QStringLiteral("service"), QStringLiteral("web")}});
        QCOMPARE(logs->toObject().value(QStringLiteral("lines")).toArray().size(), 1);
        auto settings = call(ipc::method::Settings,
                             {{QStringLiteral("set"), QJsonObject{{QStringLiteral("buildParallelism"), 4}}}});
        QCOMPARE(settings->toObject().value(QStringLiteral("buildParallelism")).toInt(), 4);
        QCOMPARE(m_orch->settings().buildParallelism, 4);
        QVERIFY(
            !call(ipc::method::Settings, {{QStringLiteral("set"), QJsonObject{{QStringLiteral("nope"), 1}}}})
                 .has_value());
        auto missing = call(ipc::method::Get, {{QStringLiteral("runId"), QStringLiteral("zzz")}});
        QCOMPARE(missing.error().code, QStringLiteral("run.not_found"));
        auto stopped = call(ipc::method::Stop, {{QStringLiteral("runId"), id}});
        QCOMPARE(stopped->toObject()
                     .value(QStringLiteral("run"))
                     .toObject()
                     .value(QStringLiteral("state"))
                     .toString(),
                 QStringLiteral("STOPPED"));
    }

    void removeRefusesActiveRunsAndDeletesFinishedOnes()
    {
        control::RunControlHandler handler(m_orch.get(), m_fetcher.get());
        auto call = [&handler](const QString &method, const QJsonObject &params) {
            return await(handler.handle(method, params)); // remove answers at once
        };
        const QString active = m_orch->start(options())->run.id;
        QTRY_COMPARE(state(active), RunState::Ready);
        // Removing an active run would orphan what it created: the user is told to stop it.
        auto refused = call(ipc::method::Remove, {{QStringLiteral("runId"), active}});
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().code, QStringLiteral("run.active"));
        QVERIFY2(refused.error().message.contains(QStringLiteral("stop it first")),
                 qPrintable(refused.error().message));
        QVERIFY(m_orch->run(active).has_value());
        QVERIFY(!call(ipc::method::Remove, {}).has_value()); // neither a run nor --all-stopped

        auto stopped = m_orch->stop(active);
        QTRY_VERIFY(stopped.isFinished());
        const QString second = m_orch->start(options(QStringLiteral("other")))->run.id;
        QTRY_COMPARE(state(second), RunState::Ready);
        QVERIFY(!await(m_store->logs(active)).value().isEmpty());

        auto removed = call(ipc::method::Remove, {{QStringLiteral("allStopped"), true}});
        QVERIFY(removed.has_value());
        QCOMPARE(removed->toObject().value(QStringLiteral("removed")).toArray(), QJsonArray{active});
        QVERIFY(!m_orch->run(active).has_value());
        QVERIFY(m_orch->run(second).has_value()); // the READY run stays
        // History and stored logs are gone from the database, not only from memory.
        await(m_store->flush());
        QVERIFY(!await(m_store->run(active)).has_value());
        QVERIFY(await(m_store->logs(active)).value().isEmpty());
        auto again = call(ipc::method::Remove, {{QStringLiteral("runId"), active}});
        QCOMPARE(again.error().code, QStringLiteral("run.not_found"));
    }

    void pruneSettingsAreValidated()
    {
        control::RunControlHandler handler(m_orch.get(), m_fetcher.get());
        auto f = handler.handle(ipc::method::Settings,
                                {{QStringLiteral("set"), QJsonObject{{QStringLiteral("keepImages"), 5},
                                                                     {QStringLiteral("gitCacheDays"), 7}}}});
        QTRY_VERIFY(f.isFinished());
        QVERIFY(f.result().has_value());
        QCOMPARE(m_orch->settings().retention.keepImages, 5);
        QCOMPARE(m_orch->settings().retention.gitCacheDays, 7);
        OrchestratorSettings bad = m_orch->settings();
        bad.retention.imageDays = -1;
        QVERIFY(!m_orch->setSettings(bad).has_value());
    }

    // The settings' quota is the one a run starting now is planned with: its container default
    // becomes the service's memory limit, and it stays the run's when the settings change later.
    void quotaSettingsReachTheRunsPlan()
    {
        OrchestratorSettings s = m_orch->settings();
        s.quota.defaultMemory = 96LL * 1024 * 1024;
        s.quota.defaultRequestMemory = 64LL * 1024 * 1024;
        s.quota.defaultCpuMilli = 250;
        QVERIFY(m_orch->setSettings(s).has_value());
        const QString id = m_orch->start(options())->run.id;
        QTRY_COMPARE(state(id), RunState::Ready);
        QCOMPARE(m_docker->lastPlan.sandbox.quota, s.quota);
        QCOMPARE(m_docker->lastPlan.services.size(), 1);
        QCOMPARE(m_docker->lastPlan.services.first().resources.memoryLimit, 96LL * 1024 * 1024);
        QCOMPARE(m_docker->lastPlan.services.first().resources.cpuLimitMilli, 250);
        // Kept with the run: a restarted engine plans it again with the same quota.
        QCOMPARE(RunJson::toQuota(stored(id).request.value(QStringLiteral("quota"))), s.quota);

        OrchestratorSettings later = m_orch->settings();
        later.quota.defaultMemory = 128LL * 1024 * 1024;
        QVERIFY(m_orch->setSettings(later).has_value());
        QCOMPARE(RunJson::toQuota(stored(id).request.value(QStringLiteral("quota"))).defaultMemory,
                 96LL * 1024 * 1024);

        // The control API's plan (what the new-run flow shows) uses the same quota.
        later.quota.limitsMemory = 1536LL * 1024 * 1024;
        QVERIFY(m_orch->setSettings(later).has_value());
        control::RunControlHandler handler(m_orch.get(), m_fetcher.get());
        auto planned = handler.handle(ipc::method::Plan, {{QStringLiteral("source"), m_project}});
        QTRY_VERIFY(planned.isFinished());
        QVERIFY(planned.result().has_value());
        QString quotaMemory;
        for (const QJsonValue &m : planned.result()->toObject().value(QStringLiteral("manifests")).toArray())
            if (m.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("ResourceQuota"))
                quotaMemory = m.toObject()
                                  .value(QStringLiteral("spec"))
                                  .toObject()
                                  .value(QStringLiteral("hard"))
                                  .toObject()
                                  .value(QStringLiteral("limits.memory"))
                                  .toString();
        QCOMPARE(quotaMemory, QStringLiteral("1536Mi"));
    }

    void quotaSettingsAreValidated()
    {
        const OrchestratorSettings before = m_orch->settings();
        OrchestratorSettings bad = before;
        bad.quota.defaultMemory = bad.quota.limitsMemory + 1; // one container above the run's limit
        QCOMPARE(m_orch->setSettings(bad).error().code, QStringLiteral("settings.bad_quota"));
        bad = before;
        bad.quota.defaultMemory = 1024 * 1024; // below the smallest container the planner makes
        QVERIFY(!m_orch->setSettings(bad).has_value());
        bad = before;
        bad.quota.requestsCpuMilli = bad.quota.limitsCpuMilli + 1;
        QVERIFY(!m_orch->setSettings(bad).has_value());
        QCOMPARE(m_orch->settings().quota, before.quota);
        // A stored quota that no engine would accept plans with the defaults.
        QJsonObject stored = RunJson::fromQuota(before.quota);
        stored.insert(QStringLiteral("defaultMemory"), 1.0);
        QCOMPARE(RunJson::toQuota(stored), plan::QuotaSettings{});
        QCOMPARE(RunJson::toQuota(QJsonValue()), plan::QuotaSettings{});
    }
};

QTEST_GUILESS_MAIN(TestOrchestrator)
#include "test_orchestrator.moc"
