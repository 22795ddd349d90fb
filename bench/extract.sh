#!/usr/bin/env bash
# Extraction throughput on one core, beside ripgrep counting the same Party codes in the
# same files and a plain read of them (the scanning ceiling), all in one run.
#   bench/extract.sh [CORPUS.jsonl.gz]     default: ../shared/corpus/baomoi/baomoi.jsonl.gz
# Prints MB/s for each and the ratio extract / ripgrep. Needs build/dirgraph (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/baomoi/baomoi.jsonl.gz}
[[ -f $corpus ]] || { echo "bench: no corpus at $corpus" >&2; exit 2; }
[[ -x ${DIRGRAPH:-build/dirgraph} ]] || { echo "bench: build/dirgraph missing: run make build" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$corpus" "$dir" <<'PY'
import gzip, json, sys
src, out = sys.argv[1], sys.argv[2]
with gzip.open(src, "rt", encoding="utf-8") as f:
    for i, line in enumerate(f):
        with open(f"{out}/{i:06d}.txt", "w", encoding="utf-8") as o:
            o.write(json.loads(line)["text"])
PY
bytes=$(cat "$dir"/*.txt | wc -c)
files=$(ls "$dir" | wc -l)
mb=$(python3 -c "print($bytes/1e6)")
cat "$dir"/*.txt > /dev/null  # warm the page cache
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); python3 -c "print($e-$s)"; }
read_s=$(t sh -c "cat '$dir'/*.txt")
rg_s=$(t taskset -c 0 rg -c -j1 '[0-9]{1,5} ?- ?[A-ZĐÐa-z]{1,5} ?/ ?[A-ZĐƯa-z]{1,7}' "$dir")
ex_s=$(t sh -c "cd '$dir' && taskset -c 0 '${DIRGRAPH:-$PWD/build/dirgraph}' extract *.txt")
python3 - <<PY
mb, files = $mb, $files
rows = [("plain read (cat)", $read_s), ("ripgrep, codes, 1 thread", $rg_s), ("dirgraph extract, 1 core", $ex_s)]
print(f"corpus: {files} files, {mb:.1f} MB")
for name, s in rows:
    print(f"{name:28s} {s:7.2f} s {mb/s:9.1f} MB/s")
print(f"extract / ripgrep speed: {($rg_s)/($ex_s):.3f}")
PY
