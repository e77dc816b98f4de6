"""What a record keeps beside what decides it: a cancellation's date and reason, a chargeback's refund facts."""
from datetime import date
from pathlib import Path

import pytest

from refund_desk.eligibility import asked_facts, decides, weigh
from refund_desk.form_reading import read_message
from refund_desk.refund_policy_loader import load_refund_policy

POLICIES = Path(__file__).resolve().parents[2] / "refund_policies"
TODAY = date(2026, 12, 6)


def policy(name):
    return load_refund_policy(POLICIES / f"{name}.yml")


@pytest.mark.parametrize("name, kind, known, expected", [
    # the policy decides on the kind and the date; the record also keeps why
    ("pro_it_assist", "cancellation", {}, ["service_kind", "service_date", "refund_reason"]),
    # a plan weighed by its next billing date: that date says when, no other date is asked
    ("itmediasolutions", "cancellation", {"service_kind": "recurring"},
     ["service_kind", "next_billing_date", "refund_reason"]),
    # what the policy decides a cancellation on (the reason, the issues resolved), then what is cancelled
    # (a plan or a one-time fix: the record says, though WebPro decides nothing on it) and the date kept
    ("webpro_it_solutions", "cancellation", {}, ["refund_reason", "issues_resolved", "service_kind", "service_date"]),
    # a chargeback is asked as the refund it disputes
    ("pro_it_assist", "chargeback", {}, ["service_date", "refund_reason", "service_status"]),
    # ITMediaSolutions weighs no date, but a refund's and a chargeback's record still say when the service was
    ("itmediasolutions", "refund", {}, ["service_kind", "refund_reason", "service_status", "service_date"]),
    ("itmediasolutions", "chargeback", {}, ["service_kind", "refund_reason", "service_status", "service_date"]),
])
def test_a_form_asks_what_decides_and_what_the_record_keeps(name, kind, known, expected):
    assert asked_facts(policy(name), kind, known, TODAY) == expected


@pytest.mark.parametrize("kind, decided", [("refund", True), ("cancellation", False), ("chargeback", True)])
def test_whether_the_reason_decides(kind, decided):
    assert decides(policy("pro_it_assist"), kind, "refund_reason") is decided


@pytest.mark.parametrize("kind, value", [
    ("cancellation", "other"),  # decides nothing: kept in the customer's words
    ("refund", None),           # decides: asked back with the policy's choices
])
def test_a_reason_that_fits_no_choice(kind, value):
    reading = read_message("budget frozen", "inform", "refund_reason", ["refund_reason"], {}, kind, TODAY,
                           policy=policy("pro_it_assist"))
    assert reading.values["refund_reason"] == value
    assert (reading.values.get("reason_details") == "budget frozen") is (value == "other")


def test_a_chargeback_is_weighed_as_the_refund_it_disputes():
    decision = weigh(policy("pro_it_assist"), "chargeback",
                     {"refund_reason": "duplicate_payment", "service_date": date(2026, 12, 1)}, TODAY)
    assert (decision.kind, decision.outcome) == ("refund", "eligible")
