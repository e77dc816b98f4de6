"""What must not lose a request: commands typed into the chat, unclear openings, a refund that is a cancellation."""
import pytest

from actions.conversation import ActionBack, ActionReadUnplacedMessage, ActionRestart, ActionSessionStart
from actions.request_forms import ActionOfferCancellation, ValidateRefundForm
from actions.runtime import runtime
from refund_desk import replies
from tests.actions.conftest import make_tracker, run_action, slot_events, texts

ASKING_NAME = {"requested_slot": "customer_name", "invoice_number": "INV-23007", "service_date": "2026-11-15",
               "refund_reason": "duplicate_payment"}


def kinds(events: list) -> list:
    return [e["event"] for e in events]


@pytest.mark.parametrize("action, intent", [(ActionBack, "back"), (ActionRestart, "restart"),
                                            (ActionSessionStart, "session_start")])
def test_a_command_typed_inside_a_form_keeps_the_request(dispatcher, domain, action, intent):
    tracker = make_tracker(f"/{intent}", intent=intent, slots=ASKING_NAME, active_loop="refund_form")
    tracker.events.pop()  # the command is the latest event: no action has run since
    events = run_action(action(), tracker, dispatcher, domain)
    assert events == []   # no revert, no restart, no new session: every slot and the form stay
    assert "erase" in texts(dispatcher)
    if action is ActionSessionStart:  # no form runs after a session start: the question is asked here
        assert dispatcher.messages[-1]["response"] == "utter_ask_customer_name"


def test_back_outside_a_form_goes_back_as_rasa_does(dispatcher, domain):
    events = run_action(ActionBack(), make_tracker("/back", intent="back"), dispatcher, domain)
    assert kinds(events) == ["rewind", "rewind"]


def test_a_new_session_carries_the_slots_over(dispatcher, domain):
    tracker = make_tracker("hello", intent="greet", slots={"customer_email": "jane@example.com"},
                           latest_action="action_listen")
    events = run_action(ActionSessionStart(), tracker, dispatcher, domain)
    assert kinds(events) == ["session_started", "slot", "action"]
    assert slot_events(events) == {"customer_email": "jane@example.com"}
    assert events[-1]["name"] == "action_listen" and dispatcher.messages == []


def test_a_session_that_expires_inside_a_form_is_not_taken_for_a_typed_command(dispatcher, domain):
    # the previous session ended with a typed '/session_start' that was answered; now it has expired
    tracker = make_tracker("/session_start", intent="session_start", slots=ASKING_NAME, active_loop="refund_form")
    events = run_action(ActionSessionStart(), tracker, dispatcher, domain)
    assert kinds(events)[0] == "session_started" and dispatcher.messages == []


def test_the_command_is_not_read_as_the_answer(dispatcher, domain):
    tracker = make_tracker("/back", intent="back", slots=ASKING_NAME, active_loop="refund_form",
                           latest_action="refund_form")
    tracker.events[-1:] = [{"event": "action", "name": "action_back"}, {"event": "action", "name": "refund_form"}]
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert "customer_name" not in slots and slots["requested_slot"] == "customer_name"


@pytest.mark.parametrize("text, intent, says", [
    ("I was charged twice for INV-23004 on Nov 17, my name is Chloe Martin", "nlu_fallback", None),
    ("Hi, I think I was double billed", "inform", None),
    ("you billed me 2x for the same month", "nlu_fallback", None),
    ("I want my money back for INV-23004", "inform", None),
    ("I already disputed the double charge with my bank", "nlu_fallback", "utter_please_rephrase"),  # no refund
    ("purple monkey dishwasher", "nlu_fallback", "utter_please_rephrase"),
    ("INV-23004", "inform", "utter_what_for"),
])
def test_a_message_outside_a_form_that_asks_for_a_refund_opens_the_refund_form(dispatcher, domain, text, intent,
                                                                                 says):
    events = run_action(ActionReadUnplacedMessage(), make_tracker(text, intent=intent), dispatcher, domain)
    if says is None:
        assert events == [{"event": "followup", "timestamp": None, "name": "refund_form"}]
        assert [m["text"] for m in dispatcher.messages] == [replies.REFUND_FROM_DETAILS]
    else:
        assert events == [] and dispatcher.messages[0]["response"] == says


PREPAID = "we prepaid the router installation, it's booked for Wednesday December 2nd but we don't need it anymore"


def test_a_refund_for_a_service_still_to_come_stops_and_offers_a_cancellation(dispatcher, domain):
    tracker = make_tracker(PREPAID, intent="request_refund", latest_action="refund_form")  # the opening message
    events = run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    assert {"event": "active_loop", "timestamp": None, "name": None} in events
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "action_offer_cancellation"}
    set_ = slot_events(events)
    assert set_["requested_slot"] is None and set_["date_words"] == PREPAID and set_.get("service_date") is None
    assert dispatcher.messages == [] and runtime().store.list() == []  # the offer is the next thing said


def test_a_date_still_to_come_given_as_the_answer_is_offered_and_asked_again(dispatcher, domain):
    tracker = make_tracker("tomorrow", slots={"requested_slot": "service_date", "invoice_number": "INV-23008"},
                           active_loop="refund_form")  # maybe a slip for "yesterday": the form goes on
    events = run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    assert slot_events(events)["requested_slot"] == "service_date"
    assert not [e for e in events if e["event"] in ("active_loop", "followup")]
    assert "cancel it instead" in texts(dispatcher)


def test_the_offer_can_be_taken_or_declined(dispatcher, domain):
    run_action(ActionOfferCancellation(), make_tracker(PREPAID), dispatcher, domain)
    assert "cancel it instead" in texts(dispatcher)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/cancel_service", "/deny"]
