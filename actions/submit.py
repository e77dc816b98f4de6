"""Actions that finish a form: map the tracker to the use case's inputs, its outcome to events."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.csat import ask_once
from actions.db import off_loop
from actions.request_forms import interrupted_form, switch_request_events
from actions.runtime import runtime, today
from actions.slots import REQUEST_SLOTS, facts_from
from refund_desk import replies, request_use_case
from refund_desk.readers import read_reason
from refund_desk.records import RecordStoreUnavailable
from refund_desk.request_use_case import RequestDetails, RequestOutcome


def reset_request_slots() -> List[EventType]:
    """Clears what one request collected, so the next one starts clean."""
    return [SlotSet(name, None) for name in REQUEST_SLOTS]


def request_details(tracker: Tracker, kind: str) -> RequestDetails:
    """What the conversation collected, from the tracker's slots."""
    return RequestDetails(
        kind=kind,
        invoice_number=tracker.get_slot("invoice_number"),
        facts=facts_from(tracker),
        customer_name=tracker.get_slot("customer_name"),
        customer_email=tracker.get_slot("customer_email"),
        customer_phone=tracker.get_slot("customer_phone"),
        reason_details=tracker.get_slot("reason_details"),
        invoice_skipped=bool(tracker.get_slot("invoice_skipped")),
        channel=tracker.get_latest_input_channel(),
        sender_id=tracker.sender_id,
    )


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
        dispatcher.utter_message(text=outcome.message)
        return outcome_events(outcome) + (ask_once(dispatcher, tracker) if outcome.saved else [])


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
        outcome = await settle(lambda: request_use_case.record_chargeback(rt.policy, rt.store, details),
                               lambda: RequestOutcome(replies.not_saved_message(rt.policy)))
        dispatcher.utter_message(text=outcome.message)
        return outcome_events(outcome) + (ask_once(dispatcher, tracker) if outcome.saved else [])


class ActionSwitchRequest(Action):
    """A change of mind inside a form: keep what still applies, forget the date read for the old kind."""

    def name(self) -> Text:
        return "action_switch_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        left, asked = interrupted_form(tracker)
        if left and asked == "refund_reason" and read_reason(tracker.latest_message.get("text")):
            # "we want to stop the project, no longer needed" answers "what's the reason for the refund?":
            # the form that asked reads it as the reason; it is no change of mind
            return [FollowupAction(left)]
        return switch_request_events()
