"""Forms ask only what the active refund policy needs, in an order that settles rules early."""
from datetime import date
from pathlib import Path

import pytest

from refund_desk.eligibility import evaluate_formula, needed_facts
from refund_desk.refund_policy_loader import load_refund_policy

POLICIES = Path(__file__).resolve().parents[2] / "refund_policies"
TODAY = date(2026, 11, 21)


def policy(name):
    return load_refund_policy(POLICIES / f"{name}.yml")


@pytest.mark.parametrize("name, kind, known, expected", [
    # Pro IT Assist: the request procedure's facts and nothing more
    # Pro IT Assist: whether the service has started decides a reason §2 does not list (§3)
    ("pro_it_assist", "refund", {}, ["service_date", "refund_reason", "service_status"]),
    ("pro_it_assist", "refund", {"service_date": date(2026, 11, 20), "refund_reason": "duplicate_payment"},
     ["service_date", "refund_reason"]),
    ("pro_it_assist", "refund", {"service_date": date(2026, 11, 20), "refund_reason": "customer_error"},
     ["service_date", "refund_reason", "service_status"]),
    ("pro_it_assist", "cancellation", {}, ["service_kind", "service_date"]),
    # Pro-SphereNT: a late request is settled by the 7-day window; no more questions
    ("pro_spherent", "refund", {"service_date": date(2026, 11, 1), "refund_reason": "dissatisfied"},
     ["service_date", "refund_reason"]),
    # ... a recent one about a delivered service needs to know whether it was delivered
    ("pro_spherent", "refund", {"service_date": date(2026, 11, 19), "refund_reason": "no_longer_needed"},
     ["service_date", "refund_reason", "service_kind", "service_status"]),
    # WebPro: a refund for no reason is estimated from the amount and the issues resolved
    ("webpro_it_solutions", "refund", {"service_date": date(2026, 11, 1), "refund_reason": "no_longer_needed"},
     ["service_date", "refund_reason", "issues_resolved", "amount_paid"]),
    # ... and once an issue is resolved, a discretionary refund of the charges needs the amount paid
    ("webpro_it_solutions", "refund", {"service_date": date(2026, 9, 15), "refund_reason": "dissatisfied",
                                       "issues_resolved": 2},
     ["service_date", "refund_reason", "issues_resolved", "amount_paid"]),
    # ITMediaSolutions: a monthly service's cancellation needs the next billing date
    ("itmediasolutions", "cancellation", {"service_kind": "recurring"}, ["service_kind", "next_billing_date"]),
    # ... a one-time one needs nothing more (the policy has no rule for it: the team reviews)
    ("itmediasolutions", "cancellation", {"service_kind": "one_time"}, ["service_kind"]),
    # 004: a duplicate payment inside the window goes straight to billing-error review
    ("tech_support_004", "refund", {"service_date": date(2026, 11, 20), "refund_reason": "duplicate_payment"},
     ["service_date", "refund_reason"]),
])
def test_needed_facts(name, kind, known, expected):
    assert needed_facts(policy(name), kind, known, TODAY) == expected


def test_a_policy_without_a_window_never_asks_for_a_delivery_date():
    assert "service_date" not in needed_facts(policy("itmediasolutions"), "refund", {}, TODAY)


@pytest.mark.parametrize("formula, facts, expected", [
    ("amount_paid", {"amount_paid": 120}, 120),
    ("max(0, amount_paid - max(69, 0.5 * amount_paid) * issues_resolved)", {"amount_paid": 100, "issues_resolved": 1}, 31),
    ("max(0, amount_paid - max(69, 0.5 * amount_paid) * issues_resolved)", {"amount_paid": 300, "issues_resolved": 1}, 150),
    ("max(0, amount_paid - max(69, 0.5 * amount_paid) * issues_resolved)", {"amount_paid": 100, "issues_resolved": 2}, 0),
    ("amount_paid * days_left_in_period / days_in_period", {"amount_paid": 300, "days_left_in_period": 20, "days_in_period": 30}, 200),
    ("round(amount_paid / 3, 2)", {"amount_paid": 100}, 33.33),
])
def test_estimate_formulas(formula, facts, expected):
    assert evaluate_formula(formula, facts) == pytest.approx(expected)


def test_a_formula_missing_a_fact_raises_key_error():
    with pytest.raises(KeyError):
        evaluate_formula("amount_paid * 2", {})


def test_facts_already_given_stay_part_of_the_request():
    # ITMediaSolutions: once the service is known to be one-time, no rule tests the kind any more,
    # but the customer's answer is still part of the request (and its summary)
    assert "service_kind" in needed_facts(policy("itmediasolutions"), "refund", {"service_kind": "one_time"}, TODAY)
