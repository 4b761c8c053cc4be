#!/usr/bin/env bash
# Idempotently creates the local image busybox:1.36 (what the bundled examples and the Docker
# tests build FROM) from Debian's static busybox, since no registry is reachable here.
# Talks to the Engine API with curl so the docker CLI version on PATH does not matter.
set -euo pipefail
image=${1:-busybox:1.36}
busybox=${BUSYBOX_BINARY:-/bin/busybox}
sock=/var/run/docker.sock
base=http://localhost
curlargs=(--unix-socket "$sock")
case "${DOCKER_HOST:-}" in
    unix://*) curlargs=(--unix-socket "${DOCKER_HOST#unix://}") ;;
    tcp://*) curlargs=(); base="http://${DOCKER_HOST#tcp://}" ;;
esac
api() { curl -sS "${curlargs[@]}" "$@"; }

if ! api -f -o /dev/null "$base/_ping"; then
    echo "busybox-image: no Docker daemon answers; run scripts/start-dockerd.sh first" >&2
    exit 1
fi
if api -f -o /dev/null "$base/images/$image/json" 2>/dev/null; then
    exit 0 # already there
fi
if [ ! -x "$busybox" ] || ! "$busybox" --help >/dev/null 2>&1; then
    echo "busybox-image: $busybox is missing; apt-get install busybox-static" >&2
    exit 1
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$busybox" "$ctx/busybox"
cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
DOCKERFILE
tar -C "$ctx" -cf "$ctx.tar" Dockerfile busybox
trap 'rm -rf "$ctx" "$ctx.tar"' EXIT

# The classic builder: it needs no BuildKit session and works on every daemon version.
out=$(api -f -X POST -H 'Content-Type: application/x-tar' --data-binary "@$ctx.tar" \
    "$base/build?t=$image&rm=1&forcerm=1&labels=%7B%22org.opencontainers.image.source%22%3A%22debian-busybox-static%22%7D")
if printf '%s' "$out" | grep -q '"error"'; then
    echo "busybox-image: build failed:" >&2
    printf '%s\n' "$out" | grep '"error"' >&2
    exit 1
fi
api -f -o /dev/null "$base/images/$image/json"
