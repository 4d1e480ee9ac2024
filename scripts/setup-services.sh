#!/usr/bin/env bash
# Installs (from Debian's packages) and starts the PostgreSQL the audit log's postgres backend and its
# tests use: cluster "termsgate" on 127.0.0.1:54329, role and database termsgate/termsgate.
# Idempotent: a second run finds everything in place and only makes sure the cluster is running.
set -euo pipefail
PORT=54329
CLUSTER=termsgate
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y postgresql || { as_root apt-get update && as_root apt-get install -y postgresql; }
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)

if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
  as_root pg_createcluster "$VERSION" "$CLUSTER" -p "$PORT" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi
CONF_D=/etc/postgresql/$VERSION/$CLUSTER/conf.d
if [[ ! -f $CONF_D/termsgate.conf ]]; then
  printf "listen_addresses = '127.0.0.1'\nmax_connections = 200\n" | as_root tee "$CONF_D/termsgate.conf" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; then
  as_root pg_ctlcluster "$VERSION" "$CLUSTER" start
fi

psql_pg() { as_root runuser -u postgres -- psql -p "$PORT" -h /var/run/postgresql -v ON_ERROR_STOP=1 -qtAX "$@"; }
for _ in $(seq 1 30); do psql_pg -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
if [[ -z $(psql_pg -c "select 1 from pg_roles where rolname = 'termsgate'") ]]; then
  psql_pg -c "create role termsgate login password 'termsgate'"
fi
if [[ -z $(psql_pg -c "select 1 from pg_database where datname = 'termsgate'") ]]; then
  psql_pg -c "create database termsgate owner termsgate"
fi
echo "postgres://termsgate:termsgate@127.0.0.1:$PORT/termsgate"
