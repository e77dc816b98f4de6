"""The records database's schema, grown by Alembic migrations (refund_desk/migrations/versions).

`upgrade_database` brings any database to the newest revision: an empty one is built by the
migrations; one made before migrations existed (RecordStore's create_all, with records in it) is
first brought to the baseline by the old in-place upgrade, stamped 0001_baseline, then upgraded.
`make run` applies it before starting (`refund-desk db upgrade`); RecordStore applies it on first
use too, so a fresh test database needs nothing else.
"""
from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine

from refund_desk.records import SCHEMA_LOCK_KEY, Base
from refund_desk.security import private_file
from refund_desk.records import _upgrade as upgrade_in_place  # databases older than the baseline

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001_baseline"


def models_metadata() -> MetaData:
    """Every table the code maps (the migrations' target)."""
    from refund_desk import outbox, ratings, staff, takeovers  # noqa: F401  (importing registers their tables)

    return Base.metadata


def alembic_config(connection: Optional[Connection] = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> Optional[str]:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine) -> None:
    """The database at the newest revision, in one transaction; one process at a time (a
    PostgreSQL advisory lock, a lock file beside a SQLite file), so that servers starting together
    do not both create the tables."""
    with _one_at_a_time(engine), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        upgrade_connection(conn)


def upgrade_connection(conn: Connection) -> None:
    config = alembic_config(conn)
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables and "requests" in tables:
        upgrade_in_place(conn)
        command.stamp(config, BASELINE)
    command.upgrade(config, "head")


@contextmanager
def _one_at_a_time(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    private_file(Path(f"{database}.schema-lock"))  # 0600, as the database beside it
    with open(f"{database}.schema-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
