"""Website chat sessions: each session id bound to the secret the server issued with it.

The socket.io channel issues a new session (id and secret) the first time a browser asks; to
rejoin the conversation after a reload the widget sends both. A session left idle longer than
WIDGET_SESSION_IDLE_HOURS cannot be rejoined, and a message for it starts a new session.

Kept where every Rasa worker process and a restart see it: in Redis when REDIS_URL is set (a key
per session that expires by itself), else in a table of the conversations' database
(TRACKER_STORE_URL, SQLite under var/ by default). Only the secret's SHA-256 is stored.
The store's calls block, so the channel runs them off the event loop.
"""
from __future__ import annotations

import hmac
import logging
import time
from typing import Callable, Optional, Protocol

from sqlalchemy import Column, Float, MetaData, String, Table, create_engine, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from refund_desk.security import new_session_id, new_session_secret, secret_digest

log = logging.getLogger(__name__)
TOUCH_EVERY_SECONDS = 60.0  # the idle clock is moved on at most this often (one write a minute, not per message)
REDIS_PREFIX = "refunddesk:widget-session:"

_metadata = MetaData()
widget_sessions = Table("widget_sessions", _metadata,
                        Column("session_id", String(32), primary_key=True),
                        Column("secret_digest", String(64), nullable=False),
                        Column("last_seen", Float, nullable=False))


class SessionStore(Protocol):
    def issue(self) -> tuple[str, str]:
        """A new session: (id, secret)."""

    def rejoin(self, session_id: str, secret: str) -> bool:
        """Whether this is a live session with this secret (and if so, it is active again)."""

    def active(self, session_id: str) -> bool:
        """Whether this session is live (and if so, it is active again)."""


def _same(digest: Optional[str], secret: str) -> bool:
    return bool(digest) and hmac.compare_digest(digest, secret_digest(secret))


class SqlSessionStore:
    """Sessions in a table of a SQLAlchemy database (idle ones are deleted when met)."""

    def __init__(self, url: str, idle_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.idle_seconds = idle_seconds
        self.touch_every = min(TOUCH_EVERY_SECONDS, idle_seconds / 10)
        self.clock = clock
        args = {"connect_args": {"timeout": 5}} if url.startswith("sqlite") else {"pool_pre_ping": True}
        self.engine: Engine = create_engine(url, future=True, hide_parameters=True, **args)
        self._ready = False

    def _table(self) -> Table:
        if not self._ready:
            try:
                _metadata.create_all(self.engine)
            except OperationalError:  # another worker created it at the same moment
                _metadata.create_all(self.engine)
            self._ready = True
        return widget_sessions

    def issue(self) -> tuple[str, str]:
        session_id, secret = new_session_id(), new_session_secret()
        table = self._table()
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(table.insert().values(session_id=session_id, secret_digest=secret_digest(secret),
                                               last_seen=now))
            conn.execute(delete(table).where(table.c.last_seen < now - self.idle_seconds))
        return session_id, secret

    def _live(self, session_id: str, secret: Optional[str]) -> bool:
        table = self._table()
        now = self.clock()
        with self.engine.begin() as conn:
            row = conn.execute(select(table.c.secret_digest, table.c.last_seen)
                               .where(table.c.session_id == session_id)).first()
            if row is None:
                return False
            if row.last_seen < now - self.idle_seconds:
                conn.execute(delete(table).where(table.c.session_id == session_id))
                return False
            if secret is not None and not _same(row.secret_digest, secret):
                return False
            if row.last_seen < now - self.touch_every:
                conn.execute(update(table).where(table.c.session_id == session_id).values(last_seen=now))
        return True

    def rejoin(self, session_id: str, secret: str) -> bool:
        return self._live(session_id, secret)

    def active(self, session_id: str) -> bool:
        return self._live(session_id, None)


class RedisSessionStore:
    """Sessions as Redis keys that expire after the idle time (shared by several Rasa servers)."""

    def __init__(self, url: str, idle_seconds: float) -> None:
        import redis

        self.idle_ms = max(1, int(idle_seconds * 1000))
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def issue(self) -> tuple[str, str]:
        session_id, secret = new_session_id(), new_session_secret()
        self.client.set(REDIS_PREFIX + session_id, secret_digest(secret), px=self.idle_ms)
        return session_id, secret

    def rejoin(self, session_id: str, secret: str) -> bool:
        digest = self.client.get(REDIS_PREFIX + session_id)
        if not _same(digest.decode() if digest else None, secret):
            return False
        return bool(self.client.pexpire(REDIS_PREFIX + session_id, self.idle_ms))

    def active(self, session_id: str) -> bool:
        return bool(self.client.pexpire(REDIS_PREFIX + session_id, self.idle_ms))


def session_store() -> SessionStore:
    """Redis when REDIS_URL is set, else the conversations' database (TRACKER_STORE_URL)."""
    from refund_desk.settings import load_settings

    settings = load_settings()
    idle_seconds = settings.widget_session_idle_hours * 3600
    if settings.redis_url:
        return RedisSessionStore(settings.redis_url, idle_seconds)
    return SqlSessionStore(settings.tracker_store_url, idle_seconds)
