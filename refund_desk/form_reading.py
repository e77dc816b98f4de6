"""Reading one customer message into form answers: plain inputs, plain outputs, no Rasa."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Optional

from refund_desk.facts import REFUND_REASONS
from refund_desk.parsing import (classify_reason, clip, parse_amount, parse_count, parse_date,
                                 parse_email, parse_invoice_number, parse_name, parse_reference,
                                 parse_service_kind, parse_service_status)

MAX_INVOICE_MISSES = 3
OUT_OF_SCOPE = ("Sorry, I can only help with refunds, cancellations, chargebacks and questions about "
                "the refund policy. Let's finish your request:")
YES = ("yes", "y", "yeah", "yep", "yup", "correct", "right", "sure", "ok", "okay", "confirm",
       "that's right", "thats right", "looks good", "affirmative", "/affirm")
NO = ("no", "n", "nope", "nah", "wrong", "incorrect", "not right", "/deny")


@dataclass
class Reading:
    """What a message says: slot values to set, and problems to tell the customer."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    missed_invoice: bool = False


REASON_BUTTONS = [
    {"title": "I was charged twice", "payload": "I was charged twice"},
    {"title": "The service was never delivered", "payload": "The service was never delivered"},
    {"title": "You made a mistake", "payload": "There was a mistake by your team"},
    {"title": "Not as described", "payload": "It was not as described"},
    {"title": "Not happy with the result", "payload": "I'm not happy with the result"},
    {"title": "I don't need it anymore", "payload": "I don't need it anymore"},
    {"title": "Something else", "payload": "other"},
]
KIND_BUTTONS = [
    {"title": "A one-time appointment", "payload": "a one-time appointment"},
    {"title": "A recurring plan", "payload": "a recurring plan"},
]
STATUS_BUTTONS = [
    {"title": "Work has not started", "payload": "work has not started"},
    {"title": "Work has started", "payload": "work has started"},
    {"title": "It was delivered", "payload": "it was delivered"},
]
YES_NO_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]

# slot -> (parser, question when unreadable, buttons offered with it)
CHOICE_SLOTS: dict[str, tuple[Callable[[str], Optional[str]], str, list[dict[str, str]]]] = {
    "service_kind": (parse_service_kind, "Is it a one-time service (an appointment) or a recurring plan?",
                     KIND_BUTTONS),
    "service_status": (parse_service_status, "Had the work started, been delivered, or not started yet?",
                       STATUS_BUTTONS),
}
# slot -> (parser, question when unreadable)
ANSWER_ONLY_SLOTS: dict[str, tuple[Callable[[str], Any], str]] = {
    "issues_resolved": (parse_count, "How many of your issues were resolved? A number, like 0, 1 or 2."),
    "amount_paid": (parse_amount, "How much did you pay? Just the number, like 149.99."),
    "customer_name": (parse_name, "Please tell me your full name, for example “Jane Doe”."),
}


def _date_preference(slot: str, kind: str, known: dict[str, Any]) -> str:
    if slot == "next_billing_date":
        return "future"
    if kind == "cancellation" and known.get("service_kind") == "one_time":
        return "future"
    return "past"


def _read_date(slot: str, text: str, kind: str, known: dict[str, Any], today: date,
               reading: Reading, requested: bool) -> None:
    found = parse_date(text, today, prefer=_date_preference(slot, kind, known))
    if found.value is None:
        if requested:
            reading.problems.append(
                "I couldn't read a date in that. Try something like “yesterday”, “last Tuesday”, "
                "“March 3” or “2026-03-14”.")
            reading.values[slot] = None
        return
    if slot == "service_date" and found.value > today and not (
            kind == "cancellation" and known.get("service_kind") == "one_time"):
        what = ("the start of your current billing period" if kind == "cancellation"
                else "the date of the service or charge")
        reading.problems.append(
            f"{found.value:%B %-d, %Y} is in the future, but I need {what}, which has already "
            "happened. Which date was it?")
        reading.values[slot] = None
        return
    if slot == "next_billing_date" and found.value < today:
        reading.problems.append(f"{found.value:%B %-d, %Y} has passed; when is your next billing date?")
        reading.values[slot] = None
        return
    reading.values[slot] = found.value.isoformat()


def read_message(
    text: Optional[str],
    intent: Optional[str],
    requested_slot: Optional[str],
    wanted: list[str],
    known: dict[str, Any],
    kind: str,
    today: date,
    invoice_misses: int = 0,
) -> Reading:
    """Read a message for the slots in `wanted`.

    The requested slot is read leniently (a bare number is an invoice number); other slots only
    from unambiguous text (an invoice number, an e-mail address). When nothing was requested yet
    (the message that opened the form), every fact it states is taken.
    """
    text = clip(text)
    reading = Reading()
    opening = requested_slot is None
    confirming = requested_slot == "confirmed"

    def may_fill(slot: str) -> bool:
        return slot in wanted and (opening or slot == requested_slot or
                                   (confirming and slot != "confirmed"))

    # Unambiguous facts: taken whenever they are wanted and not yet known (or being corrected).
    invoice = parse_invoice_number(text, answer=requested_slot == "invoice_number")
    if "invoice_number" in wanted and invoice and (known.get("invoice_number") is None or may_fill("invoice_number")):
        if invoice != known.get("invoice_number"):
            reading.values["invoice_number"] = invoice
    elif requested_slot == "invoice_number":
        misses = invoice_misses + 1
        reading.missed_invoice = True
        reading.values["invoice_number"] = None
        if misses >= MAX_INVOICE_MISSES:
            reading.problems.append(
                "I still can't find an invoice number in that. It usually looks like INV-20431 or "
                "#20431 and is printed at the top of your invoice. If you don't have it to hand, "
                "I can put you in touch with a person instead.")
            reading.buttons = [{"title": "Talk to a person", "payload": "/request_human"},
                               {"title": "Stop this request", "payload": "/stop"}]
        else:
            reading.problems.append(
                "That doesn't look like an invoice number. It's printed on your invoice, "
                "for example INV-20431 or #20431.")
    email = parse_email(text)
    if "customer_email" in wanted and email and (known.get("customer_email") is None or may_fill("customer_email")):
        if email != known.get("customer_email"):
            reading.values["customer_email"] = email
    elif requested_slot == "customer_email":
        reading.problems.append("That doesn't look like an e-mail address. Please type it like jane@example.com.")
        reading.values["customer_email"] = None

    for slot in ("service_date", "next_billing_date"):
        if may_fill(slot) and (slot == requested_slot or known.get(slot) is None or confirming):
            before = dict(reading.values)
            _read_date(slot, text, kind, {**known, **reading.values}, today, reading,
                       requested=slot == requested_slot)
            if confirming and reading.values.get(slot) in (None, known.get(slot)):
                reading.values = before  # no new date in a confirmation: keep the old one

    for slot, (parse, question, buttons) in CHOICE_SLOTS.items():  # read whenever they may be filled
        if may_fill(slot) and not confirming:
            value = parse(text)
            if value:
                reading.values[slot] = value
            elif requested_slot == slot:
                reading.problems.append(question)
                reading.buttons = buttons
                reading.values[slot] = None

    if may_fill("refund_reason") and not confirming:
        reason = classify_reason(text)
        if reason:
            reading.values["refund_reason"] = reason
            if reason == "other" or requested_slot == "refund_reason":
                reading.values["reason_details"] = text
        elif requested_slot == "refund_reason":
            if intent == "nlu_fallback" or len(text.split()) < 3:
                reading.problems.append("Sorry, I didn't quite get the reason. Which of these fits best?")
                reading.buttons = REASON_BUTTONS
                reading.values["refund_reason"] = None
            else:  # a real description that fits no listed reason: keep the customer's words
                reading.values["refund_reason"] = "other"
                reading.values["reason_details"] = text

    if requested_slot in ANSWER_ONLY_SLOTS:  # read only as the answer to their own question
        parse, question = ANSWER_ONLY_SLOTS[requested_slot]
        value = parse(text)
        reading.values[requested_slot] = value
        if value is None:
            reading.problems.append(question)

    if confirming:
        answer = _yes_no(text, intent)
        corrected = bool(reading.values)
        if corrected:
            reading.values["confirmed"] = None  # details changed: show the summary again
        elif answer is None:
            reading.problems.append("Please answer yes or no: are these details right?")
            reading.buttons = YES_NO_BUTTONS
            reading.values["confirmed"] = None
        else:
            reading.values["confirmed"] = answer
    if intent == "out_of_scope" and requested_slot and reading.values.get(requested_slot) is None:
        # off-topic, and no answer to the question either: say what I can do, then ask again
        reading.problems, reading.buttons, reading.missed_invoice = [OUT_OF_SCOPE], [], False
        reading.values = {requested_slot: None}
    return reading


def _yes_no(text: str, intent: Optional[str]) -> Optional[bool]:
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    words = text.lower().strip(" .!")
    if words in YES or words.startswith(("yes", "yep", "yeah", "correct")):
        return True
    if words in NO or words.startswith(("no ", "nope")):
        return False
    return None


def read_lookup(text: Optional[str]) -> Optional[str]:
    """A request reference or an invoice number to look a request up by."""
    return parse_reference(text) or parse_invoice_number(text, answer=True)


__all__ = ["Reading", "read_message", "read_lookup", "REFUND_REASONS", "REASON_BUTTONS"]
