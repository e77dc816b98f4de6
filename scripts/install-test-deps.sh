#!/usr/bin/env bash
# Test set-up that the Python venv does not carry (run by `make test` before pytest):
#  - Debian's chromium for the widget browser test (Playwright drives /usr/bin/chromium;
#    no browser is ever downloaded by Playwright),
#  - Debian's postgresql for the records tests on PostgreSQL (a throwaway cluster per run),
#  - Debian's redis-server for the shared tracker/lock store test (a throwaway server),
#  - Debian's nginx for `make cluster` and its load test (tests/cluster/),
#  - the Playwright Python package, if the venv lacks it (normally from `.[test]`),
#  - the widget's npm packages and its build (web/dist) via `npm ci` from the lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

missing=()
[ "${1:-}" = --cluster-only ] || [ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v pgrep >/dev/null 2>&1 || missing+=(procps)   # the security tests pause a throwaway PostgreSQL
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages for the tests: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# `make cluster` needs only the Debian packages above.
[ "${1:-}" = --cluster-only ] && exit 0

if ! $BIN/python -c "import playwright" 2>/dev/null; then
  $BIN/python -m pip install --quiet "playwright==1.65.2"
fi

if ! command -v npm >/dev/null; then
  echo "npm is missing: install Node.js 18+ (apt-get install nodejs npm)" >&2
  exit 1
fi
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund)   # runs the build too (the `prepare` script)
else
  (cd web && npm run --silent build)
fi
