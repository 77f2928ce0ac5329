#!/usr/bin/env bash
# Every setup step a fresh machine needs, idempotent: Bun, the packages, MariaDB's server.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v bun >/dev/null 2>&1; then
  echo "setup: installing Bun" >&2
  npm install -g bun >&2
fi

if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  echo "setup: installing mariadb-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  # The package's own service is not needed: tests and the demo start private servers.
  apt-get install -y --no-install-recommends mariadb-server mariadb-client >&2
fi

for tool in openssl gzip zstd; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "setup: installing $tool" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2 && apt-get install -y --no-install-recommends "$tool" >&2
  fi
done

bun install --frozen-lockfile >&2
