#!/usr/bin/env bash
# gridkeeper check-grids, end to end: a clean file exits 0, a broken one exits 1 and its
# report names every defect.
# usage: check_grids_cli_test.sh GRIDKEEPER SAMPLE_GRIDS.geojson BROKEN_GRIDS.geojson
set -uo pipefail

gridkeeper=$1
sample=$2
broken=$3
source "$(dirname "$0")/cli_support.sh"

# expect_line NAME FIXED_TEXT: the last report holds a line with that text.
expect_line() { grep -qF -- "$2" "$work/out" && ok "$1" || { fail "$1: no line with '$2'"; cat "$work/out"; }; }

"$gridkeeper" check-grids "$sample" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc -eq 0 ]] && ok "the sample grids pass (exit 0)" || { fail "the sample grids exit $rc"; cat "$work/out" "$work/err"; }
expect_line "the sample summary" ": 0 error(s), 0 warning(s)"
expect_line "the sample counts" "checked 20 features: 1 district, 1 street, 2 communities, 16 grids"

"$gridkeeper" check-grids "$broken" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc -eq 1 ]] && ok "the broken grids fail (exit 1)" || { fail "the broken grids exit $rc"; cat "$work/out" "$work/err"; }
expect_line "the overlap, with its area" "error: feature 3 (G1): overlaps grid G2 (feature 4) by 8993."
expect_line "the gap, with its area" "error: feature 2 (C1): gap of 1124."
expect_line "the orphan" "error: feature 5 (G3): orphan: parent C9 is not in the file"
expect_line "the population" "warning: feature 4 (G2): population 500 is outside the band 1000–2000"
expect_line "the summary" ": 3 error(s), 1 warning(s)"

# A missing file is a report with one error, not a crash.
"$gridkeeper" check-grids "$work/none.geojson" >"$work/out" 2>"$work/err"
rc=$?
[[ $rc -eq 1 ]] && ok "a missing file exits 1" || fail "a missing file exits $rc"
expect_line "a missing file is named" "cannot open"

exit $((failures > 0))
