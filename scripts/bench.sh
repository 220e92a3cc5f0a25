#!/usr/bin/env bash
# Benchmark (figures printed, not asserted): seed time, subtree queries at the province root
# (also on a 50k-unit tree), and requests/second of the member-list page under load.
# Usage: bash scripts/bench.sh            (SQLite)
#        DATABASE_URL=postgres://… bash scripts/bench.sh   (an EMPTY PostgreSQL database)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO=sudo
if ! command -v wrk >/dev/null || [[ ! -x /usr/sbin/nginx ]]; then
  $SUDO apt-get update -qq; $SUDO apt-get install -y -qq wrk nginx-light >/dev/null
fi

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

echo "== HTTP load on a signed-in member's document page (the Charter), beside nginx serving the same bytes"
doc_id=$(curl -s -G -H "Cookie: $cookie" --data-urlencode "q=điều lệ đảng" "http://127.0.0.1:$port/api/v1/search" |
  python3 -c 'import json,sys; print(next(h["document_id"] for h in json.load(sys.stdin)["hits"] if h["title"].startswith("Điều lệ Đảng")))')
mkdir -p "$workdir/www"
curl -s -H "Cookie: $cookie" -H 'Accept: text/html' "http://127.0.0.1:$port/tai-lieu/$doc_id" -o "$workdir/www/doc.html"
echo "page: $(wc -c <"$workdir/www/doc.html") bytes"
cat >"$workdir/nginx.conf" <<NGINX
worker_processes 2;
pid $workdir/nginx.pid;
error_log $workdir/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  gzip on; gzip_types text/html; gzip_comp_level 1;
  client_body_temp_path $workdir/nginx-tmp; proxy_temp_path $workdir/nginx-tmp; fastcgi_temp_path $workdir/nginx-tmp;
  uwsgi_temp_path $workdir/nginx-tmp; scgi_temp_path $workdir/nginx-tmp;
  server { listen 127.0.0.1:3401; root $workdir/www; default_type text/html; }
}
NGINX
mkdir -p "$workdir/nginx-tmp"
/usr/sbin/nginx -c "$workdir/nginx.conf"
trap 'kill $pid 2>/dev/null || true; /usr/sbin/nginx -c "$workdir/nginx.conf" -s stop 2>/dev/null || true' EXIT
sleep 1
app_rate=$(wrk -t2 -c32 -d10s -H "Cookie: $cookie" -H 'Accept: text/html' -H 'Accept-Encoding: gzip' \
  "http://127.0.0.1:$port/tai-lieu/$doc_id" | awk '/Requests\/sec/ {print $2}')
nginx_rate=$(wrk -t2 -c32 -d10s -H 'Accept-Encoding: gzip' "http://127.0.0.1:3401/doc.html" | awk '/Requests\/sec/ {print $2}')
echo "document page: app $app_rate req/s, nginx $nginx_rate req/s, ratio $(python3 -c "print(round($app_rate/$nginx_rate, 4))")"
