// Engine overhead on Kubernetes: a 5-service plan whose images are already in the cluster,
// from deploy() to READY with every forward live and the preview answering through it, then
// Stop until the namespace is gone. Side by side, on the same cluster, the kubectl path a user
// would otherwise take with the same rendered objects: `apply --server-side`, `rollout status`
// per Deployment, `delete namespace --wait`. kubectl starts no forwards here, so its "up" is a
// lower bound. The cluster is the test API server, or (REPORUNNER_TEST_CLUSTER=local) the real
// one of scripts/local-cluster.sh, where the images are built by Docker and pushed to its
// registry once before timing, and both sides run the same registry references.
#include "kube/kuberuntime.h"
#include "kuberender/kuberenderer.h"
#include "kuberender/yamlemitter.h"
#include "kubetestenv.h"
#include "test_clusterimages.h"
#include "test_kube_support.h"
#include "test_planfor.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace rr;
using rr::test::kubeapi::KubeTestEnv;

namespace {

// web -> api -> (db, cache), worker -> db: two dependency waves below the preview.
constexpr const char *Compose = R"(services:
  web:
    image: rr-bench/web:1
    ports: ["8080:80"]
    depends_on: [api]
  api:
    image: rr-bench/api:1
    expose: ["9000"]
    depends_on: [db, cache]
  worker:
    image: rr-bench/worker:1
    depends_on: [db]
  db:
    image: rr-bench/db:1
    expose: ["5432"]
  cache:
    image: rr-bench/cache:1
    expose: ["6379"]
)";

// The same topology with real programs, for a cluster whose pods run: every service is busybox
// httpd on its port (the worker on a port nobody forwards).
constexpr const char *RealCompose = R"(services:
  web:
    build: {context: ., args: {PORT: "80"}}
    ports: ["8080:80"]
    depends_on: [api]
  api:
    build: {context: ., args: {PORT: "9000"}}
    expose: ["9000"]
    depends_on: [db, cache]
  worker:
    build: {context: ., args: {PORT: "7000"}}
    depends_on: [db]
  db:
    build: {context: ., args: {PORT: "5432"}}
    expose: ["5432"]
  cache:
    build: {context: ., args: {PORT: "6379"}}
    expose: ["6379"]
)";
constexpr const char *RealDockerfile = R"(FROM busybox:1.36
ARG PORT
ENV PORT=$PORT
RUN mkdir /www && echo bench > /www/index.html
CMD ["sh", "-c", "exec httpd -f -p $PORT -h /www"]
)";

struct Timing
{
    double upMs = 0;
    double downMs = 0;
};

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

std::optional<Timing> ours(const KubeTestEnv &env, QNetworkAccessManager *nam, const plan::RunPlan &plan)
{
    kube::KubeOptions options;
    options.kubeconfigFiles = {env.kubeconfig()};
    options.allowedContexts = env.allowedContexts();
    // Simulated: the names were announced to the node. Real: the registry references are pulled
    // by the warm-up round and found on the node afterwards.
    options.imagePullPolicy = env.runsPods() ? QStringLiteral("IfNotPresent") : QStringLiteral("Never");
    options.imageLoader = [](const kube::ImageLoadRequest &) {
        // The images are already on the node.
        return core::promises::ready(core::Result<kube::ImageMap>(kube::ImageMap()));
    };
    kube::KubeRuntime runtime(nam, options);
    if (!test::awaitFuture(runtime.loadImages(plan), 60000))
        return std::nullopt;
    QElapsedTimer clock;
    clock.start();
    const auto deployed = test::awaitFuture(runtime.deploy(plan), 240000);
    if (!deployed) {
        std::fprintf(stderr, "deploy failed: %s\n", qPrintable(deployed.error().toString()));
        return std::nullopt;
    }
    runtime::Endpoint preview;
    for (const runtime::Endpoint &e : deployed->endpoints)
        preview = e.primary ? e : preview;
    const QByteArray answer = test::httpGetAt(preview.host, preview.localPort);
    if (!answer.startsWith("HTTP/1.") || !answer.contains(" 200 OK")) // busybox httpd says 1.1
        return std::nullopt;
    Timing t;
    t.upMs = msSince(clock);
    clock.restart();
    if (!test::awaitFuture(runtime.teardown(plan.runId), 120000))
        return std::nullopt;
    t.downMs = msSince(clock);
    return t;
}

// The local cluster's own kubectl (built with it), else the one on PATH; empty when neither.
QString kubectlProgram(const KubeTestEnv &env)
{
    return env.kubectl().isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("kubectl"))
                                   : env.kubectl();
}

bool kubectl(const KubeTestEnv &env, const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(kubectlProgram(env), QStringList{QStringLiteral("--kubeconfig"), env.kubeconfig()} + args);
    if (!p.waitForFinished(180000) && p.error() == QProcess::FailedToStart)
        std::fprintf(stderr, "kubectl could not start: %s\n", qPrintable(p.errorString()));
    p.readAllStandardOutput();
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

std::optional<Timing> withKubectl(const KubeTestEnv &env, const plan::RunPlan &plan, const QString &dir)
{
    const QString file = dir + QStringLiteral("/objects-") + plan.runId + QStringLiteral(".yaml");
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(kuberender::toYamlStream(kuberender::KubeRenderer::render(plan))) < 0)
        return std::nullopt;
    out.close();
    const QString ns = plan.namespaceName;
    QElapsedTimer clock;
    clock.start();
    if (!kubectl(env, {QStringLiteral("apply"), QStringLiteral("--server-side"),
                       QStringLiteral("--validate=false"), QStringLiteral("-f"), file}))
        return std::nullopt;
    for (const plan::ServicePlan &s : plan.services)
        if (!kubectl(env, {QStringLiteral("rollout"), QStringLiteral("status"), QStringLiteral("-n"), ns,
                           QStringLiteral("deployment/") + s.name, QStringLiteral("--timeout=120s")}))
            return std::nullopt;
    Timing t;
    t.upMs = msSince(clock);
    clock.restart();
    if (!kubectl(env, {QStringLiteral("delete"), QStringLiteral("namespace"), ns, QStringLiteral("--wait")}))
        return std::nullopt;
    t.downMs = msSince(clock);
    return t;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int rounds = app.arguments().contains(QStringLiteral("--smoke")) ? 1 : 3;
    KubeTestEnv env;
    QString error;
    if (!env.start(&error)) {
        std::fprintf(stderr, "no cluster: %s\n", qPrintable(error));
        return 1;
    }
    if (!env.isSimulated() && !env.runsPods()) {
        std::fprintf(stderr, "skipped: kwok fakes the pods, so there is no READY to time\n");
        return 77;
    }
    // The comparison side is kubectl: without it there is no figure to print next to ours.
    if (kubectlProgram(env).isEmpty()) {
        std::fprintf(stderr,
                     "bench_kube_ready: kubectl is not installed (Debian package kubernetes-client) and "
                     "the cluster brings none\n");
        return 1;
    }
    test::TinyHttpServer pods("bench");
    const QString target = QStringLiteral("127.0.0.1:%1").arg(pods.serverPort());
    if (env.isSimulated())
        for (int port : {80, 9000, 5432, 6379})
            env.control(QStringLiteral("forward"),
                        {{QStringLiteral("port"), port}, {QStringLiteral("target"), target}});
    QTemporaryDir dir;
    QFile compose(dir.filePath(QStringLiteral("compose.yaml")));
    if (!compose.open(QIODevice::WriteOnly) || compose.write(env.runsPods() ? RealCompose : Compose) < 0)
        return 1;
    compose.close();
    QFile dockerfile(dir.filePath(QStringLiteral("Dockerfile")));
    if (!dockerfile.open(QIODevice::WriteOnly) || dockerfile.write(RealDockerfile) < 0)
        return 1;
    dockerfile.close();

    // Images reach the cluster before anything is timed; both sides then run the same references.
    QNetworkAccessManager nam;
    test::ClusterImages images(env);
    if (const QString why = images.prepare(); !why.isEmpty()) {
        std::fprintf(stderr, "cannot build the images: %s\n", qPrintable(why));
        return 1;
    }
    kube::ImageMap delivered;
    {
        kube::KubeOptions options;
        options.kubeconfigFiles = {env.kubeconfig()};
        options.allowedContexts = env.allowedContexts();
        options.imageLoader = images.loader();
        kube::KubeRuntime loader(&nam, options);
        const plan::RunPlan warm = test::planFor(dir.path(), QStringLiteral("warm"));
        if (!images.load(loader, warm))
            return 1;
        if (env.runsPods()) {
            const auto map = images.deliveredMap(warm);
            if (!map) {
                std::fprintf(stderr, "delivery to the cluster's registry failed\n");
                return 1;
            }
            delivered = *map;
        }
    }
    const auto planFor = [&](const QString &runId) {
        return delivered.apply(test::planFor(dir.path(), runId));
    };

    QList<double> ourUp, ourDown, kubectlUp, kubectlDown;
    // Where pods run, a first round of each side warms the node (image unpacking) and is not counted.
    const int first = env.runsPods() ? -1 : 0;
    for (int i = first; i < rounds; ++i) {
        const auto a = ours(env, &nam, planFor(QStringLiteral("rr%1").arg(i + 1)));
        const auto b = withKubectl(env, planFor(QStringLiteral("kc%1").arg(i + 1)), dir.path());
        if (!a || !b) {
            std::fprintf(stderr, "a round failed (ours %s, kubectl %s)\n", a ? "ok" : "failed",
                         b ? "ok" : "failed");
            return 1;
        }
        if (i < 0)
            continue;
        ourUp << a->upMs;
        ourDown << a->downMs;
        kubectlUp << b->upMs;
        kubectlDown << b->downMs;
    }
    const int settle = kube::KubeOptions{}.settleMilliseconds;
    std::printf(
        "bench_kube_ready: 5 services (2 dependency waves), images already loaded, median of %d, on %s\n",
        rounds,
        env.isSimulated()
            ? "the test API server"
            : qPrintable(QStringLiteral("a real cluster (%1 node)")
                             .arg(env.nodeMode().isEmpty() ? QStringLiteral("external") : env.nodeMode())));
    std::printf("                              ours      kubectl\n");
    std::printf(
        "  up (READY, preview answers) %7.0f ms  %7.0f ms  (ours includes the %d ms settle window,\n"
        "                                                 waves in depends_on order and live forwards)\n",
        median(ourUp), median(kubectlUp), settle);
    std::printf("  engine overhead beyond settle %5.0f ms\n", median(ourUp) - settle);
    std::printf("  down (namespace gone)       %7.0f ms  %7.0f ms\n", median(ourDown), median(kubectlDown));
    return 0;
}
