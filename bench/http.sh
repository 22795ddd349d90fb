#!/usr/bin/env bash
# REST API throughput and latency with wrk, on loopback only, 10 s per endpoint.
#   bench/http.sh [--large N | --db FILE] [--doc SLUG] [--path PATH]... [--connections C] [--duration D]
# Ingests fixtures/corpus into a temporary database (with --large N, each fixture N
# times over with a distinct line, so that documents carry N times the mentions), or takes
# an existing database (--db FILE, e.g. a generated million articles, left unchanged); serves
# it with `dirgraph serve --quiet` on a free 127.0.0.1 port, then runs
#   wrk -t2 -cC -dD --latency URL
# for /healthz, a document (--doc, default 35-NQ~TW@TW!XII), its lineage (first page, both
# directions) and its reviews (first page), and prints req/s, p50 and p99, with the
# server's time to ready and its RSS (VmRSS before each endpoint and the most it reached
# during the run, sampled every 0.2 s). Each --path (a path with its query) is measured
# after those, on the same server: a database of a million articles loads once.
# Needs the Release binary: DIRGRAPH=build-api-rel/dirgraph, default build/dirgraph.
set -euo pipefail
cd "$(dirname "$0")/.."
large=0 connections=64 duration=10s db= doc='35-NQ~TW@TW!XII' extra=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --large) large=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --doc) doc=$2; shift 2 ;;
    --path) extra+=("$2"); shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "usage: bench/http.sh [--large N | --db FILE] [--doc SLUG] [--path PATH]... [--connections C] [--duration D]" >&2; exit 2 ;;
  esac
done
bin=${DIRGRAPH:-build/dirgraph}
[[ -x $bin ]] || { echo "bench: $bin missing: run make build" >&2; exit 2; }
command -v wrk > /dev/null || { echo "bench: wrk missing (apt-get install wrk)" >&2; exit 2; }
dir=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2> /dev/null; wait 2> /dev/null; rm -rf "$dir"; }
trap cleanup EXIT

input=fixtures/corpus
if [[ $large -gt 0 ]]; then
  input=$dir/large.jsonl
  python3 - "$large" "$input" <<'PY'
import json, pathlib, sys
n, out = int(sys.argv[1]), sys.argv[2]
files = sorted(pathlib.Path("fixtures/corpus").glob("*.txt"))
with open(out, "w", encoding="utf-8") as o:
    for i in range(n):
        for f in files:
            text = f.read_text(encoding="utf-8") + f"\n(Bản tin số {i})\n"
            o.write(json.dumps({"url": f"https://bench.example/{i}/{f.name}", "text": text},
                               ensure_ascii=False) + "\n")
PY
fi
if [[ -n $db ]]; then
  [[ -f $db ]] || { echo "bench: no database $db" >&2; exit 2; }
  served=$db
else
  "$bin" ingest "$input" --db "$dir/bench.db" > /dev/null
  served=$dir/bench.db
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
started=$(date +%s.%N)
"$bin" serve --db "$served" --host 127.0.0.1 --port "$port" --quiet > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1200); do
  curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break
  sleep 0.1
done
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
# Writes the largest VmRSS seen to $dir/rss_max until stopped.
watch_rss() {
  local max=0 r
  while r=$(rss_kb 2> /dev/null) && [[ -n $r ]]; do
    (( r > max )) && max=$r && echo "$max" > "$dir/rss_max"
    sleep 0.2
  done
}
echo "server ready after $(echo "$(date +%s.%N) - $started" | bc | cut -c1-5) s; RSS $(( $(rss_kb) / 1024 )) MB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
stats=$(curl -sf "http://127.0.0.1:$port/api/v1/stats")
echo "database: $(echo "$stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["articles"], "articles,", d["documents"], "documents,", d["meetings"], "meetings")')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); wrk -t2 -c$connections -d$duration --latency"
printf '%-48s %10s %9s %9s %s\n' endpoint req/s p50 p99 'RSS before -> max (MB)'
for path in /healthz "/api/v1/documents/$doc" "/api/v1/documents/$doc/lineage" \
            "/api/v1/documents/$doc/reviews" "${extra[@]}"; do
  curl -sf -o /dev/null "http://127.0.0.1:$port$path" || { echo "bench: $path fails" >&2; exit 1; }
  before=$(rss_kb)
  echo "$before" > "$dir/rss_max"
  watch_rss &
  watcher=$!
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port$path")
  kill "$watcher" 2> /dev/null; wait "$watcher" 2> /dev/null || true
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/' | tr '\n' ' ')
  printf '%-48s %10s %9s %9s %s %s\n' "$path" "$rps" "$p50" "$p99" \
    "$(( before / 1024 )) -> $(( $(cat "$dir/rss_max") / 1024 ))" "$errors"
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
