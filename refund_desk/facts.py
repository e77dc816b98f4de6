"""The vocabulary of request facts that refund-policy rules may test."""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Optional

REQUEST_KINDS = ("refund", "cancellation")
RECORD_KINDS = ("refund", "cancellation", "chargeback", "handoff")
OUTCOMES = ("eligible", "partial", "not_eligible", "review")
REFUND_REASONS = (
    "duplicate_payment",
    "service_not_rendered",
    "service_error",
    "not_as_described",
    "dissatisfied",
    "no_longer_needed",
    "other",
)
SERVICE_KINDS = ("one_time", "recurring")
SERVICE_STATUSES = ("not_started", "started", "delivered")

# Facts the customer gives, in the order a form asks for them, with their type.
BASE_FACTS: dict[str, Any] = {
    "service_kind": SERVICE_KINDS,
    "service_date": date,
    "refund_reason": REFUND_REASONS,
    "service_status": SERVICE_STATUSES,
    "issues_resolved": int,
    "amount_paid": float,
    "next_billing_date": date,
}

# Facts the engine computes from base facts and today's date: name -> base facts needed.
DERIVED_FACTS: dict[str, tuple[str, ...]] = {
    "days_since_service": ("service_date",),
    "days_until_service": ("service_date",),
    "days_until_next_billing": ("next_billing_date",),
    "days_in_period": ("service_date", "next_billing_date"),
    "days_left_in_period": ("next_billing_date",),
}

ALL_FACTS = tuple(BASE_FACTS) + tuple(DERIVED_FACTS)


def base_facts_of(name: str) -> tuple[str, ...]:
    """The customer-given facts a (base or derived) fact depends on."""
    return DERIVED_FACTS.get(name, (name,))


def derive_facts(facts: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Base facts plus every derived fact computable from them."""
    out = {k: v for k, v in facts.items() if v is not None}
    service: Optional[date] = out.get("service_date")
    billing: Optional[date] = out.get("next_billing_date")
    if service is not None:
        out["days_since_service"] = (today - service).days
        out["days_until_service"] = (service - today).days
    if billing is not None:
        out["days_until_next_billing"] = (billing - today).days
        out["days_left_in_period"] = max((billing - today).days, 0)
    if service is not None and billing is not None:
        out["days_in_period"] = (billing - service).days
    return out
