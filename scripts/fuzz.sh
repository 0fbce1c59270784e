#!/usr/bin/env bash
# Runs one libFuzzer target of tests/fuzz for a while, on a copy of its seed corpus:
#   scripts/fuzz.sh TARGET MINUTES    (MINUTES may be a fraction: 0.5 is 30 s)
#   scripts/fuzz.sh --list            (the targets, one a line)
# Builds the `fuzz` preset first (clang). New inputs go to a temporary directory, never
# into tests/fuzz/corpus; it is removed after a clean run and kept, with the input that
# failed, after a finding. Prints libFuzzer's final figures; the exit status is nonzero
# on any crash, leak, timeout or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(geojson workers_csv json_codec query route_line open311_form http_head)

usage() {
  echo "usage: scripts/fuzz.sh TARGET MINUTES | --list" >&2
  exit 2
}

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
[ $# -eq 2 ] || usage
target=$1
minutes=$2
[[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown target: $target (see --list)" >&2; exit 2; }
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60 + 0.5); if (m !~ /^[0-9]*\.?[0-9]+$/ || s < 1) exit 1; print s }') ||
  usage

command -v clang++ >/dev/null || { echo "clang++ is needed: run scripts/install-deps.sh" >&2; exit 2; }
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/gridkeeper-fuzz-$target.XXXXXX")
mkdir "$work/corpus"
cp tests/fuzz/corpus/"$target"/* "$work/corpus/"
log="$work/fuzz.log"

echo "fuzzing $target for $seconds s"
status=0
build/fuzz/tests/fuzz/fuzz_"$target" "$work/corpus" \
  -dict=tests/fuzz/"$target".dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$work/" >"$log" 2>&1 || status=$?

if [ "$status" -eq 0 ]; then
  grep -E '^#[0-9]+[[:space:]]+DONE|^Done |^stat::' "$log" || tail -n 5 "$log"
  rm -rf "$work"
else
  tail -n 60 "$log"
  echo "fuzz_$target failed (exit $status); its inputs, log and the failing input are in $work" >&2
fi
exit "$status"
