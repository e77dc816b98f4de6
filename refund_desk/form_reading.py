"""Reading one customer message into form answers: plain inputs, plain outputs, no Rasa.

Every message is read for every detail it states, at any point of the form: the detail asked
for is read leniently (a bare number is an identifier), the others only from unambiguous text
(an e-mail address, a clearly stated date, a name the customer introduces). A correction
("sorry, the invoice is actually INV-2208") replaces what was known. Wording lives in
refund_desk/replies.py.

read_message is three steps: `_left_out` (the customer does not have the detail asked, or skips
it: it is left out at once), `_read_details` (every detail the message states), then the summary's
answer (`_read_confirmation`) or the question's miss budget (`_spend_budget`: two misses, then the
customer chooses; a third leaves the detail out), so that no question is asked for ever.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Optional

from refund_desk import replies
from refund_desk.clause_ranking import lexicon_words, split_sentences
from refund_desk.dates import FUTURE, PAST, WEEKDAYS, DateRange, DateReading, has_date, read_date, read_date_range
from refund_desk.eligibility import date_boundaries, decides, refunds_with_cancellation
from refund_desk.facts import REFUND_REASONS, decode_facts
from refund_desk.languages import yes_or_no
from refund_desk.parsing import (clip, parse_amount, parse_count, parse_email, parse_identifier, parse_introduced_name,
                                 parse_name, parse_phone, parse_reference, stated_amount, typed_as_a_name)
from refund_desk.reason_answers import answered_reason, states_no_reason
from refund_desk.readers import (DECISIVE_IN_PASSING, DECISIVE_WHEN_ASKED, negation_marked, normalise, read_reason, read_service_kind,
                                 read_service_status, read_yes_no, says_dont_have, stops_a_renewal, wants_instead)
from refund_desk.refund_policy import DEFAULT_IDENTIFIER, Identifier, RefundPolicy

# Misses a question may have: at the second the customer chooses (the choices, skip it, a person);
# a third skips it (noted for staff), so no question is asked more than three times in a row.
MISS_BUDGET = 2
# Words that name a slip ("the update was actually on the 25th", "sorry, wrong invoice", "scratch the 28th"),
# or point back at what was given ("the invoice I gave you was last month's", "ignore the one before").
_SLIP_WORDS = (r"actually|correction|i meant|i mean|should (?:be|have been)|typo|mistake|wrong|incorrect|"
               r"not (?:correct|right)|my bad|oops|(?:scratch|ignore|disregard|forget) (?:that|the|what|my)|"
               r"(?:i|we) (?:gave|give|sent|send|told|wrote|typed|entered) you|"
               r"(?:one|number|date|address|e-?mail|invoice) (?:i |we )?(?:gave|sent|wrote|write|typed|provided|"
               r"entered|said)? ?(?:before|earlier|previously)|(?:right|correct|proper|real) (?:one|date|number|"
               r"invoice|address|e-?mail)")
_CORRECTION = re.compile(rf"\b({_SLIP_WORDS}|sorry|not \S+ but|instead|rather|update|change)\b", re.I)
_STILL_TO_COME = re.compile(r"\b(is|it's|was booked for|scheduled for|planned for) (next week|next month|coming up)\b|"
                            r"\bhas(n't| not) (happened|started|taken place) yet\b|\bnot (happened|started) yet\b|"
                            r"\bupcoming (appointment|visit|installation|session)\b", re.I)
_UPSET = re.compile(r"\b(ridiculous|unacceptable|outrageous|furious|angry|pissed|scam|rip[- ]?off|disgrace|"
                    r"terrible|awful|worst|wtf|fed up|sick of|not fair|joke)\b|!!!", re.I)
# Details a customer may not know; "I don't know" is an answer to them (the team checks it).
MAY_BE_UNKNOWN = ("service_date", "next_billing_date", "amount_paid", "issues_resolved")
UNKNOWN = "unknown"
# A reply to "What's your full name?" that names a person to talk to ("Talk To Manager").
_A_PERSON = re.compile(r"\b(person|human|manager|supervisor|agent|someone|somebody|representative|operator)\b", re.I)
_CHANGE_WHAT = re.compile(r"\b(change|fix|correct|edit|wrong|update|mistake|typo|incorrect|not right)\b", re.I)

REASON_BUTTONS = replies.REASON_BUTTONS
_REASON_PAYLOADS = {button["payload"] for button in REASON_BUTTONS}
STATUS_BUTTONS = replies.STATUS_BUTTONS
YES_NO_BUTTONS = replies.YES_NO_BUTTONS


@dataclass
class Reading:
    """What a message says: slot values to set, and problems to tell the customer."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    missed: bool = False  # the question asked was not answered (one of its MISS_BUDGET misses)
    skipped: Optional[str] = None  # the detail the customer does not have or chose to skip: left out
    hand_off: bool = False  # a person asked for, or the summary unanswered within its budget: a person takes over
    upset: bool = False  # the customer is angry: acknowledge it before the next question
    # A refund for a prepaid service plainly still to come: the refund stops and a cancellation is offered.
    cancellation_instead: bool = False
    # Inside a refund: "I'm not asking for a refund, I want to cancel": the cancellation form takes over.
    wants_cancellation: bool = False


# slot -> (parser, question when unreadable)
ANSWER_ONLY_SLOTS: dict[str, tuple[Callable[[str], Any], str]] = {
    "issues_resolved": (parse_count, replies.ASK_AGAIN["issues_resolved"]),
    "amount_paid": (parse_amount, replies.ASK_AGAIN["amount_paid"]),
    "customer_name": (parse_name, replies.ASK_AGAIN["customer_name"]),
}
CHOICE_SLOTS: dict[str, Callable[[str, bool], Optional[str]]] = {  # (text, asked)
    "service_kind": read_service_kind,
    "service_status": read_service_status,
}


def date_direction(slot: str, kind: str, known: dict[str, Any]) -> Optional[str]:
    """Which way the date question looks: None while it depends on a detail not known yet."""
    if slot == "next_billing_date":
        return FUTURE
    if kind == "cancellation":
        service_kind = known.get("service_kind")
        return FUTURE if service_kind == "one_time" else PAST if service_kind == "recurring" else None
    return PAST


def _accept_date(slot: str, found: DateReading, direction: Optional[str], kind: str, today: date,
                 reading: Reading, asked: bool, text: str) -> bool:
    """Set the slot from a clear reading; explain a date on the wrong side of today."""
    value = found.value
    if value is None:
        return False
    if direction == PAST and value > today:
        if kind == "refund":  # a prepaid service still to come: that's a cancellation
            _offer_cancellation(reading, text, stop=not asked, value=value, today=today)
            reading.values[slot] = None
        elif asked:
            reading.problems.append(replies.date_in_future(value, kind))
            reading.values[slot] = None
        return False
    if direction == FUTURE and value < today:
        if asked:
            _say_date_passed(reading, value, slot, kind)
        return False
    reading.values[slot] = value.isoformat()
    return True


def _say_date_passed(reading: Reading, value: date, slot: str, kind: str) -> None:
    """A date still to come was asked and one gone by was given: asked again; a cancellation's service is
    offered the refund instead (it may have started), with a button."""
    reading.problems.append(replies.date_in_past(value, slot, kind))
    reading.values[slot] = None
    if kind == "cancellation" and slot == "service_date":
        reading.buttons = replies.REFUND_FOR_PAST_SERVICE_BUTTONS


def _read_vague_date(slot: str, vague: DateRange, kind: str, known: dict[str, Any], today: date,
                     policy: Optional[RefundPolicy], reading: Reading) -> None:
    """A vague answer ("sometime last month"): enough where every day of it decides alike under the
    policy; otherwise asked once more, the range offered with the day where the policy's answer changes."""
    reading.values[f"{slot}_range"] = vague.iso()
    facts = decode_facts(known)
    boundaries = (date_boundaries(policy, kind, slot, vague, facts, today) if policy is not None
                  else [vague.first])
    if not boundaries:
        # the last day for a date behind, the first for one ahead: any day of the range decides alike
        reading.values[slot] = (vague.last if vague.last <= today else vague.first).isoformat()
        return
    reading.values[slot] = None
    reading.problems.append(replies.which_day_in(vague, boundaries[0] if policy is not None else None))


# Answers in which a date-like text is not the service date ("the 1st" for the next billing date).
_NOT_A_SERVICE_DATE_ANSWER = ("next_billing_date", "amount_paid", "issues_resolved", "invoice_number")


def _read_stated_service_date(text: str, requested: Optional[str], known: dict[str, Any], kind: str,
                              today: date, reading: Reading) -> None:
    """A service date the customer states though the policy never asks it ("delivered on Nov 10").

    Kept with the request (and treated like any known detail from then on). A date without a year
    is read as its nearest occurrence ("December 5" is still to come); only one on the side of today
    the form looks at counts, and nothing is said about one that does not.
    """
    if known.get("service_date") is not None or requested in _NOT_A_SERVICE_DATE_ANSWER:
        return
    direction = date_direction("service_date", kind, {**known, **reading.values})
    if direction is None:
        return
    readings = [v for v in (read_date(text, today, PAST).value, read_date(text, today, FUTURE).value) if v]
    value = min(readings, key=lambda d: abs((d - today).days), default=None)
    if value is not None and (value <= today if direction == PAST else value >= today):
        reading.values["service_date"] = value.isoformat()


# "Noticed it Saturday in my banking app", "I only saw the charge yesterday": the day the customer saw something,
# not the service's day. The noticing runs to the end of its clause ("found out on 1 December | that the test
# billed for 23 November never ran"); "saw" only where what was seen is money ("I saw your tech on Monday").
_NOTICED = re.compile(r"\b(?:noticed|spotted|discovered|reali[sz]ed|found(?: out)?|became aware|saw)\b", re.I)
_NOTICING_ENDS = re.compile(r"[,.;:!?\n]|\s[-–—]\s|\s(?=(?:that|but|and|because|which|where|dated|for|since|"
                            r"from|although|though)\b)", re.I)
_SEEN_MONEY = re.compile(r"\b(?:charge|charged|payment|transaction|debit|statement|bill|billed|money|amount|invoice|"
                         r"deduction|renewal)s?\b", re.I)
# a date said again right after the noticing: "just noticed this today, 7 dec, you took money for ..."
_DATE_AFTER_NOTICING = re.compile(r"^\s*,\s*([^,.;:!?\n]{1,20})(?=[,.;:!?\n]|$)")


def _without_noticing(text: str, today: date) -> str:
    """The message without the days on which the customer noticed something (for dates not asked)."""
    kept, position = [], 0
    for found in _NOTICED.finditer(text):
        if found.start() < position:
            continue
        ends = _NOTICING_ENDS.search(text, found.end())
        end = ends.start() if ends else len(text)
        if found[0].lower() == "saw" and not _SEEN_MONEY.search(text[found.start():end]):
            continue
        again = _DATE_AFTER_NOTICING.match(text[end:])
        if again and len(again[1].split()) <= 3 and has_date(again[1], today):
            end += again.end()
        kept.append(text[position:found.start()])
        position = end
    return " ; ".join([*kept, text[position:]])


def _read_dates(text: str, requested: Optional[str], wanted: list[str], known: dict[str, Any], kind: str,
                today: date, reading: Reading, correcting: bool, confirming: bool,
                policy: Optional[RefundPolicy] = None, misses: int = 0) -> None:
    if requested != "service_date":
        text = _without_noticing(text, today)
    for slot in ("service_date", "next_billing_date"):
        if slot in reading.values:
            continue  # left out by the customer ("I don't know the date")
        if slot not in wanted:
            if slot == "service_date":
                _read_stated_service_date(text, requested, known, kind, today, reading)
            continue
        asked = slot == requested
        if not (asked or known.get(slot) is None or correcting or confirming):
            continue
        direction = date_direction(slot, kind, {**known, **reading.values})
        if direction is None and "service_kind" not in wanted:
            # The policy never asks the kind of service, so no later answer will tell the direction:
            # read the date as given; one that depends on the direction is taken as the last one.
            found = read_date(text, today, None)
            if found.needs_direction:
                found = read_date(text, today, PAST)
            if found.value is not None:
                reading.values[slot] = found.value.isoformat()
                continue
        else:
            found = read_date(text, today, direction)
        words = known.get("date_words") if slot == "service_date" else None
        if not found.found and words and direction is not None and known.get(slot) is None:
            earlier = read_date(words, today, direction)  # the customer's earlier words, now readable
            if not (kind == "refund" and earlier.value and earlier.value > today):
                found = earlier  # (a date still to come was offered a cancellation: declined, it is no answer)
        if direction is None and found.found and "service_kind" in wanted:
            if slot == "service_date":
                reading.values["date_words"] = text  # kept until the kind of service says which way to read it
            continue
        if found.value is not None:
            if _accept_date(slot, found, direction, kind, today, reading, asked, text):
                if words:
                    reading.values["date_words"] = None
                if known.get(f"{slot}_range"):
                    reading.values[f"{slot}_range"] = None  # an exact date replaces a vague one
            continue
        if found.options:
            if slot == "service_date":
                reading.values["date_words"] = text  # the date question asks which one was meant
                if asked:
                    reading.values[slot] = None
            elif asked:
                reading.problems.append(replies.which_date(found.options))
                reading.buttons = replies.date_buttons(found.options)
                reading.values[slot] = None
            continue
        if found.needs_direction and slot == "service_date":
            reading.values["date_words"] = text  # kept until the kind of service says which way to read it
            continue
        vague = read_date_range(text, today, direction) if asked and direction else None
        if vague is not None and direction == PAST and vague.first > today:  # "next week": still to come
            if kind == "refund":  # said plainly ("it's next week"), the refund stops; a bare answer may be a slip
                _offer_cancellation(reading, text, stop=bool(_STILL_TO_COME.search(text))
                                    and "service_status" not in wanted)
            else:
                reading.problems.append(replies.date_in_future(vague.first, kind))
            reading.values[slot] = None
            continue
        if vague is not None and direction == FUTURE and vague.last < today:
            _say_date_passed(reading, vague.last, slot, kind)
            continue
        if vague is not None:
            _read_vague_date(slot, vague, kind, known, today, policy, reading)
            continue
        if asked and not _states_other_facts(reading):
            reading.problems.append(replies.NO_DATE)
            reading.values[slot] = None


def _offer_cancellation(reading: Reading, text: str, stop: bool, value: Optional[date] = None,
                        today: Optional[date] = None) -> None:
    """A refund for a service still to come: offer the cancellation instead.

    Said unasked ("it's booked for Wednesday December 2nd"), the refund stops there and the offer
    is the question; as the answer to the date question it may be a slip ("tomorrow" for
    "yesterday"), so the offer comes with the date question again.
    """
    reading.values["date_words"] = text
    if stop:
        reading.cancellation_instead = True
    else:
        reading.problems.append(replies.cancellation_instead(value, today) if value and today
                                else replies.CANCELLATION_INSTEAD)
        reading.buttons = replies.CANCELLATION_INSTEAD_BUTTONS


def _answers_choice(slot: str, text: str) -> bool:
    """Whether the text answers the asked choice ("I just don't want it anymore" is a reason, no cancellation)."""
    if slot == "refund_reason":
        return read_reason(text) is not None
    return slot in CHOICE_SLOTS and CHOICE_SLOTS[slot](text, True) is not None


def _states_other_facts(reading: Reading) -> bool:
    return any(v is not None for k, v in reading.values.items() if k not in ("date_words", "reason_details"))


def read_message(
    text: Optional[str],
    intent: Optional[str],
    requested_slot: Optional[str],
    wanted: list[str],
    known: dict[str, Any],
    kind: str,
    today: date,
    misses: int = 0,
    identifier: Identifier = DEFAULT_IDENTIFIER,
    policy: Optional[RefundPolicy] = None,
) -> Reading:
    """Read a message for the slots in `wanted` (plus reason_details, date_words, customer_phone).

    `misses`: how often the question asked (`requested_slot`) has gone unanswered so far; `policy`
    tells whether a vague date ("sometime last month") is enough for its rules.
    """
    text = clip(text)
    reading = Reading(upset=bool(_UPSET.search(text)))
    if _wants_a_person(text, requested_slot, today, identifier):
        reading.hand_off = True  # whatever the classifier said: a person, with everything said so far
        return reading
    if wants_cancellation_instead(text, kind, requested_slot, today, identifier):
        reading.wants_cancellation = True  # not a refund at all: the cancellation form reads the rest
        return reading
    opening = requested_slot is None  # the message that started the form: no question asked yet
    if requested_slot is not None and requested_slot != "confirmed" and _left_out(
            text, intent, requested_slot, misses, today, identifier,
            declining=_cancellation_offered(kind, requested_slot, known, today), kind=kind):
        _skip(reading, requested_slot, identifier, said=True)
        requested_slot = None  # read the rest of the message for the other details it states
    _read_details(text, intent, requested_slot, wanted, known, kind, today, misses, identifier, policy, reading,
                  opening)
    if requested_slot == "confirmed":
        _read_confirmation(text, intent, known, wanted, reading, identifier, misses)
        return reading
    if intent == "out_of_scope" and requested_slot and not _states_other_facts(reading) \
            and not (requested_slot == "customer_email" and _TRIED_AN_ADDRESS.search(text)):
        # off-topic, and no answer to the question either: say what I can do, then ask again
        reading.problems, reading.buttons = [replies.OUT_OF_SCOPE_IN_FORM], []
        reading.values = {requested_slot: None}
    _spend_budget(reading, requested_slot, misses, identifier, text, today)
    return reading


def _answers(slot: str, text: str, today: date, identifier: Identifier) -> bool:
    """Whether the text holds an answer of the asked detail's own kind (its parser reads something)."""
    if slot == "invoice_number":
        return parse_identifier(text, identifier, answer=True) is not None
    if slot == "customer_email":
        return parse_email(text) is not None
    if slot in ("service_date", "next_billing_date"):
        return (read_date(text, today, PAST).found or read_date(text, today, FUTURE).found
                or read_date_range(text, today, PAST) is not None)
    if slot == "refund_reason":  # "no particular reason" is an answer too
        return read_reason(text) is not None or states_no_reason(text)
    if slot in CHOICE_SLOTS:
        return CHOICE_SLOTS[slot](text, True) is not None
    if slot in ANSWER_ONLY_SLOTS:
        return ANSWER_ONLY_SLOTS[slot][0](text) is not None
    return False


def _left_out(text: str, intent: Optional[str], slot: str, misses: int, today: date, identifier: Identifier,
              declining: bool, kind: str = "refund") -> bool:
    """Whether the customer does not have the detail asked, or chose to skip it after the misses.

    `declining`: the question came with an offer, so a yes or no answers the offer and leaves nothing out.
    Why a customer cancels is never something they "don't have": any words are their reason.
    """
    if declining and read_yes_no(text) is not None:
        return False
    if slot == "refund_reason" and kind == "cancellation":
        return misses >= MISS_BUDGET and intent == "affirm"  # only "Skip this question" after the choice
    if slot in MAY_BE_UNKNOWN and says_dont_have(text) and not read_date(text, today, PAST).found \
            and parse_count(text) is None:
        return True  # "I don't know" is an answer to these (the team checks it)
    if _answers(slot, text, today, identifier):
        return False
    if says_dont_have(text):
        return True
    return misses >= MISS_BUDGET and intent == "affirm"  # "Carry on without it" after the choice


def _cancellation_offered(kind: str, requested: Optional[str], known: dict[str, Any], today: date) -> bool:
    """Whether the date question came with the offer of a cancellation (the date said before is still to come)."""
    words = known.get("date_words")
    earlier = read_date(words, today, PAST).value if kind == "refund" and requested == "service_date" and words else None
    return earlier is not None and earlier > today


def wants_cancellation_instead(text: str, kind: str, requested: Optional[str], today: date,
                               identifier: Identifier) -> bool:
    """Inside a refund, "I'm not asking for a refund, I want to cancel" (and no answer to the question asked:
    "I just don't want it anymore" is a reason). Answering why, a customer tells what went wrong, often in a
    cancellation's words ("monitoring stopped during the outage"): there the message must also name the
    refund or the cancellation."""
    if requested == "refund_reason" and not (_CANCEL_WORDS.search(text)  # named, negated or not
                                             or _says_a_lexicon_word("money_back", _padded_words(text))):
        return False
    return kind == "refund" and requested is not None and wants_instead(text) == "cancellation" \
        and not _answers(requested, text, today, identifier)


def _wants_a_person(text: str, requested: Optional[str], today: date, identifier: Identifier) -> bool:
    """Inside a form, "can somebody from your team just call me" at any question: a person asked for in
    words, and no answer to the question ("Talk To Manager" typed as the name is asked again, not handed off)."""
    return requested is not None and asks_for_a_person(text) and not reads_as_an_answer(text, requested, identifier,
                                                                                          today)


def _skip(reading: Reading, slot: str, identifier: Identifier, said: bool) -> None:
    """Leave a detail out of this request (noted for staff); it is not asked again."""
    if slot == "invoice_number":
        reading.values["invoice_skipped"] = True
        reading.values["invoice_number"] = None
    else:
        reading.values[slot] = UNKNOWN
    reading.skipped = slot
    reading.problems = [replies.carry_on_without(slot, identifier, said)]
    reading.buttons = []


def _filled(reading: Reading, slot: str) -> bool:
    return reading.values.get(slot) is not None or (slot == "invoice_number"
                                                    and bool(reading.values.get("invoice_skipped")))


# What a question's miss leads to (after_a_miss): asked again, the customer chooses, or the detail is left out.
ASK_AGAIN, CHOOSE, LEAVE_OUT = "ask again", "choose", "leave out"


def after_a_miss(misses: int) -> str:
    """What one more miss of a question that has had `misses` leads to, under the budget of MISS_BUDGET."""
    spent = misses + 1
    return LEAVE_OUT if spent > MISS_BUDGET else CHOOSE if spent == MISS_BUDGET else ASK_AGAIN


def _spend_budget(reading: Reading, requested: Optional[str], misses: int, identifier: Identifier,
                  text: str, today: date) -> None:
    """A question left unanswered spends one of its misses: at the budget the customer chooses, after it
    the detail is left out, so that no question is asked more than three times in a row.
    At the budget, an answer that was read ("12 November" for an appointment) keeps the problem that says
    why it cannot be used, rather than "I couldn't read it"."""
    if requested is None or reading.skipped or _filled(reading, requested) or reading.cancellation_instead:
        return
    reading.missed = True
    step = after_a_miss(misses)
    if step == LEAVE_OUT:
        _skip(reading, requested, identifier, said=False)
    elif step == CHOOSE:
        read_but_unusable = (requested != "invoice_number" and bool(reading.problems)
                             and _answers(requested, text, today, identifier))
        reading.problems = ([*reading.problems, replies.CHOOSE_AFTER_AN_UNUSABLE_ANSWER] if read_but_unusable
                            else [*reading.problems[:-1], replies.choose_after_misses(requested, identifier)])
        reading.buttons = (replies.IDENTIFIER_CHOICE_BUTTONS if requested == "invoice_number"
                           else [*reading.buttons, *replies.SKIP_OR_PERSON_BUTTONS])


def _read_details(text: str, intent: Optional[str], requested_slot: Optional[str], wanted: list[str],
                  known: dict[str, Any], kind: str, today: date, misses: int, identifier: Identifier,
                  policy: Optional[RefundPolicy], reading: Reading, opening: bool = False) -> None:
    """Every detail the message states, into `reading` (the confirmation is read apart); `opening`: the
    message that started the form."""
    confirming = requested_slot == "confirmed"
    correcting = bool(_CORRECTION.search(text)) and requested_slot is not None
    # a slip in a date, an identifier or an address mended alone: "the update was actually on the 25th, not
    # the 28th" says no new work status or reason
    mends_a_format = correcting and corrects_a_known_detail(text, known, identifier, today)

    def may_set(slot: str) -> bool:
        """Whether a detail stated in this message may replace what is known."""
        return slot in wanted and (known.get(slot) is None or slot == requested_slot or correcting or confirming)

    identifier_value = parse_identifier(text, identifier, answer=requested_slot == "invoice_number")
    if identifier_value and may_set("invoice_number") and identifier_value != known.get("invoice_number"):
        reading.values["invoice_number"] = identifier_value
        if known.get("invoice_skipped"):
            reading.values["invoice_skipped"] = None

    email = parse_email(text)
    if email and may_set("customer_email") and email != known.get("customer_email"):
        reading.values["customer_email"] = email
    elif requested_slot == "customer_email" and not email:
        reading.values["customer_email"] = None
        reading.problems.append(replies.BAD_EMAIL)

    phone = parse_phone(text)
    if phone and phone != known.get("customer_phone"):
        reading.values["customer_phone"] = phone

    # At the summary, a message naming another detail ("there's a mistake in my e-mail") changes only that one.
    named = _detail_named(text, wanted, identifier) if confirming else None
    # A yes to the summary confirms it: the readers of the choices take a bare "yes" for "work has started"
    confirmed = confirming and named is None and yes_no_answer(text, intent) is True

    def may_reread(slot: str) -> bool:
        """Whether a categorical detail (a choice, the reason) is read from this message."""
        if slot not in wanted or (named is not None and named != slot) or confirmed:
            return False
        if slot == requested_slot or confirming or (correcting and not mends_a_format):
            return True
        # unasked, a work status is read only from the opening message ("received" is not "delivered"; the
        # rest of an answer that skipped its question, "zero leads" to the reason, is not an opening)
        return known.get(slot) is None and (slot != "service_status" or opening)

    for slot, parse in CHOICE_SLOTS.items():  # before dates: the kind of service decides their direction
        if may_reread(slot) and slot not in reading.values:
            value = parse(text, slot == requested_slot)
            if value and value != known.get(slot):
                reading.values[slot] = value
            elif requested_slot == slot and not value:
                reading.problems.append(replies.ASK_AGAIN[slot])  # the question, with its choices, follows
                reading.values[slot] = None

    _read_dates(text, requested_slot, wanted, known, kind, today, reading, correcting, confirming, policy, misses)
    if kind == "refund" and _STILL_TO_COME.search(text) and reading.problems in ([], [replies.NO_DATE]) \
            and not reading.cancellation_instead and known.get("service_date") is None \
            and reading.values.get("service_date") in (None, UNKNOWN):
        reading.problems = []  # "it's next week" is no date to read, but it says when
        # where the policy asks how far the work got, "not started yet" is that answer, not only a cancellation
        _offer_cancellation(reading, text, stop="service_status" not in wanted)

    if may_reread("refund_reason") and "refund_reason" not in reading.values:
        reason = read_reason(text, asked=requested_slot == "refund_reason",
                             certainty=reason_certainty(policy, kind, requested_slot, misses))
        if requested_slot == "refund_reason":
            reason = answered_reason(text, reason)
        if reason == "other" and requested_slot != "refund_reason":
            reason = None  # "something else" is an answer to the question, never a reason read in passing
        chosen = text in _REASON_PAYLOADS and known.get("reason_details")  # a button after the customer's words
        if reason and reason != known.get("refund_reason"):
            reading.values["refund_reason"] = reason
            if not chosen:
                reading.values["reason_details"] = text
        elif requested_slot == "refund_reason" and not reason:
            decisive = policy is None or decides(policy, kind, "refund_reason")
            # a cancellation's reason asked back once: words that again fit no choice are the customer's own
            if decisive and not (kind == "cancellation" and misses):  # not read for sure: asked back, with choices
                reading.problems.append(replies.UNCLEAR_REASON)  # the question, with its choices, follows
                reading.values["refund_reason"] = None
            else:  # the reason decides nothing here: any answer is kept, in the customer's words
                reading.values["refund_reason"] = "other"
            if not decisive or (intent not in ("nlu_fallback", "out_of_scope") and len(text.split()) >= 3):
                reading.values["reason_details"] = text

    # "cancel it so it doesn't renew, I don't need a refund", "I just don't want it to renew next year": the
    # cancellation is not weighed for money back (a later "I'd like the balance back" takes that back)
    if known.get("refund_declined") and mentions_money_back(text):
        reading.values["refund_declined"] = None  # in any request: the money is wanted after all
    elif kind == "cancellation" and not known.get("refund_declined") and (
            declines_a_refund(text) or (stops_a_renewal(text) and not mentions_money_back(text))):
        reading.values["refund_declined"] = True

    # an amount said in passing is kept, asked or not ("two payments of 149,00": what the team refunds)
    if requested_slot != "amount_paid" and known.get("amount_paid") is None and stated_amount(text) is not None:
        reading.values["amount_paid"] = stated_amount(text)

    introduced = parse_introduced_name(text)
    if introduced and may_set("customer_name") and requested_slot != "customer_name":
        reading.values["customer_name"] = introduced
    if requested_slot in ANSWER_ONLY_SLOTS:  # read leniently only as the answer to their own question
        parse, question = ANSWER_ONLY_SLOTS[requested_slot]
        value = parse(text) if requested_slot != "customer_name" else (introduced or parse(text))
        if value is None and _states_other_facts(reading):
            reading.values[requested_slot] = None  # other details given instead: keep them, ask again
        else:
            reading.values[requested_slot] = value
            if value is None:
                reading.problems.append(question)
                if requested_slot == "customer_name" and _A_PERSON.search(text):
                    reading.problems.append(replies.PERSON_INSTEAD_OF_NAME)

    if requested_slot == "invoice_number" and "invoice_number" not in reading.values:
        reading.values["invoice_number"] = None
        if _states_other_facts(reading):
            reading.problems.append(replies.still_need(identifier))
        else:
            reading.problems.append(replies.identifier_not_found(identifier))


# "zoe at example" to the e-mail question is a try at an address, whatever the classifier says.
_TRIED_AN_ADDRESS = re.compile(r"@|\b(at|dot)\b", re.I)


_PHONE_WORDS = re.compile(r"\b(phone|mobile|cell|telephone)\b", re.I)
_REMOVE = re.compile(r"\b(remove|delete|drop|take (it )?out|leave (it )?out|don'?t (use|keep|want|need)|no|without|"
                     r"forget|wrong|not mine|incorrect)\b", re.I)


def _read_confirmation(text: str, intent: Optional[str], known: dict[str, Any], wanted: list[str],
                       reading: Reading, identifier: Identifier, misses: int = 0) -> None:
    changed = {k: v for k, v in reading.values.items()
               if (k in wanted or k == "customer_phone") and k != "confirmed" and v is not None and v != known.get(k)}
    if known.get("customer_phone") and "customer_phone" not in changed and _PHONE_WORDS.search(text) \
            and _REMOVE.search(text):
        changed = {"customer_phone": None}  # "remove my phone number": the summary is shown without it
        reading.values["customer_phone"] = None
    if changed:
        reading.values = {**{k: v for k, v in reading.values.items() if v is not None}, **{
            k: v for k, v in changed.items() if v is None}, "confirmed": None}
        reading.problems = []
        reading.buttons = []
        return  # details changed: the summary is shown again
    reading.values = {}
    reading.problems = []
    reading.buttons = []
    to_change = _detail_named(text, wanted, identifier) if (_CHANGE_WHAT.search(text) or intent == "deny"
                                                             or text.lower().startswith("no")) else None
    if to_change:
        reading.values = {to_change: None, "confirmed": None}  # the form asks for it again
        return
    answer = yes_no_answer(text, intent)
    if answer is True:
        reading.values["confirmed"] = True
        return
    # no yes and nothing changed: one of the summary's misses
    reading.values["confirmed"] = None
    reading.missed = True
    if misses + 1 > MISS_BUDGET:
        reading.hand_off = True  # everything said so far goes to a person with the hand-off
        reading.problems.append(replies.SUMMARY_TO_A_PERSON)
    elif answer is False:
        reading.problems.append(replies.WHAT_TO_CHANGE)
        reading.buttons = replies.change_buttons([s for s in wanted if s != "confirmed" and known.get(s) is not None],
                                                 identifier)
    else:
        reading.problems.append(replies.YES_OR_NO)
        reading.buttons = YES_NO_BUTTONS
    if misses + 1 == MISS_BUDGET:
        reading.buttons = [*reading.buttons, replies.PERSON_BUTTON]


def _detail_named(text: str, wanted: list[str], identifier: Identifier) -> Optional[str]:
    """The detail a 'change the date' / 'the e-mail is wrong' message names."""
    lowered = text.lower()
    for slot, words in replies.DETAIL_WORDS.items():
        if slot in wanted and any(re.search(rf"\b{w}\b", lowered) for w in words):
            return slot
    if "invoice_number" in wanted and identifier.label.lower() in lowered:
        return "invoice_number"
    return None


def yes_no_answer(text: str, intent: Optional[str]) -> Optional[bool]:
    """A yes (True), a no (False) or neither (None): the yes/no reader, then the yes and no words of the
    answered languages ("sí", "ja", "oui", "nein"); a button's payload ("/affirm") by its intent."""
    if text.strip().startswith("/"):
        return {"affirm": True, "deny": False}.get(intent or "")
    answer = read_yes_no(text)
    return answer if answer is not None else yes_or_no(text)


_DISPUTED = re.compile(r"\b(disputed|filed|opened|raised|started|submitted|made)\b.*\b(chargeback|dispute|claim)|"
                       r"\b(chargeback|dispute)\b.*\b(filed|opened|raised|already|submitted)\b|"
                       r"\balready (disputed|reversed|contacted my bank)|\bmy bank (reversed|is disputing)", re.I)


def already_disputed(text: Optional[str]) -> bool:
    """'I filed a dispute with PayPal', 'i did a chargeback already': the charge is disputed, not threatened,
    nor denied ("I haven't filed a chargeback yet": words a negation covers are marked, readers.negation_marked)."""
    return bool(_DISPUTED.search(_unnegated(text)))


def asks_to_cancel_after_a_double_charge(text: Optional[str]) -> bool:
    """'You charged me twice for December on my monthly plan. After this I'm done, please cancel the plan':
    two requests, the refund of the duplicate and the cancellation (a sentence of its own asks to cancel). The
    double charge read surely: "billed yesterday for another month. I want to cancel now" (0.72) is one request."""
    text = clip(text)
    return (is_duplicate_charge(text, certainty=DECISIVE_IN_PASSING) and not declines_money_back(text)
            and bool(_NAMES_CANCELLING.search(_unnegated(text)))  # not "don't cancel"
            and _asks_to_cancel_in_a_sentence(text))


def is_duplicate_charge(text: Optional[str], certainty: Optional[float] = None) -> bool:
    """'Charged twice', '2x', 'double billed': a refund for a duplicate payment, unless already disputed;
    `certainty`: how sure the reading must be, where not the usual in passing."""
    text = clip(text)
    return read_reason(text, asked=False, certainty=certainty) == "duplicate_payment" and not already_disputed(text)


_ONLY_STOP = re.compile(r"^\W*(please\s+)?(stop|cancel( it| this| that| the request)?|quit|exit|abort|end( it)?|"
                        r"never ?mind|forget (it|about it)|no thanks|i give up|leave it)\W*(please)?\W*$", re.I)


# A slip named as such, or a value said not to be the one given: "on the 25th, not the 28th", "INV-20438,
# not -31", "it's .co.uk not .com", "Thursday 26 November, not the Saturday".
_SAYS_A_SLIP = re.compile(rf"\b(?:{_SLIP_WORDS})\b|\bnot (?:on )?(?:the )?(?:[-.]?\d|\.[a-z]{{2,4}}\b|"
                          rf"(?:{'|'.join(day for day in WEEKDAYS if day.endswith('day'))})\b)", re.I)


def corrects_a_known_detail(text: Optional[str], known: dict[str, Any], identifier: Identifier, today: date) -> bool:
    """Whether a message, at whatever question, says that a detail already given was wrong and gives another."""
    text = clip(text)
    if not _SAYS_A_SLIP.search(text):
        return False
    found = read_date(text, today, PAST).value or read_date(text, today, FUTURE).value
    day = found.isoformat() if found else None  # compared with either known date
    said = {"invoice_number": parse_identifier(text, identifier), "customer_email": parse_email(text),
            "service_date": day, "next_billing_date": day}
    return any(value and known.get(slot) and value != known[slot] for slot, value in said.items())


def reads_as_an_answer(text: Optional[str], requested: Optional[str], identifier: Identifier, today: date) -> bool:
    """Whether a message the classifier took for 'stop' (or a hand-off, a why) is meant as the answer instead."""
    text = clip(text)
    if not requested or _ONLY_STOP.match(text):
        return False
    if parse_email(text) or parse_identifier(text, identifier, answer=requested == "invoice_number"):
        return True
    if requested == "customer_name":  # "Talk To Manager" typed as the name: the form asks again
        return parse_name(text) is not None or typed_as_a_name(text)
    if requested in ("service_date", "next_billing_date"):
        return read_date(text, today, PAST).found or read_date(text, today, FUTURE).found
    if requested == "refund_reason":  # "No reason, I want to stop": no reason is the answer; the stop is the service's
        return states_no_reason(text)
    return False


def answers_instead_of_a_person(text: Optional[str], requested: Optional[str], identifier: Identifier,
                                today: date) -> bool:
    """Whether a message the classifier took for a hand-off answers the question asked instead ("one time
    support call" to the kind of service, "I don't have a customer ID"): it asks for no person in words."""
    text = clip(text)
    if reads_as_an_answer(text, requested, identifier, today):
        return True
    if not requested or requested == "confirmed" or asks_for_a_person(text):
        return False
    if requested == "refund_reason":  # "other" is the reason reader's catch-all, not a reason it read
        return read_reason(text) not in (None, "other") or says_dont_have(text)
    return _answers(requested, text, today, identifier) or says_dont_have(text)


_STOP_WORDS = re.compile(r"\b(stop|cancel|quit|exit|abort|end|never ?mind|forget|give up|leave it|no thanks|"
                         r"not interested|drop (it|this)|don'?t (want|bother))\b", re.I)


_PEOPLE = r"\b(person|human|manager|supervisor|agent|someone|somebody|representative|operator|people|staff|" \
          r"specialists?|experts?|colleagues?|team members?|real one)\b"
_TO_A_PERSON = re.compile(r"\b(speak|talk|chat|contact|call|connect|put me through|transfer|pass me|hand me|reach|get|"
                          r"want|need|prefer|rather|explain|put)\b.{0,60}" + _PEOPLE + "|" + _PEOPLE +
                          r".{0,30}\b(call|contact|reach|phone|ring|rang|e-?mail|get back to)\s+(me|us)\b", re.I)


def asks_for_a_person(text: Optional[str]) -> bool:
    """'please i want speak with a person of your company': a person asked for, in any order of words."""
    return bool(_TO_A_PERSON.search(clip(text)))


def asks_to_stop(text: Optional[str]) -> bool:
    """Whether a message the classifier took for 'stop' says stop at all ("this month", "i dont have it" do not)."""
    return bool(_STOP_WORDS.search(clip(text)))


_WANTS_REFUND = re.compile(r"\b(want|need|like|get|give me|request(ing)?|asking for)\b.{0,25}\b(refund|money back)\b|"
                           r"\brefund,?\s*(please|pls|\?)|\bmoney back\b|"
                           # "refund" told at the head of a sentence or after a comma: "It's worthless. Refund me."
                           r"(^|[.!?;]\s*)\W*(please\s+|just\s+)?refund\b(?!\s+(polic|terms|rules|process|procedure|time))|,\s*(please\s+|just\s+)?refund\s+(me|us|it)\b|"
                           r"\b(could|can|would|will)\s+(you|u)\s+(please\s+)?refund\b|"
                           r"\b(get|want|have|give)\s+(me\s+|us\s+)?(our|my|the)\s+(deposit|payment|funds|cash)\s+back\b",
                           re.I)
_ASKS_STATUS = re.compile(r"\b(status|any update|an update|update on|where('?s| is)|processed|track|heard|still waiting|progress|news|approved|"
                          r"reference|RF-)\b", re.I)


def asks_for_a_new_refund(text: Optional[str]) -> bool:
    """'…still slow, I want my money back': a new refund request, not a question about an existing one."""
    text = clip(text)
    return bool(_WANTS_REFUND.search(text)) and not _ASKS_STATUS.search(text) and parse_reference(text) is None


def asks_about_a_request(text: Optional[str]) -> bool:
    """Whether the message asks how an earlier request stands ("any news on my other refund?")."""
    return bool(_ASKS_STATUS.search(clip(text)))


def asks_to_cancel(text: Optional[str]) -> bool:
    """Whether the message names cancelling at all ("need to cancel tomorrow's session", "unsubscribe")."""
    return bool(_CANCEL_WORDS.search(clip(text)))


_NAMES_CANCELLING = re.compile(r"\b(cancel\w*|unsubscribe)\b", re.I)  # the word itself, no "end" or "stop"
_CANCEL_WORDS = re.compile(r"\b(cancel\w*|unsubscribe|terminate|stop (my|our|the) (plan|subscription|contract))\b",
                           re.I)
# A cancel word that names a cancellation already asked for or done, not one asked for now: a past tense
# ("cancelled on the 10th"), the noun after a possessive ("my seo cancellation"), or the verb after an
# auxiliary of the past ("did you cancel it", "has it been cancelled").
_EARLIER_CANCELLATION = re.compile(
    r"\b(cancell?ed|unsubscribed|terminated)\b|"
    r"\b(my|our|your)\s+([\w-]+\s+){0,2}(cancellation|termination)\b|"
    r"\b(did|didn't|has|have|had|was|were)\s+([\w-]+\s+){0,2}(cancel|terminate|unsubscribe)\b", re.I)


def names_only_an_earlier_cancellation(text: Optional[str]) -> bool:
    """Whether every cancel word of the message names a cancellation already asked for or done ("just checking
    my seo cancellation from last month went through"), and none asks for one now ("please cancel my plan")."""
    text = clip(text)
    earlier = [m.span() for m in _EARLIER_CANCELLATION.finditer(text)]
    named = [m.span() for m in _CANCEL_WORDS.finditer(text)]
    return bool(named) and all(any(a <= start and end <= b for a, b in earlier) for start, end in named)



def reason_certainty(policy: Optional[RefundPolicy], kind: str, requested_slot: Optional[str] = None,
                     misses: int = 0) -> Optional[float]:
    """How sure a reading of the reason must be. Said in passing: more where the refund policy's decision
    turns on it (a wrong one decides the request wrongly; one not read is asked), and in the answer to
    another question ("billed on the 1st of every month" to the kind of service read as a double charge at
    0.71: 26 of 233 such answers by another hand gave a reason at the usual 0.65, 1 at 0.85). The answer
    to the reason question itself, where the reason decides: DECISIVE_WHEN_ASKED, then asked back with
    the choices; a refund's second answer is read as usual, a cancellation's words still unsure are the
    customer's own ("other"). None: the usual."""
    decisive = policy is not None and decides(policy, kind, "refund_reason")
    if requested_slot == "refund_reason":
        return DECISIVE_WHEN_ASKED if decisive and (kind == "cancellation" or not misses) else None
    if requested_slot is not None:
        return DECISIVE_IN_PASSING
    return DECISIVE_IN_PASSING if decisive else None


# The customer's own payment told as a story: "Paid for a backup setup in November", "we were charged twice",
# "you billed us for", "my card was debited"; not put as a supposition ("if I paid in crypto, ...").
_OWN_PAYMENT = re.compile(
    r"^\W*(?:(?:so|well|hi|hello|hey|ok)\W+)?(?:paid|bought|ordered|purchased|booked)\b|"
    r"\b(?:i|we)(?:'ve|’ve| have| had)?\s+(?:already\s+|just\s+|recently\s+)?(?:paid|bought|ordered|purchased|booked|"
    r"(?:was|were|got|been|have been)\s+(?:charged|billed|debited|invoiced))\b|"
    r"\byou\s+(?:guys\s+)?(?:charged|billed|took|debited|invoiced)\s+(?:me|us)\b|"
    r"\b(?:my|our)\s+(?:card|account|bank account)\s+(?:was|got|has been)\s+(?:charged|debited|billed)\b", re.I)
_SUPPOSED = re.compile(r"\b(?:if|suppose|supposing|say|in case|hypothetically|should|would|whether)\b[^.?!]{0,40}$", re.I)


def tells_own_payment(text: Optional[str]) -> bool:
    """Whether the message tells of a payment of the customer's own (not a supposition): a question put
    after it ("... and nobody ever contacted me. What gives?") is about their case, not the rules."""
    text = clip(text)
    return any(not _SUPPOSED.search(text[:m.start()]) for m in _OWN_PAYMENT.finditer(text))


def reads_as_a_refund_request(text: Optional[str]) -> bool:
    """Whether an unplaced message asks for money back or states why a service should be refunded.

    "…it was never delivered, nobody has even started on it" to a refund desk is a refund request;
    a cancellation ("cancel", a subscription) or bare details are not.
    """
    text = clip(text)
    if asks_for_a_new_refund(text):
        return True
    reason = read_reason(text, asked=False, one_reading=False)  # some reason, whichever its clauses say
    # a plan's grievance is a cancellation, unless the plan was charged twice (a refund of the duplicate)
    return (reason is not None and reason != "other" and not _CANCEL_WORDS.search(text)
            and (read_service_kind(text, asked=False) != "recurring" or reason == "duplicate_payment")
            and not _ASKS_STATUS.search(text)
            and not already_disputed(text))  # already disputed with the bank: a chargeback


_STARTED = re.compile(r"\b(started|begun|began|underway|in progress)\b", re.I)


def _asks_to_cancel_in_a_sentence(text: str) -> bool:
    """Whether a sentence that names cancelling asks to cancel now, each sentence read on its own, so
    that a story told first ("they fixed one thing but the tech was rude.") does not drown the request."""
    return any(wants_instead(sentence) == "cancellation"
               for sentence in split_sentences(text) if _CANCEL_WORDS.search(sentence))


# "get the unused months back", "return the unused part": something got back, or the rest of the period
# given, a few words apart
_GOT_BACK = re.compile(r"\b(get|give|send|pay|want|need)\b(\s+[\w']+){0,4}\s+back\b|"
                       r"\b(give|send|pay|return|credit)\b(\s+[\w']+){0,4}\s+(unused|remaining|rest|remainder|balance|left)\b")


def _unnegated(text: Optional[str]) -> str:
    """The normalised words, those a negation covers marked (readers.negation_marked), padded for phrase search."""
    return " " + " ".join(negation_marked(normalise(text))) + " "


def _padded_words(text: Optional[str]) -> str:
    """`_unnegated`'s words with the negation marks taken off: a phrase said, negated or not."""
    return _unnegated(text).replace(" not_", " ")


def _says_a_lexicon_word(table: str, marked: str) -> bool:
    """Whether text marked by `_unnegated` holds one of a lexicon.yml table's words where no negation covers it."""
    return any(f" {normalise(phrase)} " in marked for phrase in lexicon_words(table))


def mentions_money_back(text: Optional[str]) -> bool:
    """Whether the message asks for money back, in lexicon.yml's words or as something to get back, where no
    negation covers them ("and refund the rest" does; "I don't need a refund" and "I won't get that charge
    back" do not: a covered word is marked, readers.negation_marked)."""
    marked = _unnegated(text)
    return bool(_GOT_BACK.search(marked)) or _says_a_lexicon_word("money_back", marked)


# A stop verb whose object is a service of the customer's ("STOP the social media service"). "End" is not
# one: WebPro's refund clause is "end the contract without any specific reason".
_STOPS_A_SERVICE = re.compile(r"\b(stop|halt)\s+(my|our|the|this|that)\s+([\w-]+\s+){0,3}"
                              r"(services?|plan|subscription|contract|membership)\b", re.I)


def declines_money_back(text: Optional[str]) -> bool:
    """Whether the message names money back only under a negation ("not after my money", "no refund needed",
    "I don't need anything back")."""
    said = _padded_words(text)
    return (bool(_GOT_BACK.search(said)) or _says_a_lexicon_word("money_back", said)) and not mentions_money_back(text)


# Declining is the wish negated ("I don't need a refund", "not after my money", "no refund needed"), not a
# complaint about money that has not come ("you still haven't refunded it", "I never got my refund").
_NEGATED_WISH = re.compile(r"\bnot_(need|want|after|asking|ask|looking|expect|require|interested|bother)\w*"
                           r"|\bno not_\S+ not_(needed|necessary|required|wanted)\b")


def declines_a_refund(text: Optional[str]) -> bool:
    """Whether the customer says they want no money back ("so it doesn't renew; I don't need a refund")."""
    return declines_money_back(text) and bool(_NEGATED_WISH.search(_unnegated(text)))


def asks_to_cancel_without_a_refund(text: Optional[str]) -> bool:
    """'I want to cancel now; I know that charge won't come back', 'STOP the social media service': a
    cancellation under any policy, since the customer asks for no money back (the whole message read:
    "I want to stop the contract, no special reason" is no sure wish to cancel, and WebPro's refund clause
    names ending the contract). Ending in lexicon.yml's other words ("just end the contract") counts when
    the money is declined in words ("not after my money")."""
    text = clip(text)
    if mentions_money_back(text):
        return False
    if wants_instead(text) != "cancellation" and not (_NAMES_CANCELLING.search(text)
                                                      and _asks_to_cancel_in_a_sentence(text)):
        # a story told around it ("The lease fell through. We have to cancel the installation.") is read apart
        # where "cancel" is said; "I want to stop the contract, no special reason" may be WebPro's end of contract
        return False
    return bool(_CANCEL_WORDS.search(text) or _STOPS_A_SERVICE.search(text)) or (
        declines_money_back(text) and _says_a_lexicon_word("cancel_words", _unnegated(text)))


def asks_about_cancelling(text: Optional[str], today: date, identifier: Identifier = DEFAULT_IDENTIFIER) -> bool:
    """'Can I cancel my antivirus whenever I want, or is there a contract?': a question about the terms of
    cancelling, answered from the policy rather than taken as a request. Only questions that name no
    service of the customer's to cancel by its date or identifier ("Can I cancel the workshop on the
    15th?" is a request put as a question), do not ask how to cancel ("how do I cancel?" starts the
    cancellation) nor ask us to ("can you just cancel the renewal?"), and say nothing outside the
    question that asks to cancel now."""
    text = clip(text)
    questions = [s for s in split_sentences(text) if "?" in s]
    others = [s for s in split_sentences(text) if "?" not in s]
    when = read_date(text, today)
    return (any(_CANCEL_WORDS.search(q) for q in questions)
            and not any(_HOW_TO.search(q) or _ASKS_US_TO.search(q) for q in questions)
            and not any(_asks_to_cancel_in_a_sentence(s) for s in others)
            and when.value is None and not when.options and not when.needs_direction
            and read_date_range(text, today) is None and parse_identifier(text, identifier) is None)


_HOW_TO = re.compile(r"\bhow\s+(do|can|could|would|should)\s+(i|we)\b", re.I)
# A question that asks the company to do it ("Can you just cancel the renewal instead?", "please cancel it?")
_ASKS_US_TO = re.compile(r"\b(can|could|would|will)\s+(you|u|ya|your team)\b|\bplease\b", re.I)


def asks_to_cancel_with_a_refund(text: Optional[str], policy: RefundPolicy) -> bool:
    """'Cancel me and refund the remaining months' where the policy's cancellation clauses weigh what
    comes back: a cancellation (elsewhere the refund clauses decide the money, and it stays a refund)."""
    text = clip(text)
    return refunds_with_cancellation(policy) and mentions_money_back(text) and _asks_to_cancel_in_a_sentence(text)


def reads_as_a_refund_of_a_started_service(text: Optional[str]) -> bool:
    """'The onboarding started last Thursday but we no longer need it': past cancelling in advance.

    Read as a cancellation by the classifier ("no longer need it"), but the customer did not ask to
    cancel and the one-time service has begun: what is left to ask for is a refund. A plan or an
    explicit "cancel" stays a cancellation.
    """
    text = clip(text)
    if _CANCEL_WORDS.search(text) or _STOPS_A_SERVICE.search(text) or read_service_kind(text, asked=False) == "recurring":
        return False  # "we would like to stop the service": a cancellation asked for in words
    if read_service_status(text, asked=False) == "started" and _STARTED.search(text):
        return True
    # "We got the logo files on Tuesday. Can we return it?": one sentence says the work was received,
    # read on its own (the rest of the story dilutes it), and none says it is still to come
    said = {read_service_status(sentence, asked=False) for sentence in split_sentences(text)}
    return bool(said & {"started", "delivered"}) and "not_started" not in said


def asks_for_money_back_not_to_cancel(text: Optional[str]) -> bool:
    """'Is it possible to get back the portion we won't use?': money back asked for, and no cancelling named
    (none of lexicon.yml's cancel words, negated or not, no stop of a service). The classifier hears a
    cancellation in the story ("we will not use it going forward"); the customer asks for a refund.
    "Don't renew my plan and refund this month" names both, and stays a cancellation."""
    text = clip(text)
    return (mentions_money_back(text) and not _STOPS_A_SERVICE.search(text)
            and not _says_a_lexicon_word("cancel_words", _padded_words(text)))


def read_lookup(text: Optional[str], identifier: Identifier = DEFAULT_IDENTIFIER) -> Optional[str]:
    """A request reference or an identifier to look a request up by."""
    return parse_reference(text) or parse_identifier(text, identifier, answer=True)


__all__ = ["Reading", "read_message", "read_lookup", "reads_as_a_refund_request", "date_direction", "REFUND_REASONS",
           "REASON_BUTTONS"]
