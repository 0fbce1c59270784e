#!/usr/bin/env bash
# gridkeeper demo and simulate, end to end: the exported city passes check-grids and
# imports; demo builds its database, prints the URL and the logins and serves; simulate
# feeds it; a second start reuses the database; bad input gives clear errors.
# usage: demo_cli_test.sh GRIDKEEPER
set -uo pipefail

gridkeeper=$1
source "$(dirname "$0")/cli_support.sh"

# start_demo LOG: runs gridkeeper demo on an ephemeral port and waits for it to serve.
start_demo() {
  "$gridkeeper" demo --db "$work/demo.db" --listen 127.0.0.1:0 --threads 2 >"$1" 2>&1 &
  server_pid=$!
  wait_for_port "$1" 'serving .* on http://127.0.0.1:[0-9]*' 600
  [[ -n $port ]] && ok "demo serves (port $port)" || { fail "demo did not start"; cat "$1"; }
}

stop_demo() {
  stop_with TERM
  [[ $server_rc == 0 ]] && ok "SIGTERM stops the demo with exit 0" || fail "SIGTERM: exit '${server_rc:-still running}'"
}

token_of() { grep -o '"token":"[0-9a-f]*"' | cut -d'"' -f4; }

# The city as files: check-grids finds no error, import takes them.
"$gridkeeper" demo --export "$work/files" >"$work/out" 2>&1 && ok "demo --export" || { fail "demo --export"; cat "$work/out"; }
"$gridkeeper" check-grids "$work/files/xiangan-grids.geojson" >"$work/report" 2>&1
[[ $? -eq 0 ]] && grep -q ': 0 error(s), 0 warning(s)' "$work/report" && ok "the demo grids pass check-grids" ||
  { fail "check-grids on the demo grids"; tail -20 "$work/report"; }
grep -q '9 streets, 128 communities' "$work/report" && ok "9 streets and towns, 128 communities and villages" ||
  fail "the report's counts: $(head -1 "$work/report")"
"$gridkeeper" import --db "$work/imported.db" --grids "$work/files/xiangan-grids.geojson" \
  --workers "$work/files/xiangan-workers.csv" >"$work/out" 2>&1
[[ $? -eq 0 ]] && grep -q 'workers: 733 added' "$work/out" && ok "the exported files import" || { fail "import"; cat "$work/out"; }

# The demo: builds, prints the URL and the logins, serves.
start_demo "$work/first.log"
grep -q 'built .*demo.db in' "$work/first.log" && ok "the demo database is built" || fail "no build line"
grep -q "open http://127.0.0.1:$port" "$work/first.log" && ok "the URL is printed" || fail "no URL"
for login in admin operator street-operator district-supervisor street-supervisor community-supervisor w0001; do
  grep -q "^  $login " "$work/first.log" || fail "login $login is not printed"
done
grep -q 'password gridkeeper-demo' "$work/first.log" && ok "the logins and their password are printed" || fail "no password"
token=$(http POST /api/v1/auth/login '{"username":"operator","password":"gridkeeper-demo"}' | token_of)
[[ ${#token} -eq 64 ]] && ok "the operator logs in" || fail "operator login"
cases=$(http GET '/api/v1/cases?overdue=true&limit=3' "" "$token")
grep -q '^HTTP/1.1 200' <<<"$cases" && grep -q '"overdue":true' <<<"$cases" && ok "overdue cases on the first start" ||
  { fail "overdue cases"; head -c 600 <<<"$cases"; }
map=$(http GET '/api/v1/overdue-map?level=street' "" "$token")
grep -q '^HTTP/1.1 200' <<<"$map" && grep -q '新店街道' <<<"$map" && ok "the overdue map by street" || fail "overdue map"
route=$(http GET '/api/v1/route?lon=118.25&lat=24.66' "" "$token")
grep -q '"district":"350213"' <<<"$route" && ok "a point of 马巷 routes to a grid" || { fail "route"; echo "$route"; }
# The places written beside the database: the addresses for the importer, the roads served.
[[ -s $work/demo-addresses.csv ]] && head -1 "$work/demo-addresses.csv" | grep -qx 'address,lon,lat,building,community' &&
  ok "the demo writes its addresses beside the database" || fail "no demo-addresses.csv"
rows=$(($(wc -l <"$work/demo-addresses.csv") - 1))
[[ $rows -ge 20000 ]] && ok "$rows standard addresses" || fail "only $rows addresses"
basemap=$(http GET /api/v1/map/basemap "" "$token")
grep -q '^HTTP/1.1 200' <<<"$basemap" && grep -q '"kind":"main_road","name":"翔安大道"' <<<"$basemap" &&
  ok "the demo serves its roads as the basemap" || { fail "basemap"; head -c 400 <<<"$basemap"; }
health=$(http GET /healthz)
open_before=$(grep -o '"open_cases":[0-9]*' <<<"$health" | cut -d: -f2)
[[ ${open_before:-0} -gt 100 ]] && ok "healthz: $open_before open cases" || fail "healthz: $health"

# simulate feeds it through the API.
"$gridkeeper" simulate --url "http://127.0.0.1:$port" --rate 300 --seconds 4 --seed 5 >"$work/sim.log" 2>&1
[[ $? -eq 0 ]] && ok "simulate runs and stops after --seconds" || { fail "simulate"; tail "$work/sim.log"; }
grep -q 'taken in' "$work/sim.log" && grep -q 'done: [1-9][0-9]* cases taken in' "$work/sim.log" &&
  ok "simulate takes in cases" || { fail "simulate took in nothing"; tail "$work/sim.log"; }
open_after=$(http GET /healthz | grep -o '"open_cases":[0-9]*' | cut -d: -f2)
[[ ${open_after:-0} -gt ${open_before:-0} ]] && ok "more open cases after the simulation ($open_after)" ||
  fail "open cases before $open_before, after $open_after"
stop_demo

# A second start reuses the database.
start_demo "$work/second.log"
grep -q 'using .*demo.db' "$work/second.log" && ! grep -q 'built ' "$work/second.log" && ok "the second start reuses the database" ||
  fail "the second start rebuilt"
stop_demo

# Bad input.
echo 'not a database' >"$work/text.db"
"$gridkeeper" demo --db "$work/text.db" --listen 127.0.0.1:0 >"$work/out" 2>&1
rc=$?
[[ $rc -eq 1 ]] && grep -q 'not a .*database' "$work/out" && ! grep -qi 'terminate\|segmentation\|abort' "$work/out" &&
  ok "a file that is not a database is a clear error" || { fail "not a database: exit $rc"; cat "$work/out"; }
"$gridkeeper" demo --db "$work/no/such/dir/demo.db" >"$work/out" 2>&1
[[ $? -eq 1 ]] && grep -q 'no directory' "$work/out" && ok "a missing directory is a clear error" || { fail "missing dir"; cat "$work/out"; }
echo '{"type":"Feature"}' >"$work/not-a-collection.geojson"
for bad in "$work/not-a-collection.geojson" "$work/text.db" "$work/no-such.geojson"; do
  "$gridkeeper" serve --db "$work/demo.db" --basemap "$bad" --listen 127.0.0.1:0 >"$work/out" 2>&1
  rc=$?
  [[ $rc -eq 2 ]] && grep -q -- '--basemap' "$work/out" && ok "serve refuses the basemap $(basename "$bad")" ||
    { fail "basemap $bad: exit $rc"; cat "$work/out"; }
done
"$gridkeeper" demo --simulate fast >"$work/out" 2>&1
[[ $? -eq 2 ]] && ok "a bad --simulate is a usage error" || fail "bad --simulate"
"$gridkeeper" simulate --url http://127.0.0.1:1 --rate 5 --seconds 1 >"$work/out" 2>&1
[[ $? -eq 1 ]] && grep -q 'cannot log in' "$work/out" && ok "simulate without a server is a clear error" || { fail "no server"; cat "$work/out"; }
"$gridkeeper" simulate --url ftp://example --rate 5 >"$work/out" 2>&1
[[ $? -eq 1 ]] && ok "simulate refuses a url that is not http" || { fail "ftp url"; cat "$work/out"; }
"$gridkeeper" simulate --rate 0 >"$work/out" 2>&1
[[ $? -eq 2 ]] && ok "a zero rate is a usage error" || fail "zero rate"

exit $((failures > 0))
