// Plan benchmark: generated compose projects of growing size and the bundled compose examples,
// planned by our code in-process (warm) and by our CLI as a new process (cold start included),
// next to `docker-compose config` (the parse and normalise step a Compose user would otherwise
// run, also a new process) on the same files, with how each grows from 10 to 200 services.
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

double medianOf(QList<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return samples.at(samples.size() / 2);
}

// Median wall time of `program args` run in `dir`, process start-up included; a run that fails
// ends the bench, so no figure stands for work that was not done.
double timeProcess(const QString &program, const QStringList &args, const QString &dir, int reps)
{
    QList<double> samples;
    for (int r = 0; r < reps; ++r) {
        QProcess p;
        p.setWorkingDirectory(dir);
        p.setStandardOutputFile(QProcess::nullDevice());
        QElapsedTimer timer;
        timer.start();
        p.start(program, args);
        if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            qFatal("%s %s failed in %s: %s", qPrintable(program), qPrintable(args.join(QLatin1Char(' '))),
                   qPrintable(dir), p.readAllStandardError().constData());
        samples << double(timer.nsecsElapsed()) / 1e6;
    }
    return medianOf(samples);
}

// What a Compose user runs to parse and normalise the same files (docker-compose 1.29 needs no
// daemon for it).
double timeCompose(const QString &exe, const QString &dir, int reps)
{
    return timeProcess(exe, {QStringLiteral("config"), QStringLiteral("-q")}, dir, reps);
}

// Our CLI doing the same job as a user would run it: a new process that fetches the folder,
// detects, parses, plans and renders, printing the manifests (to /dev/null).
double timeCli(const QString &cli, const QString &dir, int reps)
{
    return timeProcess(cli, {QStringLiteral("plan"), dir, QStringLiteral("--json")}, dir, reps);
}

struct Row
{
    Timing inProcess;
    double cliMs = 0;
    double composeMs = 0;
};

void row(const QString &name, int services, const Row &r)
{
    std::printf("%-22s %8s %10.2f %8d %12.1f %14.1f\n", qPrintable(name),
                services < 0 ? "-" : qPrintable(QString::number(services)), r.inProcess.medianMs,
                r.inProcess.objects, r.cliMs, r.composeMs);
}

// t ~ n^k between the smallest and the largest project.
double exponent(double smallMs, double largeMs, int smallN, int largeN)
{
    return std::log(largeMs / smallMs) / std::log(double(largeN) / smallN);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*.debug=false\nreporunner.*.info=false"));
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const int reps = smoke ? 1 : 15;
    const int processReps = smoke ? 1 : 5;
    const QList<int> sizes = smoke ? QList<int>{10, 200} : QList<int>{10, 50, 100, 200};

    // Both sides are measured or the bench fails: no row leaves a column out.
    const QString compose = QStandardPaths::findExecutable(QStringLiteral("docker-compose"));
    const QString cli = qEnvironmentVariable("REPORUNNER_CLI", QStringLiteral(REPORUNNER_CLI_PATH));
    QStringList missing;
    if (compose.isEmpty())
        missing << QStringLiteral("docker-compose (Debian package docker-compose) is not on PATH");
    if (cli.isEmpty() || !QFileInfo(cli).isExecutable())
        missing << QStringLiteral(
                       "the reporunner CLI is not built (%1); build the `reporunner` target or set "
                       "REPORUNNER_CLI")
                       .arg(cli.isEmpty() ? QStringLiteral("REPORUNNER_BUILD_APP=OFF") : cli);
    if (!missing.isEmpty()) {
        for (const QString &why : std::as_const(missing))
            std::fprintf(stderr, "bench_plan: %s\n", qPrintable(why));
        return 1;
    }

    std::printf("plan benchmark: the same generated compose projects (and the bundled examples)\n");
    std::printf("  in-process: detect + parse + Dockerfile facts + plan + render, warm (median of %d)\n",
                reps);
    std::printf(
        "  CLI: `reporunner plan <dir> --json` as a new process, cold start included (median of %d)\n",
        processReps);
    std::printf(
        "  compose: `docker-compose config -q` as a new process, cold start included (median of %d)\n",
        processReps);
    std::printf("%-22s %8s %10s %8s %12s %14s\n", "project", "services", "in-proc ms", "objects", "CLI ms",
                "compose cfg ms");
    QTemporaryDir tmp;
    QList<QPair<int, Row>> growth;
    for (int n : sizes) {
        const QString dir = tmp.path() + QStringLiteral("/gen%1").arg(n);
        generateProject(dir, n);
        Row r;
        r.inProcess = timeOurs(dir, reps);
        r.cliMs = timeCli(cli, dir, processReps);
        r.composeMs = timeCompose(compose, dir, processReps);
        row(QStringLiteral("generated-%1").arg(n), n, r);
        growth.append({n, r});
    }
    const auto &[smallN, small] = growth.first();
    const auto &[largeN, large] = growth.last();
    std::printf("growth from %d to %d services (time ratio; exponent k in t ~ n^k):\n", smallN, largeN);
    const auto growthRow = [&](const char *what, double a, double b) {
        std::printf("  %-12s x%-8.2f k = %.2f\n", what, b / a, exponent(a, b, smallN, largeN));
    };
    growthRow("in-process", small.inProcess.medianMs, large.inProcess.medianMs);
    growthRow("CLI", small.cliMs, large.cliMs);
    growthRow("compose", small.composeMs, large.composeMs);

    const QDir examples(QStringLiteral(REPORUNNER_SOURCE_DIR "/examples"));
    for (const QString &name : examples.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString dir = examples.filePath(name);
        if (!QFileInfo::exists(dir + QStringLiteral("/compose.yaml")) &&
            !QFileInfo::exists(dir + QStringLiteral("/docker-compose.yml")) &&
            !QFileInfo::exists(dir + QStringLiteral("/compose.yml")) &&
            !QFileInfo::exists(dir + QStringLiteral("/docker-compose.yaml")))
            continue; // a Dockerfile-only example has nothing for docker-compose to compare
        Row r;
        r.inProcess = timeOurs(dir, reps);
        r.cliMs = timeCli(cli, dir, processReps);
        r.composeMs = timeCompose(compose, dir, processReps);
        row(QStringLiteral("example/") + name, -1, r);
    }
    return 0;
}
