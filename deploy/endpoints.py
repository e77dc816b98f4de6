"""Rasa's endpoints file for the current settings.

* The action server, with the shared secret it requires (generated into var/secrets.env on
  first run) sent as a bearer token; the file is written mode 0600.
* Conversations are kept in a SQL tracker store (a SQLite file under var/ by default,
  TRACKER_STORE_URL to choose), so a restart loses nothing; on SQLite our subclass, which the
  Rasa workers of one machine share safely (WAL journal, tables created by one worker).
* Each conversation's messages are taken one at a time, in order, by every Rasa worker of the
  machine: a lock store in a SQLite file beside the conversations (var/locks.db by default).
* Where one machine is not enough, Redis keeps the conversations (tracker store) and serialises
  each conversation's messages (lock store), so several Rasa servers can share the load.

    python -m deploy.endpoints var/endpoints.runtime.yml
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import urlparse

import yaml

from refund_desk.security import ensure_secrets, write_private
from refund_desk.settings import Settings, load_settings, sqlite_file


ATOMIC_LOCK_STORE = "connectors.lock_store.AtomicRedisLockStore"
SQLITE_LOCK_STORE = "connectors.lock_store.SQLiteLockStore"
APPENDING_TRACKER_STORE = "connectors.tracker_store.AppendingRedisTrackerStore"
SHARED_SQLITE_TRACKER_STORE = "connectors.tracker_store.SharedSQLiteTrackerStore"


def redis_store(url: str, kind: str) -> dict[str, Any]:
    """A Rasa tracker- or lock-store entry from a redis:// (or rediss://) URL."""
    parts = urlparse(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(f"REDIS_URL must look like redis://host:6379/0, not {url!r}")
    db = int(parts.path.strip("/") or 0)
    # Rasa accepts only an alphanumeric key prefix
    store: dict[str, Any] = {"type": "redis", "url": parts.hostname, "port": parts.port or 6379,
                             "db": db if kind == "tracker_store" else db + 1,
                             "key_prefix": "refunddesk", "use_ssl": parts.scheme == "rediss"}
    if parts.password:
        store["password"] = parts.password
    if parts.username:
        store["username"] = parts.username
    return store


def sql_tracker_store(url: str) -> dict[str, Any]:
    """Rasa's SQL tracker store entry from a SQLAlchemy URL (sqlite:///path or postgresql://...)."""
    if url == "sqlite:///:memory:":  # one process's own: conversations not shared, lost on restart
        return {"type": "SQL", "dialect": "sqlite", "db": ":memory:"}
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"type": SHARED_SQLITE_TRACKER_STORE, "dialect": "sqlite", "db": str(path)}
    scheme = urlparse(url).scheme
    if not scheme or not urlparse(url).hostname:
        raise ValueError(f"TRACKER_STORE_URL must look like postgresql://user:pw@host/db or "
                         f"sqlite:///path, not {url.split('@')[-1]!r}")
    return {"type": "SQL", "dialect": scheme.split("+")[0], "url": url}


def rasa_endpoints(settings: Settings) -> dict[str, Any]:
    action: dict[str, Any] = {"url": settings.action_server_url}
    if settings.action_server_secret:
        action["headers"] = {"Authorization": f"Bearer {settings.action_server_secret}"}
    endpoints: dict[str, Any] = {"action_endpoint": action}
    if settings.redis_url:
        # Rasa's RedisTrackerStore rebuilds the stored conversation on every save; ours only when it must.
        endpoints["tracker_store"] = {**redis_store(settings.redis_url, "tracker_store"),
                                      "type": APPENDING_TRACKER_STORE}
        # Rasa's RedisLockStore is not atomic across servers (GET, then SET); ours is (connectors/lock_store.py).
        endpoints["lock_store"] = {**redis_store(settings.redis_url, "lock_store"), "type": ATOMIC_LOCK_STORE}
    else:
        if settings.tracker_store_url:
            endpoints["tracker_store"] = sql_tracker_store(settings.tracker_store_url)
        # Rasa's in-memory lock store holds in one process; this one in every worker of the machine.
        endpoints["lock_store"] = {"type": SQLITE_LOCK_STORE, "path": str(settings.lock_store_db)}
    return endpoints


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m deploy.endpoints OUTPUT.yml", file=sys.stderr)
        return 2
    try:
        ensure_secrets()
        endpoints = rasa_endpoints(load_settings())
    except ValueError as exc:
        print(f"refund-desk: {exc}", file=sys.stderr)
        return 1
    write_private(Path(args[0]), "# Written by deploy.endpoints from the settings; do not edit.\n"
                  "# It holds the action server's secret: keep it private.\n"
                  + yaml.safe_dump(endpoints, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
