"""The data side of the second security review, without servers: direction controls, file modes of
what Refund Desk creates, the client address the channels record, the claim links under
concurrency, and a hung database costing a status look-up one time limit, not one per call."""
import asyncio
import os
import random
import stat
import threading
import time
from pathlib import Path

import pytest
import yaml

from sqlalchemy import text

from refund_desk.records import NewRequest, RecordStore
from refund_desk.security import (clean_text, client_address, ensure_secrets, private_file, tighten_tree,
                                  write_private)
from tests.unit.test_records import postgres_server, refund, store  # noqa: F401 (fixtures)

DIRECTION_CONTROLS = [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)), "\u200e", "\u200f", "\u061c"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---- direction controls ----------------------------------------------------------------------------
@pytest.mark.parametrize("raw, cleaned", [
    ("Ann\u202eeoD", "AnneoD"),                      # RIGHT-TO-LEFT OVERRIDE: "Ann" + "Doe" printed backwards
    ("\u2067evil\u2069 Smith", "evil Smith"),       # isolates
    ("Sam\u200e \u200fLee\u061c", "Sam Lee"),       # marks
    ("مريم الحسن", "مريم الحسن"),                  # right-to-left letters themselves stay
    ("Zoë \u200d👩‍💻", "Zoë \u200d👩‍💻"),            # the zero-width joiner is not a direction control
])
def test_direction_controls_are_stripped(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_no_direction_control_survives_any_mix():
    rng = random.Random(17)
    alphabet = DIRECTION_CONTROLS + list("abc xyz-'éØ日本") + ["\u0645", "\u05d0", "\n", "\t"]
    for _ in range(2000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        cleaned = clean_text(raw)
        assert not set(cleaned) & set(DIRECTION_CONTROLS), repr(raw)
        assert cleaned == "".join(c for c in raw if c not in DIRECTION_CONTROLS)


def test_a_stored_name_has_no_direction_controls(store):
    opened = store.open_request(NewRequest(kind="refund", invoice_number="INV-1", customer_name="Ann\u202eeoD",
                                           customer_email="ann@example.com", sender_id="s"))
    assert store.get(opened.reference)["customer_name"] == "AnneoD"


def test_a_name_stored_raw_by_an_earlier_version_is_printed_without_them(store, capsys, monkeypatch):
    from refund_desk.cli import main

    opened = store.open_request(refund())
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE requests SET customer_name = :n WHERE reference = :r"),
                     {"n": "Ann\u202eeoD", "r": opened.reference})
    assert store.get(opened.reference)["customer_name"] == "AnneoD"
    monkeypatch.setenv("DATABASE_URL", store.database_url)
    assert main(["requests", "show", opened.reference]) == 0
    shown = capsys.readouterr().out
    assert "AnneoD" in shown and not set(shown) & set(DIRECTION_CONTROLS)


# ---- file modes ----------------------------------------------------------------------------------
def test_the_records_database_is_created_private(tmp_path):
    folder = tmp_path / "var"
    store = RecordStore(f"sqlite:///{folder / 'refund_desk.db'}")
    store.open_request(refund())
    assert mode(folder) == 0o700
    for created in folder.iterdir():  # the database and any journal SQLite left
        assert mode(created) == 0o600, created


def test_the_conversations_and_slack_databases_are_created_private(tmp_path):
    from connectors.dedup import SqliteSeenEvents
    from deploy.endpoints import sql_tracker_store

    sql_tracker_store(f"sqlite:///{tmp_path / 'a' / 'conversations.db'}")
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "conversations.db") == 0o600
    seen = SqliteSeenEvents(tmp_path / "b" / "slack_events.db")
    seen.add(["event-1"])
    assert mode(tmp_path / "b") == 0o700 and mode(tmp_path / "b" / "slack_events.db") == 0o600


def test_secrets_and_private_files_are_0600(tmp_path):
    ensure_secrets(tmp_path / "s" / "secrets.env")
    write_private(tmp_path / "w" / "endpoints.yml", "x: 1\n")
    assert [mode(p) for p in (tmp_path / "s", tmp_path / "s" / "secrets.env", tmp_path / "w",
                              tmp_path / "w" / "endpoints.yml")] == [0o700, 0o600, 0o700, 0o600]


def test_an_existing_loose_file_is_tightened_and_an_operators_folder_left_alone(tmp_path):
    loose = tmp_path / "records.db"
    loose.write_text("")
    os.chmod(loose, 0o644)
    os.chmod(tmp_path, 0o755)
    private_file(loose)
    assert mode(loose) == 0o600 and mode(tmp_path) == 0o755


def test_tighten_tree_makes_an_old_var_private_without_following_links(tmp_path):
    var, outside = tmp_path / "var", tmp_path / "outside.txt"
    (var / "bench" / "stock").mkdir(parents=True)
    for path in (var / "refund_desk.db", var / "actions.log", var / "bench" / "stock" / "config.yml"):
        path.write_text("x")
        os.chmod(path, 0o644)
    for folder in (var, var / "bench", var / "bench" / "stock"):
        os.chmod(folder, 0o755)
    outside.write_text("not ours to change")
    os.chmod(outside, 0o644)
    (var / "link").symlink_to(outside)
    tighten_tree(var)
    assert {str(p.relative_to(var)): mode(p) for p in var.rglob("*") if not p.is_symlink()} == {
        "bench": 0o700, "bench/stock": 0o700, "bench/stock/config.yml": 0o600,
        "refund_desk.db": 0o600, "actions.log": 0o600}
    assert mode(var) == 0o700 and mode(outside) == 0o644


# ---- the client address ------------------------------------------------------------------------------
@pytest.mark.parametrize("peer, headers, header, expected", [
    ("203.0.113.7", {}, None, "203.0.113.7"),
    ("203.0.113.7", {"X-Forwarded-For": "10.9.9.9"}, None, "203.0.113.7"),              # no header believed unset
    ("127.0.0.1", {"X-Forwarded-For": "6.6.6.6, 198.51.100.2"}, "X-Forwarded-For", "198.51.100.2"),  # the proxy's entry
    ("127.0.0.1", {"x-real-ip": "198.51.100.3"}, "X-Real-IP", "198.51.100.3"),
    ("127.0.0.1", {"X-Real-IP": "198.51.100.3"}, "X-Forwarded-For", None),              # only the configured header
    (None, {}, None, None),
    ("a" * 500, {}, None, "a" * 64),
])
def test_client_address(peer, headers, header, expected):
    assert client_address(peer, headers, header) == expected


def test_the_channels_overwrite_a_client_address_the_client_sent():
    from sanic.request import Request

    from connectors.client_address import with_client_address

    request = Request(b"/webhooks/rest/webhook", {}, "1.1", "POST", None, None)

    class Peer:  # what Sanic reads request.ip from
        client_ip = "203.0.113.20"

    request.conn_info = Peer()
    assert with_client_address({"client_address": "10.0.0.1", "page_url": "x"}, request) == {
        "client_address": "203.0.113.20", "page_url": "x"}
    assert with_client_address("not a dict", None) == {}


# ---- claims on one invoice written at once -----------------------------------------------------------
@pytest.mark.parametrize("first_exists", [True, False])
def test_concurrent_claims_all_link_to_the_first(store, first_exists):
    store.open_request(refund(invoice="INV-0"))  # the schema
    invoice = "INV-4242"
    if first_exists:
        store.open_request(refund(invoice=invoice))
    opened, barrier = [], threading.Barrier(50)

    def claim(i):
        barrier.wait(timeout=60)
        opened.append(store.open_request(NewRequest(kind="refund", invoice_number=invoice,
                                                    customer_email=f"claimant{i}@example.com", sender_id=f"c{i}")))

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(opened) == 50 and all(o.created for o in opened)
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT reference, related_reference FROM requests WHERE invoice_number = :i "
                                 "ORDER BY id"), {"i": invoice}).all()
    assert len(rows) == 50 + first_exists
    (first, unlinked), others = rows[0], rows[1:]
    assert unlinked is None and {related for _, related in others} == {first}


# ---- a hung database -------------------------------------------------------------------------------
class HungStore:
    """A record store whose every call hangs until released, counting the calls that reached it."""

    def __init__(self):
        self.calls, self.release = 0, threading.Event()

    def _hang(self, *args, **kwargs):
        self.calls += 1
        self.release.wait(timeout=60)
        return []

    find_for_customer = get = count_lookup = forget_lookup = _hang


def test_a_status_lookup_on_a_hung_database_waits_one_time_limit(monkeypatch, tmp_path):
    from actions import db
    from actions.conversation import ActionCheckStatus
    from actions.request_forms import ValidateStatusForm
    from actions.runtime import runtime
    from rasa_sdk.executor import CollectingDispatcher
    from tests.actions.conftest import ROOT, make_tracker, texts

    domain = yaml.safe_load((ROOT / "domain.yml").read_text())

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'records.db'}")
    monkeypatch.setenv("DATABASE_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("REFUND_DESK_TODAY", "2026-11-21")
    runtime.cache_clear()
    hung = HungStore()
    object.__setattr__(runtime(), "store", hung)  # the cached Runtime is frozen; cleared below
    monkeypatch.setattr(db, "HUNG", db.HungCalls())
    try:
        tracker = make_tracker("INV-20431", intent="inform", active_loop="status_form",
                               slots={"requested_slot": "lookup_key"})
        dispatcher = CollectingDispatcher()
        started = time.monotonic()
        asyncio.run(ValidateStatusForm().run(dispatcher, tracker, domain))
        tracker = make_tracker("INV-20431", intent="inform", slots={"lookup_key": "INV-20431",
                                                                     "lookup_email": "jane@example.com"})
        asyncio.run(ActionCheckStatus().run(dispatcher, tracker, domain))
        took = time.monotonic() - started
        assert hung.calls == 1  # one call waited out the limit; the others did not wait at all
        assert "technical problem" in texts(dispatcher)
        assert took < 10  # never one limit per call (and never the hang itself: 60 s)
    finally:
        hung.release.set()
        runtime.cache_clear()


def test_a_call_that_comes_back_ends_the_fast_failures(monkeypatch):
    from actions import db

    monkeypatch.setattr(db, "HUNG", db.HungCalls())
    release = threading.Event()
    slow = db._POOL.submit(release.wait, 30)
    db.HUNG.add(slow)
    assert db.HUNG.hanging()
    release.set()
    slow.result(timeout=10)
    assert not db.HUNG.hanging()
