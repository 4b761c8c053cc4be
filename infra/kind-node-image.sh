#!/usr/bin/env bash
# A kind node image assembled on this machine, since no image can be pulled here.
#
#   infra/kind-node-image.sh build    builds it once per version (cached as a Docker image), prints its name
#   infra/kind-node-image.sh name     prints the name the current pins and binaries give
#   infra/kind-node-image.sh config   writes a kind cluster config for it (infra/kind/cluster.yaml plus
#                                     the node image and the component versions kubeadm must use), prints its path
#   infra/kind-node-image.sh kind     builds the kind CLI (cached), prints its path
#   infra/kind-node-image.sh docker-up|docker-down
#                                     the Docker daemon kind nodes can run on here (see node_docker_up);
#                                     run `build` and kind with the DOCKER_HOST that docker-up prints
#
# The image is a `debootstrap --variant=minbase bookworm` rootfs (systemd, containerd, runc, the CNI
# plugins and iptables from Debian) with our own kubelet, kubeadm, kubectl and crictl on top, and the
# control-plane images built FROM scratch from the binaries that scripts/local-cluster.sh builds.
# See docs/kind-offline.md.
# shellcheck disable=SC2154  # cache, modules and the pinned versions come from scripts/cluster/*.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=SCRIPTDIR/../scripts/cluster/common.sh
. "$root/scripts/cluster/common.sh"
# shellcheck source=SCRIPTDIR/../scripts/cluster/build.sh
. "$root/scripts/cluster/build.sh"

suite=bookworm
variant=minbase
mirror=${REPORUNNER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the node runs besides our binaries. Changing this list changes the rootfs cache key.
packages=(
    bash ca-certificates conntrack containerd containernetworking-plugins dbus e2fsprogs ebtables
    ethtool findutils iproute2 ipset iptables kmod libnss-myhostname libseccomp2 lsof mount
    nftables procps runc socat systemd systemd-sysv util-linux
)
kind_version=$(pinned_version kind sigs.k8s.io/kind)
crictl_version=$(pinned_version cri-tools sigs.k8s.io/cri-tools)
kind_bin=$cache/kind/$kind_version/bin
crictl_bin=$cache/cri-tools/$crictl_version/bin
capfilter_version=$(sha256sum "$modules/runc-capfilter/main.go" | cut -c1-12)
capfilter_bin=$cache/runc-capfilter/$capfilter_version/bin

kind_log() { printf 'kind-node-image: %s\n' "$*" >&2; }

rootfs_key() { printf '%s %s %s\n' "$suite" "$variant" "${packages[*]}" | sha256sum | cut -c1-12; }

# The Debian rootfs as a tarball, made once per suite, variant and package list.
rootfs_tarball() {
    local out dir
    out=$cache/rootfs/$suite-$variant-$(rootfs_key).tar
    if [ ! -f "$out" ]; then
        command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
        kind_log "debootstrap $suite ($variant) into $out (once)"
        mkdir -p "$cache/rootfs"
        dir=$(mktemp -d)
        local list
        list=$(IFS=,; echo "${packages[*]}")
        debootstrap --variant="$variant" --include="$list" "$suite" "$dir" "$mirror" >&2 ||
            die "debootstrap failed"
        # apt's lists and the package cache are of no use on a node.
        rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
        tar -C "$dir" --numeric-owner -cf "$out.tmp" .
        rm -rf "$dir"
        mv "$out.tmp" "$out"
    fi
    echo "$out"
}

# kind and crictl, built like the other components (scripts/cluster/build.sh's go_build).
build_kind_tools() {
    go_build kind "$kind_bin" "-X sigs.k8s.io/kind/pkg/cmd/kind/version.gitCommit=" kind=sigs.k8s.io/kind
    go_build cri-tools "$crictl_bin" "-X sigs.k8s.io/cri-tools/pkg/version.Version=$crictl_version" \
        crictl=sigs.k8s.io/cri-tools/cmd/crictl
    go_build runc-capfilter "$capfilter_bin" "" runc-capfilter=.
}

# oci_archive REF DIR OUT ENTRYPOINT: an OCI image archive (what `ctr images import` reads) whose one
# layer is DIR. Unlike node.sh's oci_image it writes a file and puts the binaries where kubeadm's
# manifests look for them (its static pods name the command, found through PATH).
oci_archive() {
    local ref=$1 dir=$2 out=$3 entry=$4 work layer config manifest
    work=$(mktemp -d)
    mkdir -p "$work/oci/blobs/sha256"
    tar -C "$dir" --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -cf "$work/layer.tar" .
    layer=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
    mv "$work/layer.tar" "$work/oci/blobs/sha256/$layer"
    printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["%s"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
        "$entry" "$layer" >"$work/config.json"
    config=$(sha256sum "$work/config.json" | cut -d' ' -f1)
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
        "$config" "$(stat -c %s "$work/config.json")" "$layer" "$(stat -c %s "$work/oci/blobs/sha256/$layer")" \
        >"$work/manifest.json"
    manifest=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
        "$manifest" "$(stat -c %s "$work/manifest.json")" "$ref" "${ref##*:}" >"$work/oci/index.json"
    mv "$work/config.json" "$work/oci/blobs/sha256/$config"
    mv "$work/manifest.json" "$work/oci/blobs/sha256/$manifest"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
    tar -C "$work/oci" -cf "$out" .
    rm -rf "$work"
}

# The names kubeadm's manifests use. etcd and CoreDNS keep the versions we build; the generated
# cluster config tells kubeadm those tags (see `config`).
etcd_tag=${etcd_version#v}-0
coredns_tag=$coredns_version
pause_tag=3.10
image_ref() {
    case $1 in
    etcd) echo "registry.k8s.io/etcd:$etcd_tag" ;;
    coredns) echo "registry.k8s.io/coredns/coredns:$coredns_tag" ;;
    pause) echo "registry.k8s.io/pause:$pause_tag" ;;
    *) echo "registry.k8s.io/$1:$k8s_version" ;;
    esac
}

# copy_with_libs ROOTFS DEST FILE...: FILEs of the Debian rootfs and the shared libraries they load,
# at the same paths under DEST (kube-proxy needs iptables in its image).
copy_with_libs() {
    local rootfs=$1 dest=$2 f lib
    shift 2
    for f in "$@"; do
        mkdir -p "$dest/$(dirname "$f")"
        cp -a "$rootfs/$f" "$dest/$f"
        if [ -f "$rootfs/$f" ] && [ ! -L "$rootfs/$f" ]; then
            for lib in $(chroot "$rootfs" ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
                [ -e "$dest/$lib" ] && continue
                mkdir -p "$dest/$(dirname "$lib")"
                cp -L "$rootfs/$lib" "$dest/$lib"
            done
        fi
    done
}

# component_images ROOTFS OUT_DIR: one archive per image kubeadm and the node need.
component_images() {
    local rootfs=$1 out=$2 work name
    work=$(mktemp -d)
    for name in kube-apiserver kube-controller-manager kube-scheduler; do
        mkdir -p "$work/$name/usr/local/bin"
        cp "$k8s_bin/$name" "$work/$name/usr/local/bin/"
        oci_archive "$(image_ref "$name")" "$work/$name" "$out/$name.tar" "/usr/local/bin/$name"
    done
    # kube-proxy programs iptables through Debian's iptables (nf_tables backend, as on the node).
    mkdir -p "$work/kube-proxy/usr/local/bin" "$work/kube-proxy/tmp"
    cp "$k8s_bin/kube-proxy" "$work/kube-proxy/usr/local/bin/"
    # shellcheck disable=SC2046  # one word per file
    copy_with_libs "$rootfs" "$work/kube-proxy" usr/sbin/xtables-nft-multi usr/sbin/conntrack \
        $(cd "$rootfs" && ls -d usr/lib/x86_64-linux-gnu/xtables/*.so)
    [ -e "$work/kube-proxy/lib/x86_64-linux-gnu/libc.so.6" ] || die "kube-proxy image: iptables' libraries were not found"
    for name in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
        ln -s xtables-nft-multi "$work/kube-proxy/usr/sbin/$name"
    done
    oci_archive "$(image_ref kube-proxy)" "$work/kube-proxy" "$out/kube-proxy.tar" /usr/local/bin/kube-proxy
    mkdir -p "$work/etcd/usr/local/bin" "$work/etcd/tmp"
    cp "$etcd_bin/etcd" "$work/etcd/usr/local/bin/"
    oci_archive "$(image_ref etcd)" "$work/etcd" "$out/etcd.tar" /usr/local/bin/etcd
    mkdir -p "$work/coredns"
    cp "$coredns_bin/coredns" "$work/coredns/"
    oci_archive "$(image_ref coredns)" "$work/coredns" "$out/coredns.tar" /coredns
    mkdir -p "$work/pause"
    cp "$pause_bin/pause" "$work/pause/"
    oci_archive "$(image_ref pause)" "$work/pause" "$out/pause.tar" /pause
    rm -rf "$work"
}

# The image's name carries the Kubernetes version and a key over everything that goes into it.
image_name() {
    local key
    key=$(
        {
            rootfs_key
            echo "$k8s_version $etcd_version $coredns_version $pause_version $crictl_version $capfilter_version"
            cat "$here/kind-node-image.sh"
            (cd "$here/kind/node" && find . -type f | sort | xargs sha256sum)
            # The binaries by size and time: a rebuilt binary makes a new image.
            stat -L -c '%n %s %Y' "$k8s_bin"/kube* "$etcd_bin/etcd" "$coredns_bin/coredns" "$pause_bin/pause" \
                "$crictl_bin/crictl" "$capfilter_bin/runc-capfilter" 2>/dev/null || true
        } | sha256sum | cut -c1-12
    )
    echo "reporunner/kind-node:$k8s_version-$key"
}

node_image_build() {
    local name base tarball ctx b
    command -v docker >/dev/null || die "docker is missing"
    # The binaries first (all cached): the image's name covers them.
    build_kind_tools
    # Kubernetes, etcd, CoreDNS and pause come from scripts/local-cluster.sh's build.
    for b in "$k8s_bin/kubelet" "$k8s_bin/kubeadm" "$etcd_bin/etcd" "$coredns_bin/coredns" "$pause_bin/pause"; do
        [ -x "$b" ] || { cmd_build; break; }
    done
    for b in kubelet kubeadm kubectl; do
        [ -x "$k8s_bin/$b" ] || die "$k8s_bin/$b is missing; run scripts/local-cluster.sh build"
    done
    name=$(image_name)
    if docker image inspect "$name" >/dev/null 2>&1; then
        echo "$name"
        return 0
    fi
    tarball=$(rootfs_tarball)
    base=reporunner/kind-node-base:$(basename "$tarball" .tar)
    if ! docker image inspect "$base" >/dev/null 2>&1; then
        kind_log "importing $tarball as $base"
        docker import "$tarball" "$base" >/dev/null
    fi
    ctx=$(mktemp -d)
    trap 'rm -rf "$ctx"' RETURN
    mkdir -p "$ctx/bin" "$ctx/images" "$ctx/rootfs"
    cp -a "$here/kind/node" "$ctx/node"
    cp "$k8s_bin/kubelet" "$k8s_bin/kubeadm" "$k8s_bin/kubectl" "$crictl_bin/crictl" "$ctx/bin/"
    mkdir -p "$ctx/node/usr/local/bin"
    cp "$capfilter_bin/runc-capfilter" "$ctx/node/usr/local/bin/"
    kind_log "building the control-plane images from the binaries"
    tar -C "$ctx/rootfs" -xf "$tarball"
    component_images "$ctx/rootfs" "$ctx/images"
    rm -rf "$ctx/rootfs"
    cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $base
COPY node/ /
COPY bin/ /usr/bin/
COPY images/ /kind/images/
RUN echo "$k8s_version" >/kind/version \\
 && : >/etc/machine-id \\
 && systemctl enable containerd.service kubelet.service reporunner-images.service reporunner-cni.service \\
 && systemctl mask getty.target systemd-udevd.service systemd-modules-load.service
LABEL io.reporunner.kind-node.kubernetes="$k8s_version"
ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]
STOPSIGNAL SIGRTMIN+3
DOCKERFILE
    kind_log "building $name"
    DOCKER_BUILDKIT=0 docker build -q -t "$name" "$ctx" >/dev/null || die "docker build of $name failed"
    # Older node images are a gigabyte each; those no container uses go (Docker refuses the others).
    docker images reporunner/kind-node --format '{{.Repository}}:{{.Tag}}' | grep -vxF "$name" |
        xargs -r docker rmi >/dev/null 2>&1 || true
    echo "$name"
}

# A kind config for this image: infra/kind/cluster.yaml, the image on every node, and the etcd and
# CoreDNS tags we build (kubeadm would otherwise name the ones its release pins).
node_image_config() {
    local name out
    name=$(image_name)
    out=${1:-$cache/kind/cluster-$(echo "$name" | tr '/:' '--').yaml}
    mkdir -p "$(dirname "$out")"
    sed "s|^\(\s*\)- role: \(.*\)$|\1- role: \2\n\1  image: $name|" "$here/kind/cluster.yaml" >"$out.tmp"
    cat >>"$out.tmp" <<YAML
# Added by infra/kind-node-image.sh for its locally built node image.
kubeadmConfigPatches:
  - |
    kind: ClusterConfiguration
    etcd:
      local:
        imageTag: "$etcd_tag"
    dns:
      imageTag: "$coredns_tag"
YAML
    mv "$out.tmp" "$out"
    echo "$out"
}

# kind runs every node `--privileged`, which makes runc ask for every capability it knows. Where
# this machine's bounding set lacks one (CAP_SYS_RESOURCE on these VMs), runc refuses to start any
# privileged container. Such machines get a Docker daemon of our own whose default runtime is
# runc-capfilter; on any other machine the usual daemon serves and `docker-up` prints its address.
private_docker=${REPORUNNER_KIND_DOCKER_DIR:-/run/reporunner-kind-docker}
private_docker_data=${REPORUNNER_KIND_DOCKER_DATA:-/var/lib/reporunner-kind-docker}
private_bridge=rrk-docker0

bounding_set_full() {
    local want have
    want=$(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1))
    have=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
    [ $((have & want)) -eq "$want" ]
}

private_docker_answers() {
    curl -sf --max-time 2 --unix-socket "$private_docker/docker.sock" http://localhost/_ping >/dev/null 2>&1
}

node_docker_up() {
    if bounding_set_full; then
        echo "DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}"
        return 0
    fi
    if ! private_docker_answers; then
        [ "$(id -u)" -eq 0 ] || die "a private Docker daemon for kind needs root"
        local docker0_address
        docker0_address=$(ip -4 -o addr show docker0 2>/dev/null | awk '{ print $4; exit }')
        build_kind_tools
        mkdir -p "$private_docker" "$private_docker_data"
        # Its default bridge (image builds' RUN steps need one) is ours, beside the usual docker0.
        if ! ip link show "$private_bridge" >/dev/null 2>&1; then
            ip link add "$private_bridge" type bridge
            ip addr add 10.214.0.1/24 dev "$private_bridge"
        fi
        ip link set "$private_bridge" up
        kind_log "starting a Docker daemon for kind nodes on $private_docker/docker.sock (runc-capfilter runtime)"
        # No iptables rules: kind's own network is a plain bridge, and its API server port is
        # published on loopback through docker-proxy.
        setsid dockerd --host "unix://$private_docker/docker.sock" --data-root "$private_docker_data" \
            --exec-root "$private_docker/exec" --pidfile "$private_docker/dockerd.pid" \
            --bridge "$private_bridge" --iptables=false --ip6tables=false --ip-masq=false \
            --default-address-pool base=10.213.0.0/16,size=24 \
            --add-runtime "capfilter=$capfilter_bin/runc-capfilter" --default-runtime capfilter \
            >"$private_docker/dockerd.log" 2>&1 </dev/null &
        for _ in $(seq 1 60); do
            private_docker_answers && break
            sleep 0.5
        done
        private_docker_answers || die "the private Docker daemon did not answer; see $private_docker/dockerd.log"
        # A dockerd given a bridge other than docker0 deletes docker0 as it starts, and the usual
        # daemon's default network goes with it: put it back as it was.
        if [ -n "$docker0_address" ] && ! ip link show docker0 >/dev/null 2>&1; then
            kind_log "restoring docker0 ($docker0_address), which the private daemon removed"
            ip link add docker0 type bridge
            ip addr add "$docker0_address" dev docker0
            ip link set docker0 up
        fi
    fi
    echo "DOCKER_HOST=unix://$private_docker/docker.sock"
}

# Stops the private daemon (after deleting what kind left on it); its images stay in the data root.
node_docker_down() {
    local pid
    [ -f "$private_docker/dockerd.pid" ] || return 0
    pid=$(cat "$private_docker/dockerd.pid")
    if private_docker_answers; then
        DOCKER_HOST=unix://$private_docker/docker.sock docker ps -aq | xargs -r \
            env DOCKER_HOST="unix://$private_docker/docker.sock" docker rm -f -v >/dev/null || true
        DOCKER_HOST=unix://$private_docker/docker.sock docker network rm kind >/dev/null 2>&1 || true
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && die "dockerd $pid did not stop"
    rm -f "$private_docker/dockerd.pid"
    if ip link show "$private_bridge" >/dev/null 2>&1; then ip link del "$private_bridge"; fi
}

usage() {
    echo "usage: $0 build|name|config [FILE]|kind|docker-up|docker-down" >&2
    exit 2
}

# Sourcing the file gives its functions (the kind test does); running it runs a command.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    case "${1:-}" in
    build) node_image_build ;;
    name) image_name ;;
    config) node_image_config "${2:-}" ;;
    kind) build_kind_tools && echo "$kind_bin/kind" ;;
    docker-up) node_docker_up ;;
    docker-down) node_docker_down ;;
    *) usage ;;
    esac
fi
