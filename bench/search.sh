#!/usr/bin/env bash
# Search latency (the work of GET /api/v1/search: match, rank, snippets of the first page)
# for a rare and a very common word, on existing databases opened read-only.
#   bench/search.sh DB... [--query Q]... [--repeat N]
# Default queries: "dang" (in nearly every article), "nghi quyet" (two common words),
# "Hậu Giang" (a province: about 1% of the articles), "Ayun" (a place name: a few in
# 10,000 generated articles) and "xyzzy" (in none). A schema
# 4 or 5 database answers through its FTS5 index, a schema 6 one through the store's own:
# give one of each (e.g. bench/ingest.sh --keep DIR with the binary before and after) to
# compare. Prints, per query, its total, the first run and the median and minimum of N
# runs (default 20) in ms, and the load average before each database.
# Needs the Release build (make build); DIRGRAPH_SEARCH_BENCH=path to use another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
dbs=() queries=() repeat=20
while [[ $# -gt 0 ]]; do
  case $1 in
    --query) queries+=("$2"); shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -*) sed -n '2,13p' "$0" >&2; exit 2 ;;
    *) dbs+=("$1"); shift ;;
  esac
done
[[ ${#dbs[@]} -gt 0 ]] || { sed -n '2,13p' "$0" >&2; exit 2; }
[[ ${#queries[@]} -gt 0 ]] || queries=("dang" "nghi quyet" "Hậu Giang" "Ayun" "xyzzy")
bin=${DIRGRAPH_SEARCH_BENCH:-build/dirgraph-search-bench}
[[ -x $bin ]] || { echo "bench: $bin missing: run make build" >&2; exit 2; }
for db in "${dbs[@]}"; do
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$bin" "$db" "${queries[@]}" --repeat "$repeat"
done
