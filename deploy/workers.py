"""How many Sanic workers each server gets: decided here, once, for `make run`, the bench and the cluster.

    eval "$(python -m deploy.workers)"   # exports SANIC_WORKERS and ACTION_SERVER_SANIC_WORKERS

* The environment (or .env) wins: SANIC_WORKERS for the Rasa server, ACTION_SERVER_SANIC_WORKERS
  for the action server.
* Rasa: one worker per core, as the conversations and their locks are shared between processes:
  by default the SQL tracker store (a SQLite file) and the SQLite lock store under var/ on one
  machine (connectors/lock_store.py), with REDIS_URL the Redis stores. Only with conversations
  kept in memory (TRACKER_STORE_URL=sqlite:///:memory:) would every worker keep its own copy
  of a conversation: then Rasa gets one worker. Each worker loads the model (about 0.7 GB), so
  memory caps the count.
* The action server holds no conversation state: one worker per core.

Socket.io with several Rasa workers: the widget connects with the websocket transport only,
and a websocket stays on the worker that accepted it. Long-polling sends each poll as its own
HTTP request, which any worker may take, and a worker knows only its own socket.io sessions:
clients that use it need SANIC_WORKERS=1, or several single-worker Rasa servers behind a proxy
with sticky sessions (nginx `ip_hash`, as `make cluster` does).
"""
from __future__ import annotations

import os
import sys
from typing import Mapping, Optional

from refund_desk.settings import Settings, environment, load_settings

MODEL_MEMORY_GB = 1.2  # what one Rasa worker may use (target: under 1.2 GB resident)


def memory_gb() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        return 4.0


def _explicit(values: Mapping[str, str], name: str) -> Optional[int]:
    raw = (values.get(name) or "").strip()
    if not raw:
        return None
    try:
        n = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of workers, not {raw!r}")
    if n < 1:
        raise ValueError(f"{name} must be at least 1, not {n}")
    return n


def worker_counts(environ: Mapping[str, str], shared_stores: bool, cores: int, mem_gb: float) -> tuple[int, int]:
    """(Rasa server workers, action server workers) for this machine and these settings."""
    rasa = _explicit(environ, "SANIC_WORKERS")
    if rasa is None:
        rasa = max(1, min(cores, int(mem_gb // (2 * MODEL_MEMORY_GB)))) if shared_stores else 1
    elif rasa > 1 and not shared_stores:
        raise ValueError("SANIC_WORKERS above 1 needs conversations shared between the workers (a "
                         "TRACKER_STORE_URL not in memory, or REDIS_URL); else each would keep its own")
    actions = _explicit(environ, "ACTION_SERVER_SANIC_WORKERS")
    if actions is None:
        actions = max(1, cores)
    return rasa, actions


def shares_conversations(settings: Settings) -> bool:
    """Whether every Rasa worker sees every conversation (and its lock): not so in memory."""
    return bool(settings.redis_url) or settings.tracker_store_url != "sqlite:///:memory:"


def main() -> int:
    try:
        settings = load_settings()
        rasa, actions = worker_counts(environment(), shares_conversations(settings), os.cpu_count() or 1,
                                      memory_gb())
    except ValueError as exc:
        print(f"refund-desk: {exc}", file=sys.stderr)
        return 1
    print(f"export SANIC_WORKERS={rasa} ACTION_SERVER_SANIC_WORKERS={actions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
