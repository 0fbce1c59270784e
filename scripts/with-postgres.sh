#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL 15 cluster: initdb in a temporary directory
# (as the postgres user when run as root), a server on a free loopback port with fsync and
# synchronous commit on, an empty database; every @PG@ in the command's arguments becomes
# that database's URI. The cluster is stopped and removed when the command ends.
#   scripts/with-postgres.sh build/release/bench/bench_intake --postgres @PG@
set -euo pipefail
bin=${GRIDKEEPER_PG_BIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d)
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as=(runuser -u postgres --)
fi
stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U gridkeeper -E UTF8 --locale=C >"$dir/initdb.log"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 20000)))
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=on -c synchronous_commit=on -c shared_buffers=256MB -c max_wal_size=2GB" \
  start >/dev/null
"${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U gridkeeper -d postgres -qc "CREATE DATABASE bench" >/dev/null
uri="postgresql://gridkeeper@127.0.0.1:$port/bench"
args=()
for a in "$@"; do args+=("${a//@PG@/$uri}"); done
"${args[@]}"
