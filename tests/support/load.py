"""Load over REST, shared by `make bench` (scripts/bench.py), the cluster load test and the workers test:
the refund conversation customers play, sending a turn, playing many at once, reading a stored history."""
from __future__ import annotations

import json
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

REFERENCE = re.compile(r"\bRF-[A-Z2-9]{6}\b")
# A whole refund request that ends with a record and its reference ({invoice}: the customer's own).
REFUND_SCRIPT = [
    "I was charged twice for invoice {invoice} yesterday",
    "Jane Doe",
    "jane.doe@example.com",
    "yes",
    "thanks",
]


def rest_turn(base_url: str, sender: str, text: str, timeout: float = 60) -> tuple[list[dict[str, Any]], Any]:
    """One message over the REST channel: (the bot's messages, the response headers)."""
    req = urllib.request.Request(f"{base_url}/webhooks/rest/webhook",
                                 data=json.dumps({"sender": sender, "message": text}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read()), resp.headers


def play_all(count: int, at_once: int, play: Callable[[int], None]) -> list[BaseException]:
    """play(0) ... play(count - 1), `at_once` at a time, each on a thread; returns what failed."""
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        futures = [pool.submit(play, i) for i in range(count)]
    return [f.exception() for f in futures if f.exception() is not None]


def turns_in(events: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(user text, the bot texts that followed it) for each user message, in stored order."""
    turns: list[tuple[str, list[str]]] = []
    for e in events:
        if e.get("event") == "user":
            turns.append((e.get("text"), []))
        elif e.get("event") == "bot" and turns:
            turns[-1][1].append(e.get("text") or "")
    return turns
