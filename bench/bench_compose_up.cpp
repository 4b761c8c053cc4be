// Time to READY for examples/compose-app: our PlanBuilder + ImageBuilder + DockerRuntime
// against `docker-compose up -d` (Debian's 1.29) on the same daemon, each followed by waiting
// until the web port answers an HTTP GET. Cold: images and build cache removed first; warm:
// unchanged sources, so our build is skipped and compose reuses its images.
// `--smoke` does one run of ours only (CTest, ~7 s); exit code 77 when no daemon answers.
#include "docker/dockerclient.h"
#include "docker/imagebuilder.h"
#include "dockerruntime/dockerruntime.h"
#include "dockerruntime/endpointprobe.h"
#include "runs/planbuilder.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFuture>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QThread>

#include <algorithm>
#include <cstdio>

using namespace rr;

namespace {

const QString ComposeBinary = QStringLiteral("/usr/bin/docker-compose");

template<class T> T await(QFuture<T> future)
{
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return future.result();
}

QString exampleDir()
{
    return QStringLiteral(REPORUNNER_SOURCE_DIR "/examples/compose-app");
}

bool waitForPort(int port)
{
    const QDeadlineTimer deadline(120000);
    while (!deadline.hasExpired()) {
        if (dockerruntime::EndpointProbe::answers(port))
            return true;
        QThread::msleep(100);
    }
    return false;
}

void pruneBuildCache(docker::DockerClient &client)
{
    docker::ApiRequest r = docker::ApiRequest::post(QStringLiteral("/build/prune"));
    r.query.addQueryItem(QStringLiteral("all"), QStringLiteral("1"));
    await(client.send(r));
}

struct Ours
{
    docker::DockerClient &client;
    dockerruntime::DockerRuntime &runtime;
    QStringList images;

    // Milliseconds to READY (preview answering), or -1.
    double run(const QString &runId)
    {
        QElapsedTimer t;
        t.start();
        source::Checkout checkout;
        checkout.projectDir = exampleDir();
        checkout.worktree = exampleDir();
        checkout.spec.repo = QStringLiteral("bench");
        runs::PlanRequest request;
        request.runId = runId;
        auto prepared = runs::PlanBuilder::build(checkout, request);
        if (!prepared) {
            std::fprintf(stderr, "plan failed: %s\n", qPrintable(prepared.error().toString()));
            return -1;
        }
        docker::ImageBuilder builder(&client);
        for (const plan::ServicePlan &s : prepared->plan.services) {
            if (!s.build)
                continue;
            docker::BuildRequest b;
            b.contextDir = s.build->contextDir;
            b.dockerfile = s.build->dockerfile;
            b.buildArgs = s.build->args;
            b.tag = s.image;
            b.repoLabel = QStringLiteral("bench-compose-up");
            auto built = await(builder.build(b));
            if (!built) {
                std::fprintf(stderr, "build failed: %s\n", qPrintable(built.error().toString()));
                return -1;
            }
            if (!images.contains(s.image))
                images << s.image;
        }
        auto deployed = await(runtime.deploy(prepared->plan));
        const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
        if (!deployed)
            std::fprintf(stderr, "deploy failed: %s\n", qPrintable(deployed.error().toString()));
        await(runtime.teardown(runId));
        return deployed ? ms : -1;
    }

    void removeImages()
    {
        for (const QString &image : std::as_const(images))
            await(client.removeImage(image, true));
        pruneBuildCache(client);
    }
};

struct Compose
{
    docker::DockerClient &client;
    QString project;

    bool call(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(exampleDir());
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(ComposeBinary, QStringList{QStringLiteral("-p"), project} + args);
        if (!p.waitForFinished(300000) || p.exitCode() != 0) {
            std::fprintf(stderr, "docker-compose %s failed:\n%s\n", qPrintable(args.join(QLatin1Char(' '))),
                         p.readAll().constData());
            return false;
        }
        return true;
    }

    double run()
    {
        QElapsedTimer t;
        t.start();
        if (!call({QStringLiteral("up"), QStringLiteral("-d")}) || !waitForPort(8080))
            return -1;
        const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
        call({QStringLiteral("down"), QStringLiteral("-v")});
        return ms;
    }

    void removeImages()
    {
        call(
            {QStringLiteral("down"), QStringLiteral("-v"), QStringLiteral("--rmi"), QStringLiteral("local")});
        pruneBuildCache(client);
    }
};

double median(QList<double> v)
{
    if (v.isEmpty())
        return -1;
    std::sort(v.begin(), v.end());
    return v.at(v.size() / 2);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*.debug=false\nreporunner.*.info=false"));
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const int reps = smoke ? 1 : 3;

    auto host = docker::DockerHost::fromEnvironment();
    if (!host)
        return 77;
    docker::DockerClient client(*host);
    if (!await(client.daemonInfo())) {
        std::fprintf(stderr, "no Docker daemon answers; run scripts/start-dockerd.sh\n");
        return 77;
    }
    QProcess::execute(QStringLiteral(REPORUNNER_SOURCE_DIR "/scripts/busybox-image.sh"), {});
    dockerruntime::DockerRuntime runtime(&client);
    const QString tag = QStringLiteral("b%1").arg(QRandomGenerator::global()->bounded(100000, 999999));
    Ours ours{client, runtime, {}};

    if (smoke) {
        // Warm when the images exist (scripts/setup.sh, earlier tests); builds them otherwise.
        const double warm = ours.run(tag + QStringLiteral("smoke"));
        std::printf("reporunner: %.0f ms to READY\n", warm);
        return warm < 0 ? 1 : 0;
    }

    Compose compose{client, QStringLiteral("rrbench") + tag};
    if (!QFile::exists(ComposeBinary)) {
        std::fprintf(stderr, "%s is missing (apt-get install docker-compose)\n", qPrintable(ComposeBinary));
        return 77;
    }
    QList<double> oursCold, oursWarm, composeCold, composeWarm;
    for (int i = 0; i < reps; ++i) {
        ours.run(tag + QStringLiteral("prime%1").arg(i)); // learn the image names
        ours.removeImages();
        oursCold << ours.run(tag + QStringLiteral("cold%1").arg(i));
        oursWarm << ours.run(tag + QStringLiteral("warm%1").arg(i));
        compose.removeImages();
        composeCold << compose.run();
        composeWarm << compose.run();
    }
    compose.removeImages();

    const auto row = [](const char *what, double a, double b) {
        std::printf("%-6s %12.0f %16.0f %8.2f\n", what, a, b, b > 0 ? a / b : 0.0);
    };
    std::printf("time to READY for examples/compose-app, median of %d (ms)\n", reps);
    std::printf("%-6s %12s %16s %8s\n", "", "reporunner", "docker-compose", "ratio");
    row("cold", median(oursCold), median(composeCold));
    row("warm", median(oursWarm), median(composeWarm));
    return 0;
}
