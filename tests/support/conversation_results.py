"""Outcomes of the customer-conversation suite, collected for the session-end summary.

tests/e2e/test_customer_conversations.py records one entry per conversation it plays;
tests/e2e/conftest.py prints them in pytest_terminal_summary.
"""
from __future__ import annotations

# conversation id -> None when the stored record(s) were right, else the first mismatch
RESULTS: dict[str, str | None] = {}


def summary_lines() -> list[str]:
    if not RESULTS:
        return []
    right = sum(1 for problem in RESULTS.values() if problem is None)
    lines = [f"{right}/{len(RESULTS)} conversations end with the right record"]
    for conv_id, problem in RESULTS.items():
        if problem is not None:
            lines.append(f"  FAIL {conv_id}: {problem}")
    return lines
