"""Rasa's tracker stores, fitted for several Rasa processes: Redis saves without a rebuild, and a
SQLite file shared by the Rasa workers of one machine.

SharedSQLiteTrackerStore is Rasa's SQLTrackerStore on a SQLite file. Rasa's creates its tables
in every worker at start-up, and two workers starting together both find them missing (one logs
"Could not create tables"); here one worker at a time creates them (a file lock on the folder)
and switches the file to WAL (write-ahead log) journaling, so that a worker reading one
conversation never waits for another writing a turn; a writer waits for another writer up to
Python's sqlite3 timeout (5 s). Turns of one conversation never write at once: the lock store
(connectors/lock_store.py) serialises them. Endpoints (written by deploy.endpoints by default):

    tracker_store:
      type: connectors.tracker_store.SharedSQLiteTrackerStore
      dialect: sqlite
      db: /path/to/var/conversations.db

AppendingRedisTrackerStore is Rasa's RedisTrackerStore without rebuilding the stored
conversation on every save.

Rasa Open Source 3.6's RedisTrackerStore.save reads the stored conversation back, rebuilds it as
a tracker (every event replayed), and merges it with the tracker being saved, so that earlier
sessions, which `retrieve` leaves out, are kept. Rasa's merge keeps the tracker being saved as it
is when its events up to the stored last event's time are the stored events. Here that case is
recognised on the JSON: the stored events are exactly the first events of the tracker being
saved, none of them is later than the last, and every new event is later than it (as on every
turn of a conversation); then the rebuild and the merge are skipped. In any other case Rasa's
merge runs as before. Endpoints (written by
deploy.endpoints when REDIS_URL is set):

    tracker_store:
      type: connectors.tracker_store.AppendingRedisTrackerStore
      url: 127.0.0.1
      port: 6379
      db: 0
"""
from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from rasa.core.tracker_store import RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


def continues(stored: Union[str, bytes], serialised: str) -> bool:
    """The serialised conversation is the stored one with later events added (then Rasa's merge
    returns it unchanged: RedisTrackerStore._merge_trackers, travel_back_in_time)."""
    try:
        old = json.loads(stored).get("events") or []
        new = json.loads(serialised).get("events") or []
        if len(old) > len(new) or new[:len(old)] != old:
            return False
        if not old:
            return True
        last = old[-1]["timestamp"]
        return all(e["timestamp"] <= last for e in old) and all(e["timestamp"] > last for e in new[len(old):])
    except (ValueError, TypeError, KeyError, AttributeError):
        return False  # Rasa's path reads it (and raises its own error where it cannot)


class AppendingRedisTrackerStore(RedisTrackerStore):
    """RedisTrackerStore whose save merges with the stored conversation only when it must."""

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)
        if not timeout and self.record_exp:
            timeout = self.record_exp
        key = self.key_prefix + tracker.sender_id
        serialised = self.serialise_tracker(tracker)
        stored = self.red.get(key)
        if stored is not None and not continues(stored, serialised):
            prior = self.deserialise_tracker(tracker.sender_id, stored)
            serialised = self.serialise_tracker(self._merge_trackers(prior, tracker))
        self.red.set(key, serialised, ex=timeout)


@contextmanager
def folder_locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder among the processes of this machine (flock, released on exit).
    Not on the database file itself: closing any descriptor of that file would drop SQLite's locks."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


class SharedSQLiteTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore on a SQLite file that several Rasa worker processes share."""

    def __init__(self, db: str = "rasa.db", **kwargs: Any) -> None:
        folder = Path(db).resolve().parent
        folder.mkdir(parents=True, exist_ok=True)
        with folder_locked(folder):
            super().__init__(db=db, **{**kwargs, "dialect": "sqlite"})
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # kept by the file from now on
