#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster (no systemd needed) and makes sure the test role exists.
# Prints the admin URL the Rust tests use to create one database per test.
set -euo pipefail
SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
fi
for _ in $(seq 1 30); do
  $SUDO su postgres -c "pg_isready -q" && break
  sleep 1
done
$SUDO su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='sotay'\"" | grep -q 1 ||
  $SUDO su postgres -c "psql -qc \"CREATE ROLE sotay LOGIN PASSWORD 'sotay' CREATEDB\"" >&2
# Leftovers of interrupted runs.
for db in $($SUDO su postgres -c "psql -qtAc \"SELECT datname FROM pg_database WHERE datname LIKE 'sotay_test_%'\""); do
  $SUDO su postgres -c "psql -qc 'DROP DATABASE IF EXISTS $db WITH (FORCE)'" >&2
done
echo "postgres://sotay:sotay@127.0.0.1:5432/postgres"
