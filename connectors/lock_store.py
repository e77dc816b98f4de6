"""A Redis lock store whose ticket operations are atomic across Rasa servers and Sanic workers.

Rasa Open Source 3.6's RedisLockStore changes a conversation's ticket lock with a GET, a change
in Python, then a SET. Two servers taking a message of the same conversation at the same moment
can both read the lock before either writes it: both are issued the same ticket number and both
process their message at once (one turn's events overwrite the other's), or one server's clean-up
deletes the lock while the other is waiting on it (its message fails with "Could not acquire
lock"). tests/unit/test_lock_store.py shows both with Rasa's class.

Here each read-change-write is one optimistic Redis transaction (WATCH the key, MULTI, EXEC,
retry when another writer got in first), so every ticket is issued, served and removed exactly
once. Endpoints (written by refund_desk.deployment when REDIS_URL is set):

    lock_store:
      type: connectors.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      port: 6379
      db: 1
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, Tuple

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

_KEEP = object()  # a change that leaves the stored lock as it is


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore with atomic issue, finish, expire and clean-up."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            options = dict(endpoint_config.kwargs)
            options.pop("type", None)
            kwargs = {"host": endpoint_config.url or "localhost", **options, **kwargs}
        super().__init__(**kwargs)

    # One read-change-write, retried until no other writer touched the key in between.
    def _atomically(self, conversation_id: Text,
                    change: Callable[[Optional[TicketLock]], Tuple[Any, Any]]) -> Any:
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

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]) -> Tuple[Any, Any]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomically(conversation_id, change)
        except redis.RedisError as e:
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
