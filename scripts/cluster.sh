#!/usr/bin/env bash
# make cluster: NATS (JetStream), Redis and every SpeedyZero role as local processes on loopback.
#   ACTORS=N REANALYZERS=M PRESET=cartpole CONFIG=file.yaml STEPS=N scripts/cluster.sh
# TARGETS=dir and RUN_DIR=dir move the file-SD targets and the run folder (the live monitoring
# test uses temporary ones).
# Data and logs go to runs/cluster-<time>/ (nats/, redis/, learner/, logs/). One combined
# progress line every 2 s from the roles' /metrics. Ctrl-C (or the end of the run) stops every
# process it started (SIGTERM to each process group, SIGKILL after 20 s) and removes the
# Prometheus file-SD targets it wrote into k8s/monitoring/local/targets/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ACTORS=${ACTORS:-2}
REANALYZERS=${REANALYZERS:-1}
PRESET=${PRESET:-cartpole}
CONFIGURATION=${CONFIGURATION:-Release}
DLL="$ROOT/services/SpeedyZero.Cli/bin/$CONFIGURATION/net10.0/speedyzero.dll"
TARGETS=${TARGETS:-"$ROOT/k8s/monitoring/local/targets"}

for tool in nats-server redis-server curl dotnet; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make cluster: '$tool' is missing (scripts/deps.sh installs nats-server, redis-server, curl)" >&2; exit 3; }
done
[[ -f "$DLL" ]] || { echo "make cluster: $DLL is missing; run 'make build' first" >&2; exit 3; }
[[ "$ACTORS" =~ ^[1-9][0-9]?$ && "$REANALYZERS" =~ ^[1-9][0-9]?$ ]] || { echo "make cluster: ACTORS and REANALYZERS must be 1..99" >&2; exit 2; }

RUN=${RUN_DIR:-"$ROOT/runs/cluster-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$RUN"/{nats,redis,learner,logs} "$TARGETS"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
NATS_PORT=$(free_port)
REDIS_PORT=$(free_port)

PIDS=()
NAMES=()
PORTS=()
stopping=0
cleanup() {
  [[ $stopping == 1 ]] && return
  stopping=1
  trap '' INT TERM
  echo; echo "stopping ${#PIDS[@]} processes..."
  # Roles first (they drain: the learner checkpoints), then the servers.
  for i in "${!PIDS[@]}"; do if [[ ${NAMES[$i]} != nats && ${NAMES[$i]} != redis ]]; then kill -TERM -- "-${PIDS[$i]}" 2>/dev/null || true; fi; done
  for _ in $(seq 1 40); do
    alive=0
    for i in "${!PIDS[@]}"; do if [[ ${NAMES[$i]} != nats && ${NAMES[$i]} != redis ]] && kill -0 "${PIDS[$i]}" 2>/dev/null; then alive=1; fi; done
    [[ $alive == 0 ]] && break
    sleep 0.5
  done
  for i in "${!PIDS[@]}"; do kill -TERM -- "-${PIDS[$i]}" 2>/dev/null || true; done
  sleep 1
  for i in "${!PIDS[@]}"; do kill -KILL -- "-${PIDS[$i]}" 2>/dev/null || true; done
  rm -f "$TARGETS"/cluster-*.json
  echo "stopped; logs and data in $RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD in its own process group (setsid), logs to logs/NAME.log
start() {
  local name=$1; shift
  setsid "$@" >"$RUN/logs/$name.log" 2>&1 &
  PIDS+=($!)
  NAMES+=("$name")
}

start nats nats-server -js -a 127.0.0.1 -p "$NATS_PORT" -sd "$RUN/nats" --http_port 0
start redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$RUN/redis" --appendonly yes --appendfsync always --save "" --maxmemory-policy noeviction
for _ in $(seq 1 50); do
  (exec 3<>/dev/tcp/127.0.0.1/"$NATS_PORT") 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/"$REDIS_PORT") 2>/dev/null && break
  sleep 0.1
done

export SPEEDYZERO__NATS__URL="nats://127.0.0.1:$NATS_PORT"
export SPEEDYZERO__REDIS__ENDPOINT="127.0.0.1:$REDIS_PORT"
export SPEEDYZERO__METRICS__HOST=127.0.0.1
export SPEEDYZERO__LEARNER__RUN_DIR="$RUN/learner"
export SPEEDYZERO__PRESET="$PRESET"
if [[ -n "${STEPS:-}" ]]; then export SPEEDYZERO__RUN__ENV_STEPS="$STEPS"; fi
export OPENBLAS_NUM_THREADS=1
CONFIG_ARGS=()
if [[ -n "${CONFIG:-}" ]]; then CONFIG_ARGS=(--config "$CONFIG"); fi

role() { # role NAME ROLE-LABEL ARGS...
  local name=$1 label=$2; shift 2
  local port; port=$(free_port)
  start "$name" env SPEEDYZERO__METRICS__PORT="$port" SPEEDYZERO__NODE__ID="$name" dotnet "$DLL" "$@" "${CONFIG_ARGS[@]}"
  PORTS+=("$port")
  printf '[{"targets":["127.0.0.1:%s"],"labels":{"role":"%s","node":"%s"}}]\n' "$port" "$label" "$name" >"$TARGETS/cluster-$name.json"
}
PORTS=(- -)
role replay replay replay
role learner learner learner
role priority-refresh priority-refresh reanalyzer --mode refresh
role evaluator evaluator evaluator
for i in $(seq 1 "$REANALYZERS"); do role "reanalyzer-$i" reanalyzer reanalyzer --mode reanalyze; done
for i in $(seq 1 "$ACTORS"); do role "actor-$i" actor actor; done

echo "SpeedyZero cluster: NATS 127.0.0.1:$NATS_PORT, Redis 127.0.0.1:$REDIS_PORT, $ACTORS actors, $REANALYZERS reanalyzers; run folder $RUN"
for i in "${!NAMES[@]}"; do [[ ${PORTS[$i]} == - ]] || echo "  ${NAMES[$i]}: http://127.0.0.1:${PORTS[$i]}/metrics (pid ${PIDS[$i]})"; done
echo "Ctrl-C stops everything."

metric() { # metric PORT NAME -> value summed over series (empty when unreachable)
  { curl -s --max-time 1 "http://127.0.0.1:$1/metrics" 2>/dev/null || true; } | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $2; f = 1 } END { if (f) printf "%.6g", s }'
}
port_of() { for i in "${!NAMES[@]}"; do if [[ ${NAMES[$i]} == "$1" ]]; then echo "${PORTS[$i]}"; fi; done; return 0; }

started=$SECONDS
while true; do
  sleep 2
  learner_pid=${PIDS[3]}
  env=0; for i in $(seq 1 "$ACTORS"); do v=$(metric "$(port_of "actor-$i")" speedyzero_env_steps_total); env=$(awk -v a="$env" -v b="${v:-0}" 'BEGIN{print a+b}'); done
  batches=0; for i in $(seq 1 "$REANALYZERS"); do v=$(metric "$(port_of "reanalyzer-$i")" speedyzero_batches_produced_total); batches=$(awk -v a="$batches" -v b="${v:-0}" 'BEGIN{print a+b}'); done
  lp=$(port_of learner); rp=$(port_of replay); ep=$(port_of evaluator)
  ready=0; for i in "${!PORTS[@]}"; do if [[ ${PORTS[$i]} != - && $(metric "${PORTS[$i]}" speedyzero_ready) == 1 ]]; then ready=$((ready+1)); fi; done
  printf '%4ds | ready %d/%d | env steps %s | stored %s segs %s | batches %s | learner step %s loss %s wait %ss | eval return %s\n' \
    $((SECONDS-started)) "$ready" $(( ${#PORTS[@]} - 2 )) "$env" "$(metric "$rp" speedyzero_replay_transitions)" "$(metric "$rp" speedyzero_segments_stored_total)" \
    "$batches" "$(metric "$lp" speedyzero_learner_step)" "$(metric "$lp" 'speedyzero_learner_loss{component="total"}')" \
    "$(metric "$lp" speedyzero_learner_batch_wait_seconds_total)" "$(metric "$ep" 'speedyzero_episode_return{mode="eval"}')"
  if ! kill -0 "$learner_pid" 2>/dev/null; then
    wait "$learner_pid" && code=0 || code=$?
    echo "learner exited ($code); the run is over"
    exit "$code"
  fi
done
