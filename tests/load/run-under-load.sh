#!/usr/bin/env bash
# Runs the test suite RUNS times with one busy-looping process per core beside it, so timing
# assumptions that only hold on an idle machine show up as failures. Usage: PRESET RUNS
set -uo pipefail
preset=${1:-dev}
runs=${2:-1}
cores=$(nproc)
hogs=()
stop_hogs() { for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; }
trap stop_hogs EXIT INT TERM
for _ in $(seq "$cores"); do
  ( while :; do :; done ) &
  hogs+=($!)
done
echo "test-load: $cores CPU hog(s) running; $runs run(s) of ctest -j3 on the $preset build"
failed=0
for run in $(seq "$runs"); do
  start=$(date +%s)
  if QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software ctest --preset "$preset" -j3 --output-on-failure; then
    echo "test-load: run $run/$runs passed in $(( $(date +%s) - start )) s"
  else
    echo "test-load: run $run/$runs FAILED after $(( $(date +%s) - start )) s"
    failed=$((failed + 1))
  fi
done
echo "test-load: $((runs - failed))/$runs runs passed"
[ "$failed" -eq 0 ]
