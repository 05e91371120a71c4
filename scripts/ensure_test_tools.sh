#!/usr/bin/env bash
# Everything the tests need besides pip packages, installed only when missing:
#   - Debian's chromium (the browser tests drive /usr/bin/chromium through Playwright),
#   - Debian's nodejs + npm (for npm itself; the tests never run node),
#   - Debian's postgresql (the class-mode tests start a throwaway cluster of their own with its
#     initdb and pg_ctl; the system's own cluster is not used),
#   - axe-core, pinned in package.json / package-lock.json, into node_modules/ with `npm ci`.
# The Debian packages come from one `apt-get update` and one `apt-get install`. The
# accessibility tests inject node_modules/axe-core/axe.min.js into the page; nothing is fetched
# at run time.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --no-audit --no-fund
fi
