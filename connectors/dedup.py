"""Slack events already answered, kept where a restart does not forget them.

Slack retries an event it thinks was not answered, and an attacker may replay a captured one
(its signature stays valid for five minutes). Keys are kept for an hour (at least five minutes)
in Redis when REDIS_URL is set, else in a small SQLite table (beside the conversations, under
var/ by default): both survive a restart and are shared by every process on the machine.
`claim` checks and marks in one step (a SQLite write transaction, a Redis script), so that of two
Rasa workers or servers given the same event at once, exactly one answers it.
If the store fails, the channel falls back to memory for that check rather than stop answering.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Protocol, TypeVar

from sqlalchemy import Column, Float, MetaData, String, Table, create_engine, delete, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_TTL = 3600.0
MIN_TTL = 300.0

_metadata = MetaData()
seen_events = Table("slack_seen_events", _metadata,
                    Column("key", String(200), primary_key=True),
                    Column("seen_at", Float, nullable=False))


class Seen(Protocol):
    def any_seen(self, keys: Iterable[Optional[str]]) -> bool: ...

    def add(self, keys: Iterable[Optional[str]]) -> None: ...

    def claim(self, keys: Iterable[Optional[str]]) -> bool:
        """True when none of the keys was seen, and then all are marked seen (in one step)."""



def _keys(keys: Iterable[Optional[str]]) -> List[str]:
    return [k[:200] for k in keys if k]


class SqliteSeenEvents:
    """Seen keys in a SQLite file; expired ones are deleted as new ones come in."""

    def __init__(self, path: Path, ttl: float = DEFAULT_TTL, clock=time.time) -> None:
        self.ttl = max(ttl, MIN_TTL)
        self.clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(f"sqlite:///{path}", future=True, hide_parameters=True,
                                            connect_args={"timeout": 2})
        with self.engine.begin() as conn:
            conn.execute(text("BEGIN IMMEDIATE"))  # workers starting together: one creates the table
            _metadata.create_all(conn)

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
        with self.engine.begin() as conn:
            self._mark(conn, wanted, self.clock())

    def claim(self, keys: Iterable[Optional[str]]) -> bool:
        wanted = _keys(keys)
        if not wanted:
            return True
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(text("BEGIN IMMEDIATE"))  # the write lock before the check: one claimer at a time
            seen = conn.execute(select(seen_events.c.key).where(
                seen_events.c.key.in_(wanted), seen_events.c.seen_at > now - self.ttl)).first()
            if seen is None:
                self._mark(conn, wanted, now)
            return seen is None

    def _mark(self, conn, keys: List[str], now: float) -> None:
        for key in keys:
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

    # Every key absent: all set with the expiry, 1; else nothing changes, 0. One script runs alone.
    _CLAIM = ("for _, k in ipairs(KEYS) do if redis.call('EXISTS', k) == 1 then return 0 end end "
              "for _, k in ipairs(KEYS) do redis.call('SET', k, '1', 'EX', ARGV[1]) end return 1")

    def claim(self, keys: Iterable[Optional[str]]) -> bool:
        wanted = [f"refunddesk:slack:{k}" for k in _keys(keys)]
        return not wanted or bool(self.client.eval(self._CLAIM, len(wanted), *wanted, self.ttl))


class FallbackSeenEvents:
    """A stored Seen that falls back to memory while the store fails."""

    def __init__(self, stored: Seen, memory: Seen) -> None:
        self.stored, self.memory = stored, memory

    def any_seen(self, keys: Iterable[Optional[str]]) -> bool:
        keys = list(keys)
        return self.memory.any_seen(keys) or self._stored(lambda: self.stored.any_seen(keys), False)

    def add(self, keys: Iterable[Optional[str]]) -> None:
        keys = list(keys)
        self.memory.add(keys)
        self._stored(lambda: self.stored.add(keys), None)

    def claim(self, keys: Iterable[Optional[str]]) -> bool:
        keys = list(keys)
        return self.memory.claim(keys) and self._stored(lambda: self.stored.claim(keys), True)

    @staticmethod
    def _stored(call: Callable[[], T], memory_only: T) -> T:
        """What the store answers; while it fails, what memory alone says."""
        try:
            return call()
        except Exception as exc:  # noqa: BLE001
            log.warning("Slack de-duplication store unavailable (%s): memory only", type(exc).__name__)
            return memory_only


def stored_seen_events(memory: Seen, ttl: float = DEFAULT_TTL) -> Seen:
    """Redis when REDIS_URL is set, else SQLite beside the conversations (SLACK_DEDUP_DB to choose)."""
    from refund_desk.settings import load_settings

    try:
        settings = load_settings()
        if settings.redis_url:
            return FallbackSeenEvents(RedisSeenEvents(settings.redis_url, ttl), memory)
        return FallbackSeenEvents(SqliteSeenEvents(settings.slack_dedup_db, ttl), memory)
    except Exception as exc:  # noqa: BLE001: Slack must still answer
        log.warning("Slack de-duplication kept in memory only (%s)", type(exc).__name__)
        return memory
