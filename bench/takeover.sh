#!/usr/bin/env bash
# The takeover of a standby server on PostgreSQL, timed on a whole district:
#
#   scripts/with-postgres.sh bench/takeover.sh build/release/app/gridkeeper CITY.db @PG@
#
# copies CITY.db (a district's SQLite database, e.g. one bench_city built: a quarter of the
# 8,000-grid city holds about 50,000 open cases) into the throw-away database, starts an
# active and a standby server on it, kills the active one (SIGKILL) and prints how long the
# standby took until its /healthz said active, and how long its load of the state took.
set -euo pipefail
bin=$1 city=$2 pg=$3
work=$(mktemp -d)
a='' b=''
cleanup() {
  [[ -n $a ]] && kill -9 "$a" 2>/dev/null || true
  [[ -n $b ]] && kill -9 "$b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port_of() {  # the port once $1 has a line with $2
  for _ in $(seq 1 6000); do
    local line
    line=$(grep -m1 "$2" "$1" 2>/dev/null || true)
    if [[ -n $line ]]; then sed -E 's|.*http://127\.0\.0\.1:([0-9]+).*|\1|' <<<"$line"; return; fi
    sleep 0.1
  done
  echo "no '$2' in $1:" >&2; cat "$1" >&2; exit 1
}

start=$(date +%s%N)
"$bin" migrate --from "$city" --to "$pg" >"$work/migrate.log"
echo "copied $city in $(( ($(date +%s%N) - start) / 1000000 )) ms"
"$bin" serve --db "$pg" --listen 127.0.0.1:0 >"$work/a.log" 2>&1 & a=$!
port_a=$(port_of "$work/a.log" "serving")
grep -h "serving\|state loaded" "$work/a.log" | sed 's/^/first:  /'
"$bin" serve --db "$pg" --listen 127.0.0.1:0 >"$work/b.log" 2>&1 & b=$!
port_b=$(port_of "$work/b.log" "standing by")
echo "active on $port_a, standby on $port_b"
kill -9 "$a"
killed=$(date +%s%N)
until curl -s "http://127.0.0.1:$port_b/healthz" | grep -q '"role":"active"'; do sleep 0.01; done
took=$(( ($(date +%s%N) - killed) / 1000000 ))
grep -h "took the lease\|serving\|state loaded" "$work/b.log" | sed 's/^/second: /'
echo "takeover: the standby answered as active $took ms after the active server was killed"
