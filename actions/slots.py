"""Slot names and the conversion between slot values and engine facts (through the facts codec)."""
from __future__ import annotations

from typing import Any, Callable, Optional

from rasa_sdk import Tracker

from refund_desk.choices import chosen_request
from refund_desk.facts import BASE_FACTS, decode_facts
from refund_desk.replies import UNSURE_CHOICES
from refund_desk.security import CLIENT_ADDRESS_METADATA

CONTACT_SLOTS = ["customer_name", "customer_email"]
FACT_SLOTS = list(BASE_FACTS)
# Read by the forms beside the slots they ask for.
SIDE_SLOTS = ["reason_details", "question_misses", "invoice_skipped", "date_words", "customer_phone",
              "service_date_range", "next_billing_date_range", "refund_declined"]
REQUEST_SLOTS = ["invoice_number", *FACT_SLOTS, *CONTACT_SLOTS, "confirmed", *SIDE_SLOTS, "lookup_key", "cancel_next"]


def facts_from(tracker: Tracker) -> dict[str, Any]:
    """Engine facts from the tracker's slots (dates as `date`, numbers as numbers)."""
    return decode_facts({name: tracker.get_slot(name) for name in BASE_FACTS})


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent the classifier gave the latest message (nlu_fallback included)."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def said_text(tracker: Tracker) -> Optional[str]:
    """The latest message's text; after a click on a request offered for an unclear message
    ("/request_refund"), the unclear message's text: the click says what it meant, and the
    conversation goes on as if the customer had said it with that meaning."""
    text = tracker.latest_message.get("text")
    if chosen_request(text) is None:
        return text
    offered = False  # the choices were the bot's answer to the message before this click
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return event.get("text") if offered else text
        elif users == 1 and event.get("event") == "bot" and event.get("text") == UNSURE_CHOICES:
            offered = True
    return text


def client_address_of(tracker: Tracker) -> Optional[str]:
    """The client address the channel put into the latest message's metadata (None if it did not)."""
    value = (tracker.latest_message.get("metadata") or {}).get(CLIENT_ADDRESS_METADATA)
    return value if isinstance(value, str) and value else None


def slot_values(tracker: Tracker, names: list[str]) -> dict[str, Any]:
    return {n: tracker.get_slot(n) for n in names}


def last_event_before_latest_message(tracker: Tracker, matches: Callable[[dict], bool]) -> Optional[dict]:
    """The last event that `matches` between the customer's previous message and their latest one."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user:
                return None
            seen_user = True
        elif seen_user and matches(event):
            return event
    return None


def last_answer_before(tracker: Tracker) -> Optional[str]:
    """The last action the assistant ran before the customer's latest message (None at the start)."""
    event = last_event_before_latest_message(
        tracker, lambda e: e.get("event") == "action" and e.get("name") != "action_listen")
    return None if event is None else event.get("name")


def misses_of(tracker: Tracker, slot: Optional[str]) -> int:
    """How often the question for `slot` has gone unanswered in a row."""
    kept = tracker.get_slot("question_misses") or {}
    return int(kept.get("count") or 0) if isinstance(kept, dict) and kept.get("slot") == slot else 0
