#!/usr/bin/env bash
# gridkeeper user add and serve, end to end: users are added (password on stdin), the
# server answers over loopback, and SIGTERM or SIGINT stop it cleanly (exit 0) with what
# was acknowledged stored. The same on a PostgreSQL database, given its URI as DB.
# usage: serve_cli_test.sh GRIDKEEPER SAMPLE_GRIDS.geojson [DB]
set -uo pipefail

gridkeeper=$1
sample=$2
source "$(dirname "$0")/cli_support.sh"
db=${3:-$work/city.db}

start_server() {
  # A fresh log: the last server's line must not be read as the new one's port.
  rm -f "$work/serve.log"
  "$gridkeeper" serve --db "$db" --listen 127.0.0.1:0 --threads 2 >"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_for_port "$work/serve.log" 'http://127.0.0.1:[0-9]*' 50
  [[ -n $port ]] && ok "serve listens (port $port)" || { fail "serve did not start"; cat "$work/serve.log"; }
}

# stop_server SIGNAL: the server exits 0 within 10 s.
stop_server() {
  stop_with "$1"
  [[ $server_rc == 0 ]] && ok "SIG$1 stops the server with exit 0" ||
    { fail "SIG$1: exit '${server_rc:-still running}'"; cat "$work/serve.log"; }
}

"$gridkeeper" import --db "$db" --grids "$sample" >/dev/null || fail "import"

echo 'operator-password' | "$gridkeeper" user add --db "$db" --username op --role operator --scope 350213001 >"$work/out" 2>&1
[[ $? -eq 0 ]] && ok "user add" || { fail "user add"; cat "$work/out"; }
echo 'another-long-one' | "$gridkeeper" user add --db "$db" --username op --role operator >"$work/out" 2>&1
[[ $? -eq 1 ]] && ok "a second op is refused" || fail "a second op was not refused"
echo 'a long passphrase' | "$gridkeeper" user add --db "$db" --username boss --role king >"$work/out" 2>&1
[[ $? -eq 2 ]] && ok "an unknown role is a usage error" || fail "an unknown role was not a usage error"
echo 'a long passphrase' | "$gridkeeper" user add --db "$db" --username far --role supervisor --scope 999 >"$work/out" 2>&1
[[ $? -eq 1 ]] && ok "an unknown scope is refused" || fail "an unknown scope was not refused"
echo 'a long passphrase' | "$gridkeeper" user add --db "$db" --username w --role worker --worker W404 >"$work/out" 2>&1
[[ $? -eq 1 ]] && ok "an unknown worker is refused" || fail "an unknown worker was not refused"
# Weak passwords are refused with a reason, and the user is not added.
for weak in a password short-9ch Password123 QWERTYUIOP SUP-CHANGE; do
  echo "$weak" | "$gridkeeper" user add --db "$db" --username sup-change --role supervisor >"$work/out" 2>&1
  rc=$?
  [[ $rc -eq 1 ]] && grep -q 'password' "$work/out" && ok "the weak password '$weak' is refused" ||
    { fail "the weak password '$weak' (exit $rc)"; cat "$work/out"; }
done
echo 'supervisor passphrase' | "$gridkeeper" user add --db "$db" --username sup-change --role supervisor >"$work/out" 2>&1
[[ $? -eq 0 ]] && ok "the user is added once its password is strong" || { fail "strong password"; cat "$work/out"; }

start_server
login=$(http POST /api/v1/auth/login '{"username":"op","password":"operator-password"}')
token=$(grep -o '"token":"[0-9a-f]*"' <<<"$login" | cut -d'"' -f4)
[[ ${#token} -eq 64 ]] && ok "login gives a token" || { fail "login"; echo "$login"; }
wrong=$(http POST /api/v1/auth/login '{"username":"op","password":"nope"}')
grep -q '^HTTP/1.1 401' <<<"$wrong" && ok "a wrong password is 401" || fail "a wrong password: $wrong"
created=$(http POST /api/v1/cases '{"lon":118.305,"lat":24.603,"category":"environment","title":"路灯不亮","urgency":"red"}' "$token")
grep -q '^HTTP/1.1 201' <<<"$created" && ok "a case is taken in (201)" || { fail "intake"; echo "$created"; }
grep -q '"lon":118.305' <<<"$created" && ok "coordinates read as written" || fail "coordinates: $created"
health=$(http GET /healthz)
grep -q '"open_cases":1' <<<"$health" && ok "healthz counts the open case" || fail "healthz: $health"
grep -q '"role":"active"' <<<"$health" && ok "healthz says the server is active" || fail "healthz role: $health"
metrics=$(http GET /metrics)
grep -q '^gridkeeper_commit_groups_total [1-9]' <<<"$metrics" && ok "metrics show commits" || fail "metrics"
stop_server TERM

# The acknowledged case was stored: a new server finds it.
start_server
token=$(http POST /api/v1/auth/login '{"username":"op","password":"operator-password"}' | grep -o '"token":"[0-9a-f]*"' | cut -d'"' -f4)
again=$(http GET /api/v1/cases/1 "" "$token")
grep -q '"title":"路灯不亮"' <<<"$again" && ok "the case survived the restart" || { fail "after restart"; echo "$again"; }
stop_server INT

"$gridkeeper" serve --db "$work/none.db" >"$work/out" 2>&1
[[ $? -eq 1 ]] && ok "a missing database exits 1" || fail "a missing database"
"$gridkeeper" serve --db postgresql://gridkeeper@127.0.0.1:1/none >"$work/out" 2>&1
[[ $? -eq 1 ]] && grep -q 'cannot connect' "$work/out" && ok "an unreachable PostgreSQL database exits 1, saying so" ||
  { fail "an unreachable PostgreSQL database"; cat "$work/out"; }
"$gridkeeper" serve --db "$db" --listen nowhere >"$work/out" 2>&1
[[ $? -eq 2 ]] && ok "a bad --listen is a usage error" || fail "a bad --listen"

exit $((failures > 0))
