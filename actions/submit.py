"""Actions that finish a form: map the tracker to the use case's inputs, its outcome to events."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.csat import ask_once
from actions.db import off_loop
from actions.request_forms import interrupted_form, switch_request_events
from actions.runtime import runtime, today
from actions.slots import CONTACT_SLOTS, FACT_SLOTS, REQUEST_SLOTS, client_address_of, facts_from, said_text
from refund_desk import replies, request_use_case
from refund_desk.form_reading import UNKNOWN
from refund_desk.readers import read_reason
from refund_desk.records import RecordStoreUnavailable
from refund_desk.request_use_case import RequestDetails, RequestOutcome


# Who the customer is stays known for the next request, a hand-off and a status check.
KEPT_FOR_THE_CONVERSATION = ("customer_name", "customer_email", "customer_phone")


def reset_request_slots() -> List[EventType]:
    """Clears what one request collected, so the next one starts clean (the customer's contact stays)."""
    return [SlotSet(name, None) for name in REQUEST_SLOTS if name not in KEPT_FOR_THE_CONVERSATION]


def request_details(tracker: Tracker, kind: str) -> RequestDetails:
    """What the conversation collected, from the tracker's slots."""
    given = {name: tracker.get_slot(name) for name in ("customer_name", "customer_email")}
    return RequestDetails(
        kind=kind,
        invoice_number=tracker.get_slot("invoice_number"),
        facts=facts_from(tracker),
        customer_name=None if given["customer_name"] == UNKNOWN else given["customer_name"],
        customer_email=None if given["customer_email"] == UNKNOWN else given["customer_email"],
        not_given=tuple(name for name in (*FACT_SLOTS, *CONTACT_SLOTS) if tracker.get_slot(name) == UNKNOWN),
        follows=tracker.get_slot("request_reference") if kind == "handoff" else None,
        vague_dates={f"{name}_range": tracker.get_slot(f"{name}_range") for name in ("service_date", "next_billing_date")
                     if tracker.get_slot(f"{name}_range")},
        customer_phone=tracker.get_slot("customer_phone"),
        reason_details=tracker.get_slot("reason_details"),
        invoice_skipped=bool(tracker.get_slot("invoice_skipped")),
        refund_declined=kind == "cancellation" and bool(tracker.get_slot("refund_declined")),
        channel=tracker.get_latest_input_channel(),
        sender_id=tracker.sender_id,
        client_address=client_address_of(tracker),
    )


def unsaved_buttons(outcome: RequestOutcome) -> list:
    """A save that failed offers to try again ("yes" does: actions.csat.ActionAnswerYesNo)."""
    return [] if outcome.saved else replies.TRY_AGAIN_BUTTONS


async def settle(use_case: Callable[[], RequestOutcome], unsaved: Callable[[], RequestOutcome]) -> RequestOutcome:
    """Run a use case that writes a record off the event loop, with a time limit: a slow or hung
    database holds only this conversation, which hears `unsaved()` within seconds."""
    try:
        return await off_loop(use_case)
    except RecordStoreUnavailable:
        return unsaved()


def outcome_events(outcome: RequestOutcome) -> List[EventType]:
    events: List[EventType] = []
    if outcome.saved:
        events += reset_request_slots() + [SlotSet("request_reference", outcome.reference)]
    if outcome.decision is not None:
        events.append(SlotSet("eligibility", outcome.decision.outcome))
    return events


class SubmitRequest(Action, ABC):
    """Decides a refund or cancellation and opens its record."""

    kind = "refund"

    @abstractmethod
    def name(self) -> Text:
        """Abstract, so that the action server does not register this shared base."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("confirmed") is False:  # never record what the customer did not confirm
            dispatcher.utter_message(text=replies.nothing_saved(self.kind))
            return reset_request_slots()
        rt = runtime()
        details = request_details(tracker, self.kind)
        outcome = await settle(lambda: request_use_case.decide_and_record(rt.policy, rt.store, details, today()),
                               lambda: RequestOutcome(replies.not_saved_message(rt.policy)))
        dispatcher.utter_message(text=outcome.message, buttons=unsaved_buttons(outcome))
        if outcome.saved and self.kind == "refund" and tracker.get_slot("cancel_next"):
            return outcome_events(outcome) + cancellation_next(dispatcher, tracker)
        return outcome_events(outcome) + (ask_once(dispatcher, tracker) if outcome.saved else [])


def cancellation_next(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """After the refund of a double charge, the cancellation the customer asked for too: its form starts at
    once with what still applies (the identifier, the kind of service; the contact stays anyway)."""
    dispatcher.utter_message(text=replies.NOW_THE_CANCELLATION)
    kept = [SlotSet(name, tracker.get_slot(name)) for name in ("invoice_number", "service_kind", "invoice_skipped")
            if tracker.get_slot(name) is not None]
    return [*kept, SlotSet("cancel_next", None), FollowupAction("cancellation_form")]


class ActionSubmitRefund(SubmitRequest):
    kind = "refund"

    def name(self) -> Text:
        return "action_submit_refund"


class ActionSubmitCancellation(SubmitRequest):
    kind = "cancellation"

    def name(self) -> Text:
        return "action_submit_cancellation"


class ActionSubmitChargeback(Action):
    """Records a chargeback the customer has already filed (after a summary and a yes)."""

    def name(self) -> Text:
        return "action_submit_chargeback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("confirmed") is False:
            dispatcher.utter_message(text=replies.nothing_saved("chargeback"))
            return reset_request_slots()
        rt = runtime()
        details = request_details(tracker, "chargeback")
        outcome = await settle(lambda: request_use_case.record_chargeback(rt.policy, rt.store, details, today()),
                               lambda: RequestOutcome(replies.not_saved_message(rt.policy)))
        dispatcher.utter_message(text=outcome.message, buttons=unsaved_buttons(outcome))
        return outcome_events(outcome) + (ask_once(dispatcher, tracker) if outcome.saved else [])


class ActionSwitchRequest(Action):
    """A change of mind inside a form: keep what still applies, forget the date read for the old kind."""

    def name(self) -> Text:
        return "action_switch_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        left, asked = interrupted_form(tracker)
        if left == "refund_form" and tracker.get_slot("cancel_next"):  # both asked: the cancellation comes next
            dispatcher.utter_message(text=replies.CANCELLATION_AFTER_REFUND)
            return [SlotSet("requested_slot", asked), FollowupAction(left)]
        if left and asked == "refund_reason" and read_reason(said_text(tracker)):
            # "we want to stop the project, no longer needed" answers "what's the reason for the refund?":
            # the form that asked reads it as the reason (the answer to its question); it is no change of mind
            return [SlotSet("requested_slot", asked), FollowupAction(left)]
        return switch_request_events()


# The actions that save a confirmed request, by name: "yes" after "couldn't save yet" runs one again.
SUBMITS = {action().name(): action for action in (ActionSubmitRefund, ActionSubmitCancellation, ActionSubmitChargeback)}


def unsaved_submit(tracker: Tracker) -> Optional[str]:
    """The submit action whose save failed just before this message (or before earlier "yes"es that
    failed again), while the confirmed request is still held; else None."""
    if tracker.get_slot("confirmed") is not True:
        return None  # a saved request clears it
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_user and latest_intent_of(event) != "affirm":
                return None
            seen_user = True
        elif event.get("event") == "action" and seen_user:
            name = event.get("name")
            if name in SUBMITS:
                return name
            if name not in ("action_listen", "action_answer_yes_no"):
                return None
    return None


def latest_intent_of(event: dict) -> Optional[str]:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


async def retry_unsaved(dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Optional[List[EventType]]:
    """After "couldn't save yet", a "yes" saves again (the events), else None (nothing to retry)."""
    submit = unsaved_submit(tracker)
    return None if submit is None else await SUBMITS[submit]().run(dispatcher, tracker, domain)
