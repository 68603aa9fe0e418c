#!/usr/bin/env bash
# Runs the test suite RUNS times with one busy-looping process per core beside it, so timing
# assumptions that only hold on an idle machine show up as failures. Usage: PRESET RUNS
set -uo pipefail
preset=${1:-dev}
runs=${2:-1}
cores=$(nproc)
hogs=()
suite=""
stop_all() { for pid in "${hogs[@]}" $suite; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; }
# Interrupted: stop the hogs and the run under way, and end (a trap alone would go on to the
# next run; ctest runs in the background so that the trap does not wait for it).
trap stop_all EXIT
trap 'exit 130' INT TERM
for _ in $(seq "$cores"); do
  ( while :; do :; done ) &
  hogs+=($!)
done
echo "test-load: $cores CPU hog(s) running; $runs run(s) of ctest -j3 on the $preset build"
failed=0
for run in $(seq "$runs"); do
  start=$(date +%s)
  QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software ctest --preset "$preset" -j3 --output-on-failure &
  suite=$!
  if wait "$suite"; then
    echo "test-load: run $run/$runs passed in $(( $(date +%s) - start )) s"
  else
    echo "test-load: run $run/$runs FAILED after $(( $(date +%s) - start )) s"
    failed=$((failed + 1))
  fi
done
echo "test-load: $((runs - failed))/$runs runs passed"
[ "$failed" -eq 0 ]
