#!/usr/bin/env bash
# A real export on a built-in demo database, setup included: see `gold-digger demo --help`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec bun src/main.ts demo "$@"
