#!/usr/bin/env bash
# Installs what SpeedyZero-k8s needs from Debian's packages, and only what is missing.
# Safe to run again and again: with everything present it prints one line and changes nothing.
# Works as root or through sudo; says clearly what to do when neither is possible.
set -euo pipefail

packages=(
  libtorch-dev          # the native engine's neural-network library (CPU)
  libopenblas0-pthread  # fast BLAS for libtorch (the default reference BLAS is ~20x slower)
  libjemalloc2          # the malloc engine processes run on (make preloads it): flat resident memory over long runs
  libdnnl-dev           # oneDNN headers: the engine calls the oneDNN libtorch links directly (large-batch conv inference)
  python3-torch         # PyTorch 1.13 on the same libtorch: the reference side of 'make bench BENCH=engine' and of TorchReferenceTests
  cmake g++ make        # build of the native engine
  nats-server           # transport (JetStream); tests start their own
  redis-server          # replay storage; tests start their own
  redis-tools           # redis-benchmark, the reference in the storage bench
  prometheus            # promtool checks the alert rules; tests scrape the services
  openssl               # test certificates for the TLS tests
  procps                # pkill/ps used by the cluster scripts
  fonts-dejavu-core     # the text of curves.png and report plots (SkiaSharp reads fonts from /usr/share/fonts)
  buildah               # builds the images without a Docker engine (make images, the deploy check)
  podman                # runs the image and plays the manifests as pods (the deploy check)
  runc                  # podman's and buildah's runtime here (crun 1.8 refuses hybrid cgroups)
  catatonit             # podman kube play builds its local pause image from it (the deploy check)
  mmdebstrap            # makes the local Debian base image (scripts/container-bases.sh)
)

missing=()
for p in "${packages[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "deps: the .NET 10 SDK ('dotnet') is not on PATH; install it first (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
  exit 1
fi

# Node.js and npm run the manifest schema validation and the Dockerfile linter from
# deploy/validate/package-lock.json (npm ci). Any Node.js >= 20 works; Debian's is older.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "deps: 'node' and 'npm' (Node.js 20 or later) are required by the deploy check; install them, e.g. from https://deb.nodesource.com" >&2
  exit 1
fi

# kubectl (with kustomize) renders the manifests in the deployment tests. It is not in Debian's
# own archive at a usable version; the package named kubectl comes from Kubernetes' apt source.
if ! command -v kubectl >/dev/null 2>&1; then
  missing+=(kubectl)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all system packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo)
else
  echo "deps: missing Debian packages: ${missing[*]}" >&2
  echo "deps: installing them needs root; run as root or with passwordless sudo, or install by hand:" >&2
  echo "      apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
if ! "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "deps: apt-get could not install: ${missing[*]}" >&2
  if [[ " ${missing[*]} " == *" kubectl "* ]]; then
    echo "deps: kubectl needs an apt source that provides it (https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/)" >&2
  fi
  exit 1
fi
echo "deps: installed ${#missing[@]} package(s)"
