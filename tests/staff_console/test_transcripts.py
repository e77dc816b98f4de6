"""The transcript behind a request, read from what Rasa's own tracker stores wrote: the SQL
tracker store's `events` table, and the Redis tracker store (REDIS_URL) with make run's key
prefix. Customer, assistant and staff texts in order; nothing else."""
from __future__ import annotations

import pytest

from connectors.tracker_store import AppendingRedisTrackerStore
from deploy.endpoints import redis_store
from refund_desk.settings import load_settings
from refund_desk.transcripts import read_transcript, transcript
from tests.staff_console.conversations import conversation_events, sql_tracker_store, store_conversation
from tests.support.redis import temporary_redis

LINES = [
    ("customer", "I want a refund for INV-20431 <script>alert(1)</script>", {"page_url": "https://x"}),
    ("assistant", "What is your name?", None),
    ("customer", "Zoë Moreau", None),
    ("assistant", "Hello, this is Sam from billing.", {"from": "staff", "name": "Sam"}),
    ("assistant", "Your reference is RF-AAAAAA.", None),
]
EXPECTED = [("customer", "I want a refund for INV-20431 <script>alert(1)</script>"),
            ("assistant", "What is your name?"), ("customer", "Zoë Moreau"),
            ("staff", "Hello, this is Sam from billing."), ("assistant", "Your reference is RF-AAAAAA.")]


def said(lines):
    return [(line["from"], line["text"]) for line in lines]


def test_the_sql_tracker_store_conversation_is_read_in_order(tmp_path):
    store_conversation(sql_tracker_store(str(tmp_path / "conversations.db")), "s-1", conversation_events(LINES))
    store_conversation(sql_tracker_store(str(tmp_path / "conversations.db")), "s-2",
                       conversation_events([("customer", "someone else entirely", None)]))
    settings = load_settings({"TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'conversations.db'}",
                              "DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}"})
    lines = read_transcript(settings, "s-1")
    assert said(lines) == EXPECTED
    assert lines[0]["at"] == "2025-12-06T00:13:21.000Z" and lines[-1]["at"] == "2025-12-06T00:13:25.000Z"
    assert read_transcript(settings, "nobody") == [] and read_transcript(settings, None) == []


def test_a_tracker_store_not_yet_created_is_an_empty_transcript(tmp_path):
    settings = load_settings({"TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'none.db'}"})
    assert read_transcript(settings, "s-1") == []


def test_the_redis_tracker_store_conversation_is_read_with_make_runs_key_prefix():
    with temporary_redis() as url:
        entry = redis_store(url, "tracker_store")  # what make run writes into Rasa's endpoints
        rasa = AppendingRedisTrackerStore(sql_tracker_store(":memory:").domain, host=entry["url"],
                                          port=entry["port"], db=entry["db"], key_prefix=entry["key_prefix"])
        store_conversation(rasa, "s-1", conversation_events(LINES))
        assert said(read_transcript(load_settings({"REDIS_URL": url}), "s-1")) == EXPECTED
        assert read_transcript(load_settings({"REDIS_URL": url}), "s-9") == []


@pytest.mark.parametrize("event", [
    {"event": "user", "text": None}, {"event": "user", "text": ""}, {"event": "bot", "text": None, "data": {}},
    {"event": "action", "name": "utter_x"}, {"event": "slot", "name": "x", "value": "secret"}, {"event": "user"},
])
def test_events_without_a_text_are_left_out(event):
    assert transcript([event]) == []


def test_an_unreachable_tracker_store_leaves_the_request_readable(tmp_path):
    from console.desk import ConsoleDesk
    from refund_desk.records import NewRequest
    desk = ConsoleDesk.from_settings(load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
                                                    "TRACKER_STORE_URL": "postgresql://nobody@127.0.0.1:9/none"}))
    ref = desk.store.open_request(NewRequest(kind="handoff", sender_id="s-1")).reference
    detail = desk.request_detail(ref)
    assert (detail["reference"], detail["transcript"], detail["transcript_unavailable"]) == (ref, [], True)
