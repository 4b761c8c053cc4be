# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # a part of scripts/local-cluster.sh: its variables are shared across the parts
# `build`: compiles the pinned Go modules of tests/support/cluster/* into a cache keyed by version.
# A finished build is a bin/ folder that appears in one rename, so an interrupted build is redone.

k8s_version=$(pinned_version kubernetes k8s.io/kubernetes)
etcd_version=$(pinned_version etcd go.etcd.io/etcd/server/v3)
kwok_version=$(pinned_version kwok sigs.k8s.io/kwok)
coredns_version=$(pinned_version coredns github.com/coredns/coredns)
kube_router_version=$(pinned_version kube-router github.com/cloudnativelabs/kube-router/v2)
# The pause command is our own source: its key is the source's hash.
pause_version=$(sha256sum "$modules/pause/main.go" | cut -c1-12)

k8s_bin=$cache/k8s/$k8s_version/bin
etcd_bin=$cache/etcd/$etcd_version/bin
kwok_bin=$cache/kwok/$kwok_version/bin
# CoreDNS links the plugins main.go names: the key covers that list too.
coredns_bin=$cache/coredns/$coredns_version-$(sha256sum "$modules/coredns/main.go" | cut -c1-8)/bin
kube_router_bin=$cache/kube-router/$kube_router_version/bin
pause_bin=$cache/pause/$pause_version/bin

go_env() {
    command -v go >/dev/null 2>&1 || die "build: the Go toolchain is missing (go on PATH)"
    export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
}

# go_build MODULE_DIR OUT_BIN LDFLAGS NAME=PACKAGE...: builds each PACKAGE as OUT_BIN/NAME,
# unless OUT_BIN is already there. One `go build` per module shares the compiled packages.
go_build() {
    local dir=$1 out=$2 ldflags=$3 spec packages=()
    shift 3
    if [ -d "$out" ]; then
        # A bin/ made before a command joined the list is completed, not trusted as it is.
        for spec in "$@"; do [ -x "$out/${spec%%=*}" ] || break; done
        [ -x "$out/${spec%%=*}" ] && return 0
        log "$out lacks ${spec%%=*}; rebuilding it"
        rm -rf "$out"
    fi
    go_env
    log "building $dir (once per version; cached in $out)"
    rm -rf "$out.tmp"
    mkdir -p "$out.tmp"
    for spec in "$@"; do packages+=("${spec#*=}"); done
    if [ $# -eq 1 ]; then
        (cd "$modules/$dir" && go build -p 2 -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp/${1%%=*}" "${packages[@]}")
    else
        (cd "$modules/$dir" && go build -p 2 -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp/" "${packages[@]}")
    fi || die "build: go build failed in $modules/$dir"
    for spec in "$@"; do
        [ -x "$out.tmp/${spec%%=*}" ] || die "build: $dir did not produce ${spec%%=*}"
    done
    mv "$out.tmp" "$out"
}

build_kubernetes() {
    local v=$k8s_version minor pkg=k8s.io/component-base/version
    minor=$(echo "$v" | cut -d. -f2)
    go_build kubernetes "$k8s_bin" \
        "-X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean
         -X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=1
         -X k8s.io/client-go/pkg/version.gitMinor=$minor" \
        kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver \
        kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager \
        kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler kubelet=k8s.io/kubernetes/cmd/kubelet \
        kube-proxy=k8s.io/kubernetes/cmd/kube-proxy kubectl=k8s.io/kubernetes/cmd/kubectl \
        kubeadm=k8s.io/kubernetes/cmd/kubeadm
}

cmd_build() {
    build_kubernetes
    go_build etcd "$etcd_bin" "" etcd=go.etcd.io/etcd/server/v3
    go_build kwok "$kwok_bin" "-X sigs.k8s.io/kwok/pkg/consts.Version=$kwok_version" kwok=sigs.k8s.io/kwok/cmd/kwok
    go_build coredns "$coredns_bin" "" coredns=.
    go_build kube-router "$kube_router_bin" "" kube-router=github.com/cloudnativelabs/kube-router/v2/cmd/kube-router
    go_build pause "$pause_bin" "" pause=.
}
