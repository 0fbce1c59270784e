#!/usr/bin/env bash
# Installs what is missing, builds, and shows gridkeeper on its sample grid file:
# the validation report and a few routed points. (The server and the demo city follow.)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release
cmake --build --preset release

bin=build/release/app/gridkeeper
grids=data/samples/sample-grids.geojson
"$bin" check-grids "$grids"
echo "routing sample points (lon,lat -> grid code):"
printf '118.301,24.601\n118.318,24.605\n118.329,24.607\n0,0\n' | tee /dev/stderr | "$bin" route --grids "$grids"
