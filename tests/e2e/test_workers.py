"""Two Rasa workers without Redis, as `make run` starts them by default: 50 rapid turns of one
conversation, up to 8 in flight at once, spread over both worker processes.

The SQLite lock store (connectors/lock_store.py) must serve them one at a time in ticket order,
and the shared SQLite tracker store must keep every one: the stored history holds each message
once, each followed by exactly the answer its sender got (turns never interleave), and a message
sent after another's answer came back is stored after it. Nothing here depends on timing: which
turns overlap varies from run to run, and every order the servers may choose is checked.
"""
from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.support.load import play_all, rest_turn, turns_in
from tests.support.servers import running_assistant

pytestmark = pytest.mark.e2e

TURNS, AT_ONCE = 50, 8


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return sorted(found)


def bytes_written(pid: int) -> int:
    """What the process has written so far (/proc/PID/io wchar): a worker writes each turn it takes
    to the tracker store, and nothing while idle."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError(f"no wchar in /proc/{pid}/io")


@pytest.fixture(scope="module")
def two_workers():
    # two workers load the model at once: on a busy 2-core machine that takes longer than one
    with running_assistant(extra_env={"SANIC_WORKERS": "2"}, start_timeout=600) as assistant:
        yield assistant


def test_two_workers_keep_the_order_of_50_rapid_turns_of_one_conversation(two_workers):
    workers = children(two_workers.processes[1].pid)
    assert len(workers) == 2, f"Rasa should run 2 Sanic workers, found {workers}"
    written_before = {w: bytes_written(w) for w in workers}

    sender = f"rapid-{uuid.uuid4().hex[:12]}"
    texts = [f"hello there, message {i}" for i in range(TURNS)]
    sent, answered, replies = [0.0] * TURNS, [0.0] * TURNS, [[]] * TURNS
    lock = threading.Lock()

    def turn(i: int) -> None:
        started = time.monotonic()
        said, _ = rest_turn(two_workers.rasa_url, sender, texts[i])
        with lock:
            sent[i], answered[i], replies[i] = started, time.monotonic(), [r.get("text") or "" for r in said]

    errors = play_all(TURNS, AT_ONCE, turn)
    assert [repr(e) for e in errors] == []
    assert all(replies), "every message got an answer"

    stored = turns_in(two_workers.tracker(sender)["events"])
    stored_texts = [text for text, _ in stored]
    assert sorted(stored_texts) == sorted(texts) and len(stored_texts) == TURNS  # each once, none lost
    position = {text: n for n, text in enumerate(stored_texts)}
    for text, bot in stored:  # each message followed by exactly its own answer: turns never interleave
        assert bot == replies[texts.index(text)], (text, bot)
    for i in range(TURNS):  # a message sent after another's answer is stored after it
        for j in range(TURNS):
            if answered[i] < sent[j]:
                assert position[texts[i]] < position[texts[j]], (texts[i], texts[j])
    overlapping = sum(1 for i in range(TURNS) for j in range(i + 1, TURNS)
                      if sent[j] < answered[i] and sent[i] < answered[j])
    assert overlapping > 0, "some turns were in flight together (else the lock was never needed)"

    worked = {w: bytes_written(w) - written_before[w] for w in workers}
    print(f"\n{TURNS} turns, {overlapping} pairs in flight together; bytes written by each worker: {worked}")
    assert all(n > 0 for n in worked.values()), f"both workers took turns: {worked}"
