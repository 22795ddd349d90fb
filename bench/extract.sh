#!/usr/bin/env bash
# Extraction throughput on one core, beside ripgrep counting the same Party codes in the
# same files and a plain read of them (the scanning ceiling), all in one run.
#   bench/extract.sh [CORPUS.jsonl.gz]     default: ../shared/corpus/baomoi/baomoi.jsonl.gz
# Prints MB/s for each and the ratio extract / ripgrep, for the articles as files and as the
# one JSON Lines file they come in. Needs build/dirgraph (make build).
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
bin=${DIRGRAPH:-$PWD/build/dirgraph}
codes='[0-9]{1,5} ?- ?[A-ZĐÐa-z]{1,5} ?/ ?[A-ZĐƯa-z]{1,7}'
read_s=$(t sh -c "cat '$dir'/*.txt")
rg_s=$(t taskset -c 0 rg -c -j1 "$codes" "$dir")
ex_s=$(t sh -c "cd '$dir' && taskset -c 0 '$bin' extract *.txt")
# The same articles as one JSON Lines file (the corpus's own form, and ingest's): one
# open and read instead of 35,440, so the kernel's share per file is gone.
zcat "$corpus" > "$dir/corpus.jsonl"
jbytes=$(wc -c < "$dir/corpus.jsonl")
cat "$dir/corpus.jsonl" > /dev/null
jread_s=$(t cat "$dir/corpus.jsonl")
jrg_s=$(t taskset -c 0 rg -c -j1 "$codes" "$dir/corpus.jsonl")
jex_s=$(t taskset -c 0 "$bin" extract "$dir/corpus.jsonl")
python3 - <<PY
mb, files, jmb = $mb, $files, $jbytes / 1e6
print(f"corpus: {files} files, {mb:.1f} MB of text")
for name, s in [("plain read (cat)", $read_s), ("ripgrep, codes, 1 thread", $rg_s),
                ("dirgraph extract, 1 core", $ex_s)]:
    print(f"{name:28s} {s:7.2f} s {mb/s:9.1f} MB/s")
print(f"extract / ripgrep speed: {($rg_s)/($ex_s):.3f}")
print(f"the same as one JSON Lines file: {jmb:.1f} MB")
for name, s in [("plain read (cat)", $jread_s), ("ripgrep, codes, 1 thread", $jrg_s),
                ("dirgraph extract, 1 core", $jex_s)]:
    print(f"{name:28s} {s:7.2f} s {jmb/s:9.1f} MB/s  ({mb/s:.1f} MB/s of text)")
print(f"extract / ripgrep speed: {($jrg_s)/($jex_s):.3f}")
PY
