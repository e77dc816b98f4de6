"""Form validation actions: read each message with refund_desk.form_reading, set the slots."""
from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.runtime import runtime, today
from actions.slots import CONTACT_SLOTS, facts_from, slot_values
from actions.status_check import extract_lookup_email, status_required_slots
from refund_desk.eligibility import needed_facts
from refund_desk.form_reading import YES_NO_BUTTONS, read_lookup, read_message
from refund_desk.parsing import parse_email
from refund_desk.replies import summary

# Messages with these intents interrupt a form; rules answer them and the form goes on.
# (Off-topic messages are read by the form itself: a name can look off-topic to the classifier.)
INTERRUPTING_INTENTS = {"ask_why", "ask_refund_policy", "stop", "request_human", "bot_challenge"}


def answers_the_form(tracker: Tracker, form: str) -> bool:
    """Whether the latest user message is for this form to read.

    Not when it interrupts the form (a rule answered it with another action since), nor when
    its intent is one that rules answer.
    """
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    events = iter(reversed(tracker.events))
    for event in events:
        if event.get("event") == "user":
            break
        if event.get("event") == "action" and event.get("name") not in (form, "action_listen"):
            return False
    asked = next((e.get("name") for e in events if e.get("event") == "action" and e.get("name") != "action_listen"), None)
    if asked == "utter_confirm_stop" and intent in ("affirm", "deny"):
        return False  # the yes/no answers "stop this request?", not the form's question
    return intent not in INTERRUPTING_INTENTS


class RequestFormValidation(FormValidationAction):
    """Shared reading of refund, cancellation and chargeback forms."""

    kind = "refund"

    @abstractmethod
    def name(self) -> Text:
        """Abstract, so that the action server does not register this shared base."""

    def wanted_slots(self, tracker: Tracker) -> List[Text]:
        facts = needed_facts(runtime().policy, self.kind, facts_from(tracker), today())
        return ["invoice_number", *facts, *CONTACT_SLOTS, "confirmed"]

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return self.wanted_slots(tracker)

    async def get_extraction_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        events: List[EventType] = []
        wanted = self.wanted_slots(tracker)
        known = slot_values(tracker, wanted)
        email = parse_email((tracker.latest_message.get("metadata") or {}).get("customer_email"))
        if email and known.get("customer_email") is None and "customer_email" in wanted:
            events.append(SlotSet("customer_email", email))  # given by the page the widget is on
        if not answers_the_form(tracker, self.form_name()):
            return events
        requested = tracker.get_slot("requested_slot") if tracker.active_loop_name == self.form_name() else None
        reading = read_message(
            tracker.latest_message.get("text"),
            (tracker.latest_message.get("intent") or {}).get("name"),
            requested if requested in wanted else None,
            wanted, known, self.kind, today(), int(tracker.get_slot("invoice_misses") or 0),
        )
        for problem in reading.problems:
            dispatcher.utter_message(text=problem, buttons=reading.buttons if problem == reading.problems[-1] else [])
        if reading.missed_invoice:
            events.append(SlotSet("invoice_misses", int(tracker.get_slot("invoice_misses") or 0) + 1))
        events += [SlotSet(k, v) for k, v in reading.values.items()]
        return events

    async def next_requested_slot(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Optional[EventType]:
        """Always decide the next slot here: the active refund policy, not the domain, says what to ask."""
        missing = (s for s in self.wanted_slots(tracker) if tracker.slots.get(s) is None)
        return SlotSet("requested_slot", next(missing, None))

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        # Values were validated while reading; pass them on for the wanted slots.
        wanted = set(self.wanted_slots(tracker)) | {"reason_details", "invoice_misses"}
        return [SlotSet(k, v) for k, v in tracker.slots_to_validate().items() if k in wanted]


class ValidateRefundForm(RequestFormValidation):
    kind = "refund"

    def name(self) -> Text:
        return "validate_refund_form"


class ValidateCancellationForm(RequestFormValidation):
    kind = "cancellation"

    def name(self) -> Text:
        return "validate_cancellation_form"


class ValidateChargebackForm(RequestFormValidation):
    kind = "chargeback"

    def wanted_slots(self, tracker: Tracker) -> List[Text]:
        return ["invoice_number", *CONTACT_SLOTS]

    def name(self) -> Text:
        return "validate_chargeback_form"


class ValidateStatusForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_status_form"

    async def extract_lookup_key(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        if not answers_the_form(tracker, self.form_name()):
            return {}
        key = read_lookup(tracker.latest_message.get("text"))
        if key is None and tracker.get_slot("requested_slot") == "lookup_key":
            dispatcher.utter_message(text="I couldn't find a reference in that. It looks like RF-7K3Q9X "
                                          "(or give me the invoice number, like INV-20431).")
            return {"lookup_key": None}
        return {"lookup_key": key} if key else {}

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return await status_required_slots(tracker)  # an invoice number also needs the e-mail

    async def extract_lookup_email(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        if not answers_the_form(tracker, self.form_name()):
            return {}
        return extract_lookup_email(dispatcher, tracker)


class ActionAskConfirmed(Action):
    """Shows what was collected and asks the customer to confirm."""

    def name(self) -> Text:
        return "action_ask_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        kind = "cancellation" if tracker.active_loop_name == "cancellation_form" else "refund"
        order = ["invoice_number", *needed_facts(runtime().policy, kind, facts_from(tracker), today()),
                 *CONTACT_SLOTS]
        dispatcher.utter_message(text=summary(kind, slot_values(tracker, order), order), buttons=YES_NO_BUTTONS)
        return []
