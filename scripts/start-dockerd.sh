#!/usr/bin/env bash
# Makes sure a Docker daemon answers on /var/run/docker.sock (or $DOCKER_HOST), starting
# Debian's dockerd in the background when none does. Prints nothing on success.
set -euo pipefail
sock=/var/run/docker.sock
ping() { curl -sf --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }
if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" = "$DOCKER_HOST" ]; then
    exit 0 # a remote/tcp daemon is the user's business
fi
[ -n "${DOCKER_HOST:-}" ] && sock=${DOCKER_HOST#unix://}
ping && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "start-dockerd: no Docker daemon answers on $sock and only root can start one" >&2
    exit 1
fi
log=${REPORUNNER_DOCKERD_LOG:-/var/log/reporunner-dockerd.log}
nohup /usr/sbin/dockerd >"$log" 2>&1 &
for _ in $(seq 1 60); do
    ping && exit 0
    sleep 0.5
done
echo "start-dockerd: dockerd did not answer within 30 s; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 1
