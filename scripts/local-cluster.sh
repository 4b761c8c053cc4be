#!/usr/bin/env bash
# A real Kubernetes on this machine for the tests, built from Kubernetes' own Go modules.
#
#   local-cluster.sh build                 compile the pinned binaries once per machine (cached)
#   local-cluster.sh up [--node real|kwok] start etcd, the control plane and a node; the last
#                                          line printed is KUBECONFIG=<path>
#   local-cluster.sh env                   print KUBECONFIG=... and REPORUNNER_KUBE_CONTEXT=...
#   local-cluster.sh status                what runs, and the node as the API server sees it
#   local-cluster.sh down                  remove every process, mount, namespace, rule and file
#                                          (host-path volumes in /tmp/hostpath_pv included)
#
# --node real (the default where the machine allows it) runs a kubelet on Debian's containerd,
# runc and CNI plugins, with kube-proxy, CoreDNS and kube-router for NetworkPolicy. --node kwok
# fakes the node and the pods' status. docs/local-cluster.md explains the layout and choices.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/cluster/common.sh
. "$root/scripts/cluster/common.sh"
# shellcheck source=scripts/cluster/build.sh
. "$root/scripts/cluster/build.sh"
# shellcheck source=scripts/cluster/pki.sh
. "$root/scripts/cluster/pki.sh"
# shellcheck source=scripts/cluster/controlplane.sh
. "$root/scripts/cluster/controlplane.sh"
# shellcheck source=scripts/cluster/node.sh
. "$root/scripts/cluster/node.sh"

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

cmd_up() {
    local mode=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --node) mode=${2:-}; shift 2 ;;
            --node=*) mode=${1#--node=}; shift ;;
            *) die "up: unknown option $1" ;;
        esac
    done
    [ -n "$mode" ] || mode=$(default_node_mode)
    case "$mode" in real | kwok) ;; *) die "up: --node must be real or kwok, not '$mode'" ;; esac
    if [ -f "$state/mode" ] && [ "$(cat "$state/mode")" != "$mode" ] && cluster_answers; then
        die "up: a cluster with --node $(cat "$state/mode") is already up; run down first"
    fi
    if [ "$mode" = real ]; then
        real_node_prerequisites || die "up: --node real needs the above; use --node kwok instead"
    fi
    cmd_build
    mkdir -p "$state" "$state/logs" "$state/pids" "$rundir"
    echo "$mode" >"$state/mode"
    if [ "$mode" = real ]; then node_address_up; fi
    pick_ports
    make_pki
    start_etcd
    start_apiserver
    bootstrap_cluster_objects
    start_controller_manager
    bootstrap_storage_class
    start_scheduler
    if [ "$mode" = real ]; then
        start_real_node
    else
        start_kwok_node
    fi
    wait_node_ready
    log "cluster up (--node $mode): $(kubectl_local get nodes --no-headers 2>/dev/null | head -1)"
    echo "KUBECONFIG=$state/kubeconfig"
}

cmd_env() {
    [ -f "$state/kubeconfig" ] || die "env: no cluster has been brought up (run: $0 up)"
    echo "KUBECONFIG=$state/kubeconfig"
    echo "REPORUNNER_KUBE_CONTEXT=$context_name"
    echo "REPORUNNER_CLUSTER_NODE=$(cat "$state/mode" 2>/dev/null || echo unknown)"
    echo "REPORUNNER_CLUSTER_NODE_IP=$node_ip"
    echo "REPORUNNER_KUBECTL=$k8s_bin/kubectl"
}

cmd_status() {
    local name pidfile up=0
    for pidfile in "$state"/pids/*.pid; do
        [ -e "$pidfile" ] || continue
        name=$(basename "$pidfile" .pid)
        if process_alive "$pidfile"; then
            echo "$name: running (pid $(cat "$pidfile"))"
            up=1
        else
            echo "$name: not running"
        fi
    done
    [ "$up" = 1 ] || { echo "no cluster is up"; return 1; }
    echo "mode: $(cat "$state/mode" 2>/dev/null || echo unknown)"
    kubectl_local get nodes -o wide 2>&1 || true
}

cmd_down() {
    local mode volumes volumes_left
    mode=$(cat "$state/mode" 2>/dev/null || echo "")
    # Asked while the API server still answers; removed once no pod mounts them.
    volumes=$(hostpath_volumes)
    if [ "$mode" = real ] || [ -d "$state/containerd" ]; then
        stop_real_node
    fi
    stop_process kwok
    stop_process kube-scheduler
    stop_process kube-controller-manager
    stop_process kube-apiserver
    stop_process etcd
    # The bridge and its rules belong to a real node; a kwok cluster never made them.
    if [ "$mode" = real ]; then node_address_down; fi
    volumes_left=$(printf '%s\n' "$volumes" | remove_hostpath_volumes)
    rm -rf "$state" "$rundir"
    leftovers=$(what_is_left)
    [ -z "$volumes_left" ] || leftovers="$leftovers host-path volumes: $(echo "$volumes_left" | tr '\n' ' ')"
    [ -z "$leftovers" ] || die "down: these are still there: $leftovers"
    log "cluster down: nothing of it is left"
}

# What `down` must have removed, as one line; empty when the machine is clean.
what_is_left() {
    local left=()
    [ -e "$state" ] && left+=("$state")
    ip link show "$node_bridge" >/dev/null 2>&1 && left+=("bridge $node_bridge")
    iptables-save 2>/dev/null | grep -qE 'KUBE-|reporunner local cluster' && left+=("iptables rules")
    ip6tables-save 2>/dev/null | grep -q 'KUBE-' && left+=("ip6tables rules")
    ipset list -n 2>/dev/null | grep -qE '^(KUBE-|kube-router-)' && left+=("ipsets")
    awk -v r="$rundir" 'index($2, r) == 1' /proc/mounts | grep -q . && left+=("mounts under $rundir")
    pgrep -f "containerd --config $state/" >/dev/null && left+=("containerd")
    pgrep -f "$cache/(k8s|etcd|kube-router|kwok)/" >/dev/null && left+=("cluster processes")
    echo "${left[*]}"
}

case "${1:-}" in
    build) shift; cmd_build "$@" ;;
    up) shift; cmd_up "$@" ;;
    env) cmd_env ;;
    status) cmd_status ;;
    down) cmd_down ;;
    *) usage ;;
esac
