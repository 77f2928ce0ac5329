#!/usr/bin/env bash
# The whole test suite, setup included, with line coverage of src/ (gated by scripts/coverage.ts).
# Tests start their own private MariaDB servers. The last line is `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

log=$(mktemp)
bun run typecheck 2>&1 | tee "$log.tsc"
tsc_status=${PIPESTATUS[0]}
# Where bunfig.toml's coverageDir puts the report (it overrides --coverage-dir); none from an earlier run.
lcov=node_modules/.cache/coverage/lcov.info
rm -f "$lcov"
bun test --timeout 60000 --coverage "$@" 2>&1 | tee "$log"
test_status=${PIPESTATUS[0]}

passed=$(grep -Eo '^ *[0-9]+ pass$' "$log" | grep -Eo '[0-9]+' | tail -1)
failed=$(grep -Eo '^ *[0-9]+ fail$' "$log" | grep -Eo '[0-9]+' | tail -1)
[ "$tsc_status" -ne 0 ] && failed=$(( ${failed:-0} + 1 )) && echo "typecheck failed"
# The thresholds hold for the whole suite: a run of some files only reports its coverage.
coverage_status=0
if [ $# -eq 0 ]; then
  bun scripts/coverage.ts "$lcov"
  coverage_status=$?
  [ "$coverage_status" -ne 0 ] && failed=$(( ${failed:-0} + 1 )) && echo "coverage below its thresholds (scripts/coverage.ts)"
else
  bun scripts/coverage.ts "$lcov" | head -1
fi
rm -f "$log" "$log.tsc"
echo "${passed:-0} passed, ${failed:-0} failed"
[ "$tsc_status" -eq 0 ] && [ "$test_status" -eq 0 ] && [ "$coverage_status" -eq 0 ]
