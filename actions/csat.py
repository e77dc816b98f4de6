"""Customer satisfaction: "Did this help?" once per conversation, and the answer kept."""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.db import off_loop
from actions.runtime import runtime
from actions.slots import last_event_before_latest_message, latest_intent
from refund_desk import replies
from refund_desk.form_reading import yes_no_answer
from refund_desk.ratings import save_rating
from refund_desk.records import RecordStoreUnavailable

ASKED_SLOT = "csat_asked"
BARE_ANSWER_WORDS = 3  # "yes", "no thanks", "yes it did": no comment to keep


def ask_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Ask "Did this help?" unless this conversation was asked already or a form is running."""
    if tracker.get_slot(ASKED_SLOT) or tracker.active_loop.get("name"):
        return []
    dispatcher.utter_message(text=replies.CSAT_QUESTION, buttons=replies.CSAT_BUTTONS)
    return [SlotSet(ASKED_SLOT, True)]


def answers_the_question(tracker: Tracker) -> bool:
    """Whether the latest message came right after "Did this help?" (the assistant's last words)."""
    said = last_event_before_latest_message(tracker, lambda e: e.get("event") == "bot")
    return said is not None and said.get("text") == replies.CSAT_QUESTION


class ActionAnswerYesNo(Action):
    """A yes or a no with no request running: the answer to "Did this help?" when that was asked
    just before, else what to do next."""

    def name(self) -> Text:
        return "action_answer_yes_no"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if latest_intent(tracker) == "affirm":
            from actions.submit import retry_unsaved  # actions.submit asks "Did this help?" from here

            retried = await retry_unsaved(dispatcher, tracker, domain)
            if retried is not None:  # "yes" after "couldn't save yet": the save is tried again
                return retried
        text = tracker.latest_message.get("text") or ""
        helped: Optional[bool] = yes_no_answer(text, latest_intent(tracker))
        if helped is None or not answers_the_question(tracker):
            dispatcher.utter_message(response="utter_what_for" if latest_intent(tracker) == "affirm"
                                     else "utter_anything_else")
            return []
        comment = text if len(text.split()) > BARE_ANSWER_WORDS and not text.startswith("/") else None
        rt = runtime()
        try:
            await off_loop(lambda: save_rating(rt.store, tracker.sender_id, helped, comment,
                                               tracker.get_latest_input_channel(), rt.policy.id))
        except RecordStoreUnavailable:
            pass  # the thanks still: a rating lost to a database fault costs the customer nothing
        dispatcher.utter_message(text=replies.CSAT_THANKS[helped])
        return []
