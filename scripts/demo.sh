#!/usr/bin/env bash
# Installs what is missing, builds, and starts the demo city: 翔安区 with its streets,
# communities, grids, workers and a few days of cases. The database is built on the first
# start (gridkeeper-demo.db here) and reused after; arguments go to `gridkeeper demo`,
# e.g. scripts/demo.sh --simulate 6 (new cases a minute, worked on by simulated workers).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release
cmake --build --preset release --target gridkeeper ui   # the command and its browser UI

exec build/release/app/gridkeeper demo "$@"
