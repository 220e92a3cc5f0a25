#!/usr/bin/env bash
# Figures for the installable app (printed, never asserted): the offline shell's size, time to
# interactive on a throttled "slow 4G, 4× CPU" phone with a cold and a warm cache, Lighthouse
# scores for the home page and a document page. Measures the shipped (release) bundle.
# Usage: bash scripts/pwa-figures.sh   (the whole app hydrating instead of islands: `default = []`
# in frontend/Cargo.toml and server/Cargo.toml first)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
source scripts/env.sh

# wasm-opt for the release bundle: Debian's binaryen is too old for today's WebAssembly
# features; npm's build of binaryen is current.
tools="$HOME/.cache/sotay-tools"
if [[ ! -x "$tools/node_modules/.bin/wasm-opt" ]]; then
  npm install --silent --prefix "$tools" binaryen@132 >/dev/null
fi
export PATH="$tools/node_modules/.bin:$PATH"

# Release A, then release B that differs in one page (the version shown on /ngoai-tuyen), for
# the returning member's figures.
build() {
  echo "== release build $1 (server + wasm-release bundle, wasm-opt, precompressed)"
  SOTAY_VERSION="$1" cargo leptos build --release --precompress 2>&1 | tail -2
}
port="${FIGURES_PORT:-3400}"
workdir=$(mktemp -d)
pid=""
trap 'if [[ -n "$pid" ]]; then kill $pid 2>/dev/null || true; fi' EXIT
start() {
  SOTAY_SEED_DEMO=true DATABASE_URL="sqlite://$workdir/figures.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$port" SOTAY_FILES_DIR="$workdir/files" \
    ./target/release/server serve >>"$workdir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 90); do curl -fs -o /dev/null "http://127.0.0.1:$port/dang-nhap" && break; sleep 1; done
}

build figures-a
ls -l target/site/pkg | grep -v '\.\(br\|gz\)$'
start
(cd end2end && node figures/pwa.mjs "http://127.0.0.1:$port")
echo
echo "== Returning member (worker installed), slow 4G + 4× CPU"
(cd end2end && node figures/returning.mjs "http://127.0.0.1:$port" install "$workdir/phone")
kill $pid; wait $pid 2>/dev/null || true
build figures-b
start
(cd end2end && node figures/returning.mjs "http://127.0.0.1:$port" update "$workdir/phone")
