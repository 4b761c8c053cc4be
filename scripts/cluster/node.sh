# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # a part of scripts/local-cluster.sh: its variables are shared across the parts
# The node: a real kubelet on its own containerd (--node real), or kwok's fake (--node kwok).

containerd_sock() { echo "$rundir/containerd.sock"; }
ctr_local() { ctr --address "$(containerd_sock)" --namespace k8s.io "$@"; }

# The pod bridge exists before anything binds the node address, so the API server can listen on it.
node_address_up() {
    if ! ip link show "$node_bridge" >/dev/null 2>&1; then
        ip link add "$node_bridge" type bridge
    fi
    ip addr replace "$node_ip/24" dev "$node_bridge"
    ip link set "$node_bridge" up
    # Pods' packets may be forwarded only back onto the pod bridge: nothing of the cluster leaves
    # the machine, and pods don't reach Docker's networks either. Within the bridge, forwarding is
    # allowed explicitly, since Docker sets the FORWARD policy to DROP (kube-router's policy chain
    # comes first and still decides what a NetworkPolicy refuses).
    forward_rule -I -s "$cluster_cidr" ! -o "$node_bridge" -m comment --comment "$keep_on_machine" -j DROP
    forward_rule -A -i "$node_bridge" -o "$node_bridge" -m comment --comment "$within_bridge" -j ACCEPT
}

keep_on_machine="reporunner local cluster: pods stay on this machine"
within_bridge="reporunner local cluster: pod to pod"

# forward_rule -I|-A RULE...: adds the FORWARD rule once.
forward_rule() {
    local how=$1
    shift
    iptables -C FORWARD "$@" 2>/dev/null || iptables "$how" FORWARD "$@"
}

node_address_down() {
    while iptables -D FORWARD -s "$cluster_cidr" ! -o "$node_bridge" -m comment --comment "$keep_on_machine" \
        -j DROP 2>/dev/null; do :; done
    while iptables -D FORWARD -i "$node_bridge" -o "$node_bridge" -m comment --comment "$within_bridge" \
        -j ACCEPT 2>/dev/null; do :; done
    if ip link show "$node_bridge" >/dev/null 2>&1; then ip link del "$node_bridge"; fi
}

# oci_image NAME:TAG ENTRYPOINT FILE...: an OCI image archive with one layer holding FILEs at /,
# imported as `ctr images import` reads it. Nothing is pulled: every node image is built from
# local binaries. A FILE that is a folder is copied with its contents.
oci_image() {
    local ref=$1 entrypoint=$2 work layer config manifest digest size
    shift 2
    work=$(mktemp -d)
    mkdir -p "$work/rootfs" "$work/oci/blobs/sha256"
    cp -a "$@" "$work/rootfs/"
    tar -C "$work/rootfs" --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" .
    layer=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
    mv "$work/layer.tar" "$work/oci/blobs/sha256/$layer"
    size=$(stat -c %s "$work/oci/blobs/sha256/$layer")
    printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["%s"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$entrypoint" "$layer" >"$work/config.json"
    config=$(sha256sum "$work/config.json" | cut -d' ' -f1)
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "$config" "$(stat -c %s "$work/config.json")" "$layer" "$size" >"$work/manifest.json"
    manifest=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
    digest=$(stat -c %s "$work/manifest.json")
    mv "$work/config.json" "$work/oci/blobs/sha256/$config"
    mv "$work/manifest.json" "$work/oci/blobs/sha256/$manifest"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
        "$manifest" "$digest" "$ref" "${ref##*:}" >"$work/oci/index.json"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
    tar -C "$work/oci" -cf "$work/image.tar" .
    ctr_local images import --no-unpack=false "$work/image.tar" >/dev/null
    rm -rf "$work"
}

# Like the Docker daemon's busybox:1.36 (scripts/busybox-image.sh), the node holds one from
# Debian's static busybox, so test pods have a shell without a registry.
busybox_image() {
    local root
    root=$(mktemp -d)
    mkdir -p "$root/bin"
    cp /bin/busybox "$root/bin/busybox"
    /bin/busybox --install -s "$root/bin" 2>/dev/null || true
    # --install links to the host's own path of busybox (/usr/bin on merged-/usr Debian).
    local link
    for link in "$root"/bin/*; do
        if [ -L "$link" ]; then ln -sf busybox "$link"; fi
    done
    oci_image docker.io/library/busybox:1.36 /bin/sh "$root/bin"
    rm -rf "$root"
}

pause_image=registry.reporunner.local/pause:$pause_version
coredns_image=registry.reporunner.local/coredns:$coredns_version

start_containerd() {
    local conf=$state/containerd/config.toml
    mkdir -p "$state/containerd/certs.d/localhost:$registry_port" "$state/cni/net.d"
    write_if_changed "$conf" <<EOF
version = 2
root = "$state/containerd/root"
state = "$rundir/containerd"
[grpc]
  address = "$(containerd_sock)"
[ttrpc]
  address = "$rundir/containerd-ttrpc.sock"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$state/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  enable_selinux = false
  # Pods ask for negative OOM scores (the sandbox -998), which need CAP_SYS_RESOURCE; sandboxed
  # machines (this one) may not grant it. Capped at containerd's own score, pods still start.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$state/containerd/certs.d"
EOF
    write_if_changed "$state/containerd/certs.d/localhost:$registry_port/hosts.toml" <<EOF
server = "http://127.0.0.1:$registry_port"
[host."http://127.0.0.1:$registry_port"]
  capabilities = ["pull", "resolve"]
EOF
    write_if_changed "$state/cni/net.d/10-reporunner.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "reporunner",
  "plugins": [
    {
      "type": "bridge", "bridge": "$node_bridge", "isGateway": true, "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$state/cni/ipam",
        "ranges": [[{"subnet": "$pod_cidr", "gateway": "$node_ip"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
    start_process containerd containerd --config "$conf"
    wait_for containerd 30 ctr --address "$(containerd_sock)" version
    oci_image "$pause_image" /pause "$pause_bin/pause"
    oci_image "$coredns_image" /coredns "$coredns_bin/coredns"
    busybox_image
}

# Debian's docker-registry on loopback, published through KEP-1755's ConfigMap: the engine
# pushes what it builds there and the node pulls it, as with kind's local registry.
start_registry() {
    mkdir -p "$state/registry"
    write_if_changed "$state/registry/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $state/registry/data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$registry_port}
EOF
    start_process registry docker-registry serve "$state/registry/config.yml"
    wait_for registry 30 curl -sf "http://127.0.0.1:$registry_port/v2/"
    kubectl_local apply --server-side --field-manager local-cluster -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: local-registry-hosting, namespace: kube-public}
data:
  localRegistryHosting.v1: |
    host: "localhost:$registry_port"
    help: "scripts/local-cluster.sh runs this registry; see docs/local-cluster.md"
EOF
}

start_kubelet() {
    local pki=$state/pki
    mkdir -p "$state/kubelet"
    : >"$state/kubelet/resolv.conf"
    write_if_changed "$state/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $kubelet_healthz_port
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$(containerd_sock)
clusterDNS: [$dns_service_ip]
clusterDomain: cluster.local
resolvConf: $state/kubelet/resolv.conf
failSwapOn: false
podCIDR: $pod_cidr
maxPods: 60
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
EOF
    start_process kubelet "$k8s_bin/kubelet" --config "$state/kubelet/config.yaml" \
        --kubeconfig "$state/kubelet.kubeconfig" --root-dir "$state/kubelet/root" \
        --hostname-override "$node_name" --node-ip "$node_ip" --v 1
    wait_for kubelet 90 kubectl_local get node "$node_name"
}

start_kube_proxy() {
    write_if_changed "$state/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $state/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $cluster_cidr
hostnameOverride: $node_name
healthzBindAddress: 127.0.0.1:$proxy_healthz_port
metricsBindAddress: 127.0.0.1:$proxy_metrics_port
nodePortAddresses: ["$node_ip/32"]
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
    start_process kube-proxy "$k8s_bin/kube-proxy" --config "$state/kube-proxy.yaml"
    wait_for kube-proxy 60 curl -sf "http://127.0.0.1:$proxy_healthz_port/healthz"
}

start_kube_router() {
    start_process kube-router "$kube_router_bin/kube-router" --kubeconfig "$state/kube-router.kubeconfig" \
        --run-firewall=true --run-router=false --run-service-proxy=false --run-loadbalancer=false \
        --hostname-override "$node_name" --metrics-port 0 --health-port 0 --enable-ipv6=false
    wait_for kube-router 60 sh -c 'iptables -S | grep -q KUBE-ROUTER'
}

start_coredns() {
    sed -e "s|@COREDNS_IMAGE@|$coredns_image|" -e "s|@DNS_SERVICE_IP@|$dns_service_ip|" \
        "$root/infra/local-cluster/coredns.yaml" |
        kubectl_local apply --server-side --field-manager local-cluster -f - >/dev/null
}

start_real_node() {
    start_containerd
    start_registry
    start_kubelet
    start_kube_proxy
    start_kube_router
    start_coredns
    # A loaded machine (CI builds the release tree beside this) can take minutes; the log says why.
    wait_for coredns 300 kubectl_local -n kube-system rollout status deployment/coredns --timeout 5s || {
        node_diagnostics
        return 1
    }
}

# What a failed `up` leaves for whoever reads the log: the node's conditions, the pods and their
# events, CoreDNS's own output, the disk the kubelet watches, and the node processes' errors.
node_diagnostics() {
    local name
    log "diagnostics follow"
    {
        kubectl_local get node "$node_name" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.message}{"\n"}{end}{.spec.taints}{"\n"}'
        kubectl_local get pods -A -o wide
        kubectl_local -n kube-system describe pods -l k8s-app=kube-dns | sed -n '/^Containers:/,$p'
        kubectl_local -n kube-system logs -l k8s-app=kube-dns --tail 30
        kubectl_local get events -A --sort-by=.lastTimestamp | tail -n 30
        df -h "$state" "$rundir"
        for name in kubelet containerd kube-proxy kube-router; do
            echo "--- $name: last errors"
            grep -E '^E[0-9]{4}|level=error|level=fatal|panic' "$state/logs/$name.log" | tail -n 15
        done
    } >&2 2>&1 || true
}

start_kwok_node() {
    kubectl_local apply --server-side --field-manager local-cluster -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $node_name
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: $node_name, kubernetes.io/os: linux, type: kwok}
status:
  allocatable: {cpu: "8", memory: 16Gi, pods: "110"}
  capacity: {cpu: "8", memory: 16Gi, pods: "110"}
EOF
    start_process kwok "$kwok_bin/kwok" --kubeconfig "$state/kwok.kubeconfig" \
        --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
        --node-ip "$apiserver_ip" --node-lease-duration-seconds 40 --cidr 10.245.0.0/16
}

# The chains the kubelet, kube-proxy and kube-router made in this machine's own tables (KUBE-*),
# the jumps to them, and kube-router's ipsets. (kube-router v2.1.0's --cleanup-config panics
# without IPVS, so this does the cleanup itself.) Clusters in containers, like kind's, have
# tables of their own and are not touched.
remove_kube_rules() {
    local tool table rule chain
    for tool in iptables ip6tables; do
        for table in filter nat mangle raw; do
            { "$tool" -t "$table" -S 2>/dev/null || true; } |
                awk '$1 == "-A" && $2 ~ /^(INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)$/ && / -j KUBE-/' |
                while read -r rule; do eval "$tool -t $table -D ${rule#-A }" 2>/dev/null || true; done
            for chain in $("$tool" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do
                "$tool" -t "$table" -F "$chain" 2>/dev/null || true
            done
            for chain in $("$tool" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do
                "$tool" -t "$table" -X "$chain" 2>/dev/null || true
            done
        done
    done
    for chain in $(ipset list -n 2>/dev/null | awk '/^(KUBE-|kube-router-)/'); do
        ipset destroy "$chain" 2>/dev/null || true
    done
}

# Stops the node and removes what its pods left on the host: mounts, network namespaces,
# containers' state, iptables chains and ipsets of kube-proxy and kube-router.
stop_real_node() {
    stop_process kube-router
    stop_process kube-proxy
    stop_process kubelet
    if process_alive "$state/pids/containerd.pid"; then
        local task
        for task in $(ctr_local tasks list -q 2>/dev/null); do
            ctr_local tasks kill -s KILL "$task" >/dev/null 2>&1 || true
        done
    fi
    stop_process containerd
    stop_process registry
    pkill -f "containerd-shim-runc-v2 -namespace k8s.io -address $(containerd_sock)" 2>/dev/null || true
    awk -v s="$state" -v r="$rundir" 'index($2, s) == 1 || index($2, r) == 1 { print $2 }' /proc/mounts |
        sort -r | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
    remove_kube_rules
    # The pods' network namespaces: containerd names them cni-*; only those made since this
    # cluster came up are ours.
    find /var/run/netns -maxdepth 1 -name 'cni-*' -newer "$state/mode" -printf '%f\n' 2>/dev/null |
        while read -r ns; do ip netns delete "$ns" 2>/dev/null || true; done
}
