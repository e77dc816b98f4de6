"""Request records: references, idempotency, status history, odd input, an unreachable database."""
import threading
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from refund_desk.records import (REFERENCE_ALPHABET, NewRequest, RecordStore, RecordStoreUnavailable,
                                 RequestRecord, UnknownRequest)
from tests.support.postgres import temporary_postgres


@pytest.fixture(scope="session")
def postgres_server():
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """The same tests on the embedded default and on PostgreSQL (a fresh database each)."""
    if request.param == "sqlite":
        yield RecordStore(f"sqlite:///{tmp_path / 'sub' / 'records.db'}")
        return
    server = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    store = RecordStore(server.rsplit("/", 1)[0] + f"/{name}")
    yield store
    store.engine.dispose()


def refund(invoice="INV-20431", **kw):
    return NewRequest(kind="refund", invoice_number=invoice, customer_name="Jane Doe",
                      customer_email="jane@example.com", eligibility="eligible",
                      policy_clauses=({"id": "duplicate_payment", "section": "2", "text": "Duplicate..."},),
                      channel="rest", sender_id="s1", **kw)


def test_schema_is_created_on_first_use_and_record_has_every_field(store):
    opened = store.open_request(refund(service_date="2026-11-17", refund_reason="duplicate_payment"))
    assert opened.created
    record = store.get(opened.reference)
    for field in ("reference", "kind", "status", "invoice_number", "service_date", "refund_reason",
                  "service_kind", "customer_name", "customer_email", "eligibility", "policy_clauses",
                  "channel", "sender_id", "created_at", "updated_at"):
        assert field in record
    assert record["status"] == "open"
    assert record["policy_clauses"][0]["id"] == "duplicate_payment"
    assert record["history"][0]["to"] == "open"


def test_references_are_short_prefixed_and_unrelated(store):
    refs = [store.open_request(refund(invoice=f"INV-{i}")).reference for i in range(1000, 1040)]
    assert len(set(refs)) == 40
    assert all(r.startswith("RF-") and len(r) == 9 and set(r[3:]) <= set(REFERENCE_ALPHABET) for r in refs)
    # not sequential: consecutive references share few characters in place
    same = sum(a == b for r1, r2 in zip(refs, refs[1:]) for a, b in zip(r1[3:], r2[3:]))
    assert same < 40


def test_a_second_open_request_for_the_same_invoice_returns_the_first(store):
    first = store.open_request(refund())
    second = store.open_request(refund())
    assert (second.reference, second.created) == (first.reference, False)
    assert len(store.list()) == 1
    # another kind for the same invoice is a different request
    assert store.open_request(NewRequest(kind="cancellation", invoice_number="INV-20431")).created


def test_once_closed_a_new_request_for_the_invoice_can_be_opened(store):
    first = store.open_request(refund())
    store.set_status(first.reference, "denied", actor="agent", note="not eligible")
    again = store.open_request(refund())
    assert again.created and again.reference != first.reference


def test_concurrent_twins_write_one_row(store):
    store.open_request(refund(invoice="INV-1"))  # create the schema first
    results = []

    def open_one():
        results.append(store.open_request(refund(invoice="INV-777")))

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.reference for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert len(store.list(kind="refund")) == 2


def test_status_changes_keep_who_when_and_why(store):
    ref = store.open_request(refund()).reference
    store.set_status(ref, "in_review", actor="maria", note="checking the bank statement")
    record = store.set_status(ref, "approved", actor="maria")
    assert record["status"] == "approved"
    assert [(h["from"], h["to"], h["by"]) for h in record["history"]] == [
        (None, "open", "assistant"), ("open", "in_review", "maria"), ("in_review", "approved", "maria")]
    assert record["history"][1]["note"] == "checking the bank statement"
    assert store.list(status="approved")[0]["reference"] == ref


def test_unknown_status_and_reference(store):
    ref = store.open_request(refund()).reference
    with pytest.raises(ValueError):
        store.set_status(ref, "lost", actor="x")
    with pytest.raises(UnknownRequest):
        store.get("RF-AAAAAA")


@pytest.mark.parametrize("odd", [
    "Robert'); DROP TABLE requests;--",
    "<img src=x onerror=alert(1)>",
    "🙂 Zoë Ångström 李伟 محمد",
    "x" * 5000,
], ids=["sql", "html", "scripts", "5000-chars"])
def test_odd_text_is_stored_exactly_as_given(store, odd):
    ref = store.open_request(NewRequest(kind="handoff", customer_name=odd, facts={"reason_details": odd})).reference
    record = store.get(ref)
    assert record["customer_name"] == odd
    assert record["facts"]["reason_details"] == odd
    with Session(store.engine) as s:
        assert s.execute(select(RequestRecord.customer_name).where(RequestRecord.reference == ref)).scalar() == odd
        assert s.execute(text("select count(*) from requests")).scalar() == 1


def test_an_unreachable_database_raises_and_invents_no_reference(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    store = RecordStore(f"sqlite:///{blocked / 'records.db'}")
    with pytest.raises(RecordStoreUnavailable):
        store.open_request(refund())


def test_unreachable_postgres_raises_record_store_unavailable():
    store = RecordStore("postgresql://nobody:nothing@127.0.0.1:9/none")
    with pytest.raises(RecordStoreUnavailable):
        store.open_request(refund())
