// Plan benchmark: detect + parse + plan (+ render) time for generated compose projects of
// growing size and for every bundled example, next to `docker-compose config` (the parse
// and normalise step a Compose user would otherwise run) on the same files.
#include "kuberender/kuberenderer.h"
#include "runs/planbuilder.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
}

// A realistic service mix: builds, ports, env, healthchecks, volumes and a dependency chain.
void generateProject(const QString &dir, int services)
{
    QByteArray yaml = "services:\n";
    for (int i = 0; i < services; ++i) {
        const QByteArray n = QByteArray::number(i);
        yaml += "  svc" + n + ":\n";
        yaml += "    build:\n      context: ./svc" + n + "\n      args:\n        VERSION: ${VERSION:-1." + n +
                "}\n";
        yaml += "    ports:\n      - \"" + QByteArray::number(20000 + i) + ":8080\"\n";
        yaml += "    environment:\n      INDEX: \"" + n + "\"\n      MODE: ${MODE:-bench}\n";
        yaml += "    volumes:\n      - data" + n + ":/data\n";
        yaml += "    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 5s\n";
        if (i > 0)
            yaml += "    depends_on:\n      svc" + QByteArray::number(i - 1) +
                    ":\n        condition: service_healthy\n";
        writeFile(
            dir + QStringLiteral("/svc%1/Dockerfile").arg(i),
            "FROM busybox:1.36\nARG VERSION\nEXPOSE 8080 9090/udp\nUSER 1000\nCMD [\"httpd\",\"-f\"]\n");
    }
    yaml += "volumes:\n";
    for (int i = 0; i < services; ++i)
        yaml += "  data" + QByteArray::number(i) + ": {}\n";
    writeFile(dir + QStringLiteral("/compose.yaml"), yaml);
}

struct Timing
{
    double medianMs = 0;
    double minMs = 0;
    int objects = 0;
};

Timing timeOurs(const QString &dir, int reps)
{
    rr::source::Checkout checkout;
    checkout.projectDir = dir;
    checkout.worktree = dir;
    checkout.spec.owner = QStringLiteral("bench");
    checkout.spec.repo = QFileInfo(dir).fileName();
    rr::runs::PlanRequest request;
    request.runId = QStringLiteral("bench0001");
    QList<double> samples;
    Timing t;
    for (int r = 0; r < reps; ++r) {
        QElapsedTimer timer;
        timer.start();
        auto prepared = rr::runs::PlanBuilder::build(checkout, request);
        if (!prepared)
            qFatal("plan failed for %s: %s", qPrintable(dir), qPrintable(prepared.error().toString()));
        t.objects = int(rr::kuberender::KubeRenderer::render(prepared->plan).size());
        samples << double(timer.nsecsElapsed()) / 1e6;
    }
    std::sort(samples.begin(), samples.end());
    t.medianMs = samples.at(samples.size() / 2);
    t.minMs = samples.first();
    return t;
}

// docker-compose 1.29 needs no daemon for `config`; -1 when it is not installed.
double timeCompose(const QString &dir, int reps)
{
    const QString exe = QStandardPaths::findExecutable(QStringLiteral("docker-compose"));
    if (exe.isEmpty())
        return -1;
    QList<double> samples;
    for (int r = 0; r < reps; ++r) {
        QProcess p;
        p.setWorkingDirectory(dir);
        QElapsedTimer timer;
        timer.start();
        p.start(exe, {QStringLiteral("config"), QStringLiteral("-q")});
        p.waitForFinished(120000);
        if (p.exitCode() != 0)
            return -1;
        samples << double(timer.nsecsElapsed()) / 1e6;
    }
    std::sort(samples.begin(), samples.end());
    return samples.at(samples.size() / 2);
}

void row(const QString &name, int services, const Timing &ours, double compose)
{
    std::printf("%-26s %8d %10.2f %10.2f %8d %14s\n", qPrintable(name), services, ours.medianMs, ours.minMs,
                ours.objects, compose < 0 ? "n/a" : qPrintable(QString::number(compose, 'f', 1)));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*.debug=false\nreporunner.*.info=false"));
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const int reps = smoke ? 1 : 15;
    const int composeReps = smoke ? 0 : 3;
    const QList<int> sizes = smoke ? QList<int>{5, 50} : QList<int>{10, 50, 100, 200};

    std::printf("plan benchmark: detect + parse + Dockerfile facts + plan + render (median of %d)\n", reps);
    std::printf("%-26s %8s %10s %10s %8s %14s\n", "project", "services", "median ms", "min ms", "objects",
                "compose cfg ms");
    QTemporaryDir tmp;
    QList<QPair<int, double>> growth;
    for (int n : sizes) {
        const QString dir = tmp.path() + QStringLiteral("/gen%1").arg(n);
        generateProject(dir, n);
        const Timing t = timeOurs(dir, reps);
        row(QStringLiteral("generated-%1").arg(n), n, t, composeReps ? timeCompose(dir, composeReps) : -1);
        if (n == 50)
            std::printf("%-26s per service: %.3f ms\n", "", t.medianMs / n);
        growth.append({n, t.medianMs});
    }
    // How time grows with service count: t ~ n^k, k from the smallest and largest sizes.
    const double k = std::log(growth.last().second / growth.first().second) /
                     std::log(double(growth.last().first) / growth.first().first);
    std::printf("%-26s growth exponent k (t ~ n^k): %.2f\n", "", k);
    const QDir examples(QStringLiteral(REPORUNNER_SOURCE_DIR "/examples"));
    for (const QString &name : examples.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString dir = examples.filePath(name);
        const Timing t = timeOurs(dir, reps);
        row(QStringLiteral("example/") + name, -1, t, composeReps ? timeCompose(dir, composeReps) : -1);
    }
    return 0;
}
