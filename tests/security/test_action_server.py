"""The action server runs actions only for Rasa (the shared secret) and listens on 127.0.0.1."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.servers import PROJECT_ROOT, free_port, stop, wait_until_up

SECRET = "test-secret-0123456789"
# What an attacker sent in the report: a forged submission with no conversation behind it.
FORGED_CALL = {
    "next_action": "action_submit_refund", "sender_id": "forged", "version": "3.6.2", "domain": {},
    "tracker": {"sender_id": "forged", "slots": {"invoice_number": "INV-1", "customer_email": "x@example.com",
                                                 "confirmed": True},
                "latest_message": {}, "events": [], "latest_input_channel": "forged", "paused": False,
                "followup_action": None, "active_loop": {}, "latest_action_name": None},
}


@pytest.fixture(scope="module")
def action_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("actions")
    port = free_port()
    log = workdir / "actions.log"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ACTION_SERVER_SECRET": SECRET,
           "DATABASE_URL": f"sqlite:///{workdir / 'records.db'}", "ACTION_HOST": ""}
    proc = subprocess.Popen([sys.executable, "-m", "actions.server", "--port", str(port)], cwd=PROJECT_ROOT,
                            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", proc, log, timeout=90)
        yield port, proc, workdir
    finally:
        stop(proc)


def post(port: int, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/webhook", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.parametrize("headers", [None, {"Authorization": "Bearer wrong"}, {"Authorization": SECRET},
                                     {"Authorization": f"Basic {SECRET}"}])
def test_webhook_without_the_secret_is_401_and_writes_nothing(action_server, headers):
    port, _, workdir = action_server
    status, body = post(port, FORGED_CALL, headers)
    assert status == 401, body
    assert not (workdir / "records.db").exists() or b"forged" not in (workdir / "records.db").read_bytes()


def test_action_list_needs_the_secret_too(action_server):
    port, _, _ = action_server
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/actions", timeout=10)
    assert err.value.code == 401
    req = urllib.request.Request(f"http://127.0.0.1:{port}/actions", headers={"Authorization": f"Bearer {SECRET}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert {"name": "action_submit_refund"} in json.loads(resp.read())


def test_with_the_secret_an_action_runs(action_server):
    port, _, _ = action_server
    call = {**FORGED_CALL, "next_action": "action_reset_request"}
    status, body = post(port, call, {"Authorization": f"Bearer {SECRET}"})
    assert status == 200 and body["events"], body


def test_a_failing_action_answers_the_customer_instead_of_nothing(action_server):
    port, _, _ = action_server
    call = {**FORGED_CALL, "next_action": "action_check_status",
            "tracker": {"sender_id": "x", "slots": {"lookup_key": 5}}}  # a number where text belongs: a crash
    status, body = post(port, call, {"Authorization": f"Bearer {SECRET}"})
    assert status == 200, body
    assert body["events"] == [] and "try again" in body["responses"][0]["text"]


def test_listens_on_loopback_only(action_server):
    port, proc, _ = action_server
    out = subprocess.run(["ss", "-Htlnp"], capture_output=True, text=True).stdout
    lines = [l for l in out.splitlines() if f":{port} " in l]
    assert lines, out
    assert all("127.0.0.1:" in l for l in lines), lines
