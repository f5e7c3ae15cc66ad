#!/usr/bin/env bash
# Installs what rollgate-connect's tests need, if it is missing:
# - Debian's prometheus (the server the Prometheus source is sampled from,
#   and promtool, which checks the exported alerting rules). RUNLEVEL=1 and
#   no recommends: nothing is started or listens because of this script;
#   the tests start their own server on a free loopback port.
# - unleash-server, pinned in testbed/unleash/package-lock.json; the kill
#   switch test starts it on a throwaway PostgreSQL cluster of its own.
# - openssl, which makes the certificates of the PostgreSQL TLS test.
# PostgreSQL 15 and MariaDB come from scripts/setup-browser-tests.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
  echo "== installing prometheus and promtool (Debian package)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

if ! command -v openssl >/dev/null; then
  echo "== installing openssl (Debian package)"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq openssl >/dev/null
fi

if [ ! -f testbed/unleash/node_modules/unleash-server/package.json ]; then
  echo "== installing unleash-server (npm, pinned)"
  (cd testbed/unleash && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
