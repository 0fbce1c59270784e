#!/usr/bin/env bash
# gridkeeper import --addresses, end to end: good rows load and are counted, bad rows are
# reported by line on stderr, a reload updates in place, a file of bad rows only fails.
# usage: addresses_cli_test.sh GRIDKEEPER SAMPLE_GRIDS.geojson
set -uo pipefail

gridkeeper=$1
sample=$2
source "$(dirname "$0")/cli_support.sh"

db="$work/city.db"
"$gridkeeper" import --db "$db" --grids "$sample" >/dev/null 2>&1 || { fail "the sample grids import"; exit 1; }

printf 'address,lon,lat,building,community\n鸿山社区文化路12号,118.302,24.602,1号楼,鸿山社区\n文化路88号,118.3021,24.6021,,\n坏行,abc,24.6,,\n城外,10,10,,\n' >"$work/a.csv"
"$gridkeeper" import --db "$db" --addresses "$work/a.csv" >"$work/out" 2>"$work/err"
[[ $? -eq 0 ]] && grep -q '2 added, 0 updated, 0 unchanged, 2 rejected' "$work/out" &&
  ok "good rows load and are counted" || { fail "counts"; cat "$work/out" "$work/err"; }
grep -q 'a.csv:4: lon: lon is not a number' "$work/err" && grep -q 'a.csv:5: lon: .*outside the city' "$work/err" &&
  ok "bad rows are reported by line" || { fail "bad rows"; cat "$work/err"; }

# A reload: one row moved (updated), one as it was (unchanged).
printf 'address,lon,lat,building\n鸿山社区文化路12号,118.3025,24.6025,1号楼\n文化路88号,118.3021,24.6021,\n' >"$work/b.csv"
"$gridkeeper" import --db "$db" --addresses "$work/b.csv" >"$work/out" 2>"$work/err"
[[ $? -eq 0 ]] && grep -q '0 added, 1 updated, 1 unchanged, 0 rejected' "$work/out" &&
  ok "a reload updates in place" || { fail "reload"; cat "$work/out" "$work/err"; }

printf 'address,lon,lat\n坏行,abc,24.6\n' >"$work/c.csv"
"$gridkeeper" import --db "$db" --addresses "$work/c.csv" >"$work/out" 2>"$work/err"
[[ $? -eq 1 ]] && ok "a file of bad rows only fails" || fail "bad rows only"
printf 'addr,lon\n' >"$work/d.csv"
"$gridkeeper" import --db "$db" --addresses "$work/d.csv" >"$work/out" 2>"$work/err"
[[ $? -eq 1 ]] && grep -q 'line 1' "$work/err" && ok "a wrong header is refused" || { fail "header"; cat "$work/err"; }
"$gridkeeper" import --db "$db" --addresses "$work/a.csv" --crs utm >"$work/out" 2>"$work/err"
[[ $? -eq 2 ]] && ok "an unknown --crs is a usage error" || fail "crs"

((failures == 0)) || exit 1
echo "addresses_cli: all passed"
