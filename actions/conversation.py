"""Actions that answer from the active refund policy: policy questions, chargebacks, hand-off, status."""
from __future__ import annotations

from dataclasses import replace
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (ActionExecuted, EventType, FollowupAction, Restarted, SessionStarted, SlotSet,
                             UserUtteranceReverted)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.csat import ask_once
from actions.request_forms import (HANDOFF_FORM, POLICY_ANSWER, ask_again, interrupted_form,
                                   switched_to_cancellation)
from actions.runtime import runtime, today
from actions.db import off_loop
from actions.slots import CONTACT_SLOTS, latest_intent, misses_of, said_text
from actions.status_check import check_status
from actions.submit import request_details, reset_request_slots, settle
from refund_desk import replies, request_use_case, takeovers
from refund_desk.choices import likeliest_requests, ranking_of
from refund_desk.languages import detect_language
from refund_desk import stated_request
from refund_desk.form_reading import (MISS_BUDGET, answers_instead_of_a_person, asks_about_cancelling,
                                      asks_for_a_new_refund, is_duplicate_charge, read_message, reads_as_an_answer,
                                      tells_own_payment)
from refund_desk.policy_answers import answer_policy_question
from refund_desk.replies import RESTART_IN_FORM
from refund_desk.parsing import parse_email, parse_identifier, parse_introduced_name, parse_phone
from refund_desk.records import RecordStoreUnavailable, UnknownRequest
from refund_desk.refund_policy import Identifier
from refund_desk.request_use_case import RequestDetails, RequestOutcome

SLACK_ADDRESS = ("out_channel", "thread_id")  # where connectors.slack posts into the customer's conversation


# A request a message states in its own words -> what is said, and the action that takes the message over.
OPENED_BY: dict[str, tuple[Optional[str], str]] = {
    stated_request.REFUND: (replies.REFUND_FROM_DETAILS, "refund_form"),
    stated_request.CANCELLATION: (replies.CANCELLATION_FROM_DETAILS, "cancellation_form"),
    stated_request.CHARGEBACK_FILED: (replies.CHARGEBACK_FROM_DETAILS, "chargeback_form"),
    stated_request.HANDOFF: (None, "action_handoff"),
}


def open_stated_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """Outside a form, a message that states a request in its own words opens it (the form reads the
    message: actions.request_forms.answers_the_form); None when it states none."""
    if tracker.active_loop_name:
        return None
    text = said_text(tracker)
    stated = stated_request.stated_request(text, ranking_of(tracker.latest_message))
    if stated is None:
        return None
    if stated == stated_request.CANCELLATION and asks_about_cancelling(text, today(), runtime().policy.identifier) \
            and answer_policy_question(runtime().policy, text)[1]:
        # "can I cancel my antivirus whenever I want?" asks about the terms: the policy answers it, nothing is opened
        return [FollowupAction(POLICY_ANSWER)]
    said, action = OPENED_BY[stated]
    if said:
        dispatcher.utter_message(text=said)
    return [FollowupAction(action)]


def puts_a_cancellation_as_a_question(tracker: Tracker) -> bool:
    """'Can I cancel the workshop on the 15th? Paid already.': a cancellation asked for as a question (it
    names its service by a date or an identifier), opened even where the policy's cancellation terms speak
    to it; 'can I cancel whenever I want?' asks about the terms (form_reading.asks_about_cancelling)."""
    text = said_text(tracker)
    return (stated_request.stated_request(text, ranking_of(tracker.latest_message)) == stated_request.CANCELLATION
            and not asks_about_cancelling(text, today(), runtime().policy.identifier))


def puts_a_refund_case_as_a_question(tracker: Tracker) -> bool:
    """'Paid for a backup setup in November and nobody ever contacted me. What gives?': a question put after
    the customer's own payment and a reason to refund it is about their case; the refund is opened and the
    policy weighs it."""
    text = said_text(tracker)
    return tells_own_payment(text) and \
        stated_request.stated_request(text, ranking_of(tracker.latest_message)) == stated_request.REFUND


class ActionAnswerPolicyQuestion(Action):
    """Quotes the policy's sentences that answer the question; where the policy is silent and the
    message states a request, or it asks for a cancellation as a question ("Can I cancel the workshop
    on the 15th? Paid already."), or for a refund after the customer's own story, opens it."""

    def name(self) -> Text:
        return POLICY_ANSWER

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        switched = switched_to_cancellation(dispatcher, tracker)  # "forget the refund, just cancel the plan"
        if switched is not None:
            return switched
        text, quoted = answer_policy_question(runtime().policy, said_text(tracker))
        asked = tracker.get_slot("requested_slot")
        if tracker.active_loop_name and not quoted and answers_instead_of_a_person(
                said_text(tracker), asked, runtime().policy.identifier, today()):
            return []  # nothing in the policy on it, and it answers the form's question: the form reads it
        opened = None if quoted and not puts_a_cancellation_as_a_question(tracker) \
            and not puts_a_refund_case_as_a_question(tracker) else open_stated_request(dispatcher, tracker)
        if opened is not None:
            return opened
        dispatcher.utter_message(text=text)
        if asks_about_cancelling(said_text(tracker), today(), runtime().policy.identifier):
            dispatcher.utter_message(text=replies.CANCEL_HERE_IF_YOU_WISH)  # answered, not taken as a request
        return ask_once(dispatcher, tracker)


class ActionAnswerOtherLanguage(Action):
    """A message in another language: what the assistant can do (in English for now) and the contact, in that language."""

    def name(self) -> Text:
        return "action_answer_other_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text")
        if tracker.active_loop_name and reads_as_an_answer(text, tracker.get_slot("requested_slot"),
                                                           runtime().policy.identifier, today()):
            return []  # "Henrik Larsen" to "What's your full name?" is the answer: the form reads it
        language = detect_language(text) or "en"
        dispatcher.utter_message(text=replies.other_language(runtime().policy, language))
        return []


class ActionExplainChargeback(Action):
    """Quotes the chargeback clauses and offers a refund request instead.

    "I was charged twice" is a duplicate payment, not a dispute: it is offered a refund request
    with what the message said already kept (the reason, an identifier, a date).
    """

    def name(self) -> Text:
        return "action_explain_chargeback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        policy = runtime().policy
        text = said_text(tracker) or ""
        if stated_request.stated_request(text, ranking_of(tracker.latest_message)) == stated_request.CHARGEBACK_FILED:
            return open_stated_request(dispatcher, tracker) or []  # "I filed a dispute with PayPal": no question
        if is_duplicate_charge(text) and asks_for_a_new_refund(text):
            # "Refund the duplicate charge or I'm disputing it": the refund asked for is opened, and reads the message
            dispatcher.utter_message(text=replies.duplicate_charge_offer(policy, asked_for=True))
            return [FollowupAction("refund_form")]
        if is_duplicate_charge(text):
            dispatcher.utter_message(text=replies.duplicate_charge_offer(policy),
                                     buttons=replies.REFUND_INSTEAD_BUTTONS)
            reading = read_message(text, "request_refund", None, ["invoice_number", "service_date", "refund_reason",
                                                                   "customer_name", "customer_email"],
                                   {}, "refund", today(), 0, policy.identifier)
            return [SlotSet(k, v) for k, v in reading.values.items() if v is not None]
        dispatcher.utter_message(text=replies.chargeback_explanation(policy))
        dispatcher.utter_message(text=replies.REFUND_INSTEAD, buttons=replies.REFUND_INSTEAD_BUTTONS)
        return []


class ActionHandoff(Action):
    """Gives the policy's contact details and opens a hand-off record with everything collected."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        rt = runtime()
        form, asked = interrupted_form(tracker)
        if form and form != HANDOFF_FORM and misses_of(tracker, asked) <= MISS_BUDGET and answers_instead_of_a_person(
                said_text(tracker), asked, rt.policy.identifier, today()):
            # "Sofia Rossi (office manager)" answers "What's your full name?", "one time support call" the kind
            # of service: no hand-off, back to the form
            return [SlotSet("requested_slot", asked), FollowupAction(form)]
        details = with_what_this_message_says(request_details(tracker, "handoff"), tracker.latest_message.get("text"),
                                              rt.policy.identifier)
        unasked = [name for name in CONTACT_SLOTS if tracker.get_slot(name) is None and not getattr(details, name)]
        if unasked and form != HANDOFF_FORM:
            # a person needs to know whom to reach: the contact details not known yet are asked first
            dispatcher.utter_message(text=replies.CONTACT_BEFORE_HANDOFF)
            stated = {name: getattr(details, name) for name in ("invoice_number", *CONTACT_SLOTS, "customer_phone")}
            return [*(SlotSet(name, value) for name, value in stated.items() if value), FollowupAction(HANDOFF_FORM)]
        outcome = await settle(lambda: request_use_case.hand_off(rt.policy, rt.store, details),
                               lambda: RequestOutcome(replies.handoff_message(rt.policy, None, details.has_anything)))
        joining = await put_on_waiting_list(tracker, outcome.reference)
        dispatcher.utter_message(text=replies.person_joining_message(outcome.reference) if joining else outcome.message)
        return reset_request_slots() + ([SlotSet("request_reference", outcome.reference)] if outcome.reference else [])


async def put_on_waiting_list(tracker: Tracker, reference: Optional[str]) -> bool:
    """The conversation on the console's waiting list; True when a person can join it now."""
    channel = tracker.get_latest_input_channel()
    metadata = tracker.latest_message.get("metadata") or {}
    address = {key: metadata[key] for key in SLACK_ADDRESS if isinstance(metadata.get(key), str)}
    store = runtime().store
    try:
        return await off_loop(takeovers.ask_for_person, store, tracker.sender_id, channel, address, reference)
    except RecordStoreUnavailable:
        return False  # nobody can be told: the policy's contact, as without staff


def with_what_this_message_says(details: RequestDetails, text: Optional[str], identifier: Identifier) -> RequestDetails:
    """The hand-off also keeps what the message asking for it states ("… Kind regards,\nPriya Raghunathan",
    "a question about invoice ITM-INV-20888")."""
    said = {"customer_name": parse_introduced_name(text), "customer_email": parse_email(text),
            "customer_phone": parse_phone(text), "invoice_number": parse_identifier(text, identifier)}
    return replace(details, **{k: v for k, v in said.items() if v and not getattr(details, k)})


class ActionCheckStatus(Action):
    def name(self) -> Text:
        return "action_check_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return await check_status(dispatcher, tracker)


class ActionExplainRequestedSlot(Action):
    """Says why the form needs the detail it is asking for."""

    def name(self) -> Text:
        return "action_explain_requested_slot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        slot = tracker.get_slot("requested_slot")
        if reads_as_an_answer(said_text(tracker), slot, runtime().policy.identifier, today()):
            return []  # "Emily Watson" is the answer, not a "why": the form reads it and goes on
        response = f"utter_why_{slot}"
        if response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_why_general")
        return []


class ActionResetRequest(Action):
    """Forgets what the stopped request collected, so nothing carries over."""

    def name(self) -> Text:
        return "action_reset_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return reset_request_slots()


class ActionReadUnplacedMessage(Action):
    """A message no rule places (unclear, or bare details) with no form running.

    One that asks for money back or says why a service should be refunded ("it was never
    delivered") opens the refund form, which reads it. One the classifier was unsure of gets the
    likeliest requests as buttons (a click goes on as if the customer had said it with that
    meaning: actions.slots.said_text); bare details are asked what they are for.
    """

    def name(self) -> Text:
        return "action_read_unplaced_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        added = await contact_for_a_handoff(tracker)
        if added is not None:  # the e-mail or phone a hand-off without either asked for
            dispatcher.utter_message(text=replies.contact_added(added))
            return [SlotSet(name, value) for name, value in (
                ("customer_email", parse_email(tracker.latest_message.get("text"))),
                ("customer_phone", parse_phone(tracker.latest_message.get("text")))) if value]
        opened = open_stated_request(dispatcher, tracker)
        if opened is not None:
            return opened  # the form reads this message: its details are kept
        if latest_intent(tracker) == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        if latest_intent(tracker) == "inform":
            dispatcher.utter_message(response="utter_what_for")
            return []
        offered = likeliest_requests(ranking_of(tracker.latest_message))
        if offered:
            dispatcher.utter_message(text=replies.UNSURE_CHOICES, buttons=replies.request_buttons(offered))
        else:
            dispatcher.utter_message(response="utter_please_rephrase")
        return []


async def contact_for_a_handoff(tracker: Tracker) -> Optional[str]:
    """The hand-off reference an e-mail or phone in this message completes (it had no way to reach the
    customer), or None."""
    reference = tracker.get_slot("request_reference") or ""
    text = tracker.latest_message.get("text")
    email, phone = parse_email(text), parse_phone(text)
    if not reference.startswith("HO-") or not (email or phone) or tracker.get_slot("customer_email") \
            or tracker.get_slot("customer_phone"):
        return None
    store = runtime().store
    try:
        await off_loop(lambda: store.add_contact(reference, email=email, phone=phone, sender_id=tracker.sender_id))
    except (RecordStoreUnavailable, UnknownRequest):
        return None
    return reference


def keeps_the_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """A command typed into the chat ('/restart', '/back', '/session_start') inside a form: the
    request is kept and the customer told how to end it; False when no form is running."""
    if not tracker.active_loop_name:
        return False
    dispatcher.utter_message(text=RESTART_IN_FORM)
    return True


class ActionRestart(Action):
    """'/restart' typed into the chat: never silently wipes a request in progress."""

    def name(self) -> Text:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if keeps_the_request(dispatcher, tracker):
            return []  # the form asks its question again
        return [Restarted()]


class ActionBack(Action):
    """'/back' typed into the chat: inside a form it would undo answers unseen, so the form goes on."""

    def name(self) -> Text:
        return "action_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if keeps_the_request(dispatcher, tracker):
            return []  # the form asks its question again
        return [UserUtteranceReverted(), UserUtteranceReverted()]  # Rasa's own '/back'


def typed_session_start(tracker: Tracker) -> bool:
    """Whether this session start is the customer's '/session_start', not a new or expired session."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_listen":
            return False  # the message that starts the session is not logged yet
        if event.get("event") == "user":
            return ((event.get("parse_data") or {}).get("intent") or {}).get("name") == "session_start"
    return False


class ActionSessionStart(Action):
    """Rasa's session start (slots carried over as the domain says), except that '/session_start'
    typed inside a form keeps the request and asks its question again."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if typed_session_start(tracker) and keeps_the_request(dispatcher, tracker):
            await ask_again(dispatcher, tracker, domain)  # no form runs after a session start
            return []
        events: List[EventType] = [SessionStarted()]
        if (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True):
            events += [SlotSet(name, value) for name, value in tracker.slots.items() if value is not None]
        return [*events, ActionExecuted("action_listen")]
