"""Slack events already answered, kept where a restart does not forget them.

Slack retries an event it thinks was not answered, and an attacker may replay a captured one
(its signature stays valid for five minutes). Keys are kept for an hour (at least five minutes)
in Redis when REDIS_URL is set, else in a small SQLite table (beside the conversations, under
var/ by default): both survive a restart and are shared by every process on the machine.
If the store fails, the channel falls back to memory for that check rather than stop answering.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Iterable, List, Optional, Protocol

from sqlalchemy import Column, Float, MetaData, String, Table, create_engine, delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from refund_desk.security import private_file

log = logging.getLogger(__name__)
DEFAULT_TTL = 3600.0
MIN_TTL = 300.0

_metadata = MetaData()
seen_events = Table("slack_seen_events", _metadata,
                    Column("key", String(200), primary_key=True),
                    Column("seen_at", Float, nullable=False))


class Seen(Protocol):
    def any_seen(self, keys: Iterable[Optional[str]]) -> bool: ...

    def add(self, keys: Iterable[Optional[str]]) -> None: ...


def _keys(keys: Iterable[Optional[str]]) -> List[str]:
    return [k[:200] for k in keys if k]


class SqliteSeenEvents:
    """Seen keys in a SQLite file; expired ones are deleted as new ones come in."""

    def __init__(self, path: Path, ttl: float = DEFAULT_TTL, clock=time.time) -> None:
        self.ttl = max(ttl, MIN_TTL)
        self.clock = clock
        private_file(path)  # 0600 in a 0700 folder when it creates them
        self.engine: Engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True,
                                            connect_args={"timeout": 2})
        _metadata.create_all(self.engine)

    def any_seen(self, keys: Iterable[Optional[str]]) -> bool:
        wanted = _keys(keys)
        if not wanted:
            return False
        with self.engine.connect() as conn:
            found = conn.execute(select(seen_events.c.key).where(
                seen_events.c.key.in_(wanted), seen_events.c.seen_at > self.clock() - self.ttl)).first()
        return found is not None

    def add(self, keys: Iterable[Optional[str]]) -> None:
        wanted = _keys(keys)
        if not wanted:
            return
        now = self.clock()
        with self.engine.begin() as conn:
            for key in wanted:
                stmt = sqlite_insert(seen_events).values(key=key, seen_at=now)
                conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"seen_at": now}))
            conn.execute(delete(seen_events).where(seen_events.c.seen_at <= now - self.ttl))


class RedisSeenEvents:
    """Seen keys in Redis with an expiry (shared by several Rasa servers)."""

    def __init__(self, url: str, ttl: float = DEFAULT_TTL) -> None:
        import redis

        self.ttl = int(max(ttl, MIN_TTL))
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def any_seen(self, keys: Iterable[Optional[str]]) -> bool:
        wanted = _keys(keys)
        return bool(wanted) and bool(self.client.exists(*[f"refunddesk:slack:{k}" for k in wanted]))

    def add(self, keys: Iterable[Optional[str]]) -> None:
        for key in _keys(keys):
            self.client.set(f"refunddesk:slack:{key}", "1", ex=self.ttl)


class FallbackSeenEvents:
    """A stored Seen that falls back to memory while the store fails."""

    def __init__(self, stored: Seen, memory: Seen) -> None:
        self.stored, self.memory = stored, memory

    def any_seen(self, keys: Iterable[Optional[str]]) -> bool:
        keys = list(keys)
        if self.memory.any_seen(keys):
            return True
        try:
            return self.stored.any_seen(keys)
        except Exception as exc:  # noqa: BLE001
            log.warning("Slack de-duplication store unavailable (%s): memory only", type(exc).__name__)
            return False

    def add(self, keys: Iterable[Optional[str]]) -> None:
        keys = list(keys)
        self.memory.add(keys)
        try:
            self.stored.add(keys)
        except Exception as exc:  # noqa: BLE001
            log.warning("Slack de-duplication store unavailable (%s): memory only", type(exc).__name__)


def stored_seen_events(memory: Seen, ttl: float = DEFAULT_TTL) -> Seen:
    """Redis when REDIS_URL is set, else SQLite beside the conversations (SLACK_DEDUP_DB to choose)."""
    from refund_desk.settings import PROJECT_ROOT, load_settings

    try:
        settings = load_settings()
        if settings.redis_url:
            return FallbackSeenEvents(RedisSeenEvents(settings.redis_url, ttl), memory)
        path = os.environ.get("SLACK_DEDUP_DB")
        if not path:
            tracker = settings.tracker_store_url or ""
            base = Path(tracker[len("sqlite:///"):]).parent if tracker.startswith("sqlite:///") \
                else PROJECT_ROOT / "var"
            path = str(base / "slack_events.db")
        return FallbackSeenEvents(SqliteSeenEvents(Path(path), ttl), memory)
    except Exception as exc:  # noqa: BLE001: Slack must still answer
        log.warning("Slack de-duplication kept in memory only (%s)", type(exc).__name__)
        return memory
