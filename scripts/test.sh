#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test. Exit status is the tests'.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release
cmake --build --preset release
ctest --preset release --timeout 900
