#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ in build-fuzz (clang, ASan + UBSan) and runs each
# for SECONDS (default 600), one after the other, on one core:
#   scripts/fuzz.sh [SECONDS] [extract|jsonl ...]     (default: both)
# extract_fuzzer starts from fuzz/seeds/extract and fixtures/corpus, jsonl_fuzzer from
# fuzz/seeds/jsonl; the corpus they grow is kept in build-fuzz/corpus/<target> for the
# next run. Crashing, hanging or memory-hungry inputs go to fuzz/crashes/<target>/ (not
# committed: minimize one with `build-fuzz/fuzz/<target>_fuzzer -minimize_crash=1 FILE`
# and keep it under fixtures/fuzz/ as a regression fixture). A run goes on after a crash
# (-fork=1 -ignore_crashes=1), so one bug does not hide the next.
# Prints one summary line per target; exits 1 when any target found a new crash.
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: scripts/fuzz.sh [SECONDS] [extract|jsonl ...]  (each one's run time, default 600)"
seconds="${1:-600}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -eq 0 ]]; then
  echo "$usage" >&2
  exit 2
fi
targets=("${@:2}")
if [[ ${#targets[@]} -eq 0 ]]; then targets=(extract jsonl); fi
for target in "${targets[@]}"; do
  if [[ "$target" != extract && "$target" != jsonl ]]; then
    echo "$usage" >&2
    exit 2
  fi
done

cmake -S . -B build-fuzz -DDIRGRAPH_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" >/dev/null
cmake --build build-fuzz -j "${JOBS:-2}" --target extract_fuzzer jsonl_fuzzer

summary=()
found=0
for target in "${targets[@]}"; do
  corpus="build-fuzz/corpus/$target"
  crashes="fuzz/crashes/$target"
  log="build-fuzz/fuzz-$target.log"
  mkdir -p "$corpus" "$crashes"
  seeds=("fuzz/seeds/$target")
  if [[ "$target" == extract ]]; then seeds+=(fixtures/corpus); fi
  before=$(find "$crashes" -type f | wc -l)
  echo "fuzz: $target for ${seconds}s (log: $log)"
  # -fork=1: one worker process, restarted after a crash; corpus merged into $corpus.
  "build-fuzz/fuzz/${target}_fuzzer" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
    -ignore_ooms=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -dict="fuzz/$target.dict" -artifact_prefix="$crashes/" \
    "$corpus" "${seeds[@]}" >"$log" 2>&1 || true
  after=$(find "$crashes" -type f | wc -l)
  # The last status line: "#N: cov: C ft: F corp: K exec/s E oom/timeout/crash: a/b/c time: Ts ..."
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
  execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$last")
  time=$(sed -nE 's/.* time: ([0-9]+)s.*/\1/p' <<<"$last")
  otc=$(sed -nE 's/.*oom\/timeout\/crash: ([0-9]+\/[0-9]+\/[0-9]+).*/\1/p' <<<"$last")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  size=$(find "$corpus" -type f | wc -l)
  rate=0
  if [[ -n "$execs" && -n "$time" && "$time" -gt 0 ]]; then rate=$((execs / time)); fi
  new=$((after - before))
  if [[ "$new" -gt 0 ]]; then found=1; fi
  summary+=("$(printf '%-8s %6ss %10s execs %6s execs/s  cov %6s  corpus %5s  oom/timeout/crash %-7s  new files in %s: %s' \
    "$target" "${time:-?}" "${execs:-?}" "$rate" "${cov:-?}" "$size" "${otc:-?}" "$crashes" "$new")")
done

echo
echo "fuzz summary:"
printf '  %s\n' "${summary[@]}"
exit "$found"
