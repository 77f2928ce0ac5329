#!/usr/bin/env bash
# The whole test suite, setup included. Tests start their own private MariaDB servers.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

log=$(mktemp)
bun run typecheck 2>&1 | tee "$log.tsc"
tsc_status=${PIPESTATUS[0]}
bun test --timeout 60000 "$@" 2>&1 | tee "$log"
test_status=${PIPESTATUS[0]}

passed=$(grep -Eo '^ *[0-9]+ pass$' "$log" | grep -Eo '[0-9]+' | tail -1)
failed=$(grep -Eo '^ *[0-9]+ fail$' "$log" | grep -Eo '[0-9]+' | tail -1)
[ "$tsc_status" -ne 0 ] && failed=$(( ${failed:-0} + 1 )) && echo "typecheck failed"
rm -f "$log" "$log.tsc"
echo "${passed:-0} passed, ${failed:-0} failed"
[ "$tsc_status" -eq 0 ] && [ "$test_status" -eq 0 ]
