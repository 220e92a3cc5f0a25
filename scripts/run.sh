#!/usr/bin/env bash
# Builds and runs the handbook at http://127.0.0.1:3000 on SQLite (data/sotay.db), seeding the
# demo province on first start. Set DATABASE_URL=postgres://… to use PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
cargo leptos build
export LEPTOS_SITE_ADDR="${LEPTOS_SITE_ADDR:-127.0.0.1:3000}"
# The demo province is seeded only when asked: a production start never gets demo data.
export SOTAY_SEED_DEMO="${SOTAY_SEED_DEMO:-true}"
exec ./target/debug/server serve
