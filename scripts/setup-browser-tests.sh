#!/usr/bin/env bash
# Installs what the tests need, if it is missing: Debian's Chromium
# and the pinned playwright-core from e2e/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (Debian package)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -d e2e/node_modules/playwright-core ]; then
  echo "== installing playwright-core (npm, pinned)"
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

# The verifier's tests start two throwaway PostgreSQL clusters; they need the
# server binaries and, when run as root, the `postgres` user to own them.
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] && [ -z "${PG_BIN:-}" ]; then
  echo "== installing PostgreSQL 15 server binaries"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-15 >/dev/null
fi
# The cross-engine verifier tests start a throwaway MariaDB server of
# their own (mariadb-install-db + mariadbd on a loopback port, removed after
# the test). RUNLEVEL=1 keeps the package from starting its system service:
# nothing listens on 3306 because of this script.
if [ ! -x /usr/sbin/mariadbd ] && [ -z "${MARIADB_BIN:-}" ]; then
  echo "== installing MariaDB server binaries (Debian package)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -qq mariadb-server >/dev/null
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "== creating the postgres user for test clusters"
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi
