"""The bench's pieces work (no timings asserted): loads against a stand-in REST bot."""
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scripts.bench import (MAX_PROBES, Bot, closed_loop, open_loop, percentile, process_tree, rss_mb,
                           sustained_rate)


class StandIn(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandIn.seen.append((body["sender"], body["message"]))
        reply = [{"text": f"got {body['message']}" + (" RF-ABCDEF" if body["message"] == "yes" else "")}]
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def bot():
    StandIn.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Bot("stand-in", f"http://127.0.0.1:{server.server_port}", ["hi {invoice}", "yes"],
              lambda: [os.getpid()], lambda said: "RF-ABCDEF" in said)
    server.shutdown()


def test_closed_loop_plays_every_turn_of_every_conversation(bot):
    result = closed_loop(bot, concurrency=3, conversations=7)
    assert result["messages"] == 14 and len(StandIn.seen) == 14
    assert len({sender for sender, _ in StandIn.seen}) == 7
    assert result["p50_ms"] <= result["p95_ms"]


def test_a_conversation_that_ends_badly_fails_the_level(bot):
    bot.check_end = lambda said: False
    with pytest.raises(RuntimeError, match="1 conversations failed|conversations failed"):
        closed_loop(bot, concurrency=1, conversations=1)


def test_open_loop_starts_rate_times_window_conversations(bot, monkeypatch):
    monkeypatch.setattr("scripts.bench.random.Random.uniform", lambda self, a, b: 0.01)
    result = open_loop(bot, rate=4, window=1)
    assert (result["conversations"], result["messages"], result["failed"]) == (4, 8, 0)


@pytest.mark.parametrize("limit, lowest_best", [(3, 2), (45, 39)])
def test_rate_search_bisects_within_its_probe_limit(bot, monkeypatch, limit, lowest_best):
    """The highest passing rate found is within 15% of the bot's limit, after at most MAX_PROBES."""
    monkeypatch.setattr("scripts.bench.open_loop", lambda b, rate, window: {
        "rate": rate, "conversations": 1, "messages": 2, "p50_ms": 1.0, "failed": 0,
        "p95_ms": 100.0 if rate <= limit else 900.0})
    best, probes = sustained_rate(bot, window=1, budget_s=60, start_rate=0.5, log=lambda m: None)
    assert lowest_best <= best <= limit and len(probes) <= MAX_PROBES
    assert all(p["ok"] == (p["rate"] <= limit) for p in probes)


@pytest.mark.parametrize("values, q, expected", [([1, 2, 3, 4], 0.5, 2), ([5], 0.95, 5), (list(range(1, 101)), 0.95, 95)])
def test_percentile(values, q, expected):
    assert percentile(values, q) == expected


def test_memory_of_this_process_tree():
    assert os.getpid() in process_tree(os.getpid())
    assert rss_mb(os.getpid()) > 1
