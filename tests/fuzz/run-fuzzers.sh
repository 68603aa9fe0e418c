#!/usr/bin/env bash
# Runs each libFuzzer harness of the fuzz preset for SECONDS (make fuzz; FUZZ_SECONDS).
# Usage: run-fuzzers.sh SECONDS [HARNESS...]   (default: every harness)
# Each starts from its seeds in tests/fuzz/corpus/<name>/ and keeps what it learns in
# build/fuzz/corpus/<name>/. A crash, a sanitizer report, an input that runs over 1 s or a
# process over 2 GB stops it: the input is saved as build/fuzz/artifacts/<name>-crash-… (or
# -timeout-, -oom-), and this script fails. Fix it, then copy the input into
# tests/fuzz/corpus/<name>/ under a name that says what it found, so `make test` replays it.
set -uo pipefail
seconds=${1:-60}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(preset setting commandline)
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz
mkdir -p "$build/artifacts"
failed=()
for name in "${harnesses[@]}"; do
  work=$build/corpus/$name
  mkdir -p "$work"
  dict=()
  [ -f "$root/tests/fuzz/$name.dict" ] && dict=(-dict="$root/tests/fuzz/$name.dict")
  log=$build/fuzz_$name.log
  echo "fuzz: $name for ${seconds} s (log: $log)"
  # The source root as the working folder: seeds that name a shipped preset find it.
  ( cd "$root" && "$build/tests/fuzz/fuzz_$name" "$work" "$root/tests/fuzz/corpus/$name" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$name-" ) > "$log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  peak=$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ $status -eq 0 ]; then
    echo "fuzz: $name: ${runs:-?} runs in ${seconds} s, peak RSS ${peak:-?} MB, nothing found"
  else
    echo "fuzz: $name FOUND SOMETHING (exit $status); the end of its log:"
    tail -n 40 "$log"
    failed+=("$name")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: findings in: ${failed[*]} (inputs under $build/artifacts)"; exit 1; }
