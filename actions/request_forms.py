"""Form validation actions: read each message with refund_desk.form_reading, set the slots."""
from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.runtime import runtime, today
from actions.slots import (CONTACT_SLOTS, SIDE_SLOTS, facts_from, last_answer_before, latest_intent, misses_of,
                           slot_values, said_text)
from refund_desk import replies
from refund_desk.dates import FUTURE, PAST, read_date
from actions.status_check import ASKED_AS, asked_for, extract_lookup_email, missed, status_asked_slots
from refund_desk.eligibility import asked_facts
from refund_desk.form_reading import (MISS_BUDGET, already_disputed, answers_instead_of_a_person,
                                      corrects_a_known_detail,
                                      asks_to_cancel_after_a_double_charge, asks_about_a_request,
                                      asks_about_cancelling, asks_for_a_new_refund, asks_for_money_back_not_to_cancel,
                                      asks_to_cancel_with_a_refund,
                                      asks_to_cancel_without_a_refund,
                                      asks_to_stop, date_direction, names_only_an_earlier_cancellation,
                                      read_lookup, read_message, reason_certainty,
                                      reads_as_a_refund_of_a_started_service, reads_as_an_answer,
                                      wants_cancellation_instead)
from refund_desk.parsing import parse_email
from refund_desk.policy_answers import answer_policy_question
from refund_desk.readers import read_reason, read_service_kind, wants_instead
from refund_desk.choices import ranking_of
from refund_desk.stated_request import CANCELLATION, REFUND, stated_request

# Messages with these intents interrupt a form; rules answer them and the form goes on (or, for
# a change of mind, the other form takes over). Off-topic messages are read by the form itself:
# a name can look off-topic to the classifier.
INTERRUPTING_INTENTS = {"ask_why", "ask_refund_policy", "stop", "request_human", "bot_challenge", "goodbye",
                        "chargeback", "chargeback_filed", "check_request_status", "cancel_service",
                        "request_refund", "restart", "back", "session_start", "other_language"}
# Actions that hand the message over from one form to another (a change of mind).
SWITCHING_ACTIONS = ("action_deactivate_loop", "action_switch_request", "action_confirm_stop", "status_form",
                     "cancellation_form", "action_read_unplaced_message")
# Actions that open a form for a message the classifier placed elsewhere (actions.conversation.open_stated_request:
# off-topic, a question the policy is silent on, a chargeback already filed): the form reads that message.
OPENING_HANDOVERS = ("action_read_unplaced_message", "action_answer_policy_question", "action_explain_chargeback")
# A form's own intents are answers to it ("I want a refund for INV-2208" inside the refund form).
OWN_INTENTS = {"refund_form": {"request_refund"}, "cancellation_form": {"cancel_service"},
               "chargeback_form": {"chargeback_filed"}, "status_form": {"check_request_status"},
               "handoff_form": {"request_human"}}
# Intents that open a form: the message that opened it is read by it.
OPENING_INTENTS = {"request_refund", "cancel_service", "chargeback", "chargeback_filed", "check_request_status"}


# Rules that answer a message and then let the form ask again; the form still reads the message
# when it answers the question ("I just told you. Alice Nguyen" looks like a bot challenge).
READ_AFTER = ("utter_iamabot", "action_handoff", "action_explain_requested_slot", "action_answer_other_language",
              "utter_goodbye_in_form", "utter_status_after_form")  # "I checked, it arrived on the 1st" is no status check


def requested_before(tracker: Tracker) -> Optional[str]:
    """The slot the form was asking for when the latest message came (even if a rule reset it since)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == "requested_slot":
            return event.get("value")
    return tracker.get_slot("requested_slot")


def interrupted_form(tracker: Tracker) -> tuple[Optional[str], Optional[str]]:
    """The form a rule just left for this message, and the slot it was asking for (or None, None)."""
    seen_user, form, asked = False, None, None
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
            continue
        if not seen_user:
            if event.get("event") == "active_loop" and event.get("name") is None:
                form = form or "?"
            continue
        if event.get("event") == "slot" and event.get("name") == "requested_slot" and asked is None:
            asked = event.get("value")
        if event.get("event") == "active_loop":
            return (event.get("name") if form else None), asked
    return None, None


def policy_was_silent(tracker: Tracker) -> bool:
    """Whether the latest message went to the policy answer, and the refund policy says nothing on it."""
    return POLICY_ANSWER in actions_since_message(tracker) and \
        not answer_policy_question(runtime().policy, said_text(tracker))[1]


def answered_anyway(tracker: Tracker) -> bool:
    """Whether the latest message, which a rule answered, also answers the form's question
    (a question about another request does not: "any news? I asked two weeks ago" is no service date).
    A message the classifier took for a question on which the policy is silent is read by the form
    ("you've fixed a couple of things for us" to the count of issues resolved): an answer fills the
    question, anything else spends one of its misses, so the question is never asked for ever."""
    actions = actions_since_message(tracker)
    if policy_was_silent(tracker):
        return True
    if not any(a in READ_AFTER for a in actions):
        return False
    if STATUS_IN_FORM in actions and asks_about_a_request(said_text(tracker)):
        return False
    if corrects_a_known_detail(said_text(tracker), tracker.current_slot_values(), runtime().policy.identifier, today()):
        return True  # "I just checked the e-mail, it was actually on the 25th": the form takes the correction
    return answers_instead_of_a_person(said_text(tracker), requested_before(tracker),
                                       runtime().policy.identifier, today())


def answers_the_form(tracker: Tracker, form: str) -> bool:
    """Whether the latest user message is for this form to read.

    Not when it interrupts the form (a rule answered it with another action since), nor when
    its intent is one that rules answer.
    """
    intent = latest_intent(tracker)
    events = iter(reversed(tracker.events))
    handed_back = False  # action_confirm_stop or action_switch_request found that the message answers the question
    opened_for_it = False  # an action outside any form opened this form for the message
    for event in events:
        if event.get("event") == "user":
            break
        name = event.get("name") if event.get("event") == "action" else None
        if name in OPENING_HANDOVERS and tracker.get_slot("requested_slot") is None:
            opened_for_it = True
            continue
        if name is not None and name not in (form, "action_listen", *SWITCHING_ACTIONS):
            return answered_anyway(tracker)
        handed_back = handed_back or name == "action_confirm_stop" \
            or (name == "action_switch_request" and interrupted_form(tracker)[0] == form)  # no change of mind after all
    if handed_back or opened_for_it:
        return True
    if answered_anyway(tracker):
        return True
    asked = next((e.get("name") for e in events if e.get("event") == "action" and e.get("name") != "action_listen"), None)
    if asked == "action_confirm_stop" and intent in ("affirm", "deny"):
        return False  # the yes/no answers "stop this request?", not the form's question
    if intent in OPENING_INTENTS and tracker.get_slot("requested_slot") is None:
        return True  # the message that opened (or switched to) this form
    return intent not in INTERRUPTING_INTENTS - OWN_INTENTS.get(form, set())


def actions_since_message(tracker: Tracker) -> List[str]:
    """The actions run since the latest user message, latest first."""
    names: List[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "action" and event.get("name") != "action_listen":
            names.append(event.get("name"))
    return names


# The rule that answers a question about another request inside a form (data/rules/*.yml).
STATUS_IN_FORM = "utter_status_after_form"


def switch_request_events() -> List[EventType]:
    """A change of request kind: what still applies is kept; the date read for the old kind is forgotten
    (date_words stay: a date said for a refund of a service still to come is the appointment's), and so is
    a cancellation's "no money back" (the new request says again whether money is wanted)."""
    return [SlotSet(name, None) for name in ("service_date", "confirmed", "next_billing_date", "question_misses",
                                             "service_date_range", "next_billing_date_range", "refund_declined")]


POLICY_ANSWER = "action_answer_policy_question"
HANDOFF_FORM = "handoff_form"  # asks the contact a hand-off still lacks (and then an unknown identifier)


def hand_over_to(action: str) -> List[EventType]:
    """Ends the form at once and lets `action` (another form) take the message over."""
    return [SlotSet("requested_slot", None), ActiveLoop(None), FollowupAction(action)]


def switched_to_cancellation(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """Inside a refund, a message the classifier placed elsewhere ("scratch that, I read your policy. Just cancel
    it so it doesn't renew"): the switch to a cancellation the form would make, made here; None otherwise."""
    requested = tracker.get_slot("requested_slot")
    if tracker.active_loop_name != "refund_form" or not wants_cancellation_instead(
            said_text(tracker), "refund", requested, today(), runtime().policy.identifier):
        return None
    dispatcher.utter_message(text=replies.CANCELLATION_NOT_REFUND)
    return [*switch_request_events(), *hand_over_to("cancellation_form")]


class RequestFormValidation(FormValidationAction):
    """Shared reading of refund, cancellation and chargeback forms."""

    kind = "refund"
    kept_unasked: tuple[str, ...] = ("amount_paid",)  # details kept for the record when stated, though never asked

    @abstractmethod
    def name(self) -> Text:
        """Abstract, so that the action server does not register this shared base."""

    def wanted_slots(self, tracker: Tracker) -> List[Text]:
        facts = asked_facts(runtime().policy, self.kind, facts_from(tracker), today(),
                            bool(tracker.get_slot("refund_declined")))
        if self.kind == "cancellation" and "service_kind" in facts and "service_date" in facts:
            # the kind says which way the date looks (an appointment ahead, a billing period behind)
            facts.remove("service_kind")
            facts.insert(facts.index("service_date"), "service_kind")
        return [*self.identifier_slots(tracker), *facts, *CONTACT_SLOTS, "confirmed"]

    @staticmethod
    def identifier_slots(tracker: Tracker) -> List[Text]:
        """The identifier is asked for unless the customer chose to carry on without it."""
        return [] if tracker.get_slot("invoice_skipped") else ["invoice_number"]

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return self.wanted_slots(tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """As rasa_sdk's, except that the reading may hand the conversation over (the form stops)."""
        extraction_events = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(extraction_events)
        events = await self.get_validation_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        handover = [e for e in extraction_events if e.get("event") != "slot"]
        if handover:  # e.g. a refund for a service still to come: the cancellation is offered instead
            return [*events, SlotSet("requested_slot", None), *handover]
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        return [*events, next_slot] if next_slot else events

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        events: List[EventType] = []
        wanted = self.wanted_slots(tracker)
        known = slot_values(tracker, [*wanted, *SIDE_SLOTS, *self.kept_unasked])
        email = parse_email((tracker.latest_message.get("metadata") or {}).get("customer_email"))
        if email and known.get("customer_email") is None and "customer_email" in wanted:
            events.append(SlotSet("customer_email", email))  # given by the page the widget is on
        if not answers_the_form(tracker, self.form_name()):
            return [*events, *self.status_question_spent(dispatcher, tracker)]
        requested = tracker.get_slot("requested_slot") if tracker.active_loop_name == self.form_name() else None
        if requested is None and answered_anyway(tracker):
            requested = requested_before(tracker)  # back from a hand-off that was really an answer
        asked = requested if requested in wanted else None
        reading = read_message(
            said_text(tracker),
            latest_intent(tracker),
            asked,
            wanted, known, self.kind, today(), misses_of(tracker, asked),
            runtime().policy.identifier, runtime().policy,
        )
        if reading.upset:
            dispatcher.utter_message(text=replies.SORRY)
        misses = [SlotSet("question_misses", {"slot": asked, "count": misses_of(tracker, asked) + 1}
                          if reading.missed else None)]
        if reading.wants_cancellation and tracker.get_slot("cancel_next"):  # both asked: it comes after the refund
            dispatcher.utter_message(text=replies.CANCELLATION_AFTER_REFUND)
            return events
        if reading.wants_cancellation and asks_to_cancel_after_a_double_charge(said_text(tracker)):
            dispatcher.utter_message(text=replies.REFUND_THEN_CANCELLATION)  # both, asked here: the refund goes on
            return [*events, SlotSet("cancel_next", True)]
        if reading.wants_cancellation:  # "I'm not asking for a refund, I want to cancel": the cancellation form
            dispatcher.utter_message(text=replies.CANCELLATION_NOT_REFUND)
            return [*events, *switch_request_events(), *hand_over_to("cancellation_form")]
        if reading.cancellation_instead:  # no refund for what has not happened yet: offer the cancellation
            return [*events, *(SlotSet(k, v) for k, v in {**reading.values, "confirmed": None}.items()),
                    ActiveLoop(None), FollowupAction("action_offer_cancellation")]  # run() ends the form
        if reading.hand_off:  # the summary went unanswered within its budget: a person, with everything kept
            for problem in reading.problems:
                dispatcher.utter_message(text=problem)
            return [*events, *misses, ActiveLoop(None), FollowupAction("action_handoff")]
        if requested is None and replies.asks_how(said_text(tracker)):
            dispatcher.utter_message(text=replies.request_here(self.kind))  # "how do I get a refund?"
        if reading.buttons == replies.KIND_BUTTONS:
            reading.buttons = replies.kind_buttons(runtime().policy.service_kinds)
        for problem in reading.problems:
            dispatcher.utter_message(text=problem, buttons=reading.buttons if problem == reading.problems[-1] else [])
        events += misses + [SlotSet(k, v) for k, v in reading.values.items()]
        if self.kind == "cancellation" and "service_kind" not in wanted and tracker.get_slot("service_kind") is None:
            stated = read_service_kind(said_text(tracker), asked=False)
            if stated:  # "cancel my plan": the record says what was cancelled even when the policy never asks
                events.append(SlotSet("service_kind", stated))
        return events

    def status_question_spent(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        """A question about another request instead of an answer spends one of the question's misses; at the
        budget the other request is looked up now (the status form takes over, this form's details are kept)."""
        asked = tracker.get_slot("requested_slot")
        if asked is None or tracker.active_loop_name != self.form_name() \
                or STATUS_IN_FORM not in actions_since_message(tracker):
            return []
        spent = misses_of(tracker, asked) + 1
        if spent < MISS_BUDGET:
            return [SlotSet("question_misses", {"slot": asked, "count": spent})]
        dispatcher.utter_message(text=replies.OTHER_REQUEST_FIRST)
        return [SlotSet("question_misses", None), *hand_over_to("status_form")]

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Optional[EventType]:
        """Always decide the next slot here: the active refund policy, not the domain, says what to ask."""
        missing = (s for s in self.wanted_slots(tracker) if tracker.slots.get(s) is None)
        slot = next(missing, None)
        if slot in QUESTIONS:
            QUESTIONS[slot](dispatcher, tracker, self.kind)
        return SlotSet("requested_slot", slot)

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        # Values were validated while reading; pass them on for the wanted slots.
        wanted = set(self.wanted_slots(tracker)) | set(SIDE_SLOTS) | {"invoice_number", "cancel_next"} | \
            set(self.kept_unasked)
        return [SlotSet(k, v) for k, v in tracker.slots_to_validate().items() if k in wanted]


class ValidateRefundForm(RequestFormValidation):
    kind = "refund"

    def name(self) -> Text:
        return "validate_refund_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # The message that opened the form asks to cancel ("cancel me and refund the remaining months")
        # under a policy whose cancellation clauses weigh what comes back: the cancellation form takes
        # over (and reads the message).
        # One that asks to cancel and for no money back ("I want to cancel now; I know that charge won't
        # come back") is a cancellation under any policy.
        opening = tracker.get_slot("requested_slot") is None
        if opening and not tracker.get_slot("cancel_next") and asks_to_cancel_after_a_double_charge(said_text(tracker)):
            dispatcher.utter_message(text=replies.REFUND_THEN_CANCELLATION)  # both: the refund, then the cancellation
            return [SlotSet("cancel_next", True), *await super().run(dispatcher, tracker, domain)]
        if opening and latest_intent(tracker) == "request_refund":
            if already_disputed(said_text(tracker)):  # "I've already filed a dispute with Amex": a chargeback filed
                dispatcher.utter_message(text=replies.CHARGEBACK_FROM_DETAILS)
                return hand_over_to("chargeback_form")
            if asks_to_cancel_with_a_refund(said_text(tracker), runtime().policy):
                dispatcher.utter_message(text=replies.CANCELLATION_WITH_ITS_REFUND)
                return hand_over_to("cancellation_form")
            if asks_to_cancel_without_a_refund(said_text(tracker)):
                dispatcher.utter_message(text=replies.CANCELLATION_NOT_REFUND)
                return hand_over_to("cancellation_form")
        return await super().run(dispatcher, tracker, domain)


class ValidateCancellationForm(RequestFormValidation):
    kind = "cancellation"
    kept_unasked = ("service_kind", "amount_paid")  # "cancel my plan": what was cancelled, even where never asked

    def name(self) -> Text:
        return "validate_cancellation_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # The message that opened the form says a one-time service has already begun, and asks for no
        # cancellation: the refund form takes over (and reads the message).
        if tracker.get_slot("requested_slot") is None and latest_intent(tracker) == "cancel_service":
            text = said_text(tracker)
            if reads_as_a_refund_of_a_started_service(text):
                dispatcher.utter_message(text=replies.STARTED_SO_REFUND)
                return hand_over_to("refund_form")
            if asks_for_money_back_not_to_cancel(text):
                dispatcher.utter_message(text=replies.MONEY_BACK_SO_REFUND)
                return hand_over_to("refund_form")
            # "Can I cancel my antivirus whenever I want, or is there a contract?": a question about the terms
            # of cancelling is answered from the policy (once: asked again right after, it is a request)
            if last_answer_before(tracker) != POLICY_ANSWER \
                    and asks_about_cancelling(text, today(), runtime().policy.identifier) \
                    and answer_policy_question(runtime().policy, text)[1]:
                return hand_over_to(POLICY_ANSWER)
        return await super().run(dispatcher, tracker, domain)


class ValidateChargebackForm(RequestFormValidation):
    """A chargeback already filed: asked as the refund it disputes, so that staff see how the refund
    policy weighs it (the reason, the dates, the clause)."""

    kind = "chargeback"

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """As the other forms; the message that reported it is kept in the customer's words."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if not answers_the_form(tracker, self.form_name()):
            return events
        text = tracker.latest_message.get("text")
        reason = read_reason(text, asked=False, certainty=reason_certainty(runtime().policy, self.kind,
                                                                          tracker.get_slot("requested_slot")))
        if reason and tracker.get_slot("refund_reason") is None:
            events += [SlotSet("refund_reason", reason), SlotSet("reason_details", text)]
        elif tracker.get_slot("requested_slot") is None and tracker.get_slot("reason_details") is None:
            events.append(SlotSet("reason_details", text))  # the message that reported it, in the customer's words
        stated = read_date(text, today(), PAST).value
        if stated and stated <= today() and tracker.get_slot("service_date") is None:
            events.append(SlotSet("service_date", stated.isoformat()))
        return events

    def name(self) -> Text:
        return "validate_chargeback_form"


def missed_before_the_handoff(tracker: Tracker, slot: str) -> bool:
    """Whether an answer to `slot` was missed before the hand-off form started (the last time): asked there
    again, a customer who could not give it would be asked in vain."""
    events = list(tracker.events)
    started = max((i for i, e in enumerate(events) if e.get("event") == "active_loop" and e.get("name") == HANDOFF_FORM),
                  default=len(events))
    return any(e.get("event") == "slot" and e.get("name") == "question_misses"
               and (e.get("value") or {}).get("slot") == slot for e in events[:started])


class ValidateHandoffForm(RequestFormValidation):
    """Before a hand-off: the name and e-mail the conversation does not know yet, so that a person can
    reach the customer, then the identifier if still unknown ("I don't have one" is an answer; each
    question has its budget of misses)."""

    kind = "handoff"

    def wanted_slots(self, tracker: Tracker) -> List[Text]:
        """The contact details; and, where they are being asked anyway, the identifier still unknown and not
        missed before (a person looks the account up by it; one the customer could not give is not asked
        again). A customer whose contact is known is handed over at once."""
        asking = any(tracker.get_slot(slot) is None for slot in CONTACT_SLOTS) or \
            tracker.get_slot("requested_slot") in (*CONTACT_SLOTS, *self.identifier_slots(tracker))
        unknown = [slot for slot in self.identifier_slots(tracker)
                   if tracker.get_slot(slot) is None and not missed_before_the_handoff(tracker, slot)]
        return [*CONTACT_SLOTS, *(unknown if asking else [])]

    def name(self) -> Text:
        return "validate_handoff_form"


# A request a message taken for a status check states instead -> the form that takes it over.
STATUS_HANDOVERS = {REFUND: "refund_form", CANCELLATION: "cancellation_form"}


class ValidateStatusForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_status_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # "...still slow, I want my money back" taken for a status question: it is a new refund request,
        # so the refund form takes over (and reads the message) instead of asking for a reference.
        handed_over_by_a_form = bool(set(actions_since_message(tracker)) & set(FORM_KINDS))  # not back to it
        if handed_over_by_a_form and tracker.get_slot("lookup_key") is None:
            # "your other request": the identifier given for the request in progress is not its key; ask for it
            return [SlotSet("requested_slot", ASKED_AS["lookup_key"])]
        if tracker.get_slot("lookup_key") is None and tracker.get_slot("requested_slot") in (None, "lookup_key") \
                and not handed_over_by_a_form:
            text = said_text(tracker)
            stated = stated_request(text, ranking_of(tracker.latest_message))
            if stated == CANCELLATION and names_only_an_earlier_cancellation(text):
                stated = None  # "did my cancellation go through?" asks about one, it asks for none
            if stated in STATUS_HANDOVERS:  # "changed my mind, please cancel" is no status question
                return hand_over_to(STATUS_HANDOVERS[stated])
        return await super().run(dispatcher, tracker, domain)

    async def extract_lookup_key(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if not answers_the_form(tracker, self.form_name()):
            return {}
        identifier = runtime().policy.identifier
        key = read_lookup(said_text(tracker), identifier)
        if key is None and tracker.get_slot("requested_slot") is None:
            key = tracker.get_slot("invoice_number")  # "is it through?" about the invoice already given
        if key is None and asked_for(tracker, "lookup_key"):
            return missed(dispatcher, tracker, "lookup_key", replies.lookup_not_found(identifier))
        if key and asked_for(tracker, "lookup_key"):
            return {"lookup_key": key, "question_misses": None}
        return {"lookup_key": key} if key else {}

    extract_invoice_number = extract_lookup_key  # asked as the invoice number (status_check.ASKED_AS)

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return await status_asked_slots(tracker)  # an invoice number also needs the e-mail

    async def extract_lookup_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        if not answers_the_form(tracker, self.form_name()):
            return {}
        return extract_lookup_email(dispatcher, tracker)

    extract_customer_email = extract_lookup_email  # asked as the customer's e-mail (status_check.ASKED_AS)

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """As rasa_sdk's, and the question's misses counted while reading (not one of the form's slots)."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        read = tracker.slots_to_validate()
        return [*events, SlotSet("question_misses", read["question_misses"])] if "question_misses" in read else events


def ask_confirmed(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str) -> None:
    """Shows what was collected and asks the customer to confirm."""
    policy = runtime().policy
    facts = asked_facts(policy, kind, facts_from(tracker), today(), bool(tracker.get_slot("refund_declined")))
    order = ["invoice_number", *facts, *CONTACT_SLOTS]
    dispatcher.utter_message(text=replies.summary(kind, slot_values(tracker, [*order, *SIDE_SLOTS]), order,
                                                  policy.identifier, today()),
                             buttons=replies.YES_NO_BUTTONS)


def ask_invoice_number(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str) -> None:
    """Asks for the identifier in the active policy's own word ("Customer ID", "order ID")."""
    dispatcher.utter_message(text=replies.ask_identifier(runtime().policy.identifier))


def ask_service_kind(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str) -> None:
    """Asks the kind of service with the active policy's own words as the choices."""
    kinds = runtime().policy.service_kinds
    dispatcher.utter_message(text=replies.ask_service_kind(kinds), buttons=replies.kind_buttons(kinds))


def ask_service_date(dispatcher: CollectingDispatcher, tracker: Tracker, kind: str) -> None:
    """Asks the date the way the question looks (an appointment ahead, a charge behind), or asks
    which of two readings the customer meant when their earlier words were ambiguous."""
    known = {"service_kind": tracker.get_slot("service_kind")}
    direction = date_direction("service_date", kind, known)
    words = tracker.get_slot("date_words")
    if words and direction:
        reading = read_date(words, today(), direction)
        if reading.options:
            dispatcher.utter_message(text=replies.which_date(reading.options),
                                     buttons=replies.date_buttons(reading.options))
            return
    dispatcher.utter_message(text=replies.ask_service_date(kind, known["service_kind"]))


# Questions that depend on the conversation and the active refund policy. The validation action
# asks them itself once it has chosen the next slot: no action_ask_* round trip to the action
# server per turn. The other slots are asked by the domain's utter_ask_* responses.
QUESTIONS: Dict[str, Callable[[CollectingDispatcher, Tracker, str], None]] = {
    "invoice_number": ask_invoice_number, "service_kind": ask_service_kind,
    "service_date": ask_service_date, "confirmed": ask_confirmed,
}


class ActionConfirmStop(Action):
    """'stop' inside a form: a surname like Stop or lena@stopfamily.net is an answer, not a stop.

    An answer to the question asked goes back to the form, which reads it; anything else is asked
    about ("Do you want to stop this request?") before anything is dropped.
    """

    def name(self) -> Text:
        return "action_confirm_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        text = said_text(tracker)
        if tracker.active_loop_name and (not asks_to_stop(text) or reads_as_an_answer(
                text, requested, runtime().policy.identifier, today()) or (
                tracker.active_loop_name == "refund_form" and wants_instead(text) == "cancellation")):
            # an answer, or no stop at all ("this month", "i dont have it"): the form reads it
            return [FollowupAction(tracker.active_loop_name)]
        dispatcher.utter_message(response="utter_confirm_stop")
        return []


class ActionOfferCancellation(Action):
    """A refund asked for a prepaid service still to come: offers to cancel it instead (details are kept)."""

    def name(self) -> Text:
        return "action_offer_cancellation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        words = tracker.get_slot("date_words")
        still_to_come = read_date(words, today(), FUTURE).value if words else None
        dispatcher.utter_message(text=replies.cancellation_instead(still_to_come, today()),
                                 buttons=replies.CANCELLATION_OR_REFUND_BUTTONS)
        return []


# The kind of request each form collects, as its validation action says.
FORM_KINDS = {form().form_name(): form.kind
              for form in (ValidateRefundForm, ValidateCancellationForm, ValidateChargebackForm)}


async def ask_again(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    """Asks the active form's question again, as the form itself would."""
    slot = tracker.get_slot("requested_slot")
    if slot in QUESTIONS:
        QUESTIONS[slot](dispatcher, tracker, FORM_KINDS.get(tracker.active_loop_name or "", "refund"))
        return
    for response in (f"utter_ask_{tracker.active_loop_name}_{slot}", f"utter_ask_{slot}"):
        if response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
            return
