#!/usr/bin/env bash
# gridkeeper import of a redrawn grid file into a district in service: the open case in a
# grid the file merged away stays with its worker (and the command says so), or, with
# --open-cases follow, goes to the holder of its new grid with a regrid event; a bad
# --open-cases is a usage error.
# usage: redraw_cli_test.sh GRIDKEEPER
set -uo pipefail

gridkeeper=$1
source "$(dirname "$0")/cli_support.sh"

rect() { echo "{\"type\":\"Polygon\",\"coordinates\":[[[$1,$2],[$3,$2],[$3,$4],[$1,$4],[$1,$2]]]}"; }
feature() { echo "{\"type\":\"Feature\",\"properties\":$1,\"geometry\":$2}"; }
# city FILE GRID...: the district D, street S and community C1 with the grids given as
# CODE:X0:X1 (each 24.60-24.61).
city() {
  local out=$1 features
  shift
  features="$(feature '{"code":"D","name":"翔安区","level":"district"}' "$(rect 118.30 24.60 118.32 24.61)")"
  features+=",$(feature '{"code":"S","name":"新店街道","level":"street","parent":"D"}' "$(rect 118.30 24.60 118.32 24.61)")"
  features+=",$(feature '{"code":"C1","name":"一社区","level":"community","parent":"S"}' "$(rect 118.30 24.60 118.32 24.61)")"
  for g in "$@"; do
    IFS=: read -r code x0 x1 <<<"$g"
    features+=",$(feature "{\"code\":\"$code\",\"name\":\"网格$code\",\"level\":\"grid\",\"parent\":\"C1\",\"population\":1500}" \
      "$(rect "$x0" 24.60 "$x1" 24.61)")"
  done
  echo "{\"type\":\"FeatureCollection\",\"features\":[$features]}" >"$out"
}

city "$work/before.geojson" G1:118.30:118.31 G2:118.31:118.32
city "$work/after.geojson" GM:118.30:118.32
printf 'worker_id,name,phone,community,owner_of,backup_of\nW1,张三,13800000001,C1,G1,G2\nW2,李四,13800000002,C1,G2,G1\n' \
  >"$work/before.csv"
printf 'worker_id,name,phone,community,owner_of,backup_of\nW1,张三,13800000001,C1,,GM\nW2,李四,13800000002,C1,GM,\n' \
  >"$work/after.csv"

# db NAME: a district of two grids with one open case in G1, held by W1.
district() {
  local db="$work/$1.db" token
  "$gridkeeper" import --db "$db" --grids "$work/before.geojson" --workers "$work/before.csv" >"$work/out" 2>&1 ||
    { fail "import of the district"; cat "$work/out"; }
  echo 'operator-password' | "$gridkeeper" user add --db "$db" --username op --role operator >/dev/null 2>&1 ||
    fail "user add"
  rm -f "$work/serve.log"
  "$gridkeeper" serve --db "$db" --listen 127.0.0.1:0 --threads 2 >"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_for_port "$work/serve.log" '127.0.0.1:[0-9]*' 50
  [[ -n $port ]] || { fail "serve did not start"; cat "$work/serve.log"; }
  token=$(http POST /api/v1/auth/login '{"username":"op","password":"operator-password"}' | grep -o '"token":"[0-9a-f]*"' | cut -d'"' -f4)
  created=$(http POST /api/v1/cases '{"lon":118.305,"lat":24.605,"category":"environment","title":"井盖缺失","urgency":"red"}' "$token")
  grep -q '"assignee_id":"W1"' <<<"$created" && grep -q '"grid_id":"G1"' <<<"$created" && ok "$1: the case is in G1 with W1" ||
    { fail "$1: intake"; echo "$created"; }
  stop_with TERM
}

# case_of DB: the open case as the server has it after a restart.
case_of() {
  rm -f "$work/serve.log"
  "$gridkeeper" serve --db "$work/$1.db" --listen 127.0.0.1:0 --threads 2 >"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_for_port "$work/serve.log" '127.0.0.1:[0-9]*' 50
  local token
  token=$(http POST /api/v1/auth/login '{"username":"op","password":"operator-password"}' | grep -o '"token":"[0-9a-f]*"' | cut -d'"' -f4)
  http GET /api/v1/cases/1 "" "$token"
  stop_with TERM
}

# Staying: the command says how many stay, and they do.
district stay
"$gridkeeper" import --db "$work/stay.db" --grids "$work/after.geojson" --workers "$work/after.csv" >"$work/out" 2>&1
[[ $? -eq 0 ]] && grep -q '2 retired' "$work/out" && ok "stay: the redraw is imported, G1 and G2 retired" ||
  { fail "stay: import"; cat "$work/out"; }
grep -q 'open cases: 1 lie in another grid now and stay with their workers' "$work/out" && ok "stay: the staying case is told" ||
  { fail "stay: no word of the open case"; cat "$work/out"; }
story=$(case_of stay)
grep -q '"grid_id":"G1"' <<<"$story" && grep -q '"assignee_id":"W1"' <<<"$story" && ok "stay: the case stays in G1 with W1" ||
  { fail "stay: the case moved"; echo "$story"; }

# Following: the case goes to GM's holder, with a regrid event.
district follow
"$gridkeeper" import --db "$work/follow.db" --grids "$work/after.geojson" --workers "$work/after.csv" \
  --open-cases follow >"$work/out" 2>&1
[[ $? -eq 0 ]] && grep -q 'open cases: 1 followed their location' "$work/out" && ok "follow: the command moves the case" ||
  { fail "follow: import"; cat "$work/out"; }
story=$(case_of follow)
grep -q '"grid_id":"GM"' <<<"$story" && grep -q '"assignee_id":"W2"' <<<"$story" && ok "follow: the case is in GM with W2" ||
  { fail "follow: the case did not follow"; echo "$story"; }
grep -q '"type":"regrid"' <<<"$story" && ok "follow: a regrid event in its history" || { fail "follow: no regrid event"; echo "$story"; }
# Imported again: nothing left to move.
"$gridkeeper" import --db "$work/follow.db" --grids "$work/after.geojson" --open-cases follow >"$work/out" 2>&1
[[ $? -eq 0 ]] && grep -q 'open cases: 0 followed' "$work/out" && ok "follow: a second import moves nothing" ||
  { fail "follow: second import"; cat "$work/out"; }

"$gridkeeper" import --db "$work/follow.db" --grids "$work/after.geojson" --open-cases chase >"$work/out" 2>&1
[[ $? -eq 2 ]] && grep -q 'stay or follow' "$work/out" && ok "a bad --open-cases is a usage error" ||
  { fail "a bad --open-cases (exit $?)"; cat "$work/out"; }

exit $((failures > 0))
