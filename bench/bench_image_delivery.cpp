// Image delivery benchmark: bytes sent and time when delivering an image twice, then with one
// small layer added, to a kind-node stand-in (tests/integration/test_kindfakenode.h), by ImageDelivery and by
// what `kind load docker-image` does, with the docker CLI against the same kind of node: compare
// the node's image id for the name (crictl inspecti) with the local one, and only when they differ
// run `docker save <img> | docker exec -i <node> ctr ... import -`; and, in KEP-1755 registry
// mode, by RegistryDelivery pushing to a real docker-registry (test_registryserver.h).
#include "kind/imagedelivery.h"
#include "kind/kindclusters.h"
#include "kind/registrydelivery.h"
#include "test_kindfakenode.h"
#include "test_registryserver.h"

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

// The name as containerd stores it ("app:1" -> "docker.io/library/app:1"), which is what crictl
// resolves a short name to on a real node.
QString containerdName(const QString &image)
{
    QString name = image;
    const QString first = name.section(QLatin1Char('/'), 0, 0);
    if (!name.contains(QLatin1Char('/')))
        name = QStringLiteral("docker.io/library/") + name;
    else if (!first.contains(QLatin1Char('.')) && !first.contains(QLatin1Char(':')) &&
             first != QLatin1String("localhost"))
        name = QStringLiteral("docker.io/") + name;
    if (!name.section(QLatin1Char('/'), -1).contains(QLatin1Char(':')))
        name += QStringLiteral(":latest");
    return name;
}

// kind load docker-image's rule for one node: the local image id, the id the node holds under
// that name, and save | import only when they differ. Bytes sent are the archive's size when it
// imported, 0 when it skipped.
Sample kindLoad(const QString &cli, const QString &image, const QString &node, qint64 saveBytes)
{
    const QString import = kind::ImageDelivery::importCommand().join(QLatin1Char(' '));
    const QString script = QStringLiteral("set -e\n"
                                          "mine=$('%1' image inspect -f '{{.Id}}' '%2')\n"
                                          "held=$('%1' exec '%3' crictl inspecti -o json '%4' 2>/dev/null |"
                                          " sed -n 's/.*\"id\":\"\\([^\"]*\\)\".*/\\1/p' || true)\n"
                                          "if [ \"$held\" = \"$mine\" ]; then echo skipped; exit 0; fi\n"
                                          "'%1' save '%2' | '%1' exec -i '%3' %5 >/dev/null\n"
                                          "echo imported\n")
                               .arg(cli, image, node, containerdName(image), import);
    QProcess p;
    QElapsedTimer timer;
    timer.start();
    p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
    p.waitForFinished(600000);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    const QByteArray outcome = p.readAllStandardOutput().trimmed();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0 ||
        (outcome != "skipped" && outcome != "imported"))
        qFatal("kind load's steps failed: %s", p.readAllStandardError().constData());
    return {outcome == "imported" ? saveBytes : 0, ms};
}

// One push to `registry`: Docker's count of uploaded bytes, and what the registry stored.
struct PushSample
{
    qint64 dockerBytes = 0;
    qint64 storedBytes = 0;
    double ms = 0;
};

PushSample push(docker::DockerClient &client, const QString &image, const test::RegistryServer &registry)
{
    const qint64 before = registry.storedBlobBytes();
    QElapsedTimer timer;
    timer.start();
    const auto report =
        fake::block(kind::RegistryDelivery::deliver(client, image, {registry.host(), QString()}));
    if (!report)
        qFatal("registry push failed: %s", qPrintable(report.error().toString()));
    return {report->push.bytesPushed, registry.storedBlobBytes() - before,
            double(timer.nsecsElapsed()) / 1e6};
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
    const int reps = smoke ? 1 : 3;

    auto host = docker::DockerHost::fromEnvironment();
    if (!host)
        qFatal("%s", qPrintable(host.error().message));
    docker::DockerClient client(*host);
    const auto info = fake::block(client.daemonInfo());
    const QString cli = dockerCli();
    const auto made =
        QProcess::execute(QStringLiteral(REPORUNNER_SOURCE_DIR "/scripts/busybox-image.sh"), {});
    // Every row is measured or the bench fails: a missing tool is named, never skipped over.
    QStringList missing;
    if (!info)
        missing << QStringLiteral("no Docker daemon answers (scripts/start-dockerd.sh): ") +
                       info.error().message;
    if (cli.isEmpty())
        missing << QStringLiteral("the docker CLI is not installed (Debian package docker.io)");
    if (made != 0)
        missing << QStringLiteral("busybox:1.36 could not be made (scripts/busybox-image.sh)");
    if (test::RegistryServer::binary().isEmpty())
        missing << QStringLiteral("docker-registry is not installed (Debian package docker-registry)");
    if (!missing.isEmpty()) {
        for (const QString &why : std::as_const(missing))
            std::fprintf(stderr, "bench_image_delivery: %s\n", qPrintable(why));
        return 1;
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

    // Each image also gets a variant with one small layer more: what a rebuild after a one-line
    // change looks like. Node import sends such an image whole; a registry push only the layer.
    QStringList changedImages;
    for (const QString &image : std::as_const(images)) {
        const QString changed = image.section(QLatin1Char(':'), 0, 0) + QStringLiteral("-changed:") + suffix;
        const QString why = fake::buildImage(
            client, changed,
            {{QStringLiteral("Dockerfile"),
              QStringLiteral("FROM %1\nRUN echo %2 > /changed\n").arg(image, suffix).toUtf8()}});
        if (!why.isEmpty())
            qFatal("building the changed image failed: %s", qPrintable(why));
        changedImages << changed;
    }

    QStringList containers;
    std::printf("image delivery benchmark: an image delivered to one kind node (or pushed to a local "
                "registry) first, again unchanged, then with one small layer added (median of %d)\n",
                reps);
    std::printf("%-40s %-24s %-7s %12s %10s\n", "method", "image", "run", "bytes sent", "ms");
    constexpr int Runs = 3;
    const char *labels[Runs] = {"first", "second", "changed"};
    for (qsizetype i = 0; i < images.size(); ++i) {
        const QString subjects[Runs] = {images[i], images[i], changedImages[i]};
        const qint64 sizes[Runs] = {saveSize(client, images[i]), saveSize(client, images[i]),
                                    saveSize(client, changedImages[i])};
        QList<double> ourMs[Runs];
        QList<double> kindMs[Runs];
        qint64 kindBytes[Runs] = {0, 0, 0};
        qint64 ourBytes[Runs] = {0, 0, 0};
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
            for (int run = 0; run < Runs; ++run) {
                const Sample s = ours(client, subjects[run], cluster);
                ourMs[run] << s.ms;
                ourBytes[run] = s.bytes;
                const Sample k = kindLoad(cli, subjects[run], cluster + QStringLiteral("-pipe"), sizes[run]);
                kindMs[run] << k.ms;
                kindBytes[run] = k.bytes;
            }
        }
        // Registry mode: a fresh registry per repetition, so every "first" really starts empty.
        QList<double> pushMs[Runs];
        PushSample pushed[Runs];
        for (int r = 0; r < reps; ++r) {
            test::RegistryServer registry;
            if (!registry.start())
                qFatal("docker-registry did not start: %s", qPrintable(registry.errorString()));
            for (int run = 0; run < Runs; ++run) {
                pushed[run] = push(client, subjects[run], registry);
                pushMs[run] << pushed[run].ms;
            }
        }
        const QString shortName = images[i].section(QLatin1Char(':'), 0, 0);
        for (int run = 0; run < Runs; ++run) {
            std::printf("%-40s %-24s %-7s %12lld %10.1f\n", "ImageDelivery (Engine API)",
                        qPrintable(shortName), labels[run], static_cast<long long>(ourBytes[run]),
                        median(ourMs[run]));
            std::printf("%-40s %-24s %-7s %12lld %10.1f\n", "kind load rule: id check, save | import",
                        qPrintable(shortName), labels[run], static_cast<long long>(kindBytes[run]),
                        median(kindMs[run]));
        }
        for (int run = 0; run < Runs; ++run) {
            std::printf("%-40s %-24s %-7s %12lld %10.1f\n", "RegistryDelivery push (Docker's count)",
                        qPrintable(shortName), labels[run], static_cast<long long>(pushed[run].dockerBytes),
                        median(pushMs[run]));
            std::printf("%-40s %-24s %-7s %12lld %10s\n", "  registry received (blobs on disk)",
                        qPrintable(shortName), labels[run], static_cast<long long>(pushed[run].storedBytes),
                        "");
        }
    }

    for (const QString &id : std::as_const(containers))
        fake::block(client.removeContainer(id, true));
    // By id, children first: that also drops the registry tags the pushes added.
    const QStringList built = images + changedImages;
    for (auto it = built.crbegin(); it != built.crend(); ++it)
        if (const auto inspected = fake::block(client.inspectImage(*it)))
            fake::block(client.removeImage(inspected->value(QStringLiteral("Id")).toString(), true));
    return 0;
}
