"""Slot names and the conversion between slot values and engine facts (through the facts codec)."""
from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Tracker

from refund_desk.facts import BASE_FACTS, decode_facts

CONTACT_SLOTS = ["customer_name", "customer_email"]
FACT_SLOTS = list(BASE_FACTS)
# Read by the forms beside the slots they ask for.
SIDE_SLOTS = ["reason_details", "question_misses", "invoice_skipped", "date_words", "customer_phone",
              "service_date_range", "next_billing_date_range"]
REQUEST_SLOTS = ["invoice_number", *FACT_SLOTS, *CONTACT_SLOTS, "confirmed", *SIDE_SLOTS, "lookup_key"]


def facts_from(tracker: Tracker) -> dict[str, Any]:
    """Engine facts from the tracker's slots (dates as `date`, numbers as numbers)."""
    return decode_facts({name: tracker.get_slot(name) for name in BASE_FACTS})


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent the classifier gave the latest message (nlu_fallback included)."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def slot_values(tracker: Tracker, names: list[str]) -> dict[str, Any]:
    return {n: tracker.get_slot(n) for n in names}
