#!/usr/bin/env bash
# Adds up the TRX files of a `dotnet test` run and prints one plain closing line:
#   tests: N passed, N failed, N skipped
# It fails when no test ran, so a run that silently executes nothing cannot pass.
set -euo pipefail
dir="${1:?usage: hack/test-summary.sh RESULTS_DIR}"
shopt -s nullglob
files=("$dir"/*.trx)
if (( ${#files[@]} == 0 )); then
  echo "tests: no results in $dir" >&2
  exit 1
fi
passed=0 failed=0 total=0 executed=0
for f in "${files[@]}"; do
  counters=$(grep -o -m 1 '<Counters [^>]*>' "$f")
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$(( total + $(get total) ))
  executed=$(( executed + $(get executed) ))
  passed=$(( passed + $(get passed) ))
  failed=$(( failed + $(get failed) ))
done
skipped=$(( total - executed ))
echo "tests: $passed passed, $failed failed, $skipped skipped"
(( executed > 0 && failed == 0 ))
