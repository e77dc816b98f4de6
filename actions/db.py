"""Record-store calls off the event loop: synchronous SQLAlchemy runs in a thread pool with a
time limit, so a slow or hung database holds only the conversation that writes, and that
customer hears "couldn't save yet" within seconds instead of every conversation freezing."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Callable, TypeVar

from actions.runtime import runtime
from refund_desk.records import RecordStoreUnavailable

T = TypeVar("T")
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="records")


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """fn(*args, **kwargs) in the records thread pool; RecordStoreUnavailable after the time limit."""
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(_POOL, partial(fn, *args, **kwargs)),
                                      runtime().settings.database_timeout_seconds)
    except asyncio.TimeoutError as exc:
        raise RecordStoreUnavailable("the database did not answer in time") from exc
