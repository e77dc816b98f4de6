"""Concurrent turns of one conversation on two Rasa servers sharing Redis, or two Rasa worker
processes sharing a SQLite file: does the lock hold?

Rasa's RedisLockStore reads the ticket lock, changes it in Python and writes it back. When two
servers issue a ticket at the same moment, both read the lock before either writes: the tests
force that interleaving with a barrier after the read, and show that both servers then hold the
lock at once. connectors.lock_store.AtomicRedisLockStore (WATCH/MULTI/EXEC) issues two tickets.
A stress test then runs many concurrent turns of one conversation through two store instances
(two servers) and checks that no two are ever inside at once and none fails.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from pathlib import Path
from typing import Any, Optional

import pytest
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from connectors.lock_store import AtomicRedisLockStore, SQLiteLockStore
from tests.support.redis import temporary_redis


@pytest.fixture(scope="module")
def redis_url():
    with temporary_redis() as url:
        yield url


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


class SlowReadRasaStore(RedisLockStore):
    """Rasa's store, with both servers' reads made to happen before either write."""

    def __init__(self, barrier: threading.Barrier, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.barrier, self.first = barrier, True

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        lock = super().get_lock(conversation_id)
        if self.first:
            self.first = False
            self.barrier.wait(timeout=5)
        return lock


class SlowReadAtomicStore(AtomicRedisLockStore):
    def __init__(self, barrier: threading.Barrier, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.barrier, self.first = barrier, True

    def _read(self, pipe: Any, key: str) -> Optional[TicketLock]:
        lock = super()._read(pipe, key)
        if self.first:
            self.first = False
            self.barrier.wait(timeout=5)
        return lock


def tickets_issued_at_once(store_class: type, url: str, conversation: str) -> list[int]:
    """Two servers (two store instances) issue a ticket for one conversation at the same moment."""
    barrier = threading.Barrier(2)
    stores = [store_class(barrier, host="127.0.0.1", port=_port(url), db=1) for _ in range(2)]
    tickets: list[int] = []
    threads = [threading.Thread(target=lambda s=s: tickets.append(s.issue_ticket(conversation)))
               for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    return sorted(tickets)


@pytest.mark.parametrize("store_class, expected", [
    (SlowReadRasaStore, [0, 0]),   # the race: both servers got ticket 0, both may run the turn
    (SlowReadAtomicStore, [0, 1]),  # ours: the second write is retried and gets the next ticket
])
def test_tickets_issued_at_the_same_moment(redis_url, store_class, expected):
    assert tickets_issued_at_once(store_class, redis_url, f"race-{store_class.__name__}") == expected


def test_the_rasa_race_lets_both_servers_in(redis_url):
    """With ticket 0 issued twice, both servers find the lock theirs: two turns run at once."""
    conversation = "race-both-in"
    assert tickets_issued_at_once(SlowReadRasaStore, redis_url, conversation) == [0, 0]
    lock = RedisLockStore(host="127.0.0.1", port=_port(redis_url), db=1).get_lock(conversation)
    assert lock is not None and not lock.is_locked(0)


def concurrent_turns(store_class: type, url: str, turns: int = 60) -> tuple[int, int]:
    """Turns of one conversation spread over two servers' stores, each run on its own thread.

    Returns (the most turns ever inside the lock at once, turns that failed).
    """
    stores = [store_class(host="127.0.0.1", port=_port(url), db=1) for _ in range(2)]
    inside, most, failed = [0], [0], [0]
    guard = threading.Lock()

    async def turn(store: Any) -> None:
        async with store.lock("one-conversation", lock_lifetime=60, wait_time_in_seconds=0.001):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.002)
            with guard:
                inside[0] -= 1

    def run(i: int) -> None:
        try:
            asyncio.run(turn(stores[i % 2]))
        except Exception:  # noqa: BLE001 - counted: a turn the customer would see fail
            with guard:
                failed[0] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(turns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return most[0], failed[0]


def test_concurrent_turns_of_one_conversation_run_one_at_a_time(redis_url):
    most, failed = concurrent_turns(AtomicRedisLockStore, redis_url)
    assert (most, failed) == (1, 0)


def test_built_from_an_endpoints_entry(redis_url):
    config = EndpointConfig(url="127.0.0.1", type="connectors.lock_store.AtomicRedisLockStore",
                            port=_port(redis_url), db=1, key_prefix="refunddesk")
    store = AtomicRedisLockStore(endpoint_config=config)
    ticket = store.issue_ticket("from-endpoints")
    assert store.get_lock("from-endpoints").last_issued == ticket
    assert store.key_prefix.startswith("refunddesk")
    store.cleanup("from-endpoints", ticket)
    assert store.get_lock("from-endpoints") is None


# --------------------------------------------------------------------------------------------
# The SQLite lock store: the Rasa workers of one machine, without Redis (the default of `make run`)


def _turns_in_one_process(path: str, log: str, inside: str, tasks: int, turns: int) -> None:
    """One worker process: `tasks` concurrent senders of `turns` messages each to one conversation.
    Inside the lock each writes the ticket being served to `log`, and holds `inside` (created
    exclusively: a second process or task inside at the same time fails on it)."""
    store = SQLiteLockStore(path=path)

    async def sender() -> None:
        for _ in range(turns):
            async with store.lock("one-conversation", lock_lifetime=60, wait_time_in_seconds=0.001) as lock:
                marker = os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                with open(log, "a") as f:
                    f.write(f"{lock.now_serving}\n")
                await asyncio.sleep(0.001)
                os.close(marker)
                os.unlink(inside)

    async def all_senders() -> None:
        await asyncio.gather(*(sender() for _ in range(tasks)))

    asyncio.run(all_senders())


def test_two_worker_processes_take_turns_one_at_a_time_in_ticket_order(tmp_path):
    """2 processes x 4 senders x 10 messages of one conversation: never two inside at once, none
    fails, every turn served, and tickets served in the order issued (each the one after the
    last, or 0 when the queue had emptied and the lock was removed)."""
    path, log, inside = str(tmp_path / "locks.db"), str(tmp_path / "served"), str(tmp_path / "inside")
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=_turns_in_one_process, args=(path, log, inside, 4, 10)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    served = [int(line) for line in Path(log).read_text().split()]
    assert len(served) == 80
    assert all(t == 0 or t == before + 1 for before, t in zip([-1] + served, served)), served
    assert SQLiteLockStore(path=path).get_lock("one-conversation") is None  # cleaned up after the last turn


def test_sqlite_lock_store_from_an_endpoints_entry(tmp_path):
    config = EndpointConfig(type="connectors.lock_store.SQLiteLockStore", path=str(tmp_path / "v" / "locks.db"))
    store = LockStore.create(config)
    assert isinstance(store, SQLiteLockStore)
    assert (tmp_path / "v" / "locks.db").stat().st_mode & 0o777 == 0o600
    first, second = store.issue_ticket("c"), store.issue_ticket("c")
    assert (first, second) == (0, 1) and store.get_lock("c").now_serving == 0
    store.cleanup("c", first)
    assert store.get_lock("c").now_serving == 1
    store.cleanup("c", second)
    assert store.get_lock("c") is None
    # Rasa lets several Sanic workers run only with a lock store it believes holds across them
    from rasa.core.utils import number_of_sanic_workers

    os.environ["SANIC_WORKERS"] = "2"
    try:
        assert number_of_sanic_workers(config) == 2
    finally:
        del os.environ["SANIC_WORKERS"]
