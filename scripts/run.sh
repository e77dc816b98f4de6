#!/usr/bin/env bash
# Starts the action server, then the Rasa server (REST + socket.io) or `rasa shell`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Our entry points run under deploy.quietly: third-party deprecation warnings are ignored where
# they are emitted (by module), so the start shows the banner and real errors.
QUIETLY=($BIN/python -m deploy.quietly)
mode="${1:-server}"
run_dir="${RUN_DIR:-var}"   # logs and the runtime endpoints (tests point it elsewhere)
mkdir -p var "$run_dir"
# Rasa's endpoints from the settings: the action server with its shared secret, a SQL tracker
# store (SQLite under var/ by default), Redis stores when REDIS_URL is set. The first run
# generates the secrets into var/secrets.env (mode 0600); the environment and .env win.
$BIN/python -m deploy.endpoints "$run_dir/endpoints.runtime.yml"
# The records database brought to the newest schema (Alembic; a database from before migrations
# is recognised and upgraded in place) before any server uses it.
$BIN/refund-desk db upgrade
while IFS='=' read -r key value; do
  case "$key" in ''|'#'*) continue ;; esac
  [ -n "${!key:-}" ] || export "$key=$value"
done < var/secrets.env
ACTION_HOST="${ACTION_HOST:-127.0.0.1}"   # private: only Rasa on this machine calls it
STAFF_HOST="${STAFF_HOST:-127.0.0.1}"     # the staff console: put it behind TLS before opening it up
RASA_HOST="${RASA_HOST:-127.0.0.1}"       # put a reverse proxy with TLS in front (docs/security.md)
probe_host() { case "$1" in 0.0.0.0|::|'') echo 127.0.0.1 ;; *:*) echo "[$1]" ;; *) echo "$1" ;; esac; }
# Sanic workers for both servers, decided in one place (deploy/workers.py): one per core (the
# Rasa workers share the conversations and their locks: SQLite files under var/, or Redis with
# REDIS_URL); SANIC_WORKERS and ACTION_SERVER_SANIC_WORKERS in the environment or .env win.
workers="$($BIN/python -m deploy.workers)"; eval "$workers"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"${QUIETLY[@]}" actions.server --host "$ACTION_HOST" --port "${ACTION_PORT:-5055}" > "$run_dir/actions.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  curl -sf "http://$(probe_host "$ACTION_HOST"):${ACTION_PORT:-5055}/health" >/dev/null 2>&1 && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then cat "$run_dir/actions.log" >&2; echo "the action server did not start (log above)" >&2; exit 1; fi
  sleep 0.5
done

if [ "$mode" != shell ]; then
  $BIN/python -m console.server --host "$STAFF_HOST" --port "${STAFF_PORT:-8090}" > "$run_dir/console.log" 2>&1 &
  pids+=($!)
fi
# E-mail (the outbox the records are written with) goes out over SMTP_URL; without it, none is written.
if [ -n "${SMTP_URL:-}" ]; then
  $BIN/refund-desk mail run > "$run_dir/mail.log" 2>&1 &
  pids+=($!)
  echo "E-mail on: requests and notes for customers are sent over SMTP_URL (log: $run_dir/mail.log)"
else
  echo "E-mail off: SMTP_URL is not set, so no e-mail is written or sent"
fi

if [ "$mode" = shell ]; then
  "${QUIETLY[@]}" rasa shell --model models/refund-desk.tar.gz --endpoints "$run_dir/endpoints.runtime.yml"
  exit
fi

credentials=credentials.yml
if [ -n "${SLACK_BOT_TOKEN:-}" ] && [ -n "${SLACK_SIGNING_SECRET:-}" ]; then
  credentials="$run_dir/credentials.runtime.yml"
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
  $BIN/python web/serve.py --port "${WEB_PORT:-8080}" --rasa-port "${RASA_PORT:-5005}" > "$run_dir/web.log" 2>&1 &
  pids+=($!)
fi
cat <<MSG

Refund Desk is starting on http://localhost:${RASA_PORT:-5005} (about a minute to load the model;
$SANIC_WORKERS Rasa worker(s), each loads it; $ACTION_SERVER_SANIC_WORKERS action-server worker(s)).
  Chat in the browser:  http://localhost:${WEB_PORT:-8080}
  Chat over REST:       curl -s localhost:${RASA_PORT:-5005}/webhooks/rest/webhook -d '{"sender":"me","message":"hi"}'
  Chat in a terminal:   make shell
  Staff console:        http://$(probe_host "$STAFF_HOST"):${STAFF_PORT:-8090}  (accounts: .venv/bin/refund-desk staff add EMAIL)
  Staff records:        .venv/bin/refund-desk requests list
Stop with Ctrl-C. Logs: $run_dir/actions.log, $run_dir/console.log, $run_dir/web.log
MSG
# Rasa's HTTP API (conversations, model, training) is off unless RASA_ENABLE_API=true, and then
# needs RASA_AUTH_TOKEN (generated) or RASA_JWT_SECRET. Browsers may call Rasa only from
# WIDGET_ORIGINS (space- or comma-separated; never "*").
origin_list="${WIDGET_ORIGINS:-http://localhost:${WEB_PORT:-8080} http://127.0.0.1:${WEB_PORT:-8080}}"
read -r -a origins <<< "${origin_list//,/ }"
for o in "${origins[@]}"; do
  if [ "$o" = "*" ]; then echo "WIDGET_ORIGINS must list origins, not *" >&2; exit 1; fi
done
args=(run --interface "$RASA_HOST" --port "${RASA_PORT:-5005}" --model models/refund-desk.tar.gz
      --endpoints "$run_dir/endpoints.runtime.yml" --credentials "$credentials" --cors "${origins[@]}")
case "${RASA_ENABLE_API:-false}" in
  true|1|yes)
    if [ -n "${RASA_JWT_SECRET:-}" ]; then
      args+=(--enable-api --jwt-method "${RASA_JWT_METHOD:-HS256}")
      secret_flag=--jwt-secret; secret_var=RASA_JWT_SECRET
    else
      args+=(--enable-api); secret_flag=--auth-token; secret_var=RASA_AUTH_TOKEN
    fi
    echo "Rasa's HTTP API is on; requests need $secret_var (var/secrets.env unless set)."
    # The secret is added inside Python so that it does not show in the process list.
    $BIN/python -c 'import os, sys; from deploy.quietly import main
flag, var = sys.argv[-1].split("=")  # one "--flag=value" item: a secret may start with "-"
main(["rasa"] + sys.argv[1:-1] + [f"{flag}={os.environ[var]}"])' "${args[@]}" "$secret_flag=$secret_var"
    exit ;;
esac
"${QUIETLY[@]}" rasa "${args[@]}"
