"""Status look-up limits counted in the records database (SQLite and PostgreSQL): per conversation,
per client address and overall; a new store (a restart) keeps them; look-ups made at once are never
all let through; the duplicate-request answer is counted and, past a limit, keeps its reference."""
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from refund_desk.lookup_limits import CLIENT_LIMIT, CONVERSATION_LIMIT, Asker, LookupLimit, hashed, limit_reached
from refund_desk.records import NewRequest, RecordStore
from tests.unit.test_records import postgres_server, refund, store  # noqa: F401 (fixtures)

NOW = datetime(2026, 11, 21, 12, 0, 0)


def counted(store, asker, times, **kw):
    return [store.count_lookup(asker, **kw) for _ in range(times)]


def test_a_conversation_gets_its_limit_and_a_restart_does_not_reset_it(store):
    chat = Asker("chat-1", "203.0.113.7")
    assert all(counted(store, chat, CONVERSATION_LIMIT.most, now=NOW))
    assert store.count_lookup(chat, now=NOW) is None
    restarted = RecordStore(store.database_url)  # a new process: the same database
    assert restarted.count_lookup(chat, now=NOW + timedelta(hours=2)) is None
    # refused look-ups are not counted: once the window has passed, the conversation may look again
    assert restarted.count_lookup(chat, now=NOW + CONVERSATION_LIMIT.window + timedelta(seconds=1)) is not None


def test_new_sender_ids_from_one_client_share_the_client_limit(store):
    ids = [store.count_lookup(Asker(f"new-sender-{i}", "198.51.100.4"), now=NOW) for i in range(CLIENT_LIMIT.most + 1)]
    assert all(ids[:-1]) and ids[-1] is None
    assert store.count_lookup(Asker("another", "198.51.100.5"), now=NOW) is not None  # another client


def test_the_overall_limit_holds_across_clients(store):
    limits = (LookupLimit("conversation", 5, timedelta(days=1)), LookupLimit("client", 10, timedelta(hours=1)),
              LookupLimit("overall", 4, timedelta(hours=1)))
    got = [store.count_lookup(Asker(f"s{i}", f"192.0.2.{i}"), limits=limits, now=NOW) for i in range(6)]
    assert [g is not None for g in got] == [True, True, True, True, False, False]
    later = NOW + timedelta(hours=1, seconds=1)
    assert store.count_lookup(Asker("s9", "192.0.2.9"), limits=limits, now=later) is not None


def test_forgotten_lookups_do_not_count(store):
    chat = Asker("chat-2")
    for _ in range(CONVERSATION_LIMIT.most + 3):
        found = store.count_lookup(chat, now=NOW)
        assert found is not None
        store.forget_lookup(found)


def test_lookups_made_at_once_are_never_all_let_through(store):
    chat, results = Asker("chat-at-once", "203.0.113.9"), []

    def look():
        results.append(store.count_lookup(chat, now=NOW))

    threads = [threading.Thread(target=look) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 20
    assert sum(r is not None for r in results) <= CONVERSATION_LIMIT.most


def test_who_asked_is_stored_as_a_hash_only(store):
    store.count_lookup(Asker("sender-in-clear", "203.0.113.77"), now=NOW)
    with store.engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT conversation_key, client_key FROM lookup_counts"))]
    assert rows == [(hashed("conversation", "sender-in-clear"), hashed("client", "203.0.113.77"))]
    assert "sender-in-clear" not in str(rows) and "203.0.113.77" not in str(rows)


@pytest.mark.parametrize("counts, reached", [
    ({"conversation": 5, "client": 10, "overall": 200}, None),
    ({"conversation": 6}, "conversation"),
    ({"conversation": 1, "client": 11}, "client"),
    ({"overall": 201}, "overall"),
    ({}, None),
])
def test_limit_reached(counts, reached):
    assert limit_reached(counts) == reached


def test_an_empty_value_has_no_key():
    assert hashed("client", None) is None and hashed("client", "  ") is None
    assert hashed("client", "a") != hashed("conversation", "a")


# ---- the refund form's "You already have an open request ... reference RF-..." ------------------
def test_the_existing_request_found_from_another_conversation_is_counted_then_withheld(store):
    owner = store.open_request(refund())  # jane@example.com, conversation s1
    stranger = NewRequest(kind="refund", invoice_number="INV-20431", customer_email="jane@example.com",
                          sender_id="stranger")
    asker = Asker("stranger", "203.0.113.50")
    for _ in range(CONVERSATION_LIMIT.most):
        again = store.open_request(stranger, asker=asker)
        assert (again.reference, again.created, again.withheld) == (owner.reference, False, False)
    past = store.open_request(stranger, asker=asker)
    assert not past.created and past.withheld
    # the conversation that opened it is told without counting
    own = NewRequest(kind="refund", invoice_number="INV-20431", customer_email="jane@example.com", sender_id="s1")
    for _ in range(CONVERSATION_LIMIT.most + 2):
        mine = store.open_request(own, asker=Asker("s1", "203.0.113.50"))
        assert mine.reference == owner.reference and not mine.withheld


def test_a_failed_lookup_and_a_duplicate_answer_share_the_count(store):
    store.open_request(refund())
    asker = Asker("mixed", "203.0.113.60")
    assert all(counted(store, asker, CONVERSATION_LIMIT.most - 1))
    stranger = NewRequest(kind="refund", invoice_number="INV-20431", customer_email="jane@example.com",
                          sender_id="mixed")
    assert not store.open_request(stranger, asker=asker).withheld  # the 5th counted look-up
    assert store.count_lookup(asker) is None
