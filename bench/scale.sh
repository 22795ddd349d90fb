#!/usr/bin/env bash
# The graph at national scale: how load time, memory and query latency grow with the corpus.
#   bench/scale.sh [--no-http] [--serve-only] [--samples N] DB...   (smallest first, e.g. 10k 100k 1M)
# For each database: dirgraph-graph-bench (Graph::Load time with its steps, RSS after it and
# at its peak, lineage and reviews p50/p99 over N random documents and the 20 busiest),
# then one line per database (the curve). For the last (largest) database: `dirgraph
# serve` started on it, the time until /healthz answers (the graph is loaded before the
# server listens) and the server's RSS; then bench/http.sh --db on it (wrk, loopback only)
# for a typical provincial plan.
# The load average is printed beside every step. Needs the Release build:
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2
# DIRGRAPH=path/to/dirgraph and GRAPH_BENCH=path/to/dirgraph-graph-bench override the binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
http=1 samples=1000 serve_only=0
dbs=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --no-http) http=0; shift ;;
    --serve-only) serve_only=1; shift ;;
    --samples) samples=$2; shift 2 ;;
    -*) echo "usage: bench/scale.sh [--no-http] [--serve-only] [--samples N] DB..." >&2; exit 2 ;;
    *) dbs+=("$1"); shift ;;
  esac
done
[[ ${#dbs[@]} -gt 0 ]] || { echo "usage: bench/scale.sh [--no-http] [--serve-only] [--samples N] DB..." >&2; exit 2; }
bin=${DIRGRAPH:-build/dirgraph}
bench=${GRAPH_BENCH:-build/dirgraph-graph-bench}
for b in "$bin" "$bench"; do [[ -x $b ]] || { echo "bench: $b missing: build Release first" >&2; exit 2; }; done
for db in "${dbs[@]}"; do [[ -f $db ]] || { echo "bench: no database $db" >&2; exit 2; }; done

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

out=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2> /dev/null; wait 2> /dev/null; rm -rf "$out"; }
trap cleanup EXIT

i=0
for db in "${dbs[@]}"; do
  [[ $serve_only -eq 1 ]] && break
  articles=$(sqlite3 -readonly "$db" 'SELECT count(*) FROM articles' 2> /dev/null || echo '?')
  echo
  echo "== $db ($articles articles, $(du -h "$db" | cut -f1)), load average before: $(loadavg)"
  DIRGRAPH_GRAPH_TIMES=1 "$bench" "$db" --samples "$samples" 2>&1 | tee "$out/$i.txt"
  echo "load average after: $(loadavg)"
  i=$((i + 1))
done

if [[ $serve_only -eq 0 ]]; then
echo
echo "== the curve (times in ms, memory in MB; random: $samples documents x 3 rounds, top: the 20 busiest x 3)"
printf '%-10s %9s %8s %8s %12s %12s %12s %12s %12s %12s\n' articles load rss peak \
  'lin p50 rnd' 'lin p99 rnd' 'rev p50 rnd' 'rev p99 rnd' 'lin p50 top' 'rev p50 top'
i=0
for db in "${dbs[@]}"; do
  f=$out/$i.txt
  articles=$(sqlite3 -readonly "$db" 'SELECT count(*) FROM articles' 2> /dev/null || echo '?')
  read -r load rss peak < <(awk '/^load:/ {print $2, $5, $11}' "$f")
  ms() { awk -v kind="$1" -v sample="$2" -v field="$3" \
    '$1 == kind && $2 == sample { for (i = 1; i <= NF; i++) if ($i == field) printf "%.3f", $(i + 1) / 1000 }' "$f"; }
  printf '%-10s %9s %8s %8s %12s %12s %12s %12s %12s %12s\n' "$articles" "$load" "$rss" "$peak" \
    "$(ms lineage random p50)" "$(ms lineage random p99)" "$(ms reviews random p50)" \
    "$(ms reviews random p99)" "$(ms lineage top p50)" "$(ms reviews top p50)"
  i=$((i + 1))
done
fi

last=${dbs[-1]}
# `dirgraph serve` on the largest database, twice: cold (its graph snapshot removed, so the
# graph is built from the tables, then the snapshot written) and warm (read from the
# snapshot). CPU time is the server's user + system time until /healthz answered.
serve_ready() {
  local label=$1
  echo
  echo "== dirgraph serve on $last, $label, load average before: $(loadavg)"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start=$(date +%s.%N)
  "$bin" serve --db "$last" --host 127.0.0.1 --port "$port" > /dev/null 2> "$out/serve.err" &
  pid=$!
  ready=
  for _ in $(seq 12000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then ready=$(date +%s.%N); break; fi
    kill -0 "$pid" 2> /dev/null || { echo "bench: the server stopped" >&2; cat "$out/serve.err" >&2; exit 1; }
    sleep 0.01
  done
  [[ -n $ready ]] || { echo "bench: the server was not ready within two minutes" >&2; exit 1; }
  local tick cpu
  tick=$(getconf CLK_TCK)
  cpu=$(awk -v t="$tick" '{ printf "%.2f s user + %.2f s sys", $14 / t, $15 / t }' "/proc/$pid/stat")
  echo "ready: $(echo "$ready - $start" | bc) s after start, CPU $cpu (GET /healthz answered; the graph is loaded before listening)"
  grep -v '^[A-Z]* /' "$out/serve.err" | cut -c1-200 | sed 's/^/server log: /' || true
  grep -E '^(VmRSS|VmHWM)' "/proc/$pid/status" | tr -s ' ' | sed 's/^/server /'
  curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/documents/35-NQ~TW@TW!XII/reviews" || true
  grep -E '^VmRSS' "/proc/$pid/status" | tr -s ' ' | sed 's/^/server after a reviews query: /'
  kill "$pid"  # SIGTERM: it exits once a snapshot being written is written
  wait "$pid" 2> /dev/null || true
  pid=
  grep -v '^[A-Z]* /' "$out/serve.err" | grep 'snapshot written' | sed 's/^/server log: /' || true
  echo "load average after: $(loadavg)"
}
rm -f "$last.graph"
serve_ready "cold (no graph snapshot: built from the tables, then $last.graph written)"
[[ -f $last.graph ]] && echo "snapshot: $(du -h "$last.graph" | cut -f1) $last.graph"
serve_ready "warm (read from $last.graph)"

if [[ $http -eq 1 ]]; then
  # A typical document: a provincial plan (implementing a central document, implemented by
  # districts', reviewed by a few meetings). Not 35-NQ/TW: at 1M its lineage route answers
  # tens of MB each, and 64 of them at once take the server's memory past 16 GB
  # (docs/PERFORMANCE.md); pass --doc to bench/http.sh by hand to see it on smaller data.
  typical=$(sqlite3 -readonly "$last" "SELECT key FROM documents WHERE key LIKE '%-KH/TU@%' ORDER BY id LIMIT 1 OFFSET 1000")
  typical=$(echo "$typical" | sed 's|/|~|g; s|#|!|g; s|?|_|g')
  for doc in "$typical"; do
    echo
    echo "== bench/http.sh --db $last --doc $doc, load average before: $(loadavg)"
    DIRGRAPH=$bin bench/http.sh --db "$last" --doc "$doc"
    echo "load average after: $(loadavg)"
  done
fi
