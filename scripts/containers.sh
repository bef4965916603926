#!/usr/bin/env bash
# Sourced by the image and deploy-check scripts: podman/buildah set up for this kind of machine
# (no Docker engine, cgroup v1/hybrid, a fixed RLIMIT_NOFILE), and the helpers they share.
#  - runtime runc: crun 1.8 (Debian 12's default) refuses hybrid cgroups;
#  - default_ulimits below the host's limits: raising RLIMIT_NOFILE/NPROC is not permitted in
#    a sandbox, and podman's defaults (nofile 1048576, nproc as root) would be raises.
# The configuration goes to a file of our own through CONTAINERS_CONF; /etc is left alone.

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# require TOOL DEBIAN-PACKAGE: a missing tool fails loudly with the package to install.
require() {
  command -v "$1" >/dev/null 2>&1 ||
    die "'$1' is required and not installed; install Debian's '$2' package (scripts/deps.sh installs it: make deps)"
}

containers_setup() {
  require podman podman
  require buildah buildah
  require runc runc
  local dir="${SPEEDYZERO_CONTAINERS_DIR:-${TMPDIR:-/tmp}/speedyzero-containers-$(id -u)}"
  mkdir -p "$dir"
  # Half the host's hard limits (and NPROC below kernel.pid_max): runc could not set a limit
  # equal to the host's hard limit here, nor NPROC above pid_max ("error setting rlimit ...
  # operation not permitted"); below them it works.
  local nofile nproc pidmax
  nofile="$(ulimit -Hn)"; nproc="$(ulimit -Hu)"; pidmax="$(cat /proc/sys/kernel/pid_max)"
  [ "$nofile" = unlimited ] && nofile=131072
  [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pidmax" ] && nproc="$pidmax"
  nofile=$((nofile / 2)); nproc=$((nproc / 2))
  cat > "$dir/containers.conf" <<CONF
# Written by scripts/containers.sh; see the comment there.
[containers]
default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]

[engine]
runtime = "runc"
CONF
  export CONTAINERS_CONF="$dir/containers.conf"
  # buildah's chroot isolation runs RUN steps without a container runtime; podman uses runc.
  export BUILDAH_ISOLATION=chroot
}

# image_exists NAME: true when NAME is in local container storage.
image_exists() { buildah inspect --type image "$1" >/dev/null 2>&1; }
