"""The use case: decide a request under the policy and record it, without Rasa."""
from datetime import date
from pathlib import Path

import pytest

from refund_desk.records import RecordStore, RecordStoreUnavailable
from refund_desk.refund_policy_loader import load_refund_policy
from refund_desk.request_use_case import RequestDetails, decide_and_record, hand_off, record_chargeback

POLICY = load_refund_policy(Path(__file__).resolve().parents[2] / "refund_policies" / "pro_it_assist.yml")
TODAY = date(2026, 11, 23)


@pytest.fixture
def store(tmp_path):
    return RecordStore(f"sqlite:///{tmp_path / 'records.db'}")


def details(**over):
    base = dict(kind="refund", invoice_number="INV-20431",
                facts={"service_date": date(2026, 11, 20), "refund_reason": "duplicate_payment"},
                customer_name="Jane Moreau", customer_email="jane@example.com", customer_phone="+1 555 123 4567",
                reason_details="charged twice", channel="rest", sender_id="s-1")
    base.update(over)
    return RequestDetails(**base)


def test_a_refund_is_decided_and_recorded_with_everything(store):
    outcome = decide_and_record(POLICY, store, details(), TODAY)
    record = store.get(outcome.reference)
    assert outcome.saved and outcome.created and outcome.decision.outcome == "eligible"
    assert outcome.reference in outcome.message and "Pro IT Assist's refund policy" in outcome.message
    assert (record["service_date"], record["refund_reason"], record["eligibility"]) == (
        "2026-11-20", "duplicate_payment", "eligible")
    assert record["facts"]["customer_phone"] == "+1 555 123 4567"
    assert record["facts"]["reason_details"] == "charged twice"


def test_a_missing_identifier_is_noted_for_staff(store):
    outcome = decide_and_record(POLICY, store, details(invoice_number=None, invoice_skipped=True), TODAY)
    assert store.get(outcome.reference)["facts"]["identifier_missing"] == \
        "the customer could not give their invoice number"


def test_a_chargeback_record_quotes_the_policy_and_says_what_happens_next(store):
    outcome = record_chargeback(POLICY, store, details(kind="chargeback", facts={}), TODAY)
    assert outcome.reference.startswith("CB-")
    assert "account suspension" in outcome.message and "What happens next" in outcome.message


def test_a_handoff_promises_no_repeat_only_when_something_was_collected(store):
    full = hand_off(POLICY, store, details(kind="handoff"))
    assert "won't have to repeat it" in full.message
    assert store.get(full.reference)["customer_name"] == "Jane Moreau"
    empty = hand_off(POLICY, store, RequestDetails(kind="handoff"))
    assert "won't have to repeat it" not in empty.message and empty.reference.startswith("HO-")


def test_no_database_no_reference(store, monkeypatch):
    def down(request, **kwargs):
        raise RecordStoreUnavailable("down")

    monkeypatch.setattr(store, "open_request", down)
    outcome = decide_and_record(POLICY, store, details(), TODAY)
    assert outcome.reference is None and not outcome.saved
    assert "couldn't save your request" in outcome.message


# ---- issue 15: say only what the policy says ---------------------------------------------------

POLICY_DIR = Path(__file__).resolve().parents[2] / "refund_policies"

def _webpro():
    return load_refund_policy(POLICY_DIR / "webpro_it_solutions.yml")


def test_an_estimate_of_nothing_never_qualifies():
    from refund_desk.eligibility import decide
    from refund_desk.replies import decision_message
    facts = {"refund_reason": "no_longer_needed", "issues_resolved": 2, "service_date": date(2026, 11, 1),
             "amount_paid": 100.0}
    decision = decide(_webpro(), "refund", facts, date(2026, 11, 23))
    said = decision_message(decision, "RF-AAAAAA", True, _webpro())
    assert decision.outcome == "not_eligible" and decision.nothing_refundable
    assert "qualif" not in said and "nothing is refundable" in said


def test_a_written_request_step_says_this_request_counts():
    from refund_desk.eligibility import decide
    from refund_desk.replies import decision_message
    policy = load_refund_policy(POLICY_DIR / "pro_spherent.yml")
    decision = decide(policy, "refund", {"refund_reason": "duplicate_payment", "service_date": date(2026, 11, 20)},
                      date(2026, 11, 23))
    said = decision_message(decision, "RF-AAAAAA", True, policy)
    assert "in writing" in said and "counts as that written request (RF-AAAAAA)" in said


def test_a_cancellation_is_requested_until_staff_confirm_it():
    from refund_desk.eligibility import decide
    from refund_desk.replies import decision_message
    decision = decide(POLICY, "cancellation", {"service_kind": "one_time", "service_date": date(2026, 12, 1)},
                      date(2026, 11, 23))
    said = decision_message(decision, "CX-AAAAAA", True, POLICY)
    assert "cancellation is requested" in said and "once the team confirms it" in said
    assert "qualifies" not in said


def test_where_the_clause_says_review_the_answer_does_not_promise():
    from refund_desk.eligibility import decide
    from refund_desk.replies import decision_message
    facts = {"refund_reason": "no_longer_needed", "issues_resolved": 1, "service_date": date(2026, 11, 1),
             "amount_paid": 100.0}
    decision = decide(_webpro(), "refund", facts, date(2026, 11, 23))  # "at its sole discretion"
    said = decision_message(decision, "RF-AAAAAA", True, _webpro())
    assert decision.outcome == "partial" and "qualifies" not in said
    assert "A partial refund may be granted under the policy" in said
    plain = decide(POLICY, "refund", {"refund_reason": "duplicate_payment", "service_date": date(2026, 11, 20)},
                   date(2026, 11, 23))  # "If you were accidentally charged more than once": nothing to review said
    assert decision_message(plain, "RF-AAAAAA", True, POLICY).startswith("Good news: your request qualifies")
