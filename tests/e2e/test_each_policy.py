"""The assistant started on each published refund policy in turn: a refund and a cancellation each.

One model serves every policy: only REFUND_POLICY changes. The form asks what the active policy
needs, so the customer's answers are chosen by the question asked (see QUESTIONS).
"""
import uuid

import pytest

from tests.e2e.conftest import say
from tests.e2e.test_conversations import REFERENCE
from tests.support.servers import PROJECT_ROOT

pytestmark = pytest.mark.e2e

# A phrase of each question the forms ask (domain.yml), and the fact it asks for.
QUESTIONS = [
    ("invoice number?", "invoice"),
    ("Customer ID?", "invoice"),
    ("order ID?", "invoice"),
    ("order number?", "invoice"),
    ("When was the service delivered", "service_date"),
    ("date of the appointment", "service_date"),
    ("When is the appointment", "service_date"),
    ("billing period started", "service_date"),
    ("reason for the refund", "reason"),
    ("Why are you cancelling", "reason"),
    ("or a recurring plan?", "kind"),
    ("or a monthly recurring service", "kind"),
    ("or a subscription", "kind"),
    ("Where does the work stand", "status"),
    ("How many of your issues", "issues"),
    ("How much did you pay", "amount"),
    ("next billing date", "next_billing"),
    ("full name", "name"),
    ("e-mail address should", "email"),
    ("Is that right?", "confirm"),
]

# (policy, kind, opening message, answers by fact, expected outcome, deciding clause, estimate text);
# a cancellation is also asked its date and reason for the record (issue 15)
SCENARIOS = [
    ("pro_it_assist", "refund", "I want a refund",
     {"service_date": "yesterday", "reason": "I was charged twice"}, "eligible", "duplicate_payment", None),
    ("pro_it_assist", "cancellation", "I need to cancel a service",
     {"kind": "a one-time appointment", "service_date": "in 10 days", "reason": "I don't need it anymore"}, "eligible", "cancel_one_time", None),
    ("pro_spherent", "refund", "I want a refund",
     {"service_date": "12 days ago", "reason": "I'm not happy with the result"}, "not_eligible", "submit_request", None),
    ("pro_spherent", "cancellation", "I want to cancel my subscription",
     {"kind": "a recurring plan", "service_date": "10 days ago", "next_billing": "in 20 days", "amount": "300",
      "reason": "I don't need it anymore"},
     "review", "prorated_subscriptions", "200.00"),
    ("webpro_it_solutions", "refund", "I want a refund",
     {"service_date": "20 days ago", "reason": "I don't need it anymore", "issues": "1", "amount": "200"},
     "partial", "end_without_reason", "100.00"),
    ("webpro_it_solutions", "cancellation", "please cancel my plan",
     {"service_date": "10 days ago", "reason": "I'm not happy with the service", "issues": "1", "amount": "300",
      "next_billing": "in 20 days", "kind": "a recurring plan"},
     "partial", "pro_rata_refund", "200.00"),
    ("itmediasolutions", "refund", "I want a refund",
     {"kind": "a one-time appointment", "reason": "I don't need it anymore", "status": "work has not started",
      "service_date": "yesterday"}, "review", "before_start", None),
    ("itmediasolutions", "cancellation", "cancel my monthly seo service",
     {"kind": "a recurring plan", "next_billing": "in 3 days", "reason": "I don't need it anymore"}, "not_eligible", "monthly_cancel_notice", None),
    ("tech_support_004", "refund", "I want a refund",
     {"service_date": "2 days ago", "reason": "There was a mistake by your team"}, "review",
     "partial_refund_or_credit", None),
    ("tech_support_004", "cancellation", "cancel my support subscription",
     {"kind": "a recurring plan", "reason": "I don't need it anymore", "service_date": "10 days ago"}, "eligible", "cancel_anytime", None),
]


CONTACTS = {"pro_it_assist": "proitassist.com", "itmediasolutions": "itmediasolutions.us",
            "webpro_it_solutions": "Solutionsservice.com"}


def answer(reply: str, answers: dict, invoice: str) -> str:
    """The answer to the last question in the bot's reply."""
    asked = [(reply.rfind(phrase), fact) for phrase, fact in QUESTIONS if phrase in reply]
    for _, fact in sorted(asked)[-1:]:
        if fact == "invoice":
            return invoice
        if fact == "name":
            return "Pat Morgan"
        if fact == "email":
            return "tester@example.com"
        if fact == "confirm":
            return "yes"
        return answers[fact]
    raise AssertionError(f"unexpected question: {reply}")


@pytest.fixture(scope="module", params=sorted({s[0] for s in SCENARIOS}))
def assistant_on(request, assistant):
    """The shared servers with the action server restarted on one policy (the model is the same)."""
    assistant.restart_actions(REFUND_POLICY=str(PROJECT_ROOT / "refund_policies" / f"{request.param}.yml"))
    yield request.param, assistant
    assistant.restart_actions(REFUND_POLICY=str(PROJECT_ROOT / "refund_policies" / "pro_it_assist.yml"))


@pytest.mark.parametrize("kind", ["refund", "cancellation"])
def test_conversation_on_each_policy(assistant_on, kind):
    policy, assistant = assistant_on
    (_, _, opening, answers, outcome, clause, estimate), = [s for s in SCENARIOS if s[:2] == (policy, kind)]
    sender, invoice = f"policy-{uuid.uuid4().hex[:8]}", f"INV-{uuid.uuid4().int % 90000 + 10000}"
    reply, transcript = say(assistant, sender, opening), []
    for _ in range(15):
        transcript.append(reply)
        if REFERENCE.search(reply):
            break
        reply = say(assistant, sender, answer(reply, answers, invoice))
    else:
        pytest.fail("no reference after 15 turns:\n" + "\n---\n".join(transcript))
    ref = REFERENCE.search(reply).group(0)
    record = assistant.cli_json("requests", "show", ref)
    assert (record["kind"], record["eligibility"], record["refund_policy"]) == (kind, outcome, policy), reply
    assert record["policy_clauses"][0]["id"] == clause
    assert record["policy_clauses"][0]["text"] in reply  # the customer was told the sentence it rests on
    if estimate:
        assert f"Estimated amount: {estimate}" in reply
    for other, contact in CONTACTS.items():  # no other company's terms or contacts
        if other != policy:
            assert contact not in "\n".join(transcript)
