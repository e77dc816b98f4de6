"""`make bench`: scripted conversations over REST against the real servers; prints latency and throughput.

Each conversation is a whole refund request (5 turns, one record written). Runs at 1 and at 10
concurrent conversations, on loopback only, bounded in count.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.servers import running_assistant  # noqa: E402

REFERENCE = re.compile(r"\bRF-[A-Z2-9]{6}\b")
SCRIPT = [
    "I was charged twice for invoice {invoice} yesterday",
    "Jane Doe",
    "jane.doe@example.com",
    "yes",
    "thanks",
]


def conversation(assistant, latencies: list[float], lock: threading.Lock) -> None:
    """One whole refund request; fails unless it ends with a reference (a record really written)."""
    sender, invoice = f"bench-{uuid.uuid4().hex[:10]}", f"INV-{uuid.uuid4().int % 900000 + 100000}"
    said = ""
    for line in SCRIPT:
        started = time.perf_counter()
        replies = assistant.send(sender, line.format(invoice=invoice))
        elapsed = time.perf_counter() - started
        if not replies:
            raise RuntimeError(f"no reply to {line!r}")
        said += " ".join(r.get("text") or "" for r in replies)
        with lock:
            latencies.append(elapsed)
    if not REFERENCE.search(said):
        raise RuntimeError(f"conversation {sender} ended without a reference: {said[-300:]}")


def run_level(assistant, concurrency: int, conversations: int) -> dict[str, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = list(range(conversations))

    def worker() -> None:
        while True:
            with lock:
                if not remaining:
                    return
                remaining.pop()
            conversation(assistant, latencies, lock)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "messages": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[max(0, int(round(0.95 * len(ordered))) - 1)] * 1000,
        "per_s": len(ordered) / wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=20, help="conversations per level")
    args = parser.parse_args()
    with running_assistant() as assistant:
        run_level(assistant, 1, 2)  # warm-up: first-turn costs (model graph, DB schema)
        print(f"Refund Desk over REST, {len(SCRIPT)}-turn refund conversations, "
              f"{args.conversations} per level (action server + Rasa server on this machine)")
        print(f"{'concurrent':>10} {'messages':>9} {'p50 ms':>8} {'p95 ms':>8} {'msgs/s':>8}")
        for level in (1, 10):
            r = run_level(assistant, level, args.conversations)
            print(f"{level:>10} {r['messages']:>9} {r['p50_ms']:>8.0f} {r['p95_ms']:>8.0f} {r['per_s']:>8.1f}")
        records = assistant.cli_json("requests", "list")
        print(f"records opened: {len(records)} (every conversation ended with its reference)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
