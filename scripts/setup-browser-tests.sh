#!/usr/bin/env bash
# Installs what the browser tests need, if it is missing: Debian's Chromium
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
