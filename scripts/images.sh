#!/usr/bin/env bash
# Builds the container images (`make images`): images.sh [cpu] [cuda]
#   builder: docker when a Docker engine answers, else buildah (Debian's package) with chroot
#            isolation, which needs no daemon; BUILDER=docker|buildah to choose.
#   BASES=public (default): the Dockerfiles' own bases (Debian, Microsoft's .NET, PyTorch), pulled.
#   BASES=local: bases made on this machine by scripts/container-bases.sh (no registry needed;
#                buildah only; CPU image only, there is no local CUDA base).
# Tags $IMAGE:$IMAGE_VERSION (-cuda for the CUDA image) and, with buildah, also a tag from the
# content hash of everything the build reads (src-<hash>): an unchanged tree reuses the image
# already built instead of building it again. DOCKER and BUILDAH name the commands (tests).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-speedyzero/speedyzero}"
IMAGE_VERSION="${IMAGE_VERSION:-0.1.0}"
BASES="${BASES:-public}"
DOCKER="${DOCKER:-docker}"
BUILDAH="${BUILDAH:-buildah}"
variants=("$@")
if [ ${#variants[@]} -eq 0 ]; then
  if [ "$BASES" = local ]; then variants=(cpu); else variants=(cpu cuda); fi
fi

fail() { echo "make images: $*" >&2; exit 3; }

builder="${BUILDER:-}"
if [ -z "$builder" ]; then
  if command -v "$DOCKER" >/dev/null 2>&1 && timeout 30 "$DOCKER" info >/dev/null 2>&1; then
    builder=docker
  elif command -v "$BUILDAH" >/dev/null 2>&1; then
    builder=buildah
    if command -v "$DOCKER" >/dev/null 2>&1; then
      echo "make images: docker cannot reach a Docker engine (DOCKER_HOST=${DOCKER_HOST:-default socket}); building with buildah" >&2
    fi
  elif command -v "$DOCKER" >/dev/null 2>&1; then
    fail "docker cannot reach a Docker engine ('docker info' failed; DOCKER_HOST=${DOCKER_HOST:-default socket}) and buildah is not installed. Start the engine, point DOCKER_HOST at one, or install Debian's 'buildah' package (make deps). Nothing was built."
  else
    fail "neither 'docker' nor 'buildah' is installed; install Debian's 'buildah' package (make deps) or Docker. Nothing was built."
  fi
fi
case "$builder" in
  docker) command -v "$DOCKER" >/dev/null 2>&1 || fail "BUILDER=docker but '$DOCKER' is not installed. Nothing was built." ;;
  buildah) command -v "$BUILDAH" >/dev/null 2>&1 || fail "BUILDER=buildah but '$BUILDAH' is not installed (Debian's 'buildah' package). Nothing was built." ;;
  *) fail "BUILDER must be docker or buildah, not '$builder'. Nothing was built." ;;
esac

base_args=()
case "$BASES" in
  public) ;;
  local)
    [ "$builder" = buildah ] || fail "BASES=local needs buildah (the local bases live in its storage). Nothing was built."
    for v in "${variants[@]}"; do
      [ "$v" = cpu ] || fail "BASES=local builds the CPU image only (no local CUDA base); run 'make images BASES=local IMAGES=cpu'. Nothing was built."
    done
    while read -r arg; do base_args+=(--build-arg "$arg"); done < <(scripts/container-bases.sh)
    ;;
  *) fail "BASES must be public or local, not '$BASES'. Nothing was built." ;;
esac

# buildah 1.28 leaves the working containers of stages that are only FROM (dotnet-sdk,
# dotnet-runtime: used by COPY --from) behind; drop those of this Dockerfile's stages.
drop_stage_containers() {
  "$BUILDAH" containers --format '{{.ContainerName}}' 2>/dev/null |
    grep -E '^dotnet-(sdk|runtime)-working-container(-[0-9]+)?$' | xargs -r "$BUILDAH" rm >/dev/null 2>&1 || true
}

# The content hash: Dockerfile, the sources `dotnet publish` of the CLI reads, build arguments
# and the base images' ids (a remade base is a new input).
content_hash() {
  local dockerfile="$1"
  {
    git ls-files -z -co --exclude-standard -- "$dockerfile" .dockerignore global.json \
      Directory.Build.props Directory.Packages.props shared services bench ':!bench/results' |
      sort -z | xargs -0 sha256sum
    printf '%s\n' "${base_args[@]}" "VERSION=$IMAGE_VERSION"
    if [ "$BASES" = local ]; then
      for a in "${base_args[@]}"; do
        [ "$a" = --build-arg ] || "$BUILDAH" images --no-trunc --format '{{.ID}}' "${a#*=}"
      done
    fi
  } | sha256sum | cut -c1-16
}

for v in "${variants[@]}"; do
  case "$v" in
    cpu) dockerfile=deploy/docker/Dockerfile; name="$IMAGE" ;;
    cuda) dockerfile=deploy/docker/Dockerfile.cuda; name="$IMAGE-cuda" ;;
    *) fail "unknown image '$v' (cpu or cuda). Nothing was built." ;;
  esac
  if [ "$builder" = docker ]; then
    DOCKER_BUILDKIT=1 "$DOCKER" build -f "$dockerfile" --build-arg "VERSION=$IMAGE_VERSION" \
      "${base_args[@]}" -t "$name:$IMAGE_VERSION" .
    continue
  fi
  . scripts/containers.sh
  containers_setup
  hash="$(content_hash "$dockerfile")"
  if image_exists "$name:src-$hash"; then
    echo "make images: $name:src-$hash is up to date (same sources, Dockerfile and bases); tagging it $name:$IMAGE_VERSION" >&2
  else
    echo "make images: building $name:$IMAGE_VERSION with buildah (content hash $hash)" >&2
    trap drop_stage_containers EXIT
    "$BUILDAH" build --isolation chroot --layers --force-rm -f "$dockerfile" \
      --build-arg "VERSION=$IMAGE_VERSION" "${base_args[@]}" \
      --label "org.opencontainers.image.revision=src-$hash" \
      -t "$name:src-$hash" . ||
      fail "buildah build of $dockerfile failed (above).$([ "$BASES" = public ] && echo " Without a reachable registry, build from local bases: make images BASES=local IMAGES=cpu.")"
  fi
  "$BUILDAH" tag "$name:src-$hash" "$name:$IMAGE_VERSION"
  echo "$name:src-$hash"
done
