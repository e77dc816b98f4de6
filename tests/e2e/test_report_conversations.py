"""The report over conversations played for it on the real servers (REST), read back by the CLI."""
import uuid

import pytest

from tests.e2e.conftest import say
from tests.e2e.test_conversations import reference_in

pytestmark = pytest.mark.e2e


def refund(assistant, sender, invoice, email):
    say(assistant, sender, f"I was charged twice for invoice {invoice} last Tuesday")
    say(assistant, sender, "Ann Ito")
    say(assistant, sender, email)
    return reference_in(say(assistant, sender, "yes"))


def test_the_report_counts_what_happened(assistant):
    before = assistant.cli_json("report")
    email = f"ann.{uuid.uuid4().hex[:6]}@example.com"
    first = refund(assistant, f"rep-{uuid.uuid4().hex[:8]}", "INV-41001", email)
    refund(assistant, f"rep-{uuid.uuid4().hex[:8]}", "INV-41002", email)  # the same customer comes back
    asker = f"rep-{uuid.uuid4().hex[:8]}"
    assert "Did this help?" in say(assistant, asker, "how long does a refund take?")
    assert "glad it helped" in say(assistant, asker, "yes")
    assert "Did this help?" not in say(assistant, asker, "and how do I ask for one?")  # asked once
    say(assistant, f"rep-{uuid.uuid4().hex[:8]}", "I want to talk to a person, I am Bo Lund, bo.lund@example.com")  # contact given: no questions first
    say(assistant, f"rep-{uuid.uuid4().hex[:8]}", "I'd like a refund please")  # and then says nothing more
    assistant.cli("requests", "set-status", first, "in_review", "--note", "checking")
    after = assistant.cli_json("report")
    grew = {k: after[k] - before[k] for k in ("conversations", "resolved_by_assistant", "handed_off", "abandoned",
                                               "requests_opened")}
    # the second refund and the question are resolved; the first refund's customer came back
    assert grew == {"conversations": 5, "resolved_by_assistant": 2, "handed_off": 1, "abandoned": 1,
                    "requests_opened": 3}
    assert after["requests_by_kind"]["handoff"] - before["requests_by_kind"].get("handoff", 0) == 1
    assert after["median_hours_to_status_change"] is not None
    assert after["per_channel"]["rest"]["conversations"] >= 5
    assert after["csat"]["responses"] - before["csat"]["responses"] == 1
