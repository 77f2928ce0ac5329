#!/usr/bin/env bash
# Every setup step a fresh machine needs, idempotent: Bun, the packages, MariaDB's server.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Bun the project is tested with (package.json's packageManager): another version may
# behave differently under load (workers, sockets), so it is installed over a different one.
bun_version=$(sed -n 's/.*"packageManager": *"bun@\([^"]*\)".*/\1/p' package.json)
if [ "$(bun --version 2>/dev/null)" != "$bun_version" ]; then
  echo "setup: installing Bun $bun_version" >&2
  npm install -g "bun@$bun_version" >&2
  hash -r
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
