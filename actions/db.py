"""Record-store calls off the event loop: synchronous SQLAlchemy runs in a thread pool with a
time limit, so a slow or hung database holds only the conversation that writes, and that
customer hears "couldn't save yet" within seconds instead of every conversation freezing.

A call that passed its time limit and has not come back means the database hangs: until it comes
back (for at most HUNG_FOR_SECONDS), further calls fail at once instead of each waiting out its own
limit, so that a turn that needs several (a status look-up) waits one limit, not one per call.
"""
from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, Callable, TypeVar

from actions.runtime import runtime
from refund_desk.records import RecordStoreUnavailable

T = TypeVar("T")
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="records")
HUNG_FOR_SECONDS = 30.0  # after this, a call still not back no longer stops others from trying


class HungCalls:
    """Calls past their time limit that are still running, with when they passed it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: dict[int, float] = {}

    def add(self, call: Future) -> None:
        with self._lock:
            self._since[id(call)] = time.monotonic()
        call.add_done_callback(self._back)  # outside the lock: a finished call runs it at once

    def _back(self, call: Future) -> None:
        with self._lock:
            self._since.pop(id(call), None)

    def hanging(self) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(now - since < HUNG_FOR_SECONDS for since in self._since.values())


HUNG = HungCalls()


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """fn(*args, **kwargs) in the records thread pool; RecordStoreUnavailable after the time limit,
    or at once while an earlier call hangs."""
    if HUNG.hanging():
        raise RecordStoreUnavailable("the database has not answered an earlier call yet")
    call = _POOL.submit(partial(fn, *args, **kwargs))
    try:
        return await asyncio.wait_for(asyncio.wrap_future(call), runtime().settings.database_timeout_seconds)
    except asyncio.TimeoutError as exc:
        HUNG.add(call)
        raise RecordStoreUnavailable("the database did not answer in time") from exc
