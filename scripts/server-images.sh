#!/usr/bin/env bash
# Makes the NATS and Redis images the deploy check's `pods` step plays the manifests with, for
# machines that reach no image registry (docs/deployment.md, "The stack as pods"): Debian 12's
# own packages on the local Debian base of scripts/container-bases.sh.
#   localhost/speedyzero-bases/nats:bookworm   nats-server (Debian 12: 2.9), for nats:2.10.22-alpine
#   localhost/speedyzero-bases/redis:bookworm  redis-server and redis-cli (Debian 12: 7.0), for
#                                              redis:7.2.6-bookworm
# Both with /data writable by any user (the manifests run NATS as uid 1000, Redis as 999, and the
# volume takes the mode of the image's folder) and an empty /etc/nats, /etc/redis (the ConfigMap
# volumes mount there and take the image folder's owner and mode too; Debian's /etc/redis is
# redis-only). Existing images are reused (REBUILD_BASES=1 makes them again). Prints the two
# image names, one per line.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/containers.sh
containers_setup

prefix="localhost/speedyzero-bases"
debian="$prefix/debian:bookworm"
scripts/container-bases.sh >/dev/null

ctr=""
cleanup() { [ -z "$ctr" ] || buildah rm "$ctr" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# make IMAGE COMMAND PACKAGE...: IMAGE from the Debian base with PACKAGE... installed.
make_image() {
  local image="$1" command="$2"; shift 2
  if [ "${REBUILD_BASES:-0}" != 1 ] && image_exists "$image"; then return; fi
  echo "server-images: making $image (Debian's $*)" >&2
  ctr="$(buildah from --pull-never "$debian")"
  buildah run "$ctr" -- sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends $* >/dev/null && rm -rf /var/lib/apt/lists/* \
    && rm -rf /etc/nats /etc/redis && mkdir -m 755 /etc/nats /etc/redis \
    && mkdir -p /data && chmod 1777 /data" >&2
  buildah config --cmd "$command" "$ctr"
  buildah commit --quiet --rm "$ctr" "$image" >/dev/null
  ctr=""
}

make_image "$prefix/nats:bookworm" nats-server nats-server
make_image "$prefix/redis:bookworm" redis-server redis-server redis-tools
echo "$prefix/nats:bookworm"
echo "$prefix/redis:bookworm"
