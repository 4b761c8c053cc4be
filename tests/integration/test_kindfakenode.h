#pragma once

// A stand-in for a kind node, shared by the kind tests and bench_image_delivery: a busybox
// container labelled like a kind node whose `ctr` and `crictl` are shell scripts. `ctr images
// import` keeps what arrives on stdin in /received/<n>.tar and records the image id (the
// sha256 of the config file inside the tar, which is what containerd calls the image id) and
// names in /state/images; `crictl inspecti -o json <ref>` answers from that file.
#include "docker/dockerclient.h"
#include "docker/imagebuilder.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

namespace rr::test::kindfake {

// Blocks (spinning the event loop) until the future is done.
template<class T> T block(QFuture<T> future)
{
    QDeadlineTimer deadline(240000);
    while (!future.isFinished() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (!future.isFinished())
        qFatal("a Docker call did not finish within 240 s");
    return future.result();
}

inline const char *ctrScript()
{
    return R"SH(#!/bin/sh
# Fake ctr for a kind-node stand-in.
set -u
args="$*"
while [ $# -gt 0 ]; do case "$1" in images) shift; break ;; *) shift ;; esac; done
cmd=${1:-}; [ $# -gt 0 ] && shift
norm() {
  n=$1
  case "$n" in
    */*) first=${n%%/*}
         case "$first" in *.*|*:*|localhost) ;; *) n="docker.io/$n" ;; esac ;;
    *) n="docker.io/library/$n" ;;
  esac
  case "${n##*/}" in *:*) ;; *) n="$n:latest" ;; esac
  echo "$n"
}
case "$cmd" in
import)
  if [ -n "${FAKE_CTR_FAIL:-}" ]; then cat >/dev/null; echo "ctr: failed to import: $FAKE_CTR_FAIL" >&2; exit 1; fi
  [ -n "${FAKE_CTR_SLOW:-}" ] && sleep "$FAKE_CTR_SLOW"
  n=$(( $(ls /received | grep -c '\.tar$') + 1 ))
  f=/received/$n.tar
  cat > "$f"
  echo "$args" > /received/$n.args
  m=$(tar -xOf "$f" manifest.json) || { echo "ctr: $f is not an image archive" >&2; exit 1; }
  cfg=$(echo "$m" | sed -n 's/.*"Config":"\([^"]*\)".*/\1/p')
  id=sha256:$(tar -xOf "$f" "$cfg" | sha256sum | cut -d' ' -f1)
  echo "$id $id" >> /state/images
  for t in $(echo "$m" | sed -n 's/.*"RepoTags":\[\([^]]*\)\].*/\1/p' | tr ',' ' ' | tr -d '"'); do
    echo "$id $(norm "$t")" >> /state/images
    echo "unpacking $(norm "$t") ($id)...done"
  done ;;
tag)
  [ "${1:-}" = --force ] && shift
  id=$(awk -v s="$1" '$1==s || $2==s {print $1; exit}' /state/images)
  [ -n "$id" ] || { echo "ctr: image \"$1\": not found" >&2; exit 1; }
  echo "$id $(norm "$2")" >> /state/images
  echo "$2" >> /state/tagged ;;
*) echo "ctr: unsupported command: $args" >&2; exit 2 ;;
esac
)SH";
}

inline const char *crictlScript()
{
    return R"SH(#!/bin/sh
# Fake crictl: only `crictl inspecti [-o json] <ref>`.
[ "${1:-}" = inspecti ] || { echo "crictl: unsupported $*" >&2; exit 2; }
shift
ref=
while [ $# -gt 0 ]; do case "$1" in -o|--output) shift 2 ;; -*) shift ;; *) ref=$1; shift ;; esac; done
echo "$ref" >> /state/queries
id=$(awk -v r="$ref" '$1==r || $2==r {print $1; exit}' /state/images)
[ -n "$id" ] || { echo "FATA[0000] no such image \"$ref\" present" >&2; exit 1; }
tags=$(awk -v i="$id" '$1==i && $2!=i {printf "%s\"%s\"", (n++ ? "," : ""), $2}' /state/images)
printf '{"status":{"id":"%s","repoTags":[%s]}}\n' "$id" "$tags"
)SH";
}

// Builds `files` (must include a Dockerfile) as `tag` with the classic builder; empty on success.
inline QString buildImage(docker::DockerClient &client, const QString &tag,
                          const QMap<QString, QByteArray> &files)
{
    QTemporaryDir dir;
    for (auto it = files.begin(); it != files.end(); ++it) {
        QFile f(dir.filePath(it.key()));
        if (!f.open(QIODevice::WriteOnly) || f.write(it.value()) != it.value().size())
            return QStringLiteral("cannot write ") + f.fileName();
    }
    docker::ImageBuilder builder(&client);
    docker::BuildRequest request;
    request.contextDir = dir.path();
    request.tag = tag;
    request.builder = docker::BuilderKind::Classic;
    const auto built = block(builder.build(request));
    return built ? QString() : built.error().message;
}

// Builds the node image FROM busybox:1.36 (which must exist) under `tag`; empty on success.
inline QString buildNodeImage(docker::DockerClient &client, const QString &tag)
{
    return buildImage(
        client, tag,
        {{QStringLiteral("ctr"), ctrScript()},
         {QStringLiteral("crictl"), crictlScript()},
         {QStringLiteral("Dockerfile"),
          "FROM busybox:1.36\n"
          "COPY ctr crictl /usr/local/bin/\n"
          "RUN chmod 755 /usr/local/bin/ctr /usr/local/bin/crictl && mkdir -p /received /state && "
          "touch /state/images\n"
          "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"}});
}

// Creates (and unless `start` is false starts) a node container; returns its id or empty.
inline QString createNode(docker::DockerClient &client, const QString &image, const QString &name,
                          const QString &cluster, const QString &role, const QStringList &env = {},
                          bool start = true)
{
    QJsonObject labels;
    labels.insert(QStringLiteral("io.x-k8s.kind.cluster"), cluster);
    labels.insert(QStringLiteral("io.x-k8s.kind.role"), role);
    QJsonObject config;
    config.insert(QStringLiteral("Image"), image);
    config.insert(QStringLiteral("Cmd"), QJsonArray{QStringLiteral("sleep"), QStringLiteral("3600")});
    config.insert(QStringLiteral("Labels"), labels);
    config.insert(QStringLiteral("Env"), QJsonArray::fromStringList(env));
    config.insert(QStringLiteral("StopSignal"), QStringLiteral("SIGKILL"));
    const auto id = block(client.createContainer(name, config));
    if (!id)
        return {};
    if (start && !block(client.startContainer(*id)))
        return {};
    return *id;
}

} // namespace rr::test::kindfake
