"""The assistant as `make run` starts it (scripts/run.sh), probed as an attacker would, and the
faults of the security report: restarts, a dead action server, odd input, a hung PostgreSQL.

Two real assistants: one started by scripts/run.sh with ports and folders overridden (defaults
otherwise), one by tests/support/servers.py on a throwaway PostgreSQL (whose processes the tests
stop and resume).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterator, Optional

import pytest

from refund_desk.schema import head_revision
from tests.support.servers import (PROJECT_ROOT, free_port, latest_model, listening_addresses, running_assistant,
                                   start_action_server, wait_until_up)

pytestmark = pytest.mark.e2e

REFERENCE = re.compile(r"\b(?:RF|CX|CB|HO)-[A-Z0-9]{6}\b")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# The policies' own contact addresses may appear in logs (they are public), customers' may not.
CUSTOMER_EMAILS = ("kim.secret@example.com", "nul.case@example.com")


# ------------------------------------------------------------------ helpers
def request(url: str, body: Optional[dict] = None, headers: Optional[dict] = None, method: Optional[str] = None,
            timeout: float = 90) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def chat(base: str, sender: str, text: str, timeout: float = 90) -> str:
    status, _, body = request(f"{base}/webhooks/rest/webhook", {"sender": sender, "message": text}, timeout=timeout)
    assert status == 200, body[:300]
    return "\n".join(m.get("text") or "" for m in json.loads(body))


REFUND_STEPS = ["I want a refund for invoice INV-{n}, you charged me twice yesterday", "Kim Park",
                "kim.secret@example.com", "yes"]


# ------------------------------------------------------- `make run`'s servers
@pytest.fixture(scope="module")
def made_run(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """scripts/run.sh with free ports, its own database and log folder; nothing else changed."""
    work = tmp_path_factory.mktemp("make-run")
    ports = {"ACTION_PORT": free_port(), "RASA_PORT": free_port(), "WEB_PORT": free_port(), "STAFF_PORT": free_port()}
    env = {k: v for k, v in os.environ.items()
           if k not in ("ACTION_SERVER_SECRET", "RASA_AUTH_TOKEN", "RASA_ENABLE_API", "WIDGET_ORIGINS",
                        "ACTION_HOST", "RASA_HOST", "REDIS_URL", "TRACKER_STORE_URL", "STAFF_HOST",
                        "CONSOLE_URL")}
    env.update({k: str(v) for k, v in ports.items()})
    env.update({"RUN_DIR": str(work), "DATABASE_URL": f"sqlite:///{work / 'records.db'}",
                "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['ACTION_PORT']}/webhook",
                "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false"})
    model = PROJECT_ROOT / "models" / "refund-desk.tar.gz"
    if not model.exists():
        pytest.skip("no models/refund-desk.tar.gz: run `make train` first")
    log = work / "run.log"
    proc = subprocess.Popen(["bash", "scripts/run.sh"], cwd=PROJECT_ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{ports['RASA_PORT']}"
    try:
        wait_until_up(f"{base}/", proc, log, timeout=300)
        wait_until_up(f"http://127.0.0.1:{ports['STAFF_PORT']}/healthz", proc, log, timeout=60)
        yield {"base": base, "work": work, "env": env, **ports}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_rasa_http_api_is_off_by_default(made_run):
    base = made_run["base"]
    for path in ("/status", "/conversations/anyone/tracker", "/version/../status"):
        status, _, _ = request(base + path)
        assert status in (401, 403, 404), path
    status, _, _ = request(f"{base}/conversations/anyone/tracker/events", [{"event": "restart"}], method="POST")
    assert status in (401, 403, 404, 405)
    status, _, _ = request(f"{base}/model", {"model_server": {"url": "http://127.0.0.1:9/x"}}, method="PUT")
    assert status in (401, 403, 404, 405)


def test_action_server_refuses_callers_without_the_secret(made_run):
    call = {"next_action": "action_submit_refund", "sender_id": "forged", "version": "3.6.2", "domain": {},
            "tracker": {"sender_id": "forged", "slots": {"invoice_number": "INV-1", "confirmed": True}}}
    status, _, _ = request(f"http://127.0.0.1:{made_run['ACTION_PORT']}/webhook", call)
    assert status == 401
    status, _, _ = request(f"http://127.0.0.1:{made_run['ACTION_PORT']}/webhook", call,
                           headers={"Authorization": "Bearer guessed"})
    assert status == 401


def test_servers_listen_on_loopback_only(made_run):
    for port in (made_run["ACTION_PORT"], made_run["RASA_PORT"], made_run["STAFF_PORT"]):
        addresses = listening_addresses(port)
        assert addresses and addresses <= {"127.0.0.1"}, (port, addresses)


def test_the_staff_console_answers_nothing_without_a_session(made_run):
    console = f"http://127.0.0.1:{made_run['STAFF_PORT']}"
    for path in ("/api/session", "/api/requests", "/api/requests/RF-AAAAAA"):
        status, _, _ = request(console + path)
        assert status == 401, path
    status, _, _ = request(f"{console}/api/requests/RF-AAAAAA/status", {"status": "approved"})
    assert status == 401
    log = (made_run["work"] / "run.log").read_text()
    assert f"records database at revision {head_revision()}" in log  # make run migrated it first


def test_cors_only_for_the_widget_origin(made_run):
    url = f"{made_run['base']}/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    _, headers, _ = request(url, method="OPTIONS", headers={"Origin": "https://evil.example", **preflight})
    lower = {k.lower(): v for k, v in headers.items()}
    assert lower.get("access-control-allow-origin") in (None, "")
    _, headers, _ = request(url, {"sender": "cors", "message": "hi"}, headers={"Origin": "https://evil.example"})
    assert "*" not in {v for k, v in headers.items() if k.lower().startswith("access-control-allow-origin")}
    widget = f"http://localhost:{made_run['WEB_PORT']}"
    _, headers, _ = request(url, method="OPTIONS", headers={"Origin": widget, **preflight})
    lower = {k.lower(): v for k, v in headers.items()}
    assert lower.get("access-control-allow-origin") == widget


def test_huge_messages_are_refused_politely_and_do_not_stall_others(made_run):
    base = made_run["base"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        huge = pool.submit(chat, base, f"huge-{uuid.uuid4().hex[:6]}", "refund " * 20_000)
        greeting = pool.submit(chat, base, f"other-{uuid.uuid4().hex[:6]}", "hello")
        assert "too long" in huge.result()
        assert greeting.result().strip()
    status, _, body = request(f"{base}/webhooks/rest/webhook", {"sender": "x", "message": "a" * 1_000_000})
    assert status == 200 and b"too long" in body
    # at the limit, a message is read as usual (control characters and all)
    answer = chat(base, f"limit-{uuid.uuid4().hex[:6]}", ("I want a refund\x00 " + "please " * 800)[:5000])
    assert "too long" not in answer and answer.strip()


def test_logs_hold_no_customer_email_and_forged_channels_are_ignored(made_run):
    base, sender = made_run["base"], f"logs-{uuid.uuid4().hex[:6]}"
    for step in REFUND_STEPS:
        said = chat(base, sender, step.format(n=40000 + int(time.time()) % 9999))
    assert REFERENCE.search(said), said
    # a client cannot claim another channel over REST
    request(f"{base}/webhooks/rest/webhook", {"sender": sender, "message": "hi", "input_channel": "slack"})
    logs = "\n".join(p.read_text(errors="replace") for p in made_run["work"].glob("*.log"))
    for email in CUSTOMER_EMAILS:
        assert email not in logs
    assert "Kim Park" not in logs


# ------------------------------------ the same servers on a throwaway PostgreSQL
@pytest.fixture(scope="module")
def on_postgres() -> Iterator[Any]:
    from tests.support.postgres import temporary_postgres

    with temporary_postgres() as url:
        # 8 s: the hung-database test still hears "couldn't save" well within its 60 s, and a record
        # write on a machine busy with the other end-to-end group is not cut off at 3 s.
        with running_assistant(extra_env={"DATABASE_URL": url, "DATABASE_TIMEOUT_SECONDS": "8"},
                               model=latest_model()) as assistant:
            assistant.pg_url = url
            yield assistant


def say(assistant, sender: str, text: str) -> str:
    return "\n".join(m.get("text") or "" for m in assistant.send(sender, text))


def test_rasa_api_needs_the_token_when_on(on_postgres):
    status, _, _ = request(f"{on_postgres.rasa_url}/conversations/x/tracker")
    assert status == 401
    status, _, _ = request(f"{on_postgres.rasa_url}/conversations/x/tracker?token=wrong")
    assert status == 401
    status, _, _ = request(on_postgres.api_url("/conversations/x/tracker"))
    assert status == 200


def test_a_nul_in_a_name_on_postgresql_still_gets_a_reference(on_postgres):
    sender = f"nul-{uuid.uuid4().hex[:6]}"
    say(on_postgres, sender, "I want a refund for invoice INV-31337, you charged me twice yesterday")
    say(on_postgres, sender, "Jane\x00 Doe")
    say(on_postgres, sender, "nul.case@example.com")
    said = say(on_postgres, sender, "yes")
    found = REFERENCE.search(said)
    assert found, said
    assert on_postgres.cli_json("requests", "show", found.group())["customer_name"] == "Jane Doe"
    assert say(on_postgres, sender, "hello").strip()  # the conversation goes on


def test_a_rasa_restart_keeps_the_conversation(on_postgres):
    sender = f"restart-{uuid.uuid4().hex[:6]}"
    say(on_postgres, sender, "I want a refund for invoice INV-52525, you charged me twice yesterday")
    say(on_postgres, sender, "Kim Park")
    on_postgres.restart_rasa()
    said = say(on_postgres, sender, "kim.secret@example.com")
    assert "INV-52525" in said and "Kim Park" in said, said  # the summary: nothing was forgotten
    assert REFERENCE.search(say(on_postgres, sender, "yes"))


def test_action_server_down_asks_to_try_again_and_the_form_carries_on(on_postgres):
    sender = f"down-{uuid.uuid4().hex[:6]}"
    say(on_postgres, sender, "I want a refund for invoice INV-63636, you charged me twice yesterday")
    actions = on_postgres.processes[0]
    actions.terminate()
    actions.wait(timeout=20)
    try:
        said = say(on_postgres, sender, "Kim Park")
        assert "try again" in said.lower() or "send it again" in said.lower(), said
    finally:
        on_postgres.processes[0] = start_action_server(on_postgres.env, on_postgres.action_port,
                                                       on_postgres.workdir)
    said = say(on_postgres, sender, "Kim Park")
    assert "e-mail" in said.lower(), said  # the form goes on from where it was
    said = say(on_postgres, sender, "kim.secret@example.com")
    assert "INV-63636" in said and "Kim Park" in said, said


def _cluster_pids(pg_url: str) -> list[int]:
    port = pg_url.rsplit(":", 1)[1].split("/")[0]
    out = subprocess.run(["pgrep", "-f", "--", f"-p {port} "], capture_output=True, text=True).stdout.split()
    main = [int(p) for p in out]
    children = []
    for pid in main:
        children += [int(c) for c in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                    text=True).stdout.split()]
    return main + children


def test_a_hung_postgresql_holds_only_writing_conversations(on_postgres):
    writer = f"writer-{uuid.uuid4().hex[:6]}"
    say(on_postgres, writer, "I want a refund for invoice INV-74747, you charged me twice yesterday")
    say(on_postgres, writer, "Kim Park")
    say(on_postgres, writer, "kim.secret@example.com")
    pids = _cluster_pids(on_postgres.pg_url)
    assert pids, "could not find the throwaway PostgreSQL's processes"
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            writing = pool.submit(say, on_postgres, writer, "yes")
            greeting = pool.submit(say, on_postgres, f"greeter-{uuid.uuid4().hex[:6]}", "hello")
            assert greeting.result(timeout=60).strip()
            said = writing.result(timeout=60)
        assert "couldn't save" in said and not REFERENCE.search(said), said
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


def _open_refund(assistant, sender: str, invoice: str, name: str, email: str) -> str:
    say(assistant, sender, f"I want a refund for invoice {invoice}, you charged me twice yesterday")
    say(assistant, sender, name)
    say(assistant, sender, email)
    said = say(assistant, sender, "yes")
    found = REFERENCE.search(said)
    assert found, said
    return found.group()


def test_one_customer_learns_nothing_about_anothers_request(on_postgres):
    invoice = f"INV-{uuid.uuid4().int % 90000 + 10000}"
    owner = _open_refund(on_postgres, f"owner-{uuid.uuid4().hex[:6]}", invoice, "Kim Park", "kim.secret@example.com")
    on_postgres.cli("requests", "set-status", owner, "in_review", "--note", "suspected fraud", "--by", "maria")

    stranger = f"stranger-{uuid.uuid4().hex[:6]}"
    say(on_postgres, stranger, "what's the status of my refund?")
    asked = say(on_postgres, stranger, invoice)
    assert "e-mail" in asked and owner not in asked, asked
    refused = say(on_postgres, stranger, "guess@example.com")
    assert owner not in refused and "couldn't find" in refused, refused

    # by reference: status and next steps, never the staff-only note or the customer's details
    by_reference = say(on_postgres, stranger, f"what's the status of {owner}?")
    assert "reviewing" in by_reference and "fraud" not in by_reference and "Kim" not in by_reference

    # the owner's e-mail proves it (e.g. the customer in a new conversation)
    later = f"owner-later-{uuid.uuid4().hex[:6]}"
    say(on_postgres, later, "what's the status of my refund?")
    say(on_postgres, later, invoice)
    shown = say(on_postgres, later, "KIM.SECRET@example.com")
    assert owner in shown and "reviewing" in shown, shown


def test_claimants_of_one_invoice_each_get_their_own_reference(on_postgres):
    invoice = f"INV-{uuid.uuid4().int % 90000 + 10000}"
    refs = [_open_refund(on_postgres, f"claim-{i}-{uuid.uuid4().hex[:4]}", invoice, f"Customer {n}",
                         f"claimant{i}@example.com") for i, n in enumerate(("Ann Lee", "Bo Diaz", "Cy Ng"))]
    assert len(set(refs)) == 3
    records = {r["reference"]: r for r in on_postgres.cli_json("requests", "list") if r["invoice_number"] == invoice}
    assert set(records) == set(refs)
    assert {records[r]["related_reference"] for r in refs[1:]} == {refs[0]}
