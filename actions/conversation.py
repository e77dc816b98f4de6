"""Actions that answer from the active refund policy: policy questions, chargebacks, hand-off, status."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.runtime import runtime
from actions.status_check import check_status
from actions.submit import open_record, reset_request_slots
from refund_desk.policy_answers import answer_policy_question, contact_line, quote


class ActionAnswerPolicyQuestion(Action):
    def name(self) -> Text:
        return "action_answer_policy_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text, _ = answer_policy_question(runtime().policy, tracker.latest_message.get("text"))
        dispatcher.utter_message(text=text)
        return []


class ActionExplainChargeback(Action):
    """Quotes the chargeback clauses and offers a refund request instead."""

    def name(self) -> Text:
        return "action_explain_chargeback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        policy = runtime().policy
        clauses = policy.clauses_on("chargeback")
        if clauses:
            dispatcher.utter_message(text=f"About chargebacks, {policy.company}'s refund policy says:\n"
                                     + "\n".join(f"• {quote(c)}" for c in clauses))
        else:
            dispatcher.utter_message(text=f"{policy.company}'s refund policy doesn't say anything about "
                                          f"chargebacks. {contact_line(policy)}")
        dispatcher.utter_message(
            text="I can open a refund request for you instead, so the team can look at it first. Shall I?",
            buttons=[{"title": "Yes, open a refund request", "payload": "/affirm"},
                     {"title": "I've already filed a chargeback", "payload": "/chargeback_filed"},
                     {"title": "No, thanks", "payload": "/deny"}])
        return []


class ActionHandoff(Action):
    """Gives the policy's contact details and opens a hand-off record with what was collected."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        policy = runtime().policy
        collected = {k: tracker.get_slot(k) for k in ("refund_reason", "reason_details", "service_date",
                                                      "service_kind") if tracker.get_slot(k) is not None}
        opened = await open_record(tracker, "handoff", facts=collected)
        lines = [f"Of course. {contact_line(policy)}"]
        if opened is not None:
            lines.append(f"I've passed on what you told me so far to the team (reference {opened.reference}), "
                         "so you won't have to repeat it.")
        else:
            lines.append("I couldn't pass your details on automatically just now, so please mention your "
                         "invoice number when you get in touch.")
        dispatcher.utter_message(text="\n".join(lines))
        return reset_request_slots() + ([SlotSet("request_reference", opened.reference)] if opened else [])


class ActionCheckStatus(Action):
    """A customer's own request only (actions/status_check.py)."""

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
