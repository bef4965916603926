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
#   pods       the CPU overlay played as pods with podman kube play, through the local overlay
#              deploy/podman/overlay (kustomize patches of k8s/overlays/cpu): NATS (JetStream),
#              Redis (AOF), replay, learner, reanalyzer, Priority Refresh, evaluator, one actor,
#              on a network of their own; every role's /healthz, /readyz and /metrics answered
#              at its pod's address; the actor Deployment scaled to 2 (deploy/podman/scaled) and
#              the new actor publishing; kill -9 of an actor's and the learner's process mid-run,
#              both restarted and ready, the learner resuming from its checkpoint; the short
#              CartPole run finishing (learner and every role exit 0, the run folder written);
#              no acknowledged segment lost (each actor process' published counter <= stored
#              in Redis + left in the JetStream stream, none stored twice). Pods, volumes, the
#              secret and the network are removed at the end, also on failure.
# Default: manifests image pods (what `make test` runs). Each step prints its duration. A missing
# tool fails with the package to install; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/containers.sh

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(manifests image pods)

IMAGE="${IMAGE:-speedyzero/speedyzero}"
IMAGE_VERSION="${IMAGE_VERSION:-0.1.0}"
work="$(mktemp -d)"
containers=()
cleanup() {
  local c
  for c in "${containers[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  pods_cleanup
  rm -rf "$work"
}
trap cleanup EXIT

say() { echo "deploy-check: $*"; }
fail() { echo "deploy-check: FAILED: $*" >&2; exit 1; }

# deploy/validate/node_modules from its lock file (npm ci only when the lock file changed).
validate_modules() {
  require node "nodejs (Node.js 20 or later, e.g. from deb.nodesource.com)"
  require npm "npm (with Node.js)"
  local v=deploy/validate stamp=deploy/validate/node_modules/.speedyzero-lock-sha256 sha
  sha="$(sha256sum "$v/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sha" ]; then
    (cd "$v" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in $v (the npm registry or its mirror must be reachable)"
    echo "$sha" > "$stamp"
  fi
}

step_manifests() {
  require kubectl "kubectl (Kubernetes' apt repository)"
  validate_modules
  local v=deploy/validate
  local o files=()
  # deploy/podman/*: the overlays the pods step plays (StatefulSets turned into Deployments).
  for o in k8s k8s/overlays/cpu k8s/overlays/gpu k8s/monitoring deploy/podman/overlay deploy/podman/scaled; do
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
  # The image preloads jemalloc (LD_PRELOAD); a missing library would only be a loader warning.
  grep -q "malloc: jemalloc, purging off" "$work/train" ||
    fail "the engine in the image does not run on jemalloc: $(grep -a 'malloc' "$work/train" || tail -5 "$work/train")"
  say "the engine in the image runs on the preloaded jemalloc, purging off"

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

# ---- pods: the CPU overlay played as pods (deploy/podman/overlay, docs/deployment.md) ----
pods_dir="$work/pods"
pods_net=speedyzero-check   # the podman network of the step (its subnet: the overlay's hostAliases)
pods_names=()               # every pod the overlays make: <deployment>-pod-<i>
pods_volumes=()             # every volume kube play makes for them (ConfigMaps, claims, emptyDirs)
pods_secrets=()             # the podman secrets made for the rendered Secrets
pods_roles=()               # the role pods (the speedyzero container), for the endpoint checks
sampler_pid=""

pods_cleanup() {
  [ -z "$sampler_pid" ] || kill "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
  local x
  for x in "${pods_names[@]}"; do podman pod rm -f -t 0 "$x" >/dev/null 2>&1 || true; done
  for x in "${pods_volumes[@]}"; do podman volume rm "$x" >/dev/null 2>&1 || true; done
  for x in "${pods_secrets[@]}"; do podman secret rm "$x" >/dev/null 2>&1 || true; done
  if [ ${#pods_names[@]} -gt 0 ]; then podman network rm -f "$pods_net" >/dev/null 2>&1 || true; fi
}

# The state of every pod's containers and the tail of their logs, then the failure.
pods_fail() {
  local p c
  {
    echo "deploy-check: pods: the state of the pods' containers, and their logs' last lines:"
    for p in "${pods_names[@]}"; do
      for c in $(podman ps -a --filter "pod=$p" --format '{{.Names}}' 2>/dev/null | grep -v -- '-infra$'); do
        podman inspect --format "  $c: {{.State.Status}}, exit {{.State.ExitCode}}, {{.RestartCount}} restart(s)" "$c" 2>/dev/null
        podman logs --tail 12 "$c" 2>&1 | cut -c1-400 | sed 's/^/    | /'
      done
    done
  } >&2
  fail "pods: $*"
}

# wait_until SECONDS WHAT COMMAND...: COMMAND every 2 s until it succeeds; past SECONDS, fails.
wait_until() {
  local limit="$1" what="$2"; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || pods_fail "$what: not within $limit s"
    sleep 2
  done
}

pod_ip() {
  local infra
  infra="$(podman pod inspect --format '{{.InfraContainerID}}' "$1" 2>/dev/null)" && [ -n "$infra" ] &&
    podman inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$infra" 2>/dev/null
}
http_code() { curl -s -o /dev/null -m 5 -w '%{http_code}' "http://$1$2" || true; }
# metric POD NAME: the value of an unlabelled series on the pod's /metrics (empty if none).
metric() {
  local ip
  ip="$(pod_ip "$1")" || return 0
  curl -s -m 5 "http://$ip:9090/metrics" 2>/dev/null | awk -v n="$2" '$1 == n { print $2; exit }'
}
ready() { local ip; ip="$(pod_ip "$1")" && [ "$(http_code "$ip:9090" /readyz)" = 200 ]; }
all_ready() { local p; for p in "$@"; do ready "$p" || return 1; done; }
ctr_state() { podman inspect --format "{{$2}}" "$1-speedyzero" 2>/dev/null; }
learner_step() { local s; s="$(metric learner-pod-0 speedyzero_learner_step)"; echo "${s:-0}"; }
learner_past() { local s; s="$(learner_step)"; [ "${s%.*}" -ge "$1" ]; }
counter_above() { local v; v="$(metric "$1" "$2")"; [ -n "$v" ] && [ "${v%.*}" -gt "$3" ]; }

# sample_actor POD: one line "POD START PUBLISHED" (start: the process' start time, so each
# incarnation of a restarted actor counts on its own).
sample_actor() {
  local ip m start published
  ip="$(pod_ip "$1")" || return 0
  m="$(curl -s -m 3 "http://$ip:9090/metrics" 2>/dev/null)" || return 0
  start="$(awk '$1 == "process_start_time_seconds" { print $2; exit }' <<<"$m")"
  published="$(awk '$1 == "speedyzero_segments_published_total" { print $2; exit }' <<<"$m")"
  if [ -n "$start" ] && [ -n "$published" ]; then echo "$1 $start $published" >> "$pods_dir/actor-samples"; fi
}

# play FILE [ARGS...]: podman kube play on the step's network; its output goes to play.log.
play() {
  local file="$1"; shift
  podman kube play --network "$pods_net" "$@" "$file" >>"$pods_dir/play.log" 2>&1 ||
    pods_fail "podman kube play $* $(basename "$file"): $(tail -5 "$pods_dir/play.log")"
}

step_pods() {
  containers_setup
  require kubectl "kubectl (Kubernetes' apt repository)"
  require curl curl
  require flock util-linux
  validate_modules
  local tag
  tag="$(BASES=local IMAGE="$IMAGE" IMAGE_VERSION="$IMAGE_VERSION" scripts/images.sh cpu | tail -1)"
  [ -n "$tag" ] || fail "no image tag from scripts/images.sh"
  scripts/server-images.sh >/dev/null || fail "scripts/server-images.sh (the NATS and Redis images)"

  # Render both overlays and split them into what kube play takes (deploy/validate/podman-split.mjs).
  mkdir -p "$pods_dir"
  kubectl kustomize deploy/podman/overlay > "$pods_dir/overlay.yaml" || fail "kubectl kustomize deploy/podman/overlay"
  kubectl kustomize deploy/podman/scaled > "$pods_dir/scaled.yaml" || fail "kubectl kustomize deploy/podman/scaled"
  # The image of this tree by its content-hash tag: the version tag is shared by every checkout
  # on the machine (another one may move it while the pods run).
  local o
  for o in overlay scaled; do
    grep -q "image: localhost/speedyzero/speedyzero:0.1.0$" "$pods_dir/$o.yaml" ||
      fail "deploy/podman/$o does not name the image localhost/speedyzero/speedyzero:0.1.0"
    sed -i "s#image: localhost/speedyzero/speedyzero:0.1.0\$#image: localhost/$tag#" "$pods_dir/$o.yaml"
  done
  node deploy/validate/podman-split.mjs "$pods_dir/overlay.yaml" "$pods_dir/play" || fail "splitting the podman overlay"
  node deploy/validate/podman-split.mjs "$pods_dir/scaled.yaml" "$pods_dir/scaled" >/dev/null || fail "splitting the scaled overlay"
  local name replicas container i
  while read -r name replicas container; do
    for ((i = 0; i < replicas; i++)); do pods_names+=("$name-pod-$i"); done
    if [ "$container" = speedyzero ]; then pods_roles+=("$name-pod-0"); fi
  done < <(cat "$pods_dir/play/deployments" "$pods_dir/scaled/deployments" | sort -u)
  mapfile -t pods_names < <(printf '%s\n' "${pods_names[@]}" | sort -u)
  mapfile -t pods_roles < <(printf '%s\n' "${pods_roles[@]}" | sort -u)
  mapfile -t pods_volumes < "$pods_dir/play/volumes"
  local nats_ip redis_ip
  nats_ip="$(awk '$1 == "nats" { print $2 }' "$pods_dir/play/aliases")"
  redis_ip="$(awk '$1 == "redis" { print $2 }' "$pods_dir/play/aliases")"
  [ -n "$nats_ip" ] && [ -n "$redis_ip" ] || fail "the podman overlay has no hostAliases for nats and redis"
  say "pods: rendered deploy/podman/overlay: ${#pods_names[@]} pods (actor scaled to 2 by deploy/podman/scaled), NATS at $nats_ip, Redis at $redis_ip"

  # One pods step per machine: the pods, volumes and network have fixed names. Holding the
  # lock, whatever carries those names is left over from an interrupted check: removed.
  exec {pods_lock}>"${TMPDIR:-/tmp}/speedyzero-deploy-check-pods.lock"
  flock -n "$pods_lock" || fail "pods: another deploy check is playing its pods on this machine"
  local s
  for s in "$pods_dir"/play/secrets/*; do pods_secrets+=("$(basename "$s")"); done
  pods_cleanup
  podman network create --subnet "${nats_ip%.*}.0/24" "$pods_net" >/dev/null ||
    fail "pods: podman network create --subnet ${nats_ip%.*}.0/24 (is the subnet taken? podman network ls)"
  for s in "$pods_dir"/play/secrets/*; do
    podman secret create "$(basename "$s")" "$s" >/dev/null || fail "pods: podman secret create $(basename "$s")"
  done

  # NATS and Redis first, at the addresses the roles' hostAliases name.
  local t0=$SECONDS
  play "$pods_dir/play/nats.yaml" --ip "$nats_ip"
  play "$pods_dir/play/redis.yaml" --ip "$redis_ip"
  nats_live() { [ "$(http_code "$nats_ip:8222" '/healthz?js-enabled-only=true')" = 200 ]; }
  redis_ready() { podman exec redis-pod-0-redis redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG; }
  wait_until 60 "NATS /healthz?js-enabled-only=true on $nats_ip:8222 (its liveness probe)" nats_live
  wait_until 60 "Redis PING (its readiness probe's command)" redis_ready
  [ "$(podman exec redis-pod-0-redis redis-cli config get appendonly | tail -1)" = yes ] || pods_fail "Redis without AOF"
  say "pods: NATS (JetStream) answers /healthz on $nats_ip:8222, Redis (appendonly yes) PONG, $((SECONDS - t0)) s"

  # The roles: replay, learner, reanalyzer, Priority Refresh, evaluator and one actor.
  t0=$SECONDS
  local f
  for f in "$pods_dir"/play/*.yaml; do
    case "$(basename "$f" .yaml)" in nats|redis) ;; *) play "$f" ;; esac
  done
  wait_until 180 "every role pod ready (/readyz 200 on 9090: ${pods_roles[*]})" all_ready "${pods_roles[@]}"
  local p ip
  for p in "${pods_roles[@]}"; do
    ip="$(pod_ip "$p")"
    [ "$(http_code "$ip:9090" /healthz)" = 200 ] || pods_fail "$p: /healthz on $ip:9090 did not answer 200"
    [ "$(metric "$p" speedyzero_ready)" = 1 ] || pods_fail "$p: /metrics on $ip:9090 without speedyzero_ready 1"
  done
  say "pods: ${#pods_roles[@]} role pods ready in $((SECONDS - t0)) s; each answers /healthz 200, /readyz 200, /metrics (speedyzero_ready 1) at its address"

  # Every second, each actor's acknowledged-segment counter (the durability check below).
  ( while :; do sample_actor actor-pod-0; sample_actor actor-pod-1; sleep 1; done ) &
  sampler_pid=$!

  # Scale the actor Deployment from 1 to 2. podman has no scale, and kube play --replace does
  # not find a Deployment's pods (podman 4.3): pod 0 is stopped (SIGTERM: the actor sends what
  # it holds and exits 0) and removed, then the Deployment rendered with replicas 2 is played.
  wait_until 120 "learner step 5" learner_past 5
  t0=$SECONDS
  sample_actor actor-pod-0
  podman pod stop -t 30 actor-pod-0 >>"$pods_dir/play.log" 2>&1 || pods_fail "podman pod stop actor-pod-0"
  podman pod rm actor-pod-0 >>"$pods_dir/play.log" 2>&1 || pods_fail "podman pod rm actor-pod-0"
  play "$pods_dir/scaled/actor.yaml"
  wait_until 120 "actor-pod-0 and actor-pod-1 ready after scaling" all_ready actor-pod-0 actor-pod-1
  wait_until 120 "the second actor (actor-pod-1) publishing segments" counter_above actor-pod-1 speedyzero_segments_published_total 0
  say "pods: actor scaled 1 -> 2: actor-pod-1 has published $(metric actor-pod-1 speedyzero_segments_published_total) segments, $((SECONDS - t0)) s"

  # kill -9 of one actor's and the learner's process mid-run: restarted (restartPolicy), ready
  # again, the learner resuming from its checkpoint and training on.
  t0=$SECONDS
  local before actor_pid learner_pid
  podman exec redis-pod-0-redis redis-cli exists sz:run:finished | grep -qx 0 ||
    pods_fail "the run finished before the kill (learner step $(learner_step)): too short for this machine"
  actor_pid="$(ctr_state actor-pod-0 .State.Pid)"
  learner_pid="$(ctr_state learner-pod-0 .State.Pid)"
  [ "${actor_pid:-0}" -gt 1 ] && [ "${learner_pid:-0}" -gt 1 ] ||
    pods_fail "no process ids for actor-pod-0 and learner-pod-0 ('$actor_pid', '$learner_pid')"
  sample_actor actor-pod-0
  before="$(learner_step)"
  kill -9 "$actor_pid" "$learner_pid" || pods_fail "kill -9 of actor-pod-0's and learner-pod-0's processes"
  say "pods: kill -9 of actor-pod-0's and learner-pod-0's processes at learner step ${before%.*}"
  restarted() { [ "$(ctr_state "$1" .RestartCount)" -ge 1 ] && ready "$1"; }
  wait_until 120 "actor-pod-0 restarted and ready" restarted actor-pod-0
  wait_until 120 "learner-pod-0 restarted and ready" restarted learner-pod-0
  local resumed back=$((SECONDS - t0))
  resumed="$(podman logs learner-pod-0-speedyzero 2>&1 | grep -o 'Resuming from the checkpoint in [^ ]* at learner step [0-9][0-9]*' | tail -1)"
  [ -n "$resumed" ] || pods_fail "the restarted learner did not resume from its checkpoint"
  # The batches the killed learner had taken but not acked come back after the consumer's ack
  # wait (60 s, docs/cluster.md); until then the bounded batch stream may hold only those.
  wait_until 150 "the restarted learner training past its checkpoint (step ${resumed##* })" learner_past $(( ${resumed##* } + 1 ))
  say "pods: both restarted and ready in $back s; the learner resumed at step ${resumed##* } and trains on (step $(learner_step)), $((SECONDS - t0)) s"

  # The run finishes: the learner, then every role, exit 0 (and stay exited: OnFailure).
  t0=$SECONDS
  exited_0() { [ "$(ctr_state "$1" .State.Status)" = exited ] && [ "$(ctr_state "$1" .State.ExitCode)" = 0 ]; }
  wait_until 300 "the learner finishing the run (exit 0)" exited_0 learner-pod-0
  local finished
  finished="$(podman exec redis-pod-0-redis redis-cli get sz:run:finished)"
  for p in "${pods_roles[@]}" actor-pod-1; do wait_until 90 "$p exiting 0 once the run finished" exited_0 "$p"; done
  kill "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
  say "pods: the run finished at learner step $finished; every role exited 0, $((SECONDS - t0)) s"
  local run_dir
  run_dir="$(podman volume inspect --format '{{.Mountpoint}}' speedyzero-check-learner-run)"
  for f in summary.json curves.png metrics.jsonl; do
    [ -s "$run_dir/$f" ] || pods_fail "the learner's run folder (its volume) has no $f"
  done

  # No acknowledged segment lost: each actor process' last count (read at most a second before
  # it ended, and just before the kill and the scaling) <= stored in Redis + still in the stream.
  local acked stored distinct remaining
  acked="$(awk '{ k = $1 " " $2; if ($3 > m[k]) m[k] = $3 } END { s = 0; for (k in m) s += m[k]; print s }' "$pods_dir/actor-samples")"
  podman exec redis-pod-0-redis redis-cli lrange sz:replay:order 0 -1 | cut -d: -f1 > "$pods_dir/stored"
  stored="$(wc -l < "$pods_dir/stored")"
  distinct="$(sort -u "$pods_dir/stored" | wc -l)"
  remaining="$(curl -s -m 5 "http://$nats_ip:8222/jsz?streams=true" | node -e '
    const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const s = (j.account_details ?? []).flatMap((a) => a.stream_detail ?? []).find((d) => d.name === "SZ_SEGMENTS");
    if (!s) process.exit(1);
    console.log(s.state.messages);')" || pods_fail "no SZ_SEGMENTS stream in NATS /jsz"
  [ "${acked%.*}" -gt 0 ] || pods_fail "no actor was seen acknowledging a segment"
  [ "$stored" = "$distinct" ] || pods_fail "the replay's order list holds a segment twice ($stored entries, $distinct ids)"
  [ $((stored + remaining)) -ge "${acked%.*}" ] ||
    pods_fail "segments lost: ${acked%.*} acknowledged to actors, $stored stored in Redis and $remaining still in the stream"
  say "pods: no acknowledged segment lost: ${acked%.*} acked by $(cut -d' ' -f1,2 "$pods_dir/actor-samples" | sort -u | wc -l) actor processes <= $stored stored (each once) + $remaining in the stream"

  t0=$SECONDS
  pods_cleanup
  say "pods: pods, volumes, secret and network removed, $((SECONDS - t0)) s"
}

total_start=$SECONDS
for step in "${steps[@]}"; do
  start=$SECONDS
  case "$step" in
    manifests) step_manifests ;;
    image) step_image ;;
    pods) step_pods ;;
    *) fail "unknown step '$step' (manifests, image, pods)" ;;
  esac
  say "$step: passed in $((SECONDS - start)) s"
done
say "all passed (${steps[*]}) in $((SECONDS - total_start)) s"
