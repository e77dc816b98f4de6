"""The vocabulary of request facts that refund-policy rules may test."""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping, Optional

REQUEST_KINDS = ("refund", "cancellation")  # the kinds a refund policy decides
# Every kind of record and its reference prefix (RF-7K3Q9-X4M2P): the one source for both.
REFERENCE_PREFIX = {"refund": "RF", "cancellation": "CX", "chargeback": "CB", "handoff": "HO"}
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: easy to read out
# A reference is two groups of REFERENCE_GROUP characters: 10 x 5 bits = 50 random bits, too many
# to guess. References of OLD_REFERENCE_LENGTH characters (30 bits), given before, are still found.
REFERENCE_GROUP = 5
OLD_REFERENCE_LENGTH = 6
REFERENCE_EXAMPLE = "RF-7K3Q9-X4M2P"
_CHAR = f"[{REFERENCE_ALPHABET}]"
# As customers type one: any case, the dashes as dashes, spaces or nothing ("rf 7k3q9x4m2p").
REFERENCE_IN_TEXT = re.compile(
    rf"\b({'|'.join(REFERENCE_PREFIX.values())})[- ]?"
    rf"(?:({_CHAR}{{{REFERENCE_GROUP}}})[- ]?({_CHAR}{{{REFERENCE_GROUP}}})|({_CHAR}{{{OLD_REFERENCE_LENGTH}}}))\b",
    re.I)
# A reference as the assistant writes it (for tests and scripts that read the assistant's answers).
REFERENCE_WRITTEN = re.compile(
    rf"\b(?:{'|'.join(REFERENCE_PREFIX.values())})-{_CHAR}{{{REFERENCE_GROUP}}}-{_CHAR}{{{REFERENCE_GROUP}}}\b")


def canonical_reference(text: Optional[str]) -> Optional[str]:
    """The first reference in `text` as it is stored ('rf 7k3q9x4m2p' -> 'RF-7K3Q9-X4M2P', an
    old 'rf 7k3q9x' -> 'RF-7K3Q9X'); None when there is none."""
    m = REFERENCE_IN_TEXT.search(text or "")
    if m is None:
        return None
    prefix, first, second, old = m.groups()
    body = f"{first}-{second}" if first else old
    return f"{prefix}-{body}".upper()
STATUSES = ("open", "in_review", "approved", "denied", "closed")
ACTIVE_STATUSES = ("open", "in_review")
OUTCOMES = ("eligible", "partial", "not_eligible", "review")
REFUND_REASONS = (
    "duplicate_payment",
    "service_not_rendered",
    "service_error",
    "not_as_described",
    "dissatisfied",
    "no_longer_needed",
    "customer_error",
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


# ---- The facts codec: text <-> typed value, one place for slots, the CLI and the records ----------

def decode_fact(name: str, raw: Any) -> Any:
    """A fact's typed value from its stored or typed form ('2026-03-14' -> date); ValueError if it isn't one."""
    kind = BASE_FACTS[name]
    if raw is None:
        return None
    if kind is date:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
    if kind is int:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError(f"{name} must be a whole number, not {raw!r}")
        return int(raw)
    if kind is float:
        if isinstance(raw, bool):
            raise ValueError(f"{name} must be a number, not {raw!r}")
        return float(raw)
    if isinstance(kind, tuple) and raw not in kind:
        raise ValueError(f"{name} is one of {', '.join(kind)}, not {raw!r}")
    return raw


def encode_fact(name: str, value: Any) -> Any:
    """A fact as a slot, a JSON record field or a command-line value holds it (dates as ISO text)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else value


def decode_facts(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The typed base facts among `raw` (slots, a record's facts); unreadable values are left out."""
    facts: dict[str, Any] = {}
    for name in BASE_FACTS:
        try:
            value = decode_fact(name, raw.get(name))
        except (TypeError, ValueError):
            continue
        if value is not None:
            facts[name] = value
    return facts


def encode_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {name: encode_fact(name, value) for name, value in facts.items() if value is not None}
