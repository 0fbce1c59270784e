#!/usr/bin/env bash
# Installs what gridkeeper needs on Debian 12, skipping what is already there: the C++
# toolchain and libraries, Node.js and npm (the browser UI's build and its tests), and
# Debian's Chromium with CJK fonts for the browser tests (never a downloaded browser), and
# clang with its sanitizer and libFuzzer runtimes (libclang-rt-14-dev, only recommended by
# clang) for the fuzz targets, and libpq with PostgreSQL 15 for the PostgreSQL backend
# (its tests start throw-away clusters of their own on loopback).
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libgeos-dev libsqlite3-dev catch2 libsodium-dev zlib1g-dev
  chromium fonts-noto-cjk
  clang libclang-rt-14-dev clang-format
  libpq-dev postgresql-15
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere (it often does); Debian's is enough when there is none.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The UI's packages (Leaflet, and playwright-core to drive Chromium): the build runs
# `npm ci` too, but a fresh checkout should have them before the first test.
ui="$(cd "$(dirname "$0")/.." && pwd)/web/ui"
if [ ! -f "$ui/node_modules/.package-lock.json" ] || [ "$ui/package-lock.json" -nt "$ui/node_modules/.package-lock.json" ]; then
  (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error)
fi
