// Time to READY for examples/compose-app: our PlanBuilder + ImageBuilder + DockerRuntime
// against `docker-compose up -d` (Debian's 1.29, building with BuildKit through the docker CLI
// as ours does) on the same daemon, each followed by waiting until the web port answers an HTTP
// GET. Cold: images and build cache removed first; warm: unchanged sources, so our build is
// skipped and compose reuses its images. Ours runs twice: at the health cadence the compose
// file declares (what compose waits for too), and with fastProbes (our own checks every 250 ms).
// The same three services without health checks show what differs when only the engines' own
// work does. A missing tool fails the bench; a figure that was not measured is never printed.
// `--smoke [--fast-probes]` does one run of ours only (CTest, ~9 s); exit code 77 when no daemon
// answers.
#include "docker/dockerclient.h"
#include "docker/imagebuilder.h"
#include "dockerruntime/dockerruntime.h"
#include "dockerruntime/endpointprobe.h"
#include "runs/planbuilder.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFuture>
#include <QLoggingCategory>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>

using namespace rr;

namespace {

const QString ComposeBinary = QStringLiteral("/usr/bin/docker-compose");
const QString DockerCli = QStringLiteral("/usr/bin/docker"); // compose's BuildKit builds go through it

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
        if (dockerruntime::EndpointProbe::answers(QStringLiteral("127.0.0.1"), port)) // docker-compose's port
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

// examples/compose-app without its health checks (depends_on: service_started), in `dir`.
// The example's three services, copied into `dir` (builds may only use files inside the
// project), with a compose file that declares no health checks.
bool writeWithoutHealthChecks(const QString &dir)
{
    const QDir src(exampleDir());
    for (const QString &service : {QStringLiteral("web"), QStringLiteral("api"), QStringLiteral("db")}) {
        QDirIterator it(src.filePath(service), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            const QString target = dir + QLatin1Char('/') + src.relativeFilePath(file);
            if (!QDir().mkpath(QFileInfo(target).absolutePath()) || !QFile::copy(file, target))
                return false;
            QFile::setPermissions(target, QFileInfo(file).permissions());
        }
    }
    const QByteArray yaml = "services:\n"
                            "  web:\n    build: ./web\n    ports:\n      - \"8080:80\"\n"
                            "    depends_on: [api]\n    environment:\n      API_URL: http://api:9000\n"
                            "  api:\n    build: ./api\n    expose:\n      - \"9000\"\n"
                            "    environment:\n      DB_HOST: db\n      DB_PORT: \"5432\"\n"
                            "    depends_on: [db]\n"
                            "  db:\n    build: ./db\n";
    QFile f(dir + QStringLiteral("/compose.yaml"));
    return f.open(QIODevice::WriteOnly) && f.write(yaml) > 0;
}

struct Ours
{
    docker::DockerClient &client;
    dockerruntime::DockerRuntime &runtime;
    QString dir;
    bool fastProbes = false;
    QStringList images;

    // Milliseconds to READY (preview answering), or -1.
    double run(const QString &runId)
    {
        QElapsedTimer t;
        t.start();
        source::Checkout checkout;
        checkout.projectDir = dir;
        checkout.worktree = dir;
        checkout.spec.repo = QStringLiteral("bench");
        runs::PlanRequest request;
        request.runId = runId;
        request.fastProbes = fastProbes;
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
    QString dir;

    bool call(const QStringList &args)
    {
        QProcess p;
        p.setWorkingDirectory(dir);
        p.setProcessChannelMode(QProcess::MergedChannels);
        // BuildKit through the docker CLI, as our ImageBuilder uses it.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("COMPOSE_DOCKER_CLI_BUILD"), QStringLiteral("1"));
        env.insert(QStringLiteral("DOCKER_BUILDKIT"), QStringLiteral("1"));
        // compose runs the `docker` on PATH: Debian's, whose 20.10 CLI builds with BuildKit itself.
        env.insert(QStringLiteral("PATH"), QFileInfo(DockerCli).absolutePath() + QLatin1Char(':') +
                                               env.value(QStringLiteral("PATH")));
        p.setProcessEnvironment(env);
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

    if (smoke) {
        // Warm when the images exist (scripts/setup.sh, earlier tests); builds them otherwise.
        const bool fast = app.arguments().contains(QStringLiteral("--fast-probes"));
        Ours ours{client, runtime, exampleDir(), fast};
        const double warm = ours.run(tag + QStringLiteral("smoke"));
        if (warm < 0)
            return 1;
        std::printf("reporunner (%s): %.0f ms to READY\n", fast ? "fast probes" : "declared cadence", warm);
        return 0;
    }

    for (const QString &tool : {ComposeBinary, DockerCli})
        if (!QFile::exists(tool)) {
            std::fprintf(
                stderr, "%s is missing (apt-get install docker-compose docker.io): nothing to compare with\n",
                qPrintable(tool));
            return 1;
        }
    // docker-compose 1.29 builds with BuildKit through `docker build`. Debian's 20.10 CLI has
    // BuildKit built in; CLIs from 23 on need the buildx plugin for it. Without either, compose
    // could only use the classic builder, which is not the same work as ours.
    {
        QProcess version;
        version.start(DockerCli, {QStringLiteral("version"), QStringLiteral("--format"),
                                  QStringLiteral("{{.Client.Version}}")});
        version.waitForFinished(30000);
        const int major =
            QString::fromUtf8(version.readAllStandardOutput()).section(QLatin1Char('.'), 0, 0).toInt();
        QProcess buildx;
        if (major >= 23)
            buildx.start(DockerCli, {QStringLiteral("buildx"), QStringLiteral("version")});
        if (major == 0 || (major >= 23 && (!buildx.waitForFinished(30000) || buildx.exitCode() != 0))) {
            std::fprintf(
                stderr,
                "%s cannot build with BuildKit (CLI version %d, and no buildx plugin): docker-compose "
                "cannot build like ours, so there is nothing like-for-like to compare with\n",
                qPrintable(DockerCli), major);
            return 1;
        }
    }
    QTemporaryDir plain;
    if (!plain.isValid() || !writeWithoutHealthChecks(plain.path())) {
        std::fprintf(stderr, "could not write the project without health checks\n");
        return 1;
    }

    struct Project
    {
        const char *name;
        QString dir;
    };
    const QList<Project> projects{{"with health checks", exampleDir()},
                                  {"without health checks", plain.path()}};
    std::printf("time to READY for examples/compose-app, median of %d (ms); compose with BuildKit\n", reps);
    std::printf("%-24s %-5s %14s %14s %16s %9s %9s\n", "project", "", "ours declared", "ours fast",
                "docker-compose", "declared/", "fast/");
    for (const Project &project : projects) {
        Ours declared{client, runtime, project.dir, false};
        Ours fast{client, runtime, project.dir, true};
        Compose compose{client, QStringLiteral("rrbench") + tag, project.dir};
        QList<double> cold[3], warm[3];
        for (int i = 0; i < reps; ++i) {
            const QString id = tag + QString::number(&project - projects.data()) + QString::number(i);
            if (declared.run(id + QStringLiteral("prime")) < 0) // learn the image names
                return 1;
            fast.images = declared.images;
            declared.removeImages();
            cold[0] << declared.run(id + QStringLiteral("dc"));
            warm[0] << declared.run(id + QStringLiteral("dw"));
            declared.removeImages();
            cold[1] << fast.run(id + QStringLiteral("fc"));
            warm[1] << fast.run(id + QStringLiteral("fw"));
            compose.removeImages();
            cold[2] << compose.run();
            warm[2] << compose.run();
        }
        compose.removeImages();
        for (const QList<double> *runs : {cold, warm})
            for (int k = 0; k < 3; ++k)
                if (runs[k].contains(-1)) {
                    std::fprintf(stderr, "a run failed (see above): no figures for %s\n", project.name);
                    return 1;
                }
        const auto row = [&project](const char *what, const QList<double> *runs) {
            const double d = median(runs[0]), f = median(runs[1]), c = median(runs[2]);
            std::printf("%-24s %-5s %14.0f %14.0f %16.0f %9.2f %9.2f\n", project.name, what, d, f, c, d / c,
                        f / c);
        };
        row("cold", cold);
        row("warm", warm);
    }
    return 0;
}
