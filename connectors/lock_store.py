"""Lock stores whose ticket operations are atomic across Rasa servers and Sanic workers.

Rasa keeps a conversation's turns in order with a ticket lock: each message takes the next
ticket, waits until its ticket is the one served, and hands the lock on when done. Rasa Open
Source 3.6's RedisLockStore changes a lock with a GET, a change in Python, then a SET. Two
processes taking a message of the same conversation at the same moment can both read the lock
before either writes it: both are issued the same ticket number and both process their message
at once (one turn's events overwrite the other's), or one process's clean-up deletes the lock
while the other is waiting on it (its message fails with "Could not acquire lock").
tests/unit/test_lock_store.py shows both with Rasa's class. Its in-memory store holds in one
process only, so Rasa refuses a second worker with it.

Here each read-change-write is one transaction, so every ticket is issued, served and removed
exactly once:

* AtomicRedisLockStore: an optimistic Redis transaction (WATCH the key, MULTI, EXEC, retried
  when another writer got in first), for several Rasa servers (REDIS_URL);
* SQLiteLockStore: a SQLite write transaction (BEGIN IMMEDIATE) on a file under var/, for the
  Rasa workers of one machine without Redis (the default of `make run`).

A waiting message looks at the lock every 50 ms instead of Rasa's every second, so a message
that arrives while its conversation's previous turn runs waits for that turn, not a second.
Endpoints (written by deploy.endpoints):

    lock_store:                                   lock_store:
      type: connectors.lock_store.SQLiteLockStore   type: connectors.lock_store.AtomicRedisLockStore
      path: /path/to/var/locks.db                   url: 127.0.0.1
                                                    port: 6379
                                                    db: 1
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncGenerator, Callable, Optional, Text, Tuple

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

_KEEP = object()  # a change that leaves the stored lock as it is
POLL_SECONDS = 0.05  # how often a waiting message looks at its conversation's lock
Change = Callable[[Optional[TicketLock]], Tuple[Any, Any]]  # lock -> (new lock, None or _KEEP; result)


class AtomicLockStore(LockStore):
    """Issue, finish, expire and clean up a ticket lock, each in one atomic read-change-write."""

    def _atomically(self, conversation_id: Text, change: Change) -> Any:
        """Reads the lock, applies `change`, stores what it returns (None: delete), all at once."""
        raise NotImplementedError

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = POLL_SECONDS) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime,
                                min(wait_time_in_seconds, POLL_SECONDS)) as ticket_lock:
            yield ticket_lock

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]) -> Tuple[Any, Any]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomically(conversation_id, change)
        except Exception as e:  # noqa: BLE001: Rasa expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Any, Any]:
            if lock is None:
                return _KEEP, None
            lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove the ticket; delete the lock only when no ticket is left, in the same transaction."""
        def change(lock: Optional[TicketLock]) -> Tuple[Any, Any]:
            if lock is None:
                return _KEEP, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._atomically(conversation_id, change)


class AtomicRedisLockStore(AtomicLockStore, RedisLockStore):
    """RedisLockStore with atomic issue, finish, expire and clean-up."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            options = dict(endpoint_config.kwargs)
            options.pop("type", None)
            kwargs = {"host": endpoint_config.url or "localhost", **options, **kwargs}
        super().__init__(**kwargs)

    # One read-change-write, retried until no other writer touched the key in between.
    def _atomically(self, conversation_id: Text, change: Change) -> Any:
        key = self.key_prefix + conversation_id
        while True:
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    lock = self._read(pipe, key)
                    new, result = change(lock)
                    if new is _KEEP:
                        pipe.unwatch()
                        return result
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def _read(self, pipe: Any, key: Text) -> Optional[TicketLock]:
        raw = pipe.get(key)
        return TicketLock.from_dict(json.loads(raw)) if raw else None


class SQLiteLockStore(AtomicLockStore):
    """Ticket locks in a SQLite file that the Rasa worker processes of one machine share.

    The file is created mode 0600 (it names conversations); WAL journal, so that readers never
    wait for a writer; each process opens its own connection (a forked worker included).
    """

    BUSY_TIMEOUT_SECONDS = 5.0  # a transaction here takes microseconds; this only bounds a stuck one

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, path: Optional[str] = None) -> None:
        chosen = path or (endpoint_config.kwargs.get("path") if endpoint_config is not None else None)
        if not chosen:
            raise ValueError("SQLiteLockStore needs `path`: the SQLite file of the locks")
        self.path = Path(chosen)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._mutex = threading.Lock()  # one statement sequence at a time on this process's connection
        self._connection: Optional[sqlite3.Connection] = None
        self._pid = 0
        self._db().execute("CREATE TABLE IF NOT EXISTS ticket_locks "
                           "(conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")
        super().__init__()

    def _db(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            # isolation_level=None: no implicit transactions; ours are explicit (BEGIN IMMEDIATE)
            connection = sqlite3.connect(self.path, timeout=self.BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # locks live seconds: no fsync per change
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def _atomically(self, conversation_id: Text, change: Change) -> Any:
        with self._mutex:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")  # the write lock first: no other process reads in between
            try:
                lock = self._read(db, conversation_id)
                new, result = change(lock)
                if new is None:
                    db.execute("DELETE FROM ticket_locks WHERE conversation_id = ?", (conversation_id,))
                elif new is not _KEEP:
                    self._write(db, new)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return result

    @staticmethod
    def _read(db: sqlite3.Connection, conversation_id: Text) -> Optional[TicketLock]:
        row = db.execute("SELECT lock FROM ticket_locks WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    @staticmethod
    def _write(db: sqlite3.Connection, lock: TicketLock) -> None:
        db.execute("INSERT OR REPLACE INTO ticket_locks (conversation_id, lock) VALUES (?, ?)",
                   (lock.conversation_id, lock.dumps()))

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        with self._mutex:
            return self._read(self._db(), conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        with self._mutex:
            self._write(self._db(), lock)

    def delete_lock(self, conversation_id: Text) -> None:
        with self._mutex:
            self._db().execute("DELETE FROM ticket_locks WHERE conversation_id = ?", (conversation_id,))
