"""Customer-facing texts built from decisions and records (plain strings, no Rasa)."""
from __future__ import annotations

import re

from datetime import date
from typing import Any, Mapping, Optional, Sequence

from refund_desk.dates import DateRange, as_checked, short, spoken, spoken_range
from refund_desk.eligibility import Decision
from refund_desk.facts import ACTIVE_STATUSES, OUTCOMES, REFERENCE_EXAMPLE
from refund_desk.languages import only_english
from refund_desk.policy_answers import contact_line, contact_ways, quote
from refund_desk.refund_policy import Identifier, RefundPolicy

# ---- Inside a form: questions asked again, choices, corrections ----------------------------------

YES_NO_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
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
    {"title": "A one-time service", "payload": "a one-time service"},
    {"title": "A recurring plan", "payload": "a recurring plan"},
]
STATUS_BUTTONS = [
    {"title": "Work has not started", "payload": "work has not started"},
    {"title": "Work has started", "payload": "work has started"},
    {"title": "It was delivered", "payload": "it was delivered"},
]
PERSON_BUTTON = {"title": "Talk to a person", "payload": "/request_human"}
# Customer satisfaction: asked once per conversation, after a request is opened or a policy answer.
CSAT_QUESTION = "Did this help? A yes or a no is enough, and you're welcome to say why."
CSAT_BUTTONS = [{"title": "Yes, it helped", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
CSAT_THANKS = {True: "Thank you, glad it helped!",
               False: "Thank you for telling me. I'm sorry it didn't help: if you'd like, say “talk to a person”."}
IDENTIFIER_CHOICE_BUTTONS = [
    {"title": "Carry on without it", "payload": "/affirm"},
    PERSON_BUTTON,
]
# ---- Unsure what a message asks: the likeliest requests offered (refund_desk/choices.py) ---------

# The requests a customer can be offered, in plain words; a click sends the intent as its payload.
REQUEST_CHOICES = {
    "request_refund": "Get a refund",
    "check_request_status": "Check on a request I made",
    "ask_refund_policy": "Read the refund policy",
    "cancel_service": "Cancel a service",
    "chargeback": "Ask about disputing a charge with my bank",
    "chargeback_filed": "I've already disputed a charge with my bank",
    "request_human": "Talk to a person",
}
UNSURE_CHOICES = "I'm not sure I understood. Is it one of these? (Or say it another way.)"


def request_buttons(intents: Sequence[str]) -> list[dict[str, str]]:
    """One button per offered request: its plain words, and its intent as the payload."""
    return [{"title": REQUEST_CHOICES[intent], "payload": f"/{intent}"} for intent in intents]


# Said before the form asks its question again (the question itself, with its buttons, follows).
ASK_AGAIN = {
    "service_kind": "Sorry, I didn't catch which one it is.",
    "service_status": "Sorry, I didn't catch where the work stands.",
    "issues_resolved": "I need a number there, like 0, 1 or 2.",
    "amount_paid": "I need an amount there, like 149.99.",
    "customer_name": "That doesn't look like a full name to me.",
}
PERSON_INSTEAD_OF_NAME = "If you'd rather talk to a person, just say “talk to a person”."
NO_DATE = "I couldn't read a date in that."
BAD_EMAIL = "That doesn't look like an e-mail address. Please type it like jane@example.com."
CANCELLATION_INSTEAD = ("It sounds like the service hasn't happened yet. Then it's a cancellation rather than a "
                        "refund: shall I cancel it instead? (Otherwise, tell me the date it was delivered or charged.)")
CANCELLATION_INSTEAD_BUTTONS = [{"title": "Yes, cancel it instead", "payload": "/cancel_service"}]
# The same offer once the refund has stopped for it: a no carries on with the refund.
CANCELLATION_OR_REFUND_BUTTONS = [*CANCELLATION_INSTEAD_BUTTONS, {"title": "No, it's a refund", "payload": "/deny"}]
SKIP_OR_PERSON_BUTTONS = [{"title": "Skip this question", "payload": "skip this question"}, PERSON_BUTTON]
SUMMARY_TO_A_PERSON = ("I can't tell whether these details are right, so I'll pass everything you've told me "
                       "to a person instead.")


def _what(slot: str, identifier: Identifier) -> str:
    """A detail as the customer knows it: 'your Customer ID', 'the date'."""
    if slot == "invoice_number":
        return _the(identifier)
    return {"customer_name": "your name", "customer_email": "your e-mail address"}.get(
        slot, f"the {SLOT_LABELS.get(slot, slot).lower()}")


def carry_on_without(slot: str, identifier: Identifier, said: bool) -> str:
    """The detail is left out of this request: at the customer's word, or after its misses."""
    what = _what(slot, identifier)
    if said:
        return f"No problem: I'll carry on without {what}, and the team will see that it is missing."
    return f"I'll leave {what} out for now and note for the team that it is missing."


# The choices at a question's second miss, after what went wrong was said (replies.choose_after_misses).
_CHOICES_AFTER_MISSES = ("skip this question (I'll note for the team that it is missing), or talk to a person.")


def choose_after_misses(slot: str, identifier: Identifier) -> str:
    """Said at a question's second miss: the customer chooses how to go on."""
    if slot == "invoice_number":
        return identifier_choice(identifier)
    return (f"I still couldn't read {_what(slot, identifier)} in that. You can pick an answer below or type it "
            f"again, {_CHOICES_AFTER_MISSES}")


# Said at a question's second miss after an answer that was read but cannot be used ("12 November has
# already passed"): what was wrong has been said, so only the choices follow.
CHOOSE_AFTER_AN_UNUSABLE_ANSWER = f"You can give it again, {_CHOICES_AFTER_MISSES}"


def which_day_in(vague: DateRange, turning: Optional[date]) -> str:
    """A vague date asked once more, the range offered (and where the policy's answer changes)."""
    ask = f"Sometime from {spoken_range(vague)}: which day was it, roughly?"
    if turning is None:
        return ask
    return (f"{ask} The exact day matters here: the policy answers differently from {spoken(turning)} on. "
            "If you don't know, say so and the team will check.")


def cancellation_instead(value: Optional[date], today: date) -> str:
    """A refund for a service still to come: said with the date, the cancellation offered, details kept."""
    if value is None:
        return CANCELLATION_INSTEAD
    return (f"{as_checked(value, today)} is still to come, so this is a cancellation rather than a refund: "
            "shall I cancel it instead? I'll keep the details you've given. (Otherwise, tell me the date it "
            "was delivered or charged.)")


RESTART_IN_FORM = ("That would erase what you've told me for this request. If you want to end it, say "
                   "“stop”; otherwise let's carry on where we were.")
SORRY = "I'm sorry this has been so frustrating. Let's get it sorted out."
UNCLEAR_REASON = ("I'm not sure which reason that is. Please pick the closest below, or “Something else” to keep "
                  "your own words for the team.")
OUT_OF_SCOPE_IN_FORM = ("Sorry, I can only help with refunds, cancellations, chargebacks and questions about "
                        "the refund policy. Let's finish your request:")
YES_OR_NO = "Please answer yes or no: are these details right? Or tell me what to change."
WHAT_TO_CHANGE = "What should I change? Pick a detail, or just type the right value."
# words a customer uses for each detail ("the date is wrong", "change the e-mail")
DETAIL_WORDS = {
    "invoice_number": ("invoice", "invoice number", "order id", "customer id", "reference number"),
    "service_date": ("date", "day", "when"),
    "next_billing_date": ("billing date", "next billing"),
    "refund_reason": ("reason", "why"),
    "service_kind": ("kind of service", "service type", "type"),
    "service_status": ("work status", "status"),
    "issues_resolved": ("issues", "resolved"),
    "amount_paid": ("amount", "paid", "price"),
    "customer_name": ("name",),
    "customer_email": ("e-?mail", "email address", "address"),
}


def date_in_future(value: date, kind: str) -> str:
    what = ("the date your current billing period started" if kind == "cancellation"
            else "the date of the service or the charge")
    return f"{spoken(value)} is still to come, but I need {what}, which has already happened. Which date was it?"


def date_in_past(value: date, slot: str, kind: str) -> str:
    if slot == "next_billing_date":
        return f"{spoken(value)} has passed; when is your next billing date?"
    if kind == "cancellation":  # the work may have started then: the way out is a refund, offered with a button
        return (f"{spoken(value)} has already passed. When is the appointment? If the work has already started "
                "or taken place, it's a refund rather than a cancellation: I can ask for a refund instead, "
                "keeping the details you've given.")
    return f"{spoken(value)} has already passed. When is the appointment?"


# Offered with date_in_past in a cancellation: the change-of-mind rule takes the form to the refund.
REFUND_FOR_PAST_SERVICE_BUTTONS = [{"title": "Ask for a refund instead", "payload": "/request_refund"}]


def which_date(options: Sequence[date]) -> str:
    return "Just to be sure: did you mean " + " or ".join(short(d) for d in options) + "?"


def date_buttons(options: Sequence[date]) -> list[dict[str, str]]:
    return [{"title": spoken(d), "payload": d.isoformat()} for d in options]


def choice_buttons(slot: str) -> list[dict[str, str]]:
    return {"service_kind": KIND_BUTTONS, "service_status": STATUS_BUTTONS}.get(slot, [])


def _the(identifier: Identifier) -> str:
    return f"your {identifier.label}"


def ask_identifier(identifier: Identifier) -> str:
    example = f", for example {identifier.example}" if identifier.example else ""
    return f"What's {_the(identifier)}? It's on your invoice or in your account{example}."


def identifier_not_found(identifier: Identifier) -> str:
    example = f" It looks like {identifier.example}." if identifier.example else ""
    return f"I couldn't find {_the(identifier)} in that.{example}"


def still_need(identifier: Identifier) -> str:
    return f"Thanks, I've noted that. I still need {_the(identifier)}."


def identifier_choice(identifier: Identifier) -> str:
    return (f"I still can't find {_the(identifier)}. Shall I carry on without it? The team will see "
            "that it is missing and find your payment another way. Or I can put you in touch with a person.")


def kind_buttons(service_kinds: Mapping[str, str]) -> list[dict[str, str]]:
    """The kinds of service in the active policy's own words."""
    return [{"title": label, "payload": label} for label in service_kinds.values()]


def ask_service_kind(service_kinds: Mapping[str, str]) -> str:
    one, recurring = service_kinds["one_time"], service_kinds["recurring"]
    return f"Is it {one[:1].lower() + one[1:]}, or {recurring[:1].lower() + recurring[1:]}?"


def ask_service_date(kind: str, service_kind: Optional[str]) -> str:
    if kind == "cancellation" and service_kind == "one_time":
        return "When is the appointment? For example “tomorrow”, “this Friday” or “December 3”."
    if kind == "cancellation" and service_kind == "recurring":
        return "What's the date your current billing period started? For example “November 1” or “3 weeks ago”."
    if kind == "cancellation":
        return "What's the date of the appointment, or, for a plan, the date the current billing period started?"
    return "When was the service delivered or charged? For example “yesterday”, “March 3” or “2026-03-14”."


def lookup_not_found(identifier: Identifier) -> str:
    return (f"I couldn't find a reference in that. It looks like {REFERENCE_EXAMPLE} (or give me {_the(identifier)}"
            + (f", like {identifier.example}" if identifier.example else "") + ").")


def change_buttons(slots: Sequence[str], identifier: Identifier) -> list[dict[str, str]]:
    labels = {**SLOT_LABELS, "invoice_number": identifier.label[:1].upper() + identifier.label[1:]}
    return [{"title": labels[s], "payload": f"change the {labels[s].lower()}"} for s in slots if s in labels]


# ---- Decisions and records ----------------------------------------------------------------------

OUTCOME_HEADLINES = {
    ("refund", "eligible"): "Good news: your request qualifies for a refund under the policy.",
    ("refund", "partial"): "Your request qualifies for a partial refund under the policy.",
    ("refund", "review"): "Your request needs a review by the team before a decision.",
    ("refund", "not_eligible"): "I'm sorry: under the policy this request does not qualify for a refund.",
    ("cancellation", "eligible"): "Your cancellation is requested; under the policy it carries no penalty.",
    ("cancellation", "partial"): "Your cancellation is requested; under the policy a partial refund applies.",
    ("cancellation", "review"): "Your cancellation is requested; the team reviews it.",
    ("cancellation", "not_eligible"): "Your cancellation is requested; no refund applies under the policy.",
}
# Where the clauses the decision quotes say "may" or "review", the headline says so, not "qualifies".
REVIEWED_HEADLINES = {
    ("refund", "eligible"): "Your request meets the policy's conditions for a refund; as the policy says, the team "
                            "reviews it before the refund is made.",
    ("refund", "partial"): "A partial refund may be granted under the policy; the team reviews your request first.",
}
_MAY_OR_REVIEW = re.compile(r"\bmay (at \w+ (sole )?discretion )?(be )?(grant|issu|refund|consider|offer|approv)|"
                            r"\b(will be|are|is) reviewed\b|\bdiscretion\b", re.I)
# A next step asking for a written request: the request just made here is that request.
_IN_WRITING = re.compile(r"\bin writing\b|\bwritten request\b|\bby (writing an )?e-?mail\b|\bapply for this refund\b",
                         re.I)
CANCELLATION_CONFIRMED_BY_STAFF = "The cancellation takes effect once the team confirms it."


def headline(decision: Decision) -> str:
    """What the decision means for the customer, in no stronger words than the quoted clauses."""
    if decision.nothing_refundable:
        nothing = "under the policy clause below, nothing is refundable in your case (its formula comes to 0)."
        return (f"Your cancellation is requested; {nothing}" if decision.kind == "cancellation"
                else f"I'm sorry: {nothing}")
    key = (decision.kind, decision.outcome)
    if key in REVIEWED_HEADLINES and any(_MAY_OR_REVIEW.search(c.text) for c in decision.clauses):
        return REVIEWED_HEADLINES[key]
    return OUTCOME_HEADLINES[key]
REASON_LABELS = {
    "duplicate_payment": "charged more than once",
    "service_not_rendered": "service never delivered",
    "service_error": "a mistake on the company's side",
    "not_as_described": "not as described",
    "dissatisfied": "not happy with the result",
    "no_longer_needed": "no longer needed",
    "customer_error": "a change on the customer's side",
    "other": "other",
}
SLOT_LABELS = {
    "invoice_number": "Invoice",
    "service_kind": "Kind of service",
    "service_date": "Date",
    "refund_reason": "Reason",
    "service_status": "Work status",
    "issues_resolved": "Issues resolved",
    "amount_paid": "Amount paid",
    "next_billing_date": "Next billing date",
    "customer_name": "Name",
    "customer_email": "E-mail",
}
REFUND_DECLINED_LINE = "Money back: none wanted (you said you don't need a refund)"
KIND_NAMES = {"refund": "refund request", "cancellation": "cancellation request", "chargeback": "chargeback report",
              "handoff": "hand-off to a person"}


def display(slot: str, value: Any, today: Optional[date] = None, vague: Optional[str] = None) -> str:
    """A detail as the summary shows it; dates as a person checks them when `today` is given."""
    if value == "unknown":
        found = DateRange.from_iso(vague)
        if found is not None:
            return f"sometime from {spoken_range(found)} (the team will check the day)"
        return "not known (the team will check)"
    if slot == "refund_reason":
        return REASON_LABELS.get(value, str(value))
    if slot == "service_kind":
        return {"one_time": "one-time service", "recurring": "recurring plan"}.get(value, str(value))
    if slot == "service_status":
        return str(value).replace("_", " ")
    if slot in ("service_date", "next_billing_date"):
        found = DateRange.from_iso(vague)
        if found is not None:  # the policy decides alike on every day of it
            return f"sometime from {spoken_range(found)}"
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return as_checked(day, today) if today is not None else spoken(day)
    return str(value)


def summary(kind: str, slots: Mapping[str, Any], order: list[str],
            identifier: Optional[Identifier] = None, today: Optional[date] = None) -> str:
    labels = dict(SLOT_LABELS)
    if identifier is not None:
        labels["invoice_number"] = identifier.label[:1].upper() + identifier.label[1:]
    lines = [f"Here is your {KIND_NAMES[kind]}:"]
    for s in order:
        if s in labels and slots.get(s) is not None:
            lines.append(f"• {labels[s]}: {display(s, slots[s], today, slots.get(f'{s}_range'))}")
        elif s == "invoice_number" and slots.get("invoice_skipped"):
            lines.append(f"• {labels[s]}: not given (the team will see that it is missing)")
    if slots.get("customer_phone"):
        lines.append(f"• Phone: {slots['customer_phone']}")
    if kind == "cancellation" and slots.get("refund_declined"):
        lines.append(f"• {REFUND_DECLINED_LINE}")
    lines.append("Is that right? (You can also type a correction, like a different e-mail address.)")
    return "\n".join(lines)


def decision_message(decision: Decision, reference: Optional[str], created: bool,
                     policy: Optional[RefundPolicy] = None, withheld: bool = False) -> str:
    lines = [headline(decision), decision.summary]
    if decision.estimate:
        e = decision.estimate
        lines.append(f"Estimated amount: {e.amount:,.2f} {e.currency}, worked out as {e.working}"
                     + (f" ({e.note})" if e.note else "") + ". This is an estimate; the team confirms it on review.")
    source = policy.policy_name if policy is not None else f"{decision.company}'s refund policy"
    lines.append(f"This rests on {source}, {quote(decision.clauses[0])}")
    for alt in decision.alternatives:
        lines.append(f"The policy also mentions an alternative: {quote(alt)}")
    if reference:
        if created:
            lines.append(f"I've opened your {KIND_NAMES[decision.kind]}: reference {reference}.")
        else:
            lines.append(f"You already have an open {KIND_NAMES[decision.kind]} for this invoice: "
                         f"reference {reference}. I haven't opened a second one.")
    elif withheld and policy is not None:
        lines.append(already_open_withheld(decision.kind, policy))
    if decision.kind == "cancellation" and reference:
        lines.append(CANCELLATION_CONFIRMED_BY_STAFF)
    if decision.next_steps:
        lines.append("What happens next:")
        for step in decision.next_steps:
            lines.append(f"• {step}")
            if reference and _IN_WRITING.search(step):  # never contradict the record just opened
                lines.append(f"  The request you've made here counts as that written request ({reference}): "
                             "you don't need to send another.")
    return "\n".join(lines)


REFUND_INSTEAD = "I can open a refund request for you instead, so the team can look at it first. Shall I?"
REFUND_INSTEAD_BUTTONS = [{"title": "Yes, open a refund request", "payload": "/affirm"},
                          {"title": "I've already filed a chargeback", "payload": "/chargeback_filed"},
                          {"title": "No, thanks", "payload": "/deny"}]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def other_language(policy: RefundPolicy, language: str) -> str:
    """To a customer who wrote in another language: in that language, English only for now, and the contact."""
    return only_english(language, contact_ways(policy))


def chargeback_explanation(policy: RefundPolicy) -> str:
    clauses = policy.clauses_on("chargeback")
    if not clauses:
        return f"{_capital(policy.policy_name)} doesn't say anything about chargebacks. {contact_line(policy)}"
    return f"About chargebacks, {policy.policy_name} says:\n" + "\n".join(f"• {quote(c)}" for c in clauses)


def duplicate_charge_offer(policy: RefundPolicy, asked_for: bool = False) -> str:
    """Being charged twice is a refund for a duplicate payment, not a chargeback; `asked_for`: the customer
    asked for that refund outright, so it is opened instead of offered."""
    about = [c for c in policy.clauses if "more than once" in c.text.lower() or "duplicate" in c.text.lower()]
    lines = ["Being charged twice is a duplicate payment: I can open a refund request for it, and you don't "
             "need to dispute it with your bank."]
    if about:
        lines.append(f"{_capital(policy.policy_name)} says: {quote(about[0])}")
    lines.append("Let's open the refund request." if asked_for else "Shall I open the refund request?")
    return "\n".join(lines)


# Asked about another request again instead of answering the form: it is looked up now (the details stay).
OTHER_REQUEST_FIRST = ("Let's look up your other request first. What you've told me for this one is kept, so you "
                       "can carry on with it afterwards.")
CANCELLATION_NOT_REFUND = ("Understood: a cancellation, not a refund. I'll keep what you've told me so far "
                           "and carry on with the cancellation.")
CANCELLATION_WITH_ITS_REFUND = ("You'd like to cancel, so I'll open a cancellation: the policy's cancellation "
                                "clauses say what, if anything, comes back for the rest of the period.")
STARTED_SO_REFUND = ("That service has already begun, so there is nothing left to cancel in advance: "
                     "I'll take this as a refund request, and the refund policy decides what can be refunded.")
REFUND_THEN_CANCELLATION = ("Two requests, then: first the refund of the double charge, and right after it the "
                            "cancellation of your plan, with the details you've already given.")
CANCELLATION_AFTER_REFUND = "Noted: the cancellation comes right after the refund."
NOW_THE_CANCELLATION = "Now the cancellation of your plan, as you asked. I'll keep the details you've given."
MONEY_BACK_SO_REFUND = ("You're asking for money back, so I'll take this as a refund request: the refund policy "
                        "decides what can be refunded.")
CANCEL_HERE_IF_YOU_WISH = "If you'd like to cancel, just say so and I'll open the cancellation here."
REFUND_FROM_DETAILS = "Sorry about that. Let's open a refund request for it."
CANCELLATION_FROM_DETAILS = "Let's open a cancellation request for it."
CHARGEBACK_FROM_DETAILS = "You've already disputed the charge: let's note it for the billing team."


def nothing_saved(kind: str) -> str:
    return (f"No problem: I haven't opened a {KIND_NAMES[kind]} and nothing was saved. "
            "Tell me whenever you want to start again.")


def already_open_withheld(kind: str, policy: RefundPolicy) -> str:
    """An existing request found from another conversation past the look-up limits: no reference."""
    return (f"There is already an open {KIND_NAMES[kind]} for this invoice, so I haven't opened a second one. "
            f"I can't look up more requests just now, so a person can give you its details: {contact_line(policy)}")


def chargeback_recorded(policy: RefundPolicy, reference: Optional[str], created: bool) -> str:
    if reference is None:
        return already_open_withheld("chargeback", policy)
    if not created:
        return f"The billing team already has your chargeback for this invoice: reference {reference}."
    lines = [f"Thank you. I've recorded your chargeback for the billing team: reference {reference}."]
    clauses = policy.clauses_on("chargeback")
    if clauses:
        lines.append(f"{policy.policy_name[:1].upper() + policy.policy_name[1:]} says: "
                     + " ".join(quote(c) for c in clauses))
    steps = [s.summary for s in policy.next_steps.get("chargeback", ())]
    if steps:
        lines.append("What happens next, as the policy says:")
        lines += [f"• {step}" for step in steps]
    else:
        lines.append(f"What happens next: {policy.policy_name} doesn't say what follows a chargeback. Your report "
                     "is with the billing team under this reference, and you can ask me for its status with it.")
    return "\n".join(lines)


def handoff_message(policy: RefundPolicy, reference: Optional[str], collected_anything: bool,
                    withheld: bool = False, reachable: bool = True) -> str:
    lines = [f"Of course. {contact_line(policy)}"]
    if withheld:
        lines.append("The team already has your earlier message about this invoice.")
    elif reference and collected_anything:
        lines.append(f"I've passed on what you told me so far to the team (reference {reference}), "
                     "so you won't have to repeat it.")
    elif reference:
        lines.append(f"I've let the team know you'd like to talk to a person (reference {reference}).")
    else:
        lines.append(f"I couldn't pass your details on automatically just now, so please mention your "
                     f"{policy.identifier.label} when you get in touch.")
    if reference and not reachable:
        lines.append(HANDOFF_ASKS_CONTACT)
    return "\n".join(lines)


def person_joining_message(reference: Optional[str]) -> str:
    """A person from the team will join this chat (staff are signed in to the console)."""
    lines = ["Of course. A person from our team will join this chat shortly: please stay here, and they'll "
             "write to you in this conversation."]
    if reference:
        lines.append(f"Your reference is {reference}, so you won't have to repeat what you've told me.")
    return "\n".join(lines)


def signed_by_staff(first_name: Optional[str], text: str) -> str:
    """A staff member's message where the channel cannot show who wrote it (Slack)."""
    return f"*{first_name or 'Staff'} (from our team):* {text}"


ASSISTANT_IS_BACK = ("You're back with the assistant now. Is there anything else I can help you with about a "
                     "refund, a cancellation or a request you've made?")


CONTACT_BEFORE_HANDOFF = "I'll pass this on to a person. So that they can reach you, a couple of details first."
HANDOFF_ASKS_CONTACT = ("So that the team can reach you, what's your e-mail address or phone number? "
                        "I'll add it to this hand-off.")


def contact_added(reference: str) -> str:
    return f"Thank you: I've added that to your hand-off ({reference}), so the team can reach you."


def not_saved_message(policy: RefundPolicy) -> str:
    return ("I'm sorry, I couldn't save your request just now because of a technical problem, so it "
            "has no reference yet. I still have your details: say \"yes\" and I'll try to save it again "
            f"(in a minute or two is best), or contact support directly. {contact_line(policy)}")


TRY_AGAIN_BUTTONS = [{"title": "Yes, try again", "payload": "/affirm"}, {"title": "No, thanks", "payload": "/deny"}]


STATUS_TEXTS = {
    "open": "It's open and waiting for the team to pick it up.",
    "in_review": "The team is reviewing it now.",
    "approved": "It has been approved.",
    "denied": "It has been declined.",
    "closed": "It is closed.",
}


def status_message(view: Mapping[str, Any], policy: RefundPolicy) -> str:
    """A customer's own request as records.customer_view gives it: status and next steps, and a
    staff note only when it was marked for the customer."""
    kind = KIND_NAMES.get(view["kind"], view["kind"])
    lines = [f"Your {kind} {view['reference']} (opened {view['created_at'][:10]}): "
             f"{STATUS_TEXTS.get(view['status'], view['status'])}"]
    if view.get("customer_note"):
        lines.append(f"A note from the team: {view['customer_note']}")
    steps = policy.next_steps.get(view["kind"], ())
    if view["status"] in ACTIVE_STATUSES:
        outcome = view.get("eligibility") or "review"
        upcoming = [s.summary for s in steps if outcome in s.outcomes]
    elif view["status"] == "approved":  # what an approval leads to, not what every request goes through
        upcoming = [s.summary for s in steps if "eligible" in s.outcomes and set(s.outcomes) != set(OUTCOMES)]
    else:
        upcoming = []
    if upcoming:
        lines.append("What happens next: " + " ".join(upcoming))
    if view["status"] in ("denied", "closed"):
        lines.append(contact_line(policy))
    return "\n".join(lines)


_ASKS_HOW = re.compile(r"^\s*(how|can|could|may|is it possible|where|what do i|what should i|do i)\b|\?\s*$", re.I)
REQUEST_HERE = {
    "refund": "You can request it right here: I'll ask a few questions and open the refund request for you.",
    "cancellation": "You can cancel right here: I'll ask a few questions and open the cancellation for you.",
    "chargeback": "I can note it for the billing team right here: I'll ask a few questions first.",
}


def asks_how(text: Optional[str]) -> bool:
    """Whether a message that opens a request is phrased as a question ("how do I get a refund?")."""
    return bool(_ASKS_HOW.search(text or ""))


def request_here(kind: str) -> str:
    return REQUEST_HERE.get(kind, REQUEST_HERE["refund"])


# Status checks (actions/status_check.py): private, limited per conversation.
NOT_AN_EMAIL_FOR_LOOKUP = ("That doesn't look like an e-mail address. Please give me the one on the request, "
                           "like jane@example.com.")


def _looked_up_by(identifier: Identifier) -> str:
    """What a status check is looked up by: 'the request reference or your invoice number'."""
    return f"the request reference or {_the(identifier)}"


def lookup_choice(slot: str, identifier: Identifier) -> str:
    """Said at a look-up question's second miss: the customer chooses how to go on."""
    what = "the e-mail address on the request" if slot == "lookup_email" else _looked_up_by(identifier)
    return (f"I still couldn't read {what} in that. You can type it again, skip this question, "
            "or talk to a person.")


# The e-mail on the request left out of a status check: only this conversation's requests can be shown.
LOOKUP_WITHOUT_EMAIL = ("All right, I'll look without it. To keep requests private, I can then only show the "
                        "ones opened in this conversation.")


def lookup_without_key(identifier: Identifier, policy: RefundPolicy) -> str:
    """No reference or identifier to look a request up by: a person can find it."""
    return (f"Without {_looked_up_by(identifier)} I can't look a request up here. A person can find it for you: "
            f"{contact_line(policy)}")


def lookups_used_up(policy: RefundPolicy) -> str:
    return f"I can't look up any more requests just now. A person can help you with it: {contact_line(policy)}"


def lookup_unavailable(policy: RefundPolicy) -> str:
    return ("I can't look requests up just now because of a technical problem. "
            f"Please try again in a few minutes. {contact_line(policy)}")


def lookup_not_shown(what: str, policy: RefundPolicy, last_try: bool) -> str:
    text = f"I couldn't find a request for {what} that I can show you. Please check it: a reference looks like {REFERENCE_EXAMPLE}."
    if last_try:
        return f"{text} A person can help you find it: {contact_line(policy)}"
    return f"{text} If you opened it by e-mail or phone, {contact_line(policy)}"
