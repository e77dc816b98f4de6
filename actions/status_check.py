"""Status checks that keep requests private.

* By reference: the request's status and next steps (the reference is what the customer was
  given), and a staff note only when staff marked it for the customer.
* By invoice number: only the customer's own requests, i.e. opened in this conversation or
  carrying the e-mail address the customer gives (the status form asks for it).
* "Not found" and "not yours" get the same answer. Failed look-ups, and those that show a request
  by invoice number and e-mail, are counted in the records database per conversation, per client
  address and overall (refund_desk.lookup_limits): past a limit, no more look-ups, a person is
  offered instead, and neither `/restart`, a new sender id nor a restart resets the count.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.db import off_loop
from actions.runtime import runtime
from actions.slots import client_address_of, latest_intent, misses_of, said_text
from refund_desk.form_reading import CHOOSE, LEAVE_OUT, MISS_BUDGET, UNKNOWN, after_a_miss
from refund_desk.readers import says_dont_have
from refund_desk.lookup_limits import CONVERSATION_LIMIT, Asker
from refund_desk.parsing import parse_email, parse_reference
from refund_desk import replies
from refund_desk.records import RecordStoreUnavailable, UnknownRequest, customer_view

MAX_LOOKUP_MISSES = CONVERSATION_LIMIT.most  # this conversation's slot counts them too (the wording)


def given(value: Optional[str]) -> Optional[str]:
    """A look-up detail the customer gave; None when not given or left out (UNKNOWN)."""
    return None if value == UNKNOWN else value


def is_invoice(key: Optional[str]) -> bool:
    """Whether a look-up key is the policy's identifier (invoice number, Customer ID, ...), not a reference."""
    return bool(given(key)) and parse_reference(key) is None


def proof_email(tracker: Tracker) -> Optional[str]:
    return given(tracker.get_slot("lookup_email")) or given(tracker.get_slot("customer_email"))


async def status_required_slots(tracker: Tracker) -> List[Text]:
    """lookup_key, then the e-mail on the request when the key is an invoice number that this
    conversation did not open (and no e-mail is known yet)."""
    key = tracker.get_slot("lookup_key")
    if not is_invoice(key):
        return ["lookup_key"]
    if tracker.get_slot("lookup_email"):  # given: keep it required, so rasa_sdk keeps its value
        return ["lookup_key", "lookup_email"]
    if given(tracker.get_slot("customer_email")) or misses(tracker) >= MAX_LOOKUP_MISSES:
        return ["lookup_key"]
    try:
        own = await off_loop(runtime().store.find_for_customer, key, sender_id=tracker.sender_id)
    except RecordStoreUnavailable:
        return ["lookup_key"]  # action_check_status says the look-up is not possible just now
    return ["lookup_key"] if own else ["lookup_key", "lookup_email"]


# The status form asks its look-up details in the words customers have for them: the invoice number
# (a reference works too) and their e-mail; the answers are kept as the look-up's key and proof.
ASKED_AS = {"lookup_key": "invoice_number", "lookup_email": "customer_email"}


async def status_asked_slots(tracker: Tracker) -> List[Text]:
    """The status form's slots, each look-up detail not read yet under the name it is asked by."""
    return [ASKED_AS[s] if tracker.get_slot(s) is None else s for s in await status_required_slots(tracker)]


def asked_for(tracker: Tracker, slot: Text) -> bool:
    """Whether the status form's question for this look-up detail is the one being answered."""
    return tracker.get_slot("requested_slot") in (slot, ASKED_AS[slot])


def unread(slot: Text) -> Dict[Text, Any]:
    """A look-up detail asked and not read: both names cleared, so the form asks again."""
    return {slot: None, ASKED_AS[slot]: None}


def missed(dispatcher: CollectingDispatcher, tracker: Tracker, slot: Text, again: Text) -> Dict[Text, Any]:
    """A look-up detail asked and not read, with the budget every question has: asked again; at the second
    miss the customer chooses (type it again, skip it, a person); at the third, or at "I don't have it"
    in any words, it is left out (without the e-mail only this conversation's requests show; without a
    key, action_check_status offers a person)."""
    asked = tracker.get_slot("requested_slot")
    so_far = misses_of(tracker, asked)
    chose_to_skip = so_far >= MISS_BUDGET and latest_intent(tracker) == "affirm"
    step = LEAVE_OUT if says_dont_have(said_text(tracker)) or chose_to_skip else after_a_miss(so_far)
    if step == LEAVE_OUT:
        if slot == "lookup_email":
            dispatcher.utter_message(text=replies.LOOKUP_WITHOUT_EMAIL)
        return {slot: UNKNOWN, "question_misses": None}
    if step == CHOOSE:
        dispatcher.utter_message(text=replies.lookup_choice(slot, runtime().policy.identifier),
                                 buttons=replies.SKIP_OR_PERSON_BUTTONS)
    else:
        dispatcher.utter_message(text=again)
    return {**unread(slot), "question_misses": {"slot": asked, "count": so_far + 1}}


def extract_lookup_email(dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
    if not asked_for(tracker, "lookup_email"):
        return {}
    email = parse_email(said_text(tracker))
    if email is None:
        return missed(dispatcher, tracker, "lookup_email", replies.NOT_AN_EMAIL_FOR_LOOKUP)
    return {"lookup_email": email, "question_misses": None}


def misses(tracker: Tracker) -> int:
    try:
        return int(tracker.get_slot("lookup_misses") or 0)
    except (TypeError, ValueError):
        return 0


async def check_status(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    rt = runtime()
    key = tracker.get_slot("lookup_key")
    failed = misses(tracker)
    done: List[EventType] = [SlotSet("lookup_key", None), SlotSet("lookup_email", None)]
    if key == UNKNOWN:  # the customer has neither the reference nor the identifier
        dispatcher.utter_message(text=replies.lookup_without_key(rt.policy.identifier, rt.policy),
                                 buttons=[replies.PERSON_BUTTON])
        return done
    if failed >= MAX_LOOKUP_MISSES:
        dispatcher.utter_message(text=replies.lookups_used_up(rt.policy), buttons=[replies.PERSON_BUTTON])
        return done
    try:
        counted = await off_loop(rt.store.count_lookup, Asker(tracker.sender_id, client_address_of(tracker)))
        if counted is None:  # past a limit: of this conversation, this client or all of them
            dispatcher.utter_message(text=replies.lookups_used_up(rt.policy), buttons=[replies.PERSON_BUTTON])
            return done
        if is_invoice(key):
            records = await off_loop(rt.store.find_for_customer, key, sender_id=tracker.sender_id,
                                     email=proof_email(tracker))
        else:
            try:
                records = [await off_loop(rt.store.get, key or "")]
            except UnknownRequest:
                records = []
    except RecordStoreUnavailable:
        dispatcher.utter_message(text=replies.lookup_unavailable(rt.policy))
        return done
    if records and all(r.get("sender_id") == tracker.sender_id or not is_invoice(key) for r in records):
        try:  # the reference, or this conversation's own request: proof enough, not counted
            await off_loop(rt.store.forget_lookup, counted)
        except RecordStoreUnavailable:
            pass  # it stays counted: the answer is still given
    if records:  # every request of the customer's for that identifier: a refund and a cancellation both show
        dispatcher.utter_message(text="\n\n".join(replies.status_message(customer_view(r), rt.policy) for r in records))
        return done
    failed += 1
    what = f"that {rt.policy.identifier.label} and e-mail address" if is_invoice(key) else key
    last_try = failed >= MAX_LOOKUP_MISSES
    dispatcher.utter_message(text=replies.lookup_not_shown(what, rt.policy, last_try),
                             buttons=[replies.PERSON_BUTTON] if last_try else [])
    return done + [SlotSet("lookup_misses", failed)]
