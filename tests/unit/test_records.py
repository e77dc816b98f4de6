"""Request records: references, idempotency, status history, odd input, an unreachable database."""
import threading
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from refund_desk.records import (REFERENCE_ALPHABET, NewRequest, RecordStore, RecordStoreUnavailable,
                                 RequestRecord, UnknownRequest)
from refund_desk.facts import REFERENCE_WRITTEN
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


def test_references_are_prefixed_grouped_50_bits_and_unrelated(store):
    refs = [store.open_request(refund(invoice=f"INV-{i}")).reference for i in range(1000, 1040)]
    assert len(set(refs)) == 40
    # RF-7K3Q9-X4M2P: ten characters of a 32-letter alphabet, 50 random bits
    assert all(REFERENCE_WRITTEN.fullmatch(r) and r.startswith("RF-") for r in refs), refs[:3]
    bodies = [r[3:].replace("-", "") for r in refs]
    assert all(len(b) == 10 and set(b) <= set(REFERENCE_ALPHABET) for b in bodies)
    assert len(REFERENCE_ALPHABET) ** 10 >= 2 ** 50
    # not sequential: consecutive references share few characters in place
    same = sum(a == b for r1, r2 in zip(bodies, bodies[1:]) for a, b in zip(r1, r2))
    assert same < 60


def test_old_short_references_are_still_found(store):
    old = store.open_request(refund())
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE requests SET reference = 'RF-7K3Q9X' WHERE reference = :r"), {"r": old.reference})
    for asked in ("RF-7K3Q9X", "rf 7k3q9x", "rf7k3q9x"):
        assert store.get(asked)["reference"] == "RF-7K3Q9X"
    new = store.open_request(refund(invoice="INV-2"))
    for asked in (new.reference, new.reference.lower().replace("-", " "), new.reference.replace("-", "")):
        assert store.get(asked)["reference"] == new.reference


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


def test_the_same_customer_twice_gets_the_same_request(store):
    first = store.open_request(refund())
    again = store.open_request(NewRequest(kind="refund", invoice_number="INV-20431",
                                          customer_email="JANE@example.com", sender_id="another-chat"))
    assert (again.reference, again.created) == (first.reference, False)


def test_other_customers_claims_on_one_invoice_are_each_stored_and_linked(store):
    first = store.open_request(refund())
    others = [store.open_request(NewRequest(kind="refund", invoice_number="INV-20431",
                                            customer_email=f"c{i}@example.com", sender_id=f"s-{i}"))
              for i in range(5)]
    assert all(o.created for o in others)
    assert len({first.reference, *(o.reference for o in others)}) == 6
    assert {o.record["related_reference"] for o in others} == {first.reference}
    # without an e-mail, the conversation tells customers apart
    anon = store.open_request(NewRequest(kind="refund", invoice_number="INV-20431", sender_id="anon"))
    assert anon.created and store.open_request(
        NewRequest(kind="refund", invoice_number="INV-20431", sender_id="anon")).reference == anon.reference


def test_concurrent_claims_by_different_customers_are_all_stored(store):
    store.open_request(refund(invoice="INV-1"))
    results = []

    def open_one(i):
        results.append(store.open_request(NewRequest(kind="refund", invoice_number="INV-888",
                                                     customer_email=f"c{i}@example.com")))

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.reference for r in results}) == 6 and all(r.created for r in results)


def test_find_for_customer_needs_the_conversation_or_the_email(store):
    ref = store.open_request(refund()).reference
    assert [r["reference"] for r in store.find_for_customer("INV-20431", sender_id="s1")] == [ref]
    assert [r["reference"] for r in store.find_for_customer("INV-20431", email=" Jane@Example.com")] == [ref]
    assert store.find_for_customer("INV-20431", sender_id="s2", email="eve@example.com") == []
    assert store.find_for_customer("INV-20431") == []


def test_notes_are_staff_only_unless_marked_for_the_customer(store):
    ref = store.open_request(refund()).reference
    record = store.set_status(ref, "in_review", actor="maria", note="internal")
    record = store.set_status(ref, "approved", actor="maria", note="refund sent", for_customer=True)
    assert [h["for_customer"] for h in record["history"]] == [False, False, True]


@pytest.mark.parametrize("name", ["Jane\x00Doe", "Jane\x07 Doe\x1b"])
def test_control_characters_in_a_name_do_not_break_the_database(store, name):
    ref = store.open_request(NewRequest(kind="handoff", customer_name=name, facts={"reason_details": name})).reference
    record = store.get(ref)
    assert record["customer_name"] in ("JaneDoe", "Jane Doe")
    assert "\x00" not in record["facts"]["reason_details"]


def test_a_database_from_the_earlier_schema_is_upgraded(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url, future=True)
    with engine.begin() as conn:  # what the previous version created
        conn.execute(text("CREATE TABLE requests (id INTEGER PRIMARY KEY, reference VARCHAR(16) UNIQUE NOT NULL, "
                          "kind VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, invoice_number VARCHAR(32), "
                          "service_date VARCHAR(10), refund_reason VARCHAR(32), service_kind VARCHAR(16), "
                          "customer_name TEXT, customer_email TEXT, eligibility VARCHAR(16), "
                          "refund_policy VARCHAR(64), policy_clauses TEXT NOT NULL, facts TEXT NOT NULL, "
                          "decision TEXT, channel VARCHAR(32), sender_id TEXT, created_at DATETIME NOT NULL, "
                          "updated_at DATETIME NOT NULL)"))
        conn.execute(text("CREATE UNIQUE INDEX one_active_request_per_invoice ON requests (kind, invoice_number) "
                          "WHERE status IN ('open', 'in_review') AND invoice_number IS NOT NULL"))
        conn.execute(text("CREATE TABLE status_changes (id INTEGER PRIMARY KEY, request_id INTEGER NOT NULL, "
                          "from_status VARCHAR(16), to_status VARCHAR(16) NOT NULL, changed_by TEXT NOT NULL, "
                          "changed_at DATETIME NOT NULL, note TEXT)"))
        conn.execute(text("INSERT INTO requests (reference, kind, status, invoice_number, customer_email, "
                          "policy_clauses, facts, created_at, updated_at) VALUES ('RF-OLDOLD', 'refund', 'open', "
                          "'INV-20431', 'Jane@example.com', '[]', '{}', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
    engine.dispose()
    store = RecordStore(url)
    assert store.open_request(refund()).reference == "RF-OLDOLD"  # same customer: the old request
    other = store.open_request(NewRequest(kind="refund", invoice_number="INV-20431", customer_email="x@example.com"))
    assert other.created and other.record["related_reference"] == "RF-OLDOLD"


def test_database_errors_do_not_carry_personal_data(tmp_path):
    store = RecordStore(f"sqlite:///{tmp_path / 'records.db'}")
    store.list()  # schema
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON requests BEGIN SELECT RAISE(ABORT, 'disk says no'); END"))
    with pytest.raises(RecordStoreUnavailable) as err:
        store.open_request(refund())
    message = str(err.value) + str(err.value.__cause__)
    assert "disk says no" in message  # the error itself is kept
    assert "jane@example.com" not in message and "Jane Doe" not in message


@pytest.mark.parametrize("servers", [1, 2])
def test_first_records_written_at_once_all_get_saved(store, servers):
    """Several threads (and, on PostgreSQL, a second server's store) write their first records at
    the same moment: the schema is created once, nobody gets RecordStoreUnavailable."""
    if servers == 2 and not store.database_url.startswith("postgresql"):
        pytest.skip("several servers share PostgreSQL; SQLite is one machine's file")
    stores = [store] + [RecordStore(store.database_url) for _ in range(servers - 1)]
    per_store = 6
    start = threading.Barrier(per_store * len(stores))
    failures: list[Exception] = []

    def write(s: RecordStore, n: int) -> None:
        start.wait()
        try:
            s.open_request(NewRequest(kind="refund", invoice_number=f"INV-{n}", sender_id=f"s{n}"))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(s, i * per_store + j))
               for i, s in enumerate(stores) for j in range(per_store)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    assert len(store.list()) == per_store * len(stores)
    for s in stores[1:]:
        s.engine.dispose()
