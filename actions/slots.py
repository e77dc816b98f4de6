"""Slot names and the conversion between slot values and engine facts."""
from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Tracker

from refund_desk.facts import BASE_FACTS

CONTACT_SLOTS = ["customer_name", "customer_email"]
FACT_SLOTS = list(BASE_FACTS)
REQUEST_SLOTS = ["invoice_number", *FACT_SLOTS, *CONTACT_SLOTS, "confirmed", "reason_details",
                 "invoice_misses", "lookup_key"]


def facts_from(tracker: Tracker) -> dict[str, Any]:
    """Engine facts from the tracker's slots (dates as `date`, numbers as numbers)."""
    facts: dict[str, Any] = {}
    for name, kind in BASE_FACTS.items():
        value = tracker.get_slot(name)
        if value is None:
            continue
        try:
            facts[name] = date.fromisoformat(value) if kind is date else kind(value) if kind in (int, float) else value
        except (TypeError, ValueError):
            continue
    return facts


def slot_values(tracker: Tracker, names: list[str]) -> dict[str, Any]:
    return {n: tracker.get_slot(n) for n in names}
