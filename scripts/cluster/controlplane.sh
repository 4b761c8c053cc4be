# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # a part of scripts/local-cluster.sh: its variables are shared across the parts
# etcd, the API server, the controller-manager and the scheduler: the control plane of either mode.

# Ports are chosen once per state folder (free at that moment) and reused by a repeated `up`.
pick_ports() {
    if [ ! -f "$state/ports.env" ]; then
        local secure_port=6443
        # The real node's address is ours alone, so the API server keeps the usual port there.
        if [ "$(cat "$state/mode")" != real ]; then secure_port=$(free_port); fi
        {
            echo "etcd_port=$(free_port)"
            echo "etcd_peer_port=$(free_port)"
            echo "apiserver_port=$secure_port"
            echo "kubelet_healthz_port=$(free_port)"
            echo "proxy_healthz_port=$(free_port)"
            echo "proxy_metrics_port=$(free_port)"
            echo "registry_port=$(free_port)"
        } >"$state/ports.env"
    fi
    # shellcheck source=/dev/null
    . "$state/ports.env"
    if [ "$(cat "$state/mode")" = real ]; then apiserver_ip=$node_ip; else apiserver_ip=127.0.0.1; fi
    apiserver_url="https://$apiserver_ip:$apiserver_port"
}

start_etcd() {
    # Test data: fsync off keeps etcd from dominating a 2-core machine's disk time.
    start_process etcd "$etcd_bin/etcd" --name reporunner --data-dir "$state/etcd" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" \
        --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
        --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
        --initial-cluster "reporunner=http://127.0.0.1:$etcd_peer_port" \
        --unsafe-no-fsync --log-level warn
    wait_for etcd 30 curl -sf "http://127.0.0.1:$etcd_port/health"
}

start_apiserver() {
    local pki=$state/pki
    start_process kube-apiserver "$k8s_bin/kube-apiserver" \
        --etcd-servers "http://127.0.0.1:$etcd_port" \
        --bind-address "$apiserver_ip" --secure-port "$apiserver_port" --advertise-address "$apiserver_ip" \
        --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
        --client-ca-file "$pki/ca.crt" \
        --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
        --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
        --kubelet-certificate-authority "$pki/ca.crt" \
        --kubelet-preferred-address-types InternalIP \
        --service-account-issuer https://kubernetes.default.svc.cluster.local \
        --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
        --service-cluster-ip-range "$service_cidr" \
        --authorization-mode Node,RBAC \
        --enable-admission-plugins NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,ResourceQuota,NodeRestriction \
        --allow-privileged=true --profiling=false --endpoint-reconciler-type lease
    wait_for kube-apiserver 120 curl -sf --cacert "$pki/ca.crt" --cert "$pki/admin.crt" \
        --key "$pki/admin.key" "$apiserver_url/readyz"
}

# Objects the components need before they start: kube-router's RBAC, the registry hint.
bootstrap_cluster_objects() {
    kubectl_local apply --server-side --field-manager local-cluster -f "$root/infra/local-cluster/rbac.yaml" >/dev/null
}

# The default StorageClass, once the controller-manager that provisions it runs. A repeated `up`
# keeps a controller-manager started by an older script, without the provisioner: a default class
# then would leave every claim Pending, so there is none until the cluster is restarted.
bootstrap_storage_class() {
    local pid
    pid=$(cat "$state/pids/kube-controller-manager.pid")
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- '--enable-hostpath-provisioner'; then
        kubectl_local apply --server-side --field-manager local-cluster \
            -f "$root/infra/local-cluster/storageclass.yaml" >/dev/null
    else
        log "the running controller-manager has no host-path provisioner: no default StorageClass" \
            "(run down, then up, to get one)"
    fi
}

# The controller-manager's host-path provisioner (testing only) makes each claimed volume a folder
# here; Kubernetes' code fixes the path (pkg/volume/hostpath), and its deleter removes a folder
# only when it is under /tmp.
hostpath_dir=/tmp/hostpath_pv

# This cluster's host-path volume folders, one a line: those its PersistentVolumes name (while
# the API server answers), and any made since it came up.
hostpath_volumes() {
    if cluster_answers; then
        kubectl_local get persistentvolumes \
            -o jsonpath='{range .items[*]}{.spec.hostPath.path}{"\n"}{end}' 2>/dev/null || true
    fi
    if [ -f "$state/mode" ]; then
        find "$hostpath_dir" -mindepth 1 -maxdepth 1 -newer "$state/mode" 2>/dev/null || true
    fi
}

# Removes the folders named on stdin (only ever direct children of $hostpath_dir), then the
# parent when nothing else is in it; prints those still there.
remove_hostpath_volumes() {
    local path
    while read -r path; do
        case "$path" in
            "$hostpath_dir"/*/* | *..*) ;;
            "$hostpath_dir"/?*)
                rm -rf -- "$path"
                [ ! -e "$path" ] || echo "$path"
                ;;
        esac
    done
    rmdir "$hostpath_dir" 2>/dev/null || true
}

start_controller_manager() {
    local pki=$state/pki
    start_process kube-controller-manager "$k8s_bin/kube-controller-manager" \
        --kubeconfig "$state/controller-manager.kubeconfig" \
        --authentication-kubeconfig "$state/controller-manager.kubeconfig" \
        --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
        --bind-address 127.0.0.1 --secure-port 0 \
        --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
        --use-service-account-credentials --leader-elect=false \
        --allocate-node-cidrs --cluster-cidr "$cluster_cidr" --node-cidr-mask-size 24 \
        --service-cluster-ip-range "$service_cidr" --cluster-name "$context_name" \
        --controllers '*,-bootstrapsigner,-tokencleaner,-csrsigning,-csrapproving' \
        --enable-hostpath-provisioner
    wait_for kube-controller-manager 60 kubectl_local get serviceaccount default -n default
}

start_scheduler() {
    start_process kube-scheduler "$k8s_bin/kube-scheduler" \
        --kubeconfig "$state/scheduler.kubeconfig" \
        --authentication-kubeconfig "$state/scheduler.kubeconfig" \
        --authorization-kubeconfig "$state/scheduler.kubeconfig" \
        --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false
    wait_for kube-scheduler 30 process_alive "$state/pids/kube-scheduler.pid"
}

wait_node_ready() {
    wait_for node 120 sh -c "'$k8s_bin/kubectl' --kubeconfig '$state/kubeconfig' get node $node_name \
        -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
}
