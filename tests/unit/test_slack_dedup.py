"""Slack events are answered once when two Rasa workers (two processes) or servers get them at once:
`claim` checks and marks in one step, in SQLite (one machine) and in Redis (several)."""
from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from connectors.dedup import RedisSeenEvents, SqliteSeenEvents
from connectors.slack import SeenEvents
from tests.support.redis import temporary_redis

KEYS = [f"event:Ev{i}" for i in range(40)]


def _claim_all(store_kind: str, where: str, start: multiprocessing.Barrier, results: multiprocessing.Queue) -> None:
    """One worker process: claims every key (with the same message key beside each, as Slack's
    `message` and `app_mention` events of one message share it), reports the keys it won. Both
    processes open the store at the same moment, as two workers starting together do."""
    start.wait(timeout=30)
    store = SqliteSeenEvents(Path(where)) if store_kind == "sqlite" else RedisSeenEvents(where)
    won = [key for key in KEYS if store.claim([key, f"message:C1:{key}"])]
    results.put(won)


def claims_from_two_processes(store_kind: str, where: str) -> list[list[str]]:
    fork = multiprocessing.get_context("fork")
    start, results = fork.Barrier(2), fork.Queue()
    workers = [fork.Process(target=_claim_all, args=(store_kind, where, start, results)) for _ in range(2)]
    for w in workers:
        w.start()
    won = [results.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    assert [w.exitcode for w in workers] == [0, 0]
    return won


def test_two_processes_sharing_the_sqlite_file_answer_each_event_once(tmp_path):
    first, second = claims_from_two_processes("sqlite", str(tmp_path / "slack_events.db"))
    assert sorted(first + second) == sorted(KEYS)  # every event claimed, none twice


def test_two_servers_sharing_redis_answer_each_event_once():
    with temporary_redis() as url:
        first, second = claims_from_two_processes("redis", url)
    assert sorted(first + second) == sorted(KEYS)


@pytest.mark.parametrize("make", [lambda tmp: SqliteSeenEvents(tmp / "s.db"), lambda tmp: SeenEvents()])
def test_a_claim_covers_every_key_given_and_nothing_else(tmp_path, make):
    seen = make(tmp_path)
    assert seen.claim(["event:Ev1", "message:C1:1", None])
    assert not seen.claim(["event:Ev1"]) and not seen.claim(["message:C1:1", "event:Ev9"])
    assert not seen.any_seen(["event:Ev9"])  # a refused claim marks nothing
    assert seen.claim(["event:Ev9"])

