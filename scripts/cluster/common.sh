# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # a part of scripts/local-cluster.sh: its variables are shared across the parts
# Paths, addresses and process helpers shared by scripts/local-cluster.sh and its parts.

# Where compiled binaries are kept, keyed by version, so a machine compiles each release once.
cache=${REPORUNNER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/reporunner}
# Everything a running cluster owns: PKI, etcd data, logs, kubelet root, containerd root.
state=${REPORUNNER_CLUSTER_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/reporunner/cluster}
# Sockets stay short (sun_path is 108 bytes) and on tmpfs where the machine has /run.
rundir=${REPORUNNER_CLUSTER_RUNDIR:-/run/reporunner-cluster}
modules=$root/tests/support/cluster
context_name=reporunner-local
node_name=reporunner-node

# The real node's address: the gateway of a pod bridge that this script makes. Pods reach the
# API server there (CoreDNS and in-cluster clients must), and nothing routes it off the machine.
node_bridge=rrk-br0
node_ip=10.244.0.1
pod_cidr=10.244.0.0/24
cluster_cidr=10.244.0.0/16
service_cidr=10.96.0.0/16
apiserver_service_ip=10.96.0.1
dns_service_ip=10.96.0.10

log() { printf 'local-cluster: %s\n' "$*" >&2; }
die() {
    log "$*"
    exit 1
}

# The version a build module pins for a module path, read from its go.mod: the one source of truth.
pinned_version() {
    local dir=$1 module=$2
    awk -v m="$module" '$1 == "require" && $2 == m { print $3; exit } $1 == m && $2 ~ /^v/ { print $2; exit }' \
        "$modules/$dir/go.mod"
}

# write_if_changed FILE < content: a repeated `up` leaves unchanged files alone, since kube-proxy
# exits when its configuration file is written to.
write_if_changed() {
    local file=$1 new
    new=$(cat)
    [ -f "$file" ] && [ "$(cat "$file")" = "$new" ] && return 0
    printf '%s\n' "$new" >"$file"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

process_alive() {
    local pidfile=$1
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# start_process NAME COMMAND...: runs it in its own session with its log under $state/logs.
start_process() {
    local name=$1
    shift
    if process_alive "$state/pids/$name.pid"; then
        return 0
    fi
    setsid "$@" >"$state/logs/$name.log" 2>&1 </dev/null &
    echo $! >"$state/pids/$name.pid"
}

# stop_process NAME: TERM, a grace period, then KILL; the whole session goes with it.
stop_process() {
    local name=$1 pidfile pid
    pidfile="$state/pids/$name.pid"
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        for _ in $(seq 1 25); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
    fi
    rm -f "$pidfile"
}

# wait_for WHAT SECONDS COMMAND...: retries COMMAND until it succeeds; on time-out shows the
# component's log so the failure says why.
wait_for() {
    local what=$1 seconds=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "$what did not come up within ${seconds}s"
            [ -f "$state/logs/$what.log" ] && tail -n 30 "$state/logs/$what.log" >&2
            return 1
        fi
        sleep 0.5
    done
}

kubectl_local() {
    "$k8s_bin/kubectl" --kubeconfig "$state/kubeconfig" "$@"
}

cluster_answers() {
    [ -f "$state/kubeconfig" ] && [ -x "$k8s_bin/kubectl" ] &&
        kubectl_local --request-timeout=3s get --raw /readyz >/dev/null 2>&1
}

real_node_prerequisites() {
    local missing=() tool
    [ "$(id -u)" -eq 0 ] || missing+=("root (the kubelet, containerd and CNI need it)")
    for tool in containerd containerd-shim-runc-v2 ctr runc iptables ip6tables ipset ip; do
        command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
    done
    for tool in bridge host-local loopback portmap; do
        [ -x "/usr/lib/cni/$tool" ] || missing+=("/usr/lib/cni/$tool (containernetworking-plugins)")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "--node real is not possible here; missing: ${missing[*]}"
    return 1
}

default_node_mode() {
    if real_node_prerequisites 2>/dev/null; then echo real; else echo kwok; fi
}
