"""Actions that finish a form: decide with the active refund policy and open a request record."""
from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.db import off_loop
from actions.runtime import runtime, today
from actions.slots import REQUEST_SLOTS, facts_from
from refund_desk.eligibility import decide
from refund_desk.records import NewRequest, OpenedRequest, RecordStoreUnavailable
from refund_desk.replies import KIND_NAMES, decision_message, not_saved_message

log = logging.getLogger(__name__)


def reset_request_slots() -> List[EventType]:
    """Clears what one request collected, so the next one starts clean."""
    return [SlotSet(name, None) for name in REQUEST_SLOTS]


async def open_record(tracker: Tracker, kind: str, **fields: Any) -> Optional[OpenedRequest]:
    """Open a record from the tracker's slots (off the event loop, with a time limit); None when
    the database is unavailable or too slow."""
    request = NewRequest(
        kind=kind,
        invoice_number=tracker.get_slot("invoice_number"),
        service_date=tracker.get_slot("service_date"),
        refund_reason=tracker.get_slot("refund_reason"),
        service_kind=tracker.get_slot("service_kind"),
        customer_name=tracker.get_slot("customer_name"),
        customer_email=tracker.get_slot("customer_email"),
        refund_policy=runtime().policy.id,
        channel=tracker.get_latest_input_channel(),
        sender_id=tracker.sender_id,
        **fields,
    )
    try:
        return await off_loop(runtime().store.open_request, request)
    except RecordStoreUnavailable as exc:
        # No sender id, SQL or parameters here: logs must not carry personal data.
        log.error("could not save a %s request: %s", kind, type(exc.__cause__ or exc).__name__)
        return None


class SubmitRequest(Action, ABC):
    """Decides a refund or cancellation and opens its record."""

    kind = "refund"

    @abstractmethod
    def name(self) -> Text:
        """Abstract, so that the action server does not register this shared base."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        policy = runtime().policy
        if tracker.get_slot("confirmed") is False:
            dispatcher.utter_message(text=f"No problem: I haven't opened a {KIND_NAMES[self.kind]} and "
                                          "nothing was saved. Tell me whenever you want to start again.")
            return reset_request_slots()
        facts = facts_from(tracker)
        decision = decide(policy, self.kind, facts, today())
        details = tracker.get_slot("reason_details")
        opened = await open_record(
            tracker, self.kind, eligibility=decision.outcome, policy_clauses=tuple(decision.clause_refs()),
            facts={**facts, **({"reason_details": details} if details else {})},
            decision=decision.summary,
        )
        if opened is None:
            dispatcher.utter_message(text=not_saved_message(policy))
            return [SlotSet("eligibility", decision.outcome)]
        dispatcher.utter_message(text=decision_message(decision, opened.reference, opened.created))
        return reset_request_slots() + [SlotSet("eligibility", decision.outcome),
                                        SlotSet("request_reference", opened.reference)]


class ActionSubmitRefund(SubmitRequest):
    kind = "refund"

    def name(self) -> Text:
        return "action_submit_refund"


class ActionSubmitCancellation(SubmitRequest):
    kind = "cancellation"

    def name(self) -> Text:
        return "action_submit_cancellation"


class ActionSubmitChargeback(Action):
    """Records a chargeback the customer has already filed, for the billing team."""

    def name(self) -> Text:
        return "action_submit_chargeback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        opened = await open_record(tracker, "chargeback")
        if opened is None:
            dispatcher.utter_message(text=not_saved_message(runtime().policy))
            return []
        if opened.created:
            dispatcher.utter_message(text=f"Thank you. I've recorded your chargeback for the billing team: "
                                          f"reference {opened.reference}.")
        else:
            dispatcher.utter_message(text=f"The billing team already has your chargeback for this invoice: "
                                          f"reference {opened.reference}.")
        return reset_request_slots() + [SlotSet("request_reference", opened.reference)]
