#!/usr/bin/env bash
# Builds the solution (native engine included) and runs every test project.
# Fails when any test fails, when a project hangs, and when no test ran at all.
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

dotnet build speedyzero-k8s.sln -c "$configuration" --nologo -clp:ErrorsOnly

# A hung test is dumped and killed instead of eating the CI budget.
set +e
dotnet test speedyzero-k8s.sln -c "$configuration" --no-build --nologo \
  --blame-hang-timeout 10m ${TEST_FILTER:+--filter "$TEST_FILTER"} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Totals over all projects, from the runner's own per-project summary lines.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)!  - Failed:/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1)
    }
  }
  END { print p+0, f+0, s+0 }' "$log")

if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "tests: no test ran; treating as a failure" >&2
  exit 1
fi

# The deploy check (docs/deployment.md): manifests validated against the schemas, Dockerfiles
# linted, the CPU image built and run, the CPU overlay played as pods. Runs even when a test
# failed, so both reports come out.
set +e
scripts/deploy-check.sh
deploy_status=$?
set -e
if [ "$deploy_status" -ne 0 ]; then
  echo "tests: the deploy check failed (scripts/deploy-check.sh, exit ${deploy_status})" >&2
  [ "$status" -ne 0 ] || status=$deploy_status
fi

# The end of the output is what a CI log shows first: the failed tests by name, a crashed or hung
# test host, then the totals.
if [ "$status" -ne 0 ]; then
  # Each failed test with the first lines of its error message (the stack trace is left out).
  awk '
    /^[[:space:]]+Failed [^!]/ { shown = 0; inside = 1; print; next }
    inside && /^[[:space:]]+(Passed|Failed|Skipped) |Stack Trace:|^[[:space:]]*$/ { inside = 0 }
    inside && shown < 30 { print; shown++ }
    /Test host process crashed|aborted|blame/ { print }' "$log" | head -120 | sed 's/^/tests: /' >&2 || true
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
