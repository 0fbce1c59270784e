#!/usr/bin/env bash
# gridkeeper route, end to end: stdin "lon,lat" lines -> stdout grid codes, one per line.
# usage: route_cli_test.sh GRIDKEEPER SAMPLE_GRIDS.geojson BOWTIE.geojson
set -euo pipefail

gridkeeper=$1
sample=$2
bowtie=$3
source "$(dirname "$0")/cli_support.sh"

# expect NAME EXPECTED_FILE ACTUAL_FILE
expect() {
  if diff -u "$2" "$3" >"$work/diff"; then
    echo "ok   $1"
  else
    echo "FAIL $1"
    cat "$work/diff"
    failures=$((failures + 1))
  fi
}

# The sample grids are 0.004 degree squares from (118.300, 24.600): community 001 holds
# columns 0-3, community 002 columns 4-7; grids 01-04 are the south row, 05-08 the north.
cat >"$work/in" <<'EOF'
118.302,24.602
118.306,24.606
118.318,24.602
118.330,24.606
118.304,24.602
118.304,24.604
not a point

100.0,30.0
 118.326 , 24.606 
118.3020000,24.6020000
EOF
printf '118.3100000,24.6050000\r\n' >>"$work/in"
cat >"$work/want" <<'EOF'
35021300100101
35021300100106
35021300100201
35021300100208
35021300100102
35021300100106



35021300100207
35021300100101
35021300100107
EOF
"$gridkeeper" route --grids "$sample" <"$work/in" >"$work/got" 2>"$work/err"
expect "known points map to known grids; boundaries go east, then north" "$work/want" "$work/got"
[[ $(wc -l <"$work/got") -eq $(wc -l <"$work/in") ]] && echo "ok   one answer line per input line" ||
  { echo "FAIL line count $(wc -l <"$work/got") for $(wc -l <"$work/in") lines"; failures=$((failures + 1)); }
grep -q '1 line(s) were not "lon,lat"' "$work/err" && echo "ok   the invalid line is counted on stderr" ||
  { echo "FAIL stderr: $(cat "$work/err")"; failures=$((failures + 1)); }

# GCJ-02 and BD-09 input: the same places as WGS-84 (118.302, 24.602) in grid 01 and
# (118.326, 24.606) in grid 07. Read as WGS-84 the first lies 90 m south of the district.
printf '118.3067456,24.5992061\n118.3307848,24.6032495\n' >"$work/gcj"
printf '35021300100101\n35021300100207\n' >"$work/want"
"$gridkeeper" route --grids "$sample" --crs gcj02 <"$work/gcj" >"$work/got"
expect "--crs gcj02" "$work/want" "$work/got"
printf '\n35021300100204\n' >"$work/want"
"$gridkeeper" route --grids "$sample" <"$work/gcj" >"$work/got"
expect "the same lines read as WGS-84 land elsewhere" "$work/want" "$work/got"
printf '118.3131881,24.6054788\n' | "$gridkeeper" route --grids "$sample" --crs bd09 >"$work/got"
printf '35021300100101\n' >"$work/want"
expect "--crs bd09" "$work/want" "$work/got"

# A self-intersecting (bow-tie) grid is repaired into its two triangles: points in either
# route to it, points in the waist between them do not, and stderr says so.
printf '118.301,24.605\n118.309,24.605\n118.305,24.601\n' >"$work/in"
printf 'BOWTIE\nBOWTIE\n\n' >"$work/want"
"$gridkeeper" route --grids "$bowtie" <"$work/in" >"$work/got" 2>"$work/err"
expect "a bow-tie grid is repaired and routed" "$work/want" "$work/got"
grep -q 'repaired 1 invalid grid shape with MakeValid' "$work/err" && echo "ok   the repair is reported on stderr" ||
  { echo "FAIL stderr: $(cat "$work/err")"; failures=$((failures + 1)); }

# A missing grid file is an error, not an empty answer stream.
if "$gridkeeper" route --grids "$work/none.geojson" </dev/null >/dev/null 2>&1; then
  echo "FAIL a missing grid file succeeded"
  failures=$((failures + 1))
else
  echo "ok   a missing grid file fails"
fi

exit $((failures > 0))
