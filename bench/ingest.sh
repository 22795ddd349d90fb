#!/usr/bin/env bash
# Ingest throughput end to end (JSON Lines -> extraction -> SQLite with its search index), at
# --jobs 1 and --jobs 2, beside a plain read of the same file (the reading ceiling).
#   bench/ingest.sh [--sizes 10000,100000] [--1m] [--corpora DIR] [--work DIR] [--keep DIR]
#                   [--jobs "1 2"] [--baomoi [FILE.jsonl.gz]]
#   --sizes    generated corpora to ingest (default 10000,100000); --1m adds 1000000
#   --corpora  where DIR/genN/articles.jsonl are read, and written with build/dirgraph-gen
#              (seed 1, --jsonl) when absent (default: $DIRGRAPH_CORPORA or /work/data)
#   --work     where the databases are written (default: a temporary folder, removed)
#   --keep     keep the database of each corpus's last run as DIR/ingest-genN.db (ingest-baomoi.db)
#   --baomoi   also the real articles of ../shared/corpus/baomoi/baomoi.jsonl.gz (or FILE),
#              decompressed to the work folder first
# Each run starts from an empty database. Prints, per run: seconds (wall), articles/s, MB/s
# of the JSON Lines read, CPU seconds (user + system), database size and bytes per article,
# peak RSS (/usr/bin/time -f %M), and the load average before the run: the machine may be
# shared, and wall-clock figures move with its load.
# Needs the Release build: make build (DIRGRAPH=path/to/dirgraph to use another).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=10000,100000 corpora=${DIRGRAPH_CORPORA:-/work/data} work= keep= jobs="1 2" baomoi=
while [[ $# -gt 0 ]]; do
  case $1 in
    --sizes) sizes=$2; shift 2 ;;
    --1m) sizes=$sizes,1000000; shift ;;
    --corpora) corpora=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --baomoi)
      baomoi=../shared/corpus/baomoi/baomoi.jsonl.gz
      if [[ $# -gt 1 && $2 != --* ]]; then baomoi=$2; shift; fi
      shift ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
  esac
done
bin=${DIRGRAPH:-build/dirgraph}
gen=${DIRGRAPH_GEN:-$(dirname "$bin")/dirgraph-gen}
[[ -x $bin ]] || { echo "bench: $bin missing: run make build" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
[[ -z $baomoi || -f $baomoi ]] || { echo "bench: no corpus at $baomoi" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[[ -n $work ]] || work=$tmp
mkdir -p "$work"
[[ -z $keep ]] || mkdir -p "$keep"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
if [[ -n ${DIRGRAPH:-} ]]; then
  echo "dirgraph: $bin"
else
  echo "dirgraph: $bin (built from $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
fi
printf '%-22s %5s %9s %9s %11s %8s %8s %9s %10s %9s %6s\n' \
  corpus jobs seconds articles/s MB/s CPU_s DB_MB B/article RSS_MB docs load

# run NAME FILE ARTICLES: the plain read, then ingest at each --jobs.
run() {
  local name=$1 file=$2 articles=$3 bytes s load out db j keepdb
  bytes=$(stat -c %s "$file")
  cat "$file" > /dev/null  # into the page cache, as for the runs after it
  load=$(cut -d' ' -f1 /proc/loadavg)
  s=$(date +%s%N); cat "$file" > /dev/null; s=$(( $(date +%s%N) - s )); s=$(python3 -c "print($s / 1e9)")
  python3 -c "
b, s, n = $bytes, max($s, 1e-6), $articles
print(f'{\"$name\":22s} {\"cat\":>5s} {s:9.2f} {n/s:9.0f} {b/1e6/s:11.1f} {\"\":>8s} {\"\":>8s} {\"\":>9s} {\"\":>10s} {\"\":>9s} {\"$load\":>6s}')"
  for j in $jobs; do
    db=$work/ingest-$name-j$j.db
    rm -f "$db" "$db-wal" "$db-shm"
    load=$(cut -d' ' -f1 /proc/loadavg)
    # Inputs that fail (reported on stderr) make the exit status 1; the run still counts.
    out=$( { /usr/bin/time -f 'TIME %e %U %S %M' "$bin" ingest "$file" --db "$db" --jobs "$j"; } 2>&1 ) || true
    if ! grep -q ' holds ' <<< "$out"; then
      echo "$out" | tail -5 >&2
      echo "bench: ingest of $file failed" >&2
      exit 1
    fi
    python3 - "$out" "$bytes" "$(stat -c %s "$db")" "$name" "$j" "$load" <<'PY'
import re, sys
out, inbytes, dbbytes, name, jobs, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:]
t = re.search(r"TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)", out)
wall, user, system, rss = float(t[1]), float(t[2]), float(t[3]), int(t[4])
m = re.search(r"(\d+) articles \((\d+) added.*holds (\d+) articles, (\d+) documents", out)
n, docs = int(m[1]), int(m[4])
print(f"{name:22s} {jobs:>5s} {wall:9.2f} {n / wall:9.0f} {inbytes / 1e6 / wall:11.1f} "
      f"{user + system:8.1f} {dbbytes / 1e6:8.0f} {dbbytes / max(n, 1):9.0f} {rss / 1024:10.0f} "
      f"{docs:9d} {load:>6s}")
PY
    keepdb=$db
  done
  if [[ -n $keep ]]; then
    mv "$keepdb" "$keep/ingest-$name.db"
    rm -f "$keepdb-wal" "$keepdb-shm"
  fi
  rm -f "$work"/ingest-"$name"-j*.db*
}

IFS=, read -ra size_list <<< "$sizes"
for n in "${size_list[@]}"; do
  file=$corpora/gen$n/articles.jsonl
  if [[ ! -f $file ]]; then
    [[ -x $gen ]] || { echo "bench: $gen missing: cmake --build build --target dirgraph-gen" >&2; exit 2; }
    echo "generating $file ($gen --articles $n --seed 1 --jsonl)" >&2
    "$gen" "$corpora/gen$n" --articles "$n" --seed 1 --jsonl > /dev/null
  fi
  run "gen$n" "$file" "$(wc -l < "$file")"
done
if [[ -n $baomoi ]]; then
  zcat "$baomoi" > "$work/baomoi.jsonl"
  run baomoi "$work/baomoi.jsonl" "$(wc -l < "$work/baomoi.jsonl")"
  rm -f "$work/baomoi.jsonl"
fi
