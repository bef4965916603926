#!/usr/bin/env bash
# Makes the base images of deploy/docker/Dockerfile locally, for machines that reach no image
# registry (docs/deployment.md, "Building without a registry"):
#   debian        Debian 12 (bookworm) minbase from the Debian mirror (mmdebstrap), with this
#                 machine's extra CA certificates in /usr/local/share/ca-certificates (picked up
#                 when the Dockerfile installs ca-certificates)
#   debian-build  the same plus this machine's NuGet configuration (NuGet.Config and the
#                 NUGET_* environment), so the restore inside the build uses the same source
#   dotnet-sdk    this machine's .NET (/usr/share/dotnet: SDK and runtimes), files only
#   dotnet-runtime  the same without the SDK: host, Microsoft.NETCore.App, Microsoft.AspNetCore.App
# Existing bases are reused (REBUILD_BASES=1 makes them again). Prints the Dockerfile's build
# arguments for these bases on stdout, one per line, for `buildah build`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/containers.sh
containers_setup
require mmdebstrap mmdebstrap
require dotnet "dotnet-sdk-10.0 (Microsoft's packages)"

mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
prefix="localhost/speedyzero-bases"
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
[ -d "$dotnet_root/shared/Microsoft.AspNetCore.App" ] || die "no ASP.NET Core runtime under $dotnet_root/shared"
runtime_version="$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -1)"
sdk_version="$(dotnet --version)"

debian="$prefix/debian:bookworm"
debian_build="$prefix/debian-build:bookworm"
sdk="$prefix/dotnet-sdk:$sdk_version"
runtime="$prefix/dotnet-runtime:$runtime_version"

log() { echo "container-bases: $*" >&2; }
fresh() { [ "${REBUILD_BASES:-0}" = 1 ] || ! image_exists "$1"; }

work="$(mktemp -d)"
ctr=""
cleanup() { [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

if fresh "$debian"; then
  log "making $debian (mmdebstrap --variant=minbase bookworm from $mirror)"
  mmdebstrap --quiet --variant=minbase --mode=root bookworm "$work/rootfs.tar" "$mirror" >&2
  ctr="$(buildah from scratch)"
  buildah add --quiet "$ctr" "$work/rootfs.tar" / >/dev/null
  rm -f "$work/rootfs.tar"
  if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
    buildah copy --quiet "$ctr" /usr/local/share/ca-certificates /usr/local/share/ca-certificates >/dev/null
  fi
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash "$ctr"
  buildah commit --quiet --rm "$ctr" "$debian" >/dev/null
  ctr=""
fi

if fresh "$debian_build"; then
  log "making $debian_build (NuGet configuration of this machine)"
  ctr="$(buildah from --pull-never "$debian")"
  for f in "$HOME/.nuget/NuGet/NuGet.Config" /etc/nuget/NuGet.Config; do
    if [ -f "$f" ]; then
      buildah run "$ctr" mkdir -p /root/.nuget/NuGet
      buildah copy --quiet "$ctr" "$f" /root/.nuget/NuGet/NuGet.Config >/dev/null
      break
    fi
  done
  while IFS='=' read -r name value; do
    buildah config --env "$name=$value" "$ctr"
  done < <(env | grep -E '^NUGET_' || true)
  buildah commit --quiet --rm "$ctr" "$debian_build" >/dev/null
  ctr=""
fi

if fresh "$sdk"; then
  log "making $sdk from $dotnet_root"
  ctr="$(buildah from scratch)"
  buildah copy --quiet "$ctr" "$dotnet_root" /usr/share/dotnet >/dev/null
  buildah commit --quiet --rm "$ctr" "$sdk" >/dev/null
  ctr=""
fi

if fresh "$runtime"; then
  log "making $runtime from $dotnet_root (runtimes only)"
  mkdir -p "$work/dotnet/shared"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$work/dotnet/"
  cp -a "$dotnet_root"/LICENSE.txt "$dotnet_root"/ThirdPartyNotices.txt "$work/dotnet/" 2>/dev/null || true
  for fw in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    mkdir -p "$work/dotnet/shared/$fw"
    cp -a "$dotnet_root/shared/$fw/$runtime_version" "$work/dotnet/shared/$fw/"
  done
  ctr="$(buildah from scratch)"
  buildah copy --quiet "$ctr" "$work/dotnet" /usr/share/dotnet >/dev/null
  buildah commit --quiet --rm "$ctr" "$runtime" >/dev/null
  ctr=""
fi

echo "BUILD_IMAGE=$debian_build"
echo "RUNTIME_IMAGE=$debian"
echo "DOTNET_SDK_IMAGE=$sdk"
echo "DOTNET_RUNTIME_IMAGE=$runtime"
