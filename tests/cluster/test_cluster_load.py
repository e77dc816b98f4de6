"""`make cluster` under load: 200 whole refund conversations through nginx, turns spread round-robin
over two Rasa servers sharing PostgreSQL (tracker store, records) and Redis (lock store).

Every conversation must end with its record, and each conversation's stored history must hold
exactly its messages, once each, in order, each followed by the answers the customer was given.
Loopback only; bounded (200 conversations, 20 at a time, 60 s per turn at most).
"""
from __future__ import annotations

import json
import random
import threading
import urllib.request
import uuid
from collections import Counter

import pytest

from scripts.cluster import running_cluster
from tests.support.load import REFERENCE, REFUND_SCRIPT, play_all, rest_turn, turns_in

pytestmark = pytest.mark.e2e

CONVERSATIONS, AT_ONCE = 200, 20


def tracker(url: str, sender: str) -> dict:
    with urllib.request.urlopen(f"{url}/conversations/{sender}/tracker", timeout=60) as resp:
        return json.loads(resp.read())


@pytest.fixture(scope="module")
def cluster():
    with running_cluster(log=print) as c:
        yield c


def test_200_conversations_spread_over_two_rasa_servers(cluster):
    played: dict[str, dict] = {}
    lock = threading.Lock()
    # one invoice number per conversation: two customers on one invoice with one e-mail would rightly
    # share one request (records.ACTIVE_INDEX), which this test does not play
    numbers = random.sample(range(100000, 1000000), CONVERSATIONS)

    def customer(i: int) -> None:
        sender, invoice = f"load-{uuid.uuid4().hex[:12]}", f"INV-{numbers[i]}"
        lines = [line.format(invoice=invoice) for line in REFUND_SCRIPT]
        answers, servers = [], []
        for line in lines:  # a lost turn raises: a failure of the test
            replies, headers = rest_turn(cluster.url, sender, line)
            answers.append([r.get("text") or "" for r in replies])
            servers.append(headers.get("X-Rasa-Server", ""))
        with lock:
            played[sender] = {"invoice": invoice, "lines": lines, "answers": answers, "servers": servers}

    errors = play_all(CONVERSATIONS, AT_ONCE, customer)
    assert [repr(e) for e in errors] == [] and len(played) == CONVERSATIONS

    # Turns landed on both Rasa servers, and most conversations moved between them.
    servers_used = Counter(s for p in played.values() for s in p["servers"])
    assert len(servers_used) == 2, servers_used
    assert sum(len(set(p["servers"])) == 2 for p in played.values()) >= CONVERSATIONS // 2

    # Every conversation ended with its reference, and that record is in PostgreSQL.
    result = cluster.cli("requests", "list", "--json")
    assert result.returncode == 0, result.stderr
    records = {r["reference"]: r for r in json.loads(result.stdout)}
    for sender, p in played.items():
        found = REFERENCE.findall(" ".join(p["answers"][3]))
        assert len(found) == 1, (sender, p["answers"])
        record = records.get(found[0])
        assert record is not None and (record["invoice_number"], record["sender_id"]) == (p["invoice"], sender)

    # The stored history: each message once, in order, followed by exactly what the customer got.
    for sender, p in played.items():
        stored = turns_in(tracker(cluster.url, sender)["events"])
        assert [text for text, _ in stored] == p["lines"], sender
        assert [bot for _, bot in stored] == p["answers"], sender
