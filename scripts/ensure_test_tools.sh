#!/usr/bin/env bash
# Everything the browser tests need besides pip packages, installed only when missing:
#   - Debian's Chromium (scripts/ensure_chromium.sh),
#   - Debian's nodejs + npm (for npm itself; the tests never run node),
#   - axe-core, pinned in package.json / package-lock.json, into node_modules/ with `npm ci`,
#   - Debian's postgresql (the class-mode tests start a throwaway cluster of their own with its
#     initdb and pg_ctl; the system's own cluster is not used).
# The accessibility tests inject node_modules/axe-core/axe.min.js into the page; nothing is
# fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure_chromium.sh

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends nodejs npm
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends postgresql
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --no-audit --no-fund
fi
