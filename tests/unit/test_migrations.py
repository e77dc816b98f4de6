"""Alembic migrations of the records database, on SQLite and a throwaway PostgreSQL: an empty
database is built to the models; the baseline is the schema the code created before migrations;
a database from that code, with records in it, upgrades without losing a field."""
from __future__ import annotations

import os
import subprocess
from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from refund_desk.records import RecordStore
from refund_desk.schema import (BASELINE, alembic_config, current_revision, head_revision, models_metadata,
                                upgrade_database)
from refund_desk.staff import StaffDesk
from tests.support.legacy_schema import LegacyBase, create_todays_schema
from tests.support.postgres import temporary_postgres
from tests.support.servers import PROJECT_ROOT, VENV_BIN

STAFF_TABLES = {"staff", "staff_sessions", "login_failures"}


@pytest.fixture(scope="module")
def postgres_server():
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database of each kind (a fresh PostgreSQL database per test)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"m_{os.urandom(4).hex()}"
    admin = create_engine(server, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def differences(engine, metadata) -> list:
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def revision(engine) -> str:
    with engine.connect() as conn:
        return current_revision(conn)


TODAYS_ROWS = [  # two customers' requests and their history, as the code before migrations wrote them (ids 1, 2)
    ("requests", {"reference": "RF-AAAAAA", "kind": "refund", "status": "in_review",
                  "invoice_number": "INV-20431", "service_date": "2026-11-02", "refund_reason": "service_not_delivered",
                  "service_kind": "remote", "customer_name": "Zoë <b>Moreau</b>", "customer_email": "zoe@example.com",
                  "eligibility": "eligible", "refund_policy": "Pro IT Assist",
                  "policy_clauses": '[{"id": "refund_window", "text": "Refunds within 7 days."}]',
                  "facts": '{"service_date": "2026-11-02"}', "decision": "eligible: within the window",
                  "channel": "rest", "sender_id": "s1", "customer_key": "zoe@example.com", "related_reference": None,
                  "created_at": datetime(2026, 11, 3, 9, 0, 0), "updated_at": datetime(2026, 11, 3, 10, 0, 0)}),
    ("requests", {"reference": "HO-BBBBBB", "kind": "handoff", "status": "open", "invoice_number": None,
                  "service_date": None, "refund_reason": None, "service_kind": None, "customer_name": None,
                  "customer_email": None, "eligibility": None, "refund_policy": "Pro IT Assist", "policy_clauses": "[]",
                  "facts": "{}", "decision": None, "channel": "socketio", "sender_id": "s2",
                  "customer_key": "sender:s2", "related_reference": None,
                  "created_at": datetime(2026, 11, 4, 9, 0, 0), "updated_at": datetime(2026, 11, 4, 9, 0, 0)}),
    ("status_changes", {"request_id": 1, "from_status": None, "to_status": "open", "changed_by": "assistant",
                        "changed_at": datetime(2026, 11, 3, 9, 0, 0), "note": "opened", "for_customer": False}),
    ("status_changes", {"request_id": 1, "from_status": "open", "to_status": "in_review",
                        "changed_by": "ann", "changed_at": datetime(2026, 11, 3, 10, 0, 0),
                        "note": "checking the bank statement", "for_customer": True}),
    ("status_changes", {"request_id": 2, "from_status": None, "to_status": "open", "changed_by": "assistant",
                        "changed_at": datetime(2026, 11, 4, 9, 0, 0), "note": "opened", "for_customer": False}),
]


def todays_database(url: str):
    engine = create_engine(url, future=True)
    create_todays_schema(engine)
    with engine.begin() as conn:
        for table, row in TODAYS_ROWS:
            conn.execute(LegacyBase.metadata.tables[table].insert().values(**row))
    return engine


def all_rows(engine) -> list[tuple[str, dict]]:
    with engine.connect() as conn:
        return [(name, dict(row._mapping)) for name in ("requests", "status_changes")
                for row in conn.execute(LegacyBase.metadata.tables[name].select().order_by(text("id")))]


def test_an_empty_database_is_built_by_the_migrations_exactly_as_the_models_say(database_url):
    engine = create_engine(database_url, future=True)
    upgrade_database(engine)
    assert revision(engine) == head_revision()
    assert differences(engine, models_metadata()) == []
    assert STAFF_TABLES <= set(inspect(engine).get_table_names())


def test_the_baseline_is_the_schema_the_code_created_before_migrations(database_url):
    engine = create_engine(database_url, future=True)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), BASELINE)
    assert differences(engine, LegacyBase.metadata) == []
    assert set(inspect(engine).get_table_names()) == {"alembic_version", "requests", "status_changes"}


def test_a_database_from_before_migrations_with_records_upgrades_without_loss(database_url):
    engine = todays_database(database_url)
    before = all_rows(engine)
    with engine.connect() as conn:
        assert current_revision(conn) is None  # nothing marks it: it is recognised by its tables
    store = RecordStore(database_url)  # the first use applies the migrations, as `make run` does
    assert store.get("RF-AAAAAA")["history"][1]["note"] == "checking the bank statement"
    assert revision(engine) == head_revision()
    assert all_rows(engine) == before
    assert differences(engine, models_metadata()) == []
    # The upgraded database works as a new one does: the same customer's claim is the old
    # request, a status change is kept, staff can sign in.
    from refund_desk.records import NewRequest
    again = store.open_request(NewRequest(kind="refund", invoice_number="INV-20431", customer_email="ZOE@example.com"))
    assert (again.reference, again.created) == ("RF-AAAAAA", False)
    store.set_status("RF-AAAAAA", "approved", actor="ann@example.com", note="refund sent", for_customer=True)
    assert [h["to"] for h in store.get("RF-AAAAAA")["history"]] == ["open", "in_review", "approved"]
    desk = StaffDesk(store)
    desk.add("ann@example.com", "a long enough password")
    assert desk.session(desk.log_in("ann@example.com", "a long enough password", "127.0.0.1").token) is not None


def test_upgrading_twice_changes_nothing_and_the_newest_revision_can_go_back_to_the_baseline(database_url):
    engine = todays_database(database_url)
    upgrade_database(engine)
    upgrade_database(engine)
    assert revision(engine) == head_revision()
    before = all_rows(engine)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), BASELINE)
    assert revision(engine) == BASELINE
    assert not STAFF_TABLES & set(inspect(engine).get_table_names())
    assert all_rows(engine) == before
    upgrade_database(engine)
    assert revision(engine) == head_revision()


def test_the_cli_upgrades_and_reads_a_database_from_before_migrations(tmp_path):
    url = f"sqlite:///{tmp_path / 'records.db'}"
    engine = todays_database(url)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT_ROOT)}
    upgraded = subprocess.run([str(VENV_BIN / "refund-desk"), "db", "upgrade"], env=env, capture_output=True,
                              text=True, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr
    assert head_revision() in upgraded.stdout
    assert revision(engine) == head_revision()
    listed = subprocess.run([str(VENV_BIN / "refund-desk"), "requests", "list"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert "RF-AAAAAA" in listed.stdout and "HO-BBBBBB" in listed.stdout
