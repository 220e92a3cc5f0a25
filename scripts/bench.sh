#!/usr/bin/env bash
# Benchmark (figures printed, not asserted): seed time, subtree queries at the province root
# (also on a 50k-unit tree), and requests/second of the member-list page under load.
# Usage: bash scripts/bench.sh            (SQLite)
#        DATABASE_URL=postgres://… bash scripts/bench.sh   (an EMPTY PostgreSQL database)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
command -v wrk >/dev/null || { SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO=sudo; $SUDO apt-get update -qq; $SUDO apt-get install -y -qq wrk >/dev/null; }

echo "== release build of the server"
cargo build --release -p server
workdir=$(mktemp -d)
export DATABASE_URL="${DATABASE_URL:-sqlite://$workdir/bench.db?mode=rwc}"

echo "== database figures ($DATABASE_URL)"
./target/release/server bench

echo "== HTTP load on the member-list page (province root, first page), 32 connections, 10 s"
port=3400
LEPTOS_SITE_ADDR="127.0.0.1:$port" SOTAY_SEED_DEMO=false ./target/release/server serve >"$workdir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 30); do curl -fs -o /dev/null "http://127.0.0.1:$port/dang-nhap" && break; sleep 1; done
cookie=$(curl -s -D - -o /dev/null -H 'Accept: application/json' \
  --data 'identifier=0900000001&password=sotay2024' "http://127.0.0.1:$port/api/login" |
  sed -n 's/^set-cookie: \(sotay_session=[^;]*\).*/\1/Ip' | head -1)
[[ -n "$cookie" ]] || { echo "login failed"; exit 1; }
wrk -t2 -c32 -d10s -H "Cookie: $cookie" -H 'Accept: text/html' -H 'Accept-Encoding: gzip' \
  "http://127.0.0.1:$port/dang-vien?don-vi=1"
