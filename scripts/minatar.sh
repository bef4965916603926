#!/usr/bin/env bash
# make minatar: the MinAtar results, one 500k-frame run per game, one game after another, then one
# report and figure of them all. Run it again to continue: each game's latest run folder with a
# checkpoint is resumed (a finished one returns at once), a game without one starts, unless RESULTS
# already holds its finished run for this seed (the committed files outlive the machine's run folders).
#   OUT=runs/minatar SEED=0 GAMES="breakout asterix freeway seaquest space_invaders" scripts/minatar.sh
# SPEEDYZERO=path/to/speedyzero.dll runs another build (a copy that a rebuild will not touch).
# Each finished game's small outputs (config.yaml, metrics.jsonl, summary.json, curves.png, final.weights,
# best.weights, best.json) are copied to RESULTS/<game>/ (default docs/results/minatar), to be committed;
# RESULTS= (empty) copies nothing.
# Ctrl-C or SIGTERM: the running game checkpoints and the script stops with exit code 130.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-runs/minatar}
SEED=${SEED:-0}
GAMES=${GAMES:-"breakout asterix freeway seaquest space_invaders"}
RESULTS=${RESULTS-docs/results/minatar}
CONFIGURATION=${CONFIGURATION:-Release}
DLL=${SPEEDYZERO:-"services/SpeedyZero.Cli/bin/$CONFIGURATION/net10.0/speedyzero.dll"}
[[ -f "$DLL" ]] || { echo "make minatar: $DLL is missing; run 'make build' first" >&2; exit 3; }
[[ "$SEED" =~ ^[0-9]+$ ]] || { echo "make minatar: SEED must be a non-negative integer, not '$SEED'" >&2; exit 2; }

# The latest run folder of a game and seed that holds a checkpoint (names sort by start time).
latest_run() {
  local runs=("$OUT/$1/$1"-*-seed"$SEED") i
  for ((i = ${#runs[@]} - 1; i >= 0; i--)); do
    [[ -f "${runs[i]}/checkpoint/state.json" ]] && { echo "${runs[i]}"; return; }
  done
}

# Whether RESULTS/<game> holds a finished run of this seed: its summary at the env steps its config asked for.
finished_result() {
  local dir="$RESULTS/$1" summary steps target
  [[ -n "$RESULTS" && -f "$dir/summary.json" && -f "$dir/config.yaml" ]] || return 1
  summary=$(<"$dir/summary.json")
  [[ $summary =~ \"seed\":\ *([0-9]+) && ${BASH_REMATCH[1]} == "$SEED" ]] || return 1
  [[ $summary =~ \"env_steps\":\ *([0-9]+) ]] || return 1
  steps=${BASH_REMATCH[1]}
  target=$(sed -n '/^run:/,/^[a-z]/s/^  env_steps: *\([0-9][0-9]*\) *$/\1/p' "$dir/config.yaml")
  [[ -n "$target" ]] && ((steps >= target))
}

# Runs the trainer in the background (where it ignores SIGINT) and hands it Ctrl-C or SIGTERM as
# SIGTERM, then waits until it has checkpointed and exited.
child=0
trap '[[ $child != 0 ]] && kill -TERM "$child" 2>/dev/null' INT TERM
train() {
  dotnet "$DLL" train "$@" &
  child=$!
  local rc
  while true; do
    wait "$child"; rc=$?
    kill -0 "$child" 2>/dev/null || break
  done
  child=0
  return "$rc"
}

reports=()
for game in $GAMES; do
  run=$(latest_run "$game")
  if [[ -z "$run" ]] && finished_result "$game"; then
    echo "make minatar: $game: finished in $RESULTS/$game (seed $SEED), not trained again (move those files away to train it again)"
    reports+=(--run "$RESULTS/$game")
    continue
  fi
  if [[ -n "$run" ]]; then
    echo "make minatar: $game: continuing $run"
    train --resume "$run"
  else
    echo "make minatar: $game: starting (seed $SEED, into $OUT/$game)"
    train --preset "$game" --seed "$SEED" --out "$OUT/$game"
  fi
  rc=$?
  case $rc in
    0) ;;
    130) echo "make minatar: stopped during $game; run it again to continue" >&2; exit 130 ;;
    *) echo "make minatar: $game failed (exit code $rc)" >&2; exit "$rc" ;;
  esac
  run=$(latest_run "$game")
  reports+=(--run "$run")
  if [[ -n "$RESULTS" ]]; then
    mkdir -p "$RESULTS/$game"
    for f in config.yaml metrics.jsonl summary.json curves.png final.weights best.weights best.json; do
      [[ -f "$run/$f" ]] && cp "$run/$f" "$RESULTS/$game/$f"
    done
    echo "make minatar: $game: results copied to $RESULTS/$game"
  fi
done

dotnet "$DLL" report "${reports[@]}" --plot "$OUT/minatar.png"
