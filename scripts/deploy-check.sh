#!/usr/bin/env bash
# The deploy check (docs/deployment.md, "What is verified here"): scripts/deploy-check.sh [STEP...]
#   manifests  npm ci from deploy/validate/package-lock.json; every rendered overlay (k8s/ = cpu,
#              gpu, monitoring) validated against the Kubernetes and prometheus-operator schemas
#              with unknown fields refused; the broken fixture must be refused object by object;
#              both Dockerfiles linted (dockerfile-utils), a broken Dockerfile must fail the lint.
#   image      the CPU image built from deploy/docker/Dockerfile with local bases (buildah; an
#              unchanged tree reuses the image of its content hash) and run as uid 10001:
#              --help, every role's --help, exit code 2 for an invalid configuration, a short
#              CartPole run (the engine loads on the image's libtorch), and a role on port 9090 answering /healthz, /readyz (503: no NATS) and /metrics, with
#              the manifests' restrictions (read-only root, no capabilities).
# Default: manifests image (what `make test` runs). Each step prints its duration. A missing
# tool fails with the package to install; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/containers.sh

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(manifests image)

IMAGE="${IMAGE:-speedyzero/speedyzero}"
IMAGE_VERSION="${IMAGE_VERSION:-0.1.0}"
work="$(mktemp -d)"
containers=()
cleanup() {
  local c
  for c in "${containers[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say() { echo "deploy-check: $*"; }
fail() { echo "deploy-check: FAILED: $*" >&2; exit 1; }

step_manifests() {
  require node "nodejs (Node.js 20 or later, e.g. from deb.nodesource.com)"
  require npm "npm (with Node.js)"
  require kubectl "kubectl (Kubernetes' apt repository)"
  local v=deploy/validate stamp=deploy/validate/node_modules/.speedyzero-lock-sha256 sha
  sha="$(sha256sum "$v/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sha" ]; then
    (cd "$v" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in $v (the npm registry or its mirror must be reachable)"
    echo "$sha" > "$stamp"
  fi
  local o files=()
  for o in k8s k8s/overlays/cpu k8s/overlays/gpu k8s/monitoring; do
    local out="$work/$(echo "$o" | tr / -).yaml"
    kubectl kustomize "$o" > "$out" || fail "kubectl kustomize $o"
    files+=("$out")
  done
  node "$v/validate.mjs" "${files[@]}" || fail "schema validation of the rendered overlays"
  node "$v/validate.mjs" --expect-invalid "$v/fixtures/broken.yaml" || fail "the broken fixture was not refused object by object"
  node "$v/lint-dockerfiles.mjs" deploy/docker/Dockerfile deploy/docker/Dockerfile.cuda || fail "Dockerfile lint"
  if node "$v/lint-dockerfiles.mjs" "$v/fixtures/broken.Dockerfile" >/dev/null 2>&1; then
    fail "the linter accepted fixtures/broken.Dockerfile"
  fi
  say "broken Dockerfile refused by the linter, as it must be"
}

# run_image NAME ARGS...: podman run with the manifests' pod restrictions; prints the output.
restricted=(--read-only --cap-drop ALL --security-opt no-new-privileges --tmpfs /tmp:rw,size=64m
  -v "$PWD/k8s/base/config/config.yaml:/etc/speedyzero/config.yaml:ro")

step_image() {
  containers_setup
  require curl curl
  local tag
  tag="$(BASES=local IMAGE="$IMAGE" IMAGE_VERSION="$IMAGE_VERSION" scripts/images.sh cpu | tail -1)"
  [ -n "$tag" ] || fail "no image tag from scripts/images.sh"
  say "image $tag"

  local user
  user="$(podman image inspect --format '{{.Config.User}}' "$tag")"
  [ "$user" = "10001:10001" ] || fail "image user is '$user', not 10001:10001"
  local uid
  uid="$(podman run --rm "${restricted[@]}" --entrypoint id "$tag" -u)" || fail "id -u in the image"
  [ "$uid" = 10001 ] || fail "the image runs as uid $uid, not 10001"
  say "runs as uid 10001 (image USER $user)"

  local out
  out="$(podman run --rm "${restricted[@]}" "$tag" --help)" || fail "speedyzero --help exited $?"
  local role
  for role in actor replay reanalyzer learner evaluator; do
    grep -qE "^\s+$role\s" <<<"$out" || fail "speedyzero --help does not list '$role':\n$out"
    podman run --rm "${restricted[@]}" "$tag" "$role" --help >"$work/help" 2>&1 ||
      fail "speedyzero $role --help exited non-zero: $(cat "$work/help")"
    grep -q -- "--config" "$work/help" || fail "speedyzero $role --help does not mention --config"
  done
  podman run --rm "${restricted[@]}" "$tag" reanalyzer --help >"$work/help" 2>&1 || fail "speedyzero reanalyzer --help"
  grep -q -- "--mode" "$work/help" ||
    fail "speedyzero reanalyzer --help does not mention --mode (Priority Refresh is --mode refresh)"
  say "--help and every role's --help exit 0"

  local rc=0
  podman run --rm "${restricted[@]}" "$tag" actor --config /etc/speedyzero/config.yaml \
    --set metrics.port=notaport >"$work/bad" 2>&1 || rc=$?
  [ "$rc" = 2 ] || fail "an invalid configuration exited $rc, not 2 (docs/cli.md): $(cat "$work/bad")"
  grep -q "metrics.port" "$work/bad" || fail "the invalid-configuration message does not name the key: $(cat "$work/bad")"
  say "invalid configuration: exit 2, naming metrics.port"

  # The native engine loads on the image's libtorch and OpenBLAS: a few hundred CartPole steps
  # of self-play (search + network inference) in one process.
  podman run --rm "${restricted[@]}" "$tag" train --preset cartpole --steps 300 --out /tmp/run \
    --progress lines >"$work/train" 2>&1 || fail "train --preset cartpole --steps 300 in the image: $(tail -20 "$work/train")"
  grep -qE "env steps +│ +[0-9]{3,}" "$work/train" || fail "the CartPole run in the image reported no env steps: $(tail -20 "$work/train")"
  say "engine loads in the image: 300 CartPole env steps (train --preset cartpole) exit 0"

  # A role on 9090 with the cluster's config and no NATS: alive, not ready, metrics served.
  local name="speedyzero-check-$$"
  containers+=("$name")
  podman run -d --name "$name" "${restricted[@]}" --user 10001:10001 \
    -e SPEEDYZERO__NODE__ID=check -e SPEEDYZERO__NATS__USER=u -e SPEEDYZERO__NATS__PASSWORD=p \
    -e SPEEDYZERO__REDIS__PASSWORD=p "$tag" replay --config /etc/speedyzero/config.yaml >/dev/null
  local ip
  ip="$(podman inspect --format '{{.NetworkSettings.IPAddress}}' "$name")"
  [ -n "$ip" ] || fail "no IP address for the role container"
  local healthz="" deadline=$((SECONDS + 120))
  until [ "$healthz" = 200 ] || [ $SECONDS -ge $deadline ]; do
    sleep 2
    [ "$(podman inspect --format '{{.State.Running}}' "$name")" = true ] ||
      fail "the replay role exited: $(podman logs "$name" 2>&1 | tail -20)"
    healthz="$(curl -s -o /dev/null -w '%{http_code}' "http://$ip:9090/healthz" || true)"
  done
  [ "$healthz" = 200 ] || fail "/healthz on $ip:9090 answered '$healthz' within 120 s: $(podman logs "$name" 2>&1 | tail -20)"
  local readyz
  readyz="$(curl -s -o /dev/null -w '%{http_code}' "http://$ip:9090/readyz")"
  [ "$readyz" = 503 ] || fail "/readyz answered $readyz without NATS, not 503"
  curl -sf "http://$ip:9090/metrics" >"$work/metrics" || fail "/metrics on 9090"
  grep -q '^speedyzero_ready' "$work/metrics" || fail "/metrics has no speedyzero_ready: $(head -20 "$work/metrics")"
  say "replay in the image: 9090 answers /healthz 200, /readyz 503 (no NATS), /metrics"
  rc=0
  podman stop -t 60 "$name" >/dev/null
  rc="$(podman inspect --format '{{.State.ExitCode}}' "$name")"
  [ "$rc" = 0 ] || fail "SIGTERM: the role exited $rc, not 0: $(podman logs "$name" 2>&1 | tail -20)"
  say "SIGTERM: exit 0"
}

total_start=$SECONDS
for step in "${steps[@]}"; do
  start=$SECONDS
  case "$step" in
    manifests) step_manifests ;;
    image) step_image ;;
    *) fail "unknown step '$step' (manifests, image)" ;;
  esac
  say "$step: passed in $((SECONDS - start)) s"
done
say "all passed (${steps[*]}) in $((SECONDS - total_start)) s"
