#!/usr/bin/env bash
# gridkeeper route and check-grids on grid files built to blow up an index: 2,000 identical
# squares piled on one place and 400 long thin strips. Each run is held to 600 MB of
# address space; the index used to need about 1.6 GB for the squares and fail.
# usage: pathological_grids_cli_test.sh GRIDKEEPER
set -uo pipefail

gridkeeper=$1
source "$(dirname "$0")/cli_support.sh"

# grids FILE N X0 DX Y0 DY W H: N squares, the k-th from (X0 + k DX, Y0 + k DY), W by H.
grids() {
  awk -v n="$2" -v x0="$3" -v dx="$4" -v y0="$5" -v dy="$6" -v w="$7" -v h="$8" 'BEGIN {
    printf "{\"type\":\"FeatureCollection\",\"features\":["
    # The district, street and community: the box of the grids (the union of the strips).
    x1 = x0 + (n - 1) * dx + w; y1 = y0 + (n - 1) * dy + h
    split("D S C", code, " "); split("district street community", level, " "); split("- D S", parent, " ")
    for (l = 1; l <= 3; l++) {
      printf "{\"type\":\"Feature\",\"properties\":{\"code\":\"%s\",\"name\":\"%s\",\"level\":\"%s\"%s},", \
        code[l], code[l], level[l], (l > 1 ? ",\"parent\":\"" parent[l] "\"" : "")
      printf "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]]}},", \
        x0, y0, x1, y0, x1, y1, x0, y1, x0, y0
    }
    for (k = 0; k < n; k++) {
      x = x0 + k * dx; y = y0 + k * dy
      printf "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"G%d\",\"name\":\"G%d\",\"level\":\"grid\",\"parent\":\"C\",\"population\":1500},", (k ? "," : ""), k, k
      printf "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]]}}", \
        x, y, x + w, y, x + w, y + h, x, y + h, x, y
    }
    print "]}"
  }' >"$1"
}
grids "$work/piled.geojson" 2000 118.0 0 24.0 0 0.01 0.01
grids "$work/strips.geojson" 400 118.0 0 24.0 0.0001 0.1 0.0001

limited() { (ulimit -v 600000 && "$@"); }

printf '118.005,24.005\n118.02,24.02\n117.99999,24.005\n' >"$work/in"
limited "$gridkeeper" route --grids "$work/piled.geojson" <"$work/in" >"$work/got" 2>"$work/err"
rc=$?
printf 'G0\n\nG0\n' >"$work/want"
[[ $rc -eq 0 ]] && diff -q "$work/want" "$work/got" >/dev/null && ok "2,000 piled squares route, the first one wins" ||
  { fail "piled squares: exit $rc"; cat "$work/got" "$work/err"; }

printf '118.05,24.00005\n118.05,24.01995\n118.05,24.5\n' >"$work/in"
limited "$gridkeeper" route --grids "$work/strips.geojson" <"$work/in" >"$work/got" 2>"$work/err"
rc=$?
printf 'G0\nG199\n\n' >"$work/want"
[[ $rc -eq 0 ]] && diff -q "$work/want" "$work/got" >/dev/null && ok "400 thin strips route" ||
  { fail "thin strips: exit $rc"; cat "$work/got" "$work/err"; }

limited "$gridkeeper" check-grids "$work/strips.geojson" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc -eq 0 ]] && grep -qF ": 0 error(s), 0 warning(s)" "$work/out" && ok "400 thin strips pass check-grids" ||
  { fail "check-grids on thin strips: exit $rc"; head -5 "$work/out"; cat "$work/err"; }

exit $((failures > 0))
