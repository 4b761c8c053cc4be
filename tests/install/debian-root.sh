# A clean Debian 12 root for the install-time tests, sourced by them. `debian_root` unpacks a
# minbase root (made once with debootstrap and cached as a tarball under
# ~/.cache/reporunner/rootfs/, keyed by suite and variant) into a fresh folder under /var/tmp,
# mounts /proc and apt's cached downloads and lists (~/.cache/reporunner/apt/) into it, runs
# apt-get update there, and leaves $R and $work for the caller; everything is unmounted and
# removed at exit. The caller defines fail and step.
# shellcheck shell=bash
suite=bookworm
variant=minbase
mirror=${REPORUNNER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${REPORUNNER_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
cache="${XDG_CACHE_HOME:-$HOME/.cache}/reporunner"
work=
R=
mounted=()

in_root() {
    chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive XDG_RUNTIME_DIR=/run/user/0 "$@"
}

# apt in the root, one run at a time: concurrent runs share the cached archives and lists.
apt_in_root() {
    flock "$cache/apt/.lock" chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive apt-get "$@"
}

bind_mount() {
    mkdir -p "$R$2"
    mount --bind "$1" "$R$2"
    mounted+=("$R$2")
}

debian_root_cleanup() {
    [ -n "$work" ] || return 0
    # Anything still running inside the root (a serve the host started) goes first.
    local p i
    for p in /proc/[0-9]*; do
        if [ "$(readlink "$p/root" 2>/dev/null)" = "$R" ]; then kill -9 "${p#/proc/}" 2>/dev/null || true; fi
    done
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
    done
    # Never delete through a mount that is still there.
    if grep -q " $R/" /proc/mounts; then
        echo "debian-root: leaving $work: something is still mounted under it" >&2
    else
        rm -rf --one-file-system "$work"
    fi
}

debian_root() {
    [ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot, mounts)"
    local tool
    for tool in debootstrap chroot mount flock; do
        command -v "$tool" >/dev/null || fail "$tool is missing (scripts/setup.sh installs it)"
    done
    # The clean root, made once per suite+variant and kept as a tarball.
    local rootfs_tar="$cache/rootfs/$suite-$variant.tar.gz"
    mkdir -p "$cache/rootfs" "$cache/apt/archives/partial" "$cache/apt/lists-$suite/partial"
    (
        flock 9
        if [ ! -f "$rootfs_tar" ]; then
            step "debootstrap --variant=$variant $suite (cached afterwards in $rootfs_tar)"
            fresh=$(mktemp -d "$cache/rootfs/.fresh.XXXXXX")
            trap 'rm -rf --one-file-system "$fresh"' EXIT
            debootstrap --variant="$variant" "$suite" "$fresh/root" "$mirror" >"$fresh/log" 2>&1 ||
                { tail -n 20 "$fresh/log" >&2; exit 1; }
            tar -C "$fresh/root" -czf "$fresh/rootfs.tar.gz" .
            mv "$fresh/rootfs.tar.gz" "$rootfs_tar"
        fi
    ) 9>"$cache/rootfs/.lock" || fail "could not make the $suite root"

    work=$(mktemp -d /var/tmp/reporunner-install.XXXXXX)
    R="$work/root"
    trap debian_root_cleanup EXIT

    step "unpacking the $suite root"
    mkdir "$R"
    tar -C "$R" -xzf "$rootfs_tar"
    printf 'deb %s %s main\n' "$mirror" "$suite" "$mirror" "$suite-updates" "$security" "$suite-security" \
        >"$R/etc/apt/sources.list"
    cp /etc/resolv.conf "$R/etc/resolv.conf"
    # debootstrap leaves no /etc/hosts; an installed system has one.
    [ -f "$R/etc/hosts" ] || printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >"$R/etc/hosts"
    # No service starts inside the root.
    printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
    chmod 755 "$R/usr/sbin/policy-rc.d"
    # Only what is needed: /proc (apt, Qt and the host read it); /dev's nodes come in the tarball.
    mount -t proc proc "$R/proc"
    mounted+=("$R/proc")
    bind_mount "$cache/apt/archives" /var/cache/apt/archives
    bind_mount "$cache/apt/lists-$suite" /var/lib/apt/lists

    step "apt-get update"
    apt_in_root update -q >"$work/apt-update.log" 2>&1 || { tail -n 20 "$work/apt-update.log" >&2; fail "apt-get update"; }
}
