#!/usr/bin/env bash
# `make test`: every check, in order from fastest to slowest; stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:5055/webhook}"
step() { printf '\n==== %s ====\n' "$*"; }
started=$SECONDS

step "0/6 test dependencies (chromium, postgresql, playwright, widget build)"
scripts/install-test-deps.sh

step "1/6 rasa data validate --fail-on-warnings"
$BIN/rasa data validate --fail-on-warnings --config config.yml --domain domain.yml --data data

step "2/6 unit and action tests (no servers)"
$BIN/python -m pytest -q -m "not e2e" tests

step "3/6 train (skipped when data and config are unchanged)"
make --no-print-directory train

step "4/6 dialogue: rasa test core on the test stories"
rm -rf results/core
$BIN/rasa test core --model models/refund-desk.tar.gz --stories tests/stories --out results/core \
  --fail-on-prediction-errors --no-plot
$BIN/python - <<'PY'
import json, pathlib
r = json.loads(pathlib.Path("results/core/story_report.json").read_text())
print(f"dialogue: {int(r['weighted avg']['support'])} actions in the test stories, "
      f"action accuracy {r['accuracy']:.4f}")
PY

step "5/6 NLU on text never trained on: CLINC150 validation off-topic, customer held-out files; the readers"
$BIN/python scripts/evaluate_nlu.py models/refund-desk.tar.gz
# the trained readers of the categorical details (refund_desk/readers.py) on another hand's answers
$BIN/python scripts/evaluate_readers.py
$BIN/python scripts/evaluate_languages.py

step "6/6 end-to-end: real servers; REST, socket.io, Slack and the browser widget; records through the CLI"
# Two groups at once (each starts its own servers on free ports from its own band of ports,
# below the kernel's ephemeral range, so they share nothing): the
# customer conversations in one, every other end-to-end suite in the other. Both logs are shown.
mkdir -p results
TEST_PORT_BAND=26000-31999 $BIN/python -m pytest -q -p no:cacheprovider -m e2e tests/e2e/test_customer_conversations.py \
  > results/e2e-conversations.log 2>&1 &
conversations=$!
others=0
TEST_PORT_BAND=20000-25999 $BIN/python -m pytest -q -p no:cacheprovider -m e2e tests --ignore=tests/e2e/test_customer_conversations.py \
  || others=$?
wait "$conversations" && conv=0 || conv=$?
printf '\n---- customer conversations (results/e2e-conversations.log) ----\n'
cat results/e2e-conversations.log
if [ "$others" -ne 0 ] || [ "$conv" -ne 0 ]; then
  echo "end-to-end tests failed (other suites: exit $others, customer conversations: exit $conv)" >&2
  exit 1
fi

printf '\nmake test: all steps passed in %d s\n' $((SECONDS - started))
