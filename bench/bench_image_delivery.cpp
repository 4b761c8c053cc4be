// Image delivery benchmark: bytes sent and time when delivering an unchanged image twice to a
// kind-node stand-in (tests/integration/test_kindfakenode.h), by ImageDelivery and by the
// `docker save <img> | docker exec -i <node> ctr ... import -` pipeline that kind's import step
// runs, measured with the docker CLI against the same kind of node.
#include "kind/imagedelivery.h"
#include "kind/kindclusters.h"
#include "test_kindfakenode.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>

#include <algorithm>
#include <cstdio>

using namespace rr;
namespace fake = rr::test::kindfake;

namespace {

constexpr int SkipCode = 77; // CTest SKIP_RETURN_CODE

struct Sample
{
    qint64 bytes = 0;
    double ms = 0;
};

QString dockerCli()
{
    if (QFileInfo(QStringLiteral("/usr/bin/docker")).isExecutable())
        return QStringLiteral("/usr/bin/docker");
    return QStandardPaths::findExecutable(QStringLiteral("docker"));
}

Sample ours(docker::DockerClient &client, const QString &image, const QString &cluster)
{
    QElapsedTimer timer;
    timer.start();
    const auto report = fake::block(kind::ImageDelivery::deliverToCluster(client, image, cluster));
    if (!report)
        qFatal("delivery failed: %s", qPrintable(report.error().toString()));
    return {report->totalBytes(), double(timer.nsecsElapsed()) / 1e6};
}

Sample pipeline(const QString &cli, const QString &image, const QString &node, qint64 saveBytes)
{
    const QString command =
        QStringLiteral("'%1' save '%2' | '%1' exec -i '%3' %4")
            .arg(cli, image, node, kind::ImageDelivery::importCommand().join(QLatin1Char(' ')));
    QProcess p;
    QElapsedTimer timer;
    timer.start();
    p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("set -e; ") + command});
    p.waitForFinished(600000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qFatal("pipeline failed: %s", p.readAllStandardError().constData());
    return {saveBytes, double(timer.nsecsElapsed()) / 1e6};
}

qint64 saveSize(docker::DockerClient &client, const QString &image)
{
    qint64 size = 0;
    QUrlQuery q;
    docker::ApiRequest::addParam(q, QStringLiteral("names"), image);
    const auto saved = fake::block(client.stream(docker::ApiRequest::get(QStringLiteral("/images/get"), q),
                                                 [&size](const QByteArray &chunk) {
                                                     size += chunk.size();
                                                     return true;
                                                 }));
    if (!saved)
        qFatal("docker save failed: %s", qPrintable(saved.error().toString()));
    return size;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.at(v.size() / 2);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("reporunner.*.debug=false\nreporunner.*.info=false"));
    const bool smoke = app.arguments().contains(QStringLiteral("--smoke"));
    const bool ci = qEnvironmentVariableIsSet("CI");
    const int reps = smoke ? 1 : 3;

    auto host = docker::DockerHost::fromEnvironment();
    if (!host)
        qFatal("%s", qPrintable(host.error().message));
    docker::DockerClient client(*host);
    const auto info = fake::block(client.daemonInfo());
    const QString cli = dockerCli();
    const auto made =
        QProcess::execute(QStringLiteral(REPORUNNER_SOURCE_DIR "/scripts/busybox-image.sh"), {});
    if (!info || cli.isEmpty() || made != 0) {
        std::fprintf(stderr,
                     "bench_image_delivery: needs a Docker daemon (scripts/start-dockerd.sh), the docker "
                     "CLI and busybox:1.36\n");
        return ci ? 1 : SkipCode;
    }

    const QString suffix = QString::number(QRandomGenerator::global()->generate(), 36);
    const QString nodeImage = QStringLiteral("rr-bench-kindnode:") + suffix;
    if (const QString why = fake::buildNodeImage(client, nodeImage); !why.isEmpty())
        qFatal("building the node image failed: %s", qPrintable(why));
    // What gets delivered: the node image itself (~2 MB) and, outside smoke runs, one with a
    // 64 MiB incompressible layer on top.
    QStringList images{nodeImage};
    if (!smoke) {
        const QString big = QStringLiteral("rr-bench-payload64:") + suffix;
        const QString why =
            fake::buildImage(client, big,
                             {{QStringLiteral("Dockerfile"),
                               "FROM busybox:1.36\nRUN head -c 67108864 /dev/urandom > /blob\n"}});
        if (!why.isEmpty())
            qFatal("building the payload image failed: %s", qPrintable(why));
        images << big;
    }

    QStringList containers;
    std::printf("image delivery benchmark: an unchanged image delivered twice to one kind node "
                "(median of %d)\n",
                reps);
    std::printf("%-38s %-24s %-7s %12s %10s\n", "method", "image", "run", "bytes sent", "ms");
    for (const QString &image : std::as_const(images)) {
        const qint64 size = saveSize(client, image);
        QList<double> ourMs[2];
        QList<double> pipeMs[2];
        qint64 ourBytes[2] = {0, 0};
        for (int r = 0; r < reps; ++r) {
            // A fresh node per repetition, so every "first" really starts empty.
            const QString cluster = QStringLiteral("rr-bench-%1-%2").arg(suffix).arg(containers.size());
            const QString ourNode =
                fake::createNode(client, nodeImage, cluster + QStringLiteral("-control-plane"), cluster,
                                 QStringLiteral("control-plane"));
            const QString pipeNode =
                fake::createNode(client, nodeImage, cluster + QStringLiteral("-pipe"),
                                 cluster + QStringLiteral("-pipe"), QStringLiteral("control-plane"));
            if (ourNode.isEmpty() || pipeNode.isEmpty())
                qFatal("could not start the fake nodes");
            containers << ourNode << pipeNode;
            for (int run = 0; run < 2; ++run) {
                const Sample s = ours(client, image, cluster);
                ourMs[run] << s.ms;
                ourBytes[run] = s.bytes;
                pipeMs[run] << pipeline(cli, image, cluster + QStringLiteral("-pipe"), size).ms;
            }
        }
        const QString shortName = image.section(QLatin1Char(':'), 0, 0);
        for (int run = 0; run < 2; ++run) {
            const char *label = run == 0 ? "first" : "second";
            std::printf("%-38s %-24s %-7s %12lld %10.1f\n", "ImageDelivery (Engine API)",
                        qPrintable(shortName), label, static_cast<long long>(ourBytes[run]),
                        median(ourMs[run]));
            std::printf("%-38s %-24s %-7s %12lld %10.1f\n", "docker save | docker exec ctr import",
                        qPrintable(shortName), label, static_cast<long long>(size), median(pipeMs[run]));
        }
    }

    for (const QString &id : std::as_const(containers))
        fake::block(client.removeContainer(id, true));
    for (const QString &image : std::as_const(images))
        fake::block(client.removeImage(image, true));
    return 0;
}
