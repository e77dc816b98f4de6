"""Policy questions are answered by quoting the active refund policy, and only it."""
from pathlib import Path

import pytest

from refund_desk.policy_answers import answer_policy_question, detect_topic
from refund_desk.refund_policy_loader import load_refund_policy
from refund_desk.records import customer_view
from refund_desk.replies import status_message

POLICIES = Path(__file__).resolve().parents[2] / "refund_policies"
OTHER_CONTACTS = {"pro_it_assist": "proitassist.com", "itmediasolutions": "itmediasolutions.us",
                  "webpro_it_solutions": "Solutionsservice.com"}


def policy(name):
    return load_refund_policy(POLICIES / f"{name}.yml")


@pytest.mark.parametrize("question, topic", [
    ("how long does a refund take?", "timeline"),
    ("what services can't be refunded?", "non_refundable"),
    ("how do I request a refund?", "process"),
    ("what happens if I cancel my appointment?", "cancellation"),
    ("can I get money back for a monthly plan?", "subscription"),
    ("what about chargebacks?", "chargeback"),
    ("how do I contact you?", "contact"),
    ("what's your refund policy?", "refundable"),
    ("tell me about your terms", "general"),
])
def test_topics(question, topic):
    assert detect_topic(question) == topic


@pytest.mark.parametrize("name, question, quoted", [
    ("pro_it_assist", "how long does a refund take?", "within 7–10 business days of approval"),
    ("pro_it_assist", "what about chargebacks?", "may result in account suspension"),
    ("pro_it_assist", "how do I contact you?", "(914) 297-8173"),
    ("pro_spherent", "how long does a refund take?", "7–14 business days"),
    ("pro_spherent", "can I get money back for a subscription?", "pro-rated refunds for the unused portion"),
    ("webpro_it_solutions", "what if I cancel?", "You are free to cancel your subscription anytime"),
    ("itmediasolutions", "what if I cancel my monthly service?", "at least seven (7) days before the next billing cycle"),
    ("tech_support_004", "how do I request a refund?", "within 7 days"),
])
def test_answers_quote_the_active_policy(name, question, quoted):
    text, clauses = answer_policy_question(policy(name), question)
    assert quoted in text and clauses
    for other, contact in OTHER_CONTACTS.items():
        if other != name:
            assert contact not in text


@pytest.mark.parametrize("name", ["pro_spherent", "webpro_it_solutions", "itmediasolutions", "tech_support_004"])
def test_a_topic_the_policy_does_not_cover_says_so(name):
    text, clauses = answer_policy_question(policy(name), "what about chargebacks?")
    assert clauses == [] and "doesn't say anything about that" in text
    assert "proitassist.com" not in text


def record(status, eligibility="eligible", note=None, for_customer=True):
    history = [{"note": "opened"}] + ([{"note": note, "for_customer": for_customer}] if note else [])
    return customer_view({"kind": "refund", "reference": "RF-ABCDEF", "invoice_number": "INV-1", "status": status,
                          "eligibility": eligibility, "created_at": "2026-11-21T10:00:00Z", "history": history,
                          "customer_name": "Jane Doe", "customer_email": "jane@example.com"})


@pytest.mark.parametrize("status, says, not_says", [
    ("open", "3–5 business days", None),
    ("in_review", "reviewing it now", None),
    ("approved", "7–10 business days", "3–5 business days"),
    ("denied", "support@proitassist.com", "7–10 business days"),
])
def test_status_tells_what_happens_next(status, says, not_says):
    text = status_message(record(status, note="checked"), policy("pro_it_assist"))
    assert "RF-ABCDEF" in text and says in text and "checked" in text
    if not_says:
        assert not_says not in text


@pytest.mark.parametrize("question, quoted", [
    ("A service credit instead?", "a refund or service credit is appropriate"),
    ("could I get store credit rather than money back", "service credit"),
    ("Refund by cheque?", "original payment method"),
    ("can you send it to a different card?", "original payment method"),
    ("so no refund for the rest of the month? that's not fair", "prorated refunds"),
    ("will my account get suspended?", "account suspension"),
    ("what happens if I do the chargeback anyway?", "account suspension"),
])
def test_answers_fit_the_question(question, quoted):
    text, clauses = answer_policy_question(policy("pro_it_assist"), question)
    assert quoted in text and clauses


@pytest.mark.parametrize("question", ["do you refund in bitcoin?", "is there a loyalty discount?",
                                      "can my neighbour ask for me?"])
def test_where_the_policy_is_silent_it_says_so_not_the_general_clause(question):
    text, clauses = answer_policy_question(policy("pro_it_assist"), question)
    assert clauses == [] and "doesn't say anything about that" in text
    assert "support@proitassist.com" in text
    assert "non-refundable once delivered" not in text


def test_a_policy_that_names_no_company_says_our_refund_policy():
    text, _ = answer_policy_question(policy("tech_support_004"), "do you refund in bitcoin?")
    assert text.startswith("Our refund policy doesn't say") and "unnamed" not in text


def test_a_staff_only_note_and_personal_data_are_not_shown():
    text = status_message(record("in_review", note="customer seems to be lying", for_customer=False),
                          policy("pro_it_assist"))
    assert "lying" not in text and "jane" not in text.lower() and "INV-1" not in text
    assert "reviewing it now" in text
