"""The conversation behind a request, read from Rasa's tracker store as stored (the event JSON),
without Rasa: its SQL tracker store's `events` table, or the Redis tracker store when REDIS_URL
is set. Only what was said is kept: customer and assistant (or staff) texts, in order."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import NoSuchTableError, OperationalError, ProgrammingError

from deploy.endpoints import redis_store
from refund_desk.records import engine_options
from refund_desk.settings import Settings

# Rasa's RedisTrackerStore keys a conversation as "<key_prefix>:tracker:<sender_id>".
REDIS_TRACKER_KEY = "{prefix}:tracker:{sender_id}"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def transcript(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """[{"at", "from": "customer"|"assistant"|"staff", "text"}] from Rasa event dicts, in order.
    A bot message whose metadata says "from": "staff" was written by a person."""
    lines = []
    for event in events:
        kind = event.get("event")
        said = event.get("text")
        if kind not in ("user", "bot") or not isinstance(said, str) or not said:
            continue
        if kind == "user":
            speaker = "customer"
        else:
            speaker = "staff" if (event.get("metadata") or {}).get("from") == "staff" else "assistant"
        lines.append({"at": _iso(event.get("timestamp")), "from": speaker, "text": said})
    return lines


def read_transcript(settings: Settings, sender_id: Optional[str]) -> list[dict[str, Any]]:
    """The conversation's transcript from the tracker store the settings name ([] when unknown)."""
    if not sender_id:
        return []
    events = _redis_events(settings.redis_url, sender_id) if settings.redis_url else \
        _sql_events(settings.tracker_store_url, sender_id)
    return transcript(events)


def _iso(timestamp: Any) -> Optional[str]:
    if not isinstance(timestamp, (int, float)):
        return None
    return datetime.fromtimestamp(timestamp, timezone.utc).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _sql_engine(url: str) -> Engine:
    with _engines_lock:
        if url not in _engines:
            _engines[url] = create_engine(url, future=True, hide_parameters=True, **engine_options(url))
        return _engines[url]


def _sql_events(url: Optional[str], sender_id: str) -> list[dict[str, Any]]:
    if not url:
        return []
    try:
        with _sql_engine(url).connect() as conn:
            rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :sender "
                                     "AND type_name IN ('user', 'bot') ORDER BY id"), {"sender": sender_id})
            return [json.loads(row.data) for row in rows if row.data]
    except (NoSuchTableError, OperationalError, ProgrammingError) as exc:
        if "events" in str(exc) and ("no such table" in str(exc) or "does not exist" in str(exc)):
            return []  # no conversation stored yet
        raise


def _redis_events(url: str, sender_id: str) -> list[dict[str, Any]]:
    import redis  # only with REDIS_URL (Rasa's dependency)

    store = redis_store(url, "tracker_store")
    client = redis.Redis(host=store["url"], port=store["port"], db=store["db"], password=store.get("password"),
                         username=store.get("username"), ssl=store["use_ssl"], socket_timeout=5)
    try:
        stored = client.get(REDIS_TRACKER_KEY.format(prefix=store["key_prefix"], sender_id=sender_id))
    finally:
        client.close()
    return (json.loads(stored).get("events") or []) if stored else []


def all_conversations(settings: Settings, since: Optional[datetime] = None) -> dict[str, list[dict[str, Any]]]:
    """Every conversation with an event since `since` (all when None): sender id -> its events in order."""
    if settings.redis_url:
        return _redis_all(settings.redis_url, since)
    if not settings.tracker_store_url:
        return {}
    after = since.replace(tzinfo=timezone.utc).timestamp() if since else 0.0
    try:
        with _sql_engine(settings.tracker_store_url).connect() as conn:
            rows = conn.execute(text(
                "SELECT sender_id, data FROM events WHERE sender_id IN "
                "(SELECT DISTINCT sender_id FROM events WHERE timestamp >= :after) ORDER BY id"), {"after": after})
            conversations: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                if row.data:
                    conversations.setdefault(row.sender_id, []).append(json.loads(row.data))
            return conversations
    except (NoSuchTableError, OperationalError, ProgrammingError) as exc:
        if "events" in str(exc) and ("no such table" in str(exc) or "does not exist" in str(exc)):
            return {}
        raise


def _redis_all(url: str, since: Optional[datetime]) -> dict[str, list[dict[str, Any]]]:
    import redis  # only with REDIS_URL (Rasa's dependency)

    store = redis_store(url, "tracker_store")
    client = redis.Redis(host=store["url"], port=store["port"], db=store["db"], password=store.get("password"),
                         username=store.get("username"), ssl=store["use_ssl"], socket_timeout=5)
    after = since.replace(tzinfo=timezone.utc).timestamp() if since else 0.0
    prefix = REDIS_TRACKER_KEY.format(prefix=store["key_prefix"], sender_id="")
    conversations = {}
    try:
        for key in client.scan_iter(match=prefix + "*"):
            stored = client.get(key)
            events = (json.loads(stored).get("events") or []) if stored else []
            if any((e.get("timestamp") or 0) >= after for e in events):
                conversations[key.decode()[len(prefix):]] = events
    finally:
        client.close()
    return conversations
