#!/usr/bin/env bash
# gridkeeper user import, end to end: a file's accounts are created with their initial
# passwords printed once; all rows or none (a bad row, a taken username change nothing).
# usage: user_import_cli_test.sh GRIDKEEPER SAMPLE_GRIDS.geojson
set -uo pipefail

gridkeeper=$1
grids=$2
source "$(dirname "$0")/cli_support.sh"
db="$work/city.db"

"$gridkeeper" import --db "$db" --grids "$grids" >"$work/out" 2>&1 || { fail "the city imports"; cat "$work/out"; }
printf '\xEF\xBB\xBFusername,display_name,role,scope,worker_id\r\nzhang.san,张三,operator,,\r\nli.si,"李, 四",supervisor,,\r\n' >"$work/a.csv"
"$gridkeeper" user import --db "$db" "$work/a.csv" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc -eq 0 ]] && ok "a good file imports (exit 0)" || { fail "a good file exits $rc"; cat "$work/err"; }
[[ $(head -1 "$work/out") == "username,initial_password" ]] && ok "the header of the passwords" || fail "no header"
[[ $(grep -cE '^(zhang\.san|li\.si),[A-Za-z0-9]{20}$' "$work/out") -eq 2 ]] && ok "two initial passwords, once" || {
  fail "the passwords"; cat "$work/out"; }

"$gridkeeper" user import --db "$db" "$work/a.csv" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc -eq 1 ]] && ok "a taken username exits 1" || fail "a taken username exits $rc"
grep -qF "line 2: username zhang.san exists; nothing was imported" "$work/err" && ok "the taken username's line" || {
  fail "no line named"; cat "$work/err"; }

printf 'username,display_name,role,scope,worker_id\nwang.wu,王五,operator,,\nx1,a,root,,\n' >"$work/b.csv"
"$gridkeeper" user import --db "$db" "$work/b.csv" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc -eq 1 ]] && ok "a bad row exits 1" || fail "a bad row exits $rc"
grep -qF "line 3: role" "$work/err" && ok "the bad row's line" || { fail "no line named"; cat "$work/err"; }
[[ ! -s "$work/out" ]] && ok "no password printed for a refused file" || fail "passwords printed for a refused file"
printf 'username,display_name,role,scope,worker_id\nwang.wu,王五,operator,,\n' >"$work/c.csv"
"$gridkeeper" user import --db "$db" "$work/c.csv" >"$work/out" 2>"$work/err" && ok "wang.wu was not created by the refused file" ||
  fail "wang.wu exists after a refused file"

exit $((failures > 0))
