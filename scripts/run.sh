#!/usr/bin/env bash
# Starts the action server, then the Rasa server (REST + socket.io) or `rasa shell`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mode="${1:-server}"
mkdir -p var
# Rasa's endpoints from the settings: the action server, and Redis stores when REDIS_URL is set.
$BIN/python -m refund_desk.deployment var/endpoints.runtime.yml
# Sanic workers for both servers, decided in one place (refund_desk/serving.py): one per core,
# Rasa only with REDIS_URL (shared conversations and locks); SANIC_WORKERS and
# ACTION_SERVER_SANIC_WORKERS in the environment or .env win.
workers="$($BIN/python -m refund_desk.serving)"; eval "$workers"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$BIN/rasa run actions --port "${ACTION_PORT:-5055}" --actions actions > var/actions.log 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -sf "http://localhost:${ACTION_PORT:-5055}/health" >/dev/null 2>&1 && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then cat var/actions.log >&2; echo "the action server did not start (log above)" >&2; exit 1; fi
  sleep 0.5
done

if [ "$mode" = shell ]; then
  $BIN/rasa shell --model models/refund-desk.tar.gz --endpoints var/endpoints.runtime.yml
  exit
fi

credentials=credentials.yml
if [ -n "${SLACK_BOT_TOKEN:-}" ] && [ -n "${SLACK_SIGNING_SECRET:-}" ]; then
  credentials=var/credentials.runtime.yml
  cat credentials.yml credentials.slack.yml > "$credentials"
  echo "Slack channel on: events go to http://<your host>:${RASA_PORT:-5005}/webhooks/slack/webhook"
fi
if [ ! -f web/dist/widget.js ] || [ web/src/widget.js -nt web/dist/widget.js ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd web && npm ci --no-audit --no-fund >/dev/null) || echo "could not build the chat widget (npm ci failed)" >&2
  else
    echo "npm is missing, so the browser demo is off: install Node.js 18+ (apt-get install nodejs npm)" >&2
  fi
fi
if [ -f web/dist/widget.js ]; then
  $BIN/python web/serve.py --port "${WEB_PORT:-8080}" --rasa-port "${RASA_PORT:-5005}" > var/web.log 2>&1 &
  pids+=($!)
fi
cat <<MSG

Refund Desk is starting on http://localhost:${RASA_PORT:-5005} (about a minute to load the model).
  Chat in the browser:  http://localhost:${WEB_PORT:-8080}
  Chat over REST:       curl -s localhost:${RASA_PORT:-5005}/webhooks/rest/webhook -d '{"sender":"me","message":"hi"}'
  Chat in a terminal:   make shell
  Staff records:        .venv/bin/refund-desk requests list
Stop with Ctrl-C. Logs: var/actions.log, var/web.log
MSG
$BIN/rasa run --enable-api --cors "*" --port "${RASA_PORT:-5005}" --model models/refund-desk.tar.gz \
  --endpoints var/endpoints.runtime.yml --credentials "$credentials"
