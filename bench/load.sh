#!/usr/bin/env bash
# Load test of the REST service: wrk for 60 s over a mix of endpoints, zero errors and a
# flat resident set required.
#   bench/load.sh [--duration SECONDS] [--connections C] [--articles N] [--rss-bound MIB]
# Makes a database of fixtures/corpus plus N generated articles (dirgraph-gen, seed 5,
# default 2000), serves it with `dirgraph serve --quiet` on a free 127.0.0.1 port, warms
# it up with wrk for 30 s (the read connections' page caches fill), then runs
#   wrk -t2 -cC -dSECONDS -s <mix.lua>
# where each connection walks the mix: healthz, stats, document lists and filters, a
# document, its lineage and reviews, units, meetings, search, an article, an export, a
# POST /extract. Every 5 s it samples the server's VmRSS (/proc/PID/status).
# Prints the figures (requests, req/s, p50/p99/max latency, errors by kind, RSS samples,
# load average) and exits 1 when any request failed (a socket error or a status >= 400)
# or when the RSS rose more than the bound (default 32 MiB) above its value after the
# warm-up, or the server died.
# Needs the Release build (make build): DIRGRAPH=… and DIRGRAPH_GEN=… override the paths.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=60 connections=64 articles=2000 bound_mib=32
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --articles) articles=$2; shift 2 ;;
    --rss-bound) bound_mib=$2; shift 2 ;;
    *) echo "usage: bench/load.sh [--duration S] [--connections C] [--articles N] [--rss-bound MIB]" >&2; exit 2 ;;
  esac
done
bin=${DIRGRAPH:-build/dirgraph}
gen=${DIRGRAPH_GEN:-build/dirgraph-gen}
[[ -x $bin && -x $gen ]] || { echo "load: $bin or $gen missing: run make build" >&2; exit 2; }
command -v wrk > /dev/null || { echo "load: wrk missing (apt-get install wrk)" >&2; exit 2; }
dir=$(mktemp -d)
pid= sampler=
cleanup() {
  [[ -n $sampler ]] && kill "$sampler" 2> /dev/null
  [[ -n $pid ]] && kill "$pid" 2> /dev/null
  wait 2> /dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

"$gen" "$dir/gen" --articles "$articles" --seed 5 --jsonl > /dev/null
"$bin" ingest fixtures/corpus "$dir/gen/articles.jsonl" --db "$dir/load.db" > /dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --db "$dir/load.db" --host 127.0.0.1 --port "$port" --quiet > "$dir/serve.out" 2>&1 &
pid=$!
base=http://127.0.0.1:$port
for _ in $(seq 100); do
  curl -sf "$base/healthz" > /dev/null && break
  sleep 0.1
done
article=1  # the first article stored
doc=35-NQ~TW@TW!XII
cat > "$dir/mix.lua" <<LUA
local gets = {
  "/healthz",
  "/api/v1/stats",
  "/api/v1/documents?limit=20",
  "/api/v1/documents?type=KH&suffix=HU&from=2019&limit=50",
  "/api/v1/documents/$doc",
  "/api/v1/documents/$doc/lineage?direction=down&depth=2",
  "/api/v1/documents/$doc/reviews?from=2020&limit=20",
  "/api/v1/units?level=district&limit=20",
  "/api/v1/meetings?document=$doc&limit=20",
  "/api/v1/search?q=nghi+quyet+35&limit=10",
  "/api/v1/articles/$article",
  "/api/v1/export.json?root=$doc&depth=1",
  "POST",
}
local body = "Chiều 14/3/2023, Quận ủy Gò Vấp tổ chức hội nghị sơ kết 3 năm thực hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị."
local n = 0
request = function()
  n = n + 1
  local p = gets[(n % #gets) + 1]
  if p == "POST" then
    return wrk.format("POST", "/api/v1/extract", {["Content-Type"] = "text/plain"}, body)
  end
  return wrk.format("GET", p)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("result requests=%d seconds=%.1f connect=%d read=%d write=%d timeout=%d status=%d p50=%.2f p99=%.2f max=%.2f\n",
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
# Every path answers 200 before the run.
for path in "/healthz" "/api/v1/documents/$doc/lineage?direction=down&depth=2" "/api/v1/articles/$article" \
            "/api/v1/export.json?root=$doc&depth=1" "/api/v1/search?q=nghi+quyet+35&limit=10"; do
  curl -sf -o /dev/null "$base$path" || { echo "load: $path fails before the run" >&2; exit 1; }
done
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }

echo "database: $(curl -sf "$base/api/v1/stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["articles"], "articles,", d["documents"], "documents,", d["meetings"], "meetings")')"
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c"$connections" -d30s -s "$dir/mix.lua" "$base" > /dev/null  # warm-up
start_kb=$(rss)
(
  t=0
  while :; do
    printf '%s %s\n' "$t" "$(rss)"
    sleep 5
    t=$((t + 5))
  done
) > "$dir/rss" &
sampler=$!
out=$(wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$dir/mix.lua" "$base")
kill "$sampler" 2> /dev/null; wait "$sampler" 2> /dev/null || true; sampler=
end_kb=$(rss)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t2 -c$connections -d${duration}s, a mix of $(grep -c '^  "' "$dir/mix.lua") requests"
result=$(echo "$out" | grep '^result ')
echo "$result" | sed 's/^result //' | tr ' ' '\n' | sed 's/=/ /' | awk '
  $1 == "requests" {r = $2} $1 == "seconds" {s = $2}
  {printf "  %-9s %s\n", $1, $2}
  END {printf "  %-9s %.0f\n", "req/s", r / s}'
echo "RSS (KiB) every 5 s: $(awk '{printf "%s%s", sep, $2; sep=" "}' "$dir/rss")"
max_kb=$(awk 'BEGIN {m = 0} {if ($2 > m) m = $2} END {print m}' "$dir/rss")
[[ $end_kb -gt $max_kb ]] && max_kb=$end_kb
growth_kb=$((max_kb - start_kb))
half_kb=$(awk '{v[NR] = $2} END {h = int((NR + 1) / 2); print v[NR] - v[h]}' "$dir/rss")
echo "RSS after warm-up ${start_kb} KiB, highest ${max_kb} KiB, at the end ${end_kb} KiB: +$((growth_kb / 1024)) MiB (bound ${bound_mib} MiB); over the second half +$((half_kb / 1024)) MiB"

errors=0
for kind in connect read write timeout status; do
  n=$(echo "$result" | tr ' ' '\n' | awk -F= -v k="$kind" '$1 == k {print $2}')
  errors=$((errors + n))
done
fail=0
if ! kill -0 "$pid" 2> /dev/null; then echo "load: FAIL: the server died" >&2; fail=1; fi
if [[ $errors -gt 0 ]]; then echo "load: FAIL: $errors requests failed" >&2; fail=1; fi
if [[ $growth_kb -gt $((bound_mib * 1024)) ]]; then echo "load: FAIL: RSS grew by more than ${bound_mib} MiB" >&2; fail=1; fi
[[ $fail -eq 0 ]] && echo "load: ok: no errors, RSS within ${bound_mib} MiB of its value after the warm-up"
exit $fail
