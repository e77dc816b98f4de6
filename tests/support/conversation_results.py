"""Outcomes of the customer-conversation suites, collected for the session-end summary.

tests/e2e/test_customer_conversations.py records one entry per conversation it plays;
tests/e2e/conftest.py prints them in pytest_terminal_summary, one figure per suite.
"""
from __future__ import annotations

# conversation id -> (suite, None when the stored record(s) were right, else the first mismatch,
# the decision: "right", "wrong" or "missing" where a record with an expected eligibility was expected, else None)
RESULTS: dict[str, tuple[str, str | None, str | None]] = {}


def summary_lines() -> list[str]:
    lines: list[str] = []
    for suite in sorted({suite for suite, _, _ in RESULTS.values()}):
        played = {conv_id: problem for conv_id, (s, problem, _) in RESULTS.items() if s == suite}
        decisions = [decision for s, _, decision in RESULTS.values() if s == suite and decision]
        right = sum(1 for problem in played.values() if problem is None)
        lines.append(f"{suite}: {right}/{len(played)} conversations end with the right record")
        lines.append(f"{suite}: of {len(decisions)} expecting a decision, {decisions.count('right')} right, "
                     f"{decisions.count('wrong')} wrong, {decisions.count('missing')} with no record of the kind")
        lines += [f"  {'WRONG DECISION' if decision == 'wrong' else 'NO RECORD'} {conv_id}"
                  for conv_id, (s, _, decision) in RESULTS.items() if s == suite and decision in ("wrong", "missing")]
        lines += [f"  FAIL {conv_id}: {problem}" for conv_id, problem in played.items() if problem is not None]
    return lines
