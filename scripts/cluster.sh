#!/usr/bin/env bash
# `make cluster`: 2 Rasa servers + 2 action servers behind nginx, Redis (lock store) and
# PostgreSQL (tracker store, records), all throwaway processes on loopback (scripts/cluster.py).
# Needs Debian's nginx, redis-server and postgresql (scripts/install-test-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}" PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
exec .venv/bin/python scripts/cluster.py "$@"
