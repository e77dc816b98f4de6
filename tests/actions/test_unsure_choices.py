"""Asking when unsure, on real Trackers: an unclear message outside a form gets the likeliest
requests as buttons, and a click goes on as if the customer had said the message with that meaning."""
from typing import Optional

import pytest
from rasa_sdk import Tracker

from actions.conversation import ActionAnswerPolicyQuestion, ActionReadUnplacedMessage
from actions.request_forms import ValidateRefundForm, answers_the_form
from actions.slots import said_text
from refund_desk import replies
from refund_desk.policy_answers import answer_policy_question
from actions.runtime import runtime
from tests.actions.conftest import ALL_SLOTS, make_tracker, run_action, slot_events

UNCLEAR = "the INV-20431 payment looks odd on my statement, what now"
RANKING = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "request_refund", "confidence": 0.31},
           {"name": "out_of_scope", "confidence": 0.25}, {"name": "ask_refund_policy", "confidence": 0.22},
           {"name": "check_request_status", "confidence": 0.12}, {"name": "inform", "confidence": 0.1}]


def unsure(text: str = UNCLEAR, ranking: Optional[list] = None) -> dict:
    return {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.4},
            "intent_ranking": RANKING if ranking is None else ranking, "entities": [], "metadata": {}}


def clicked(choice: str, before: Optional[dict] = None, answer: str = replies.UNSURE_CHOICES,
            latest_action: str = "action_listen", active_loop: Optional[str] = None) -> Tracker:
    """The conversation after a click: the unclear message, the bot's choices, the click."""
    before = before or unsure()
    click = {"text": f"/{choice}", "intent": {"name": choice, "confidence": 1.0}, "entities": [], "metadata": {}}
    events = [{"event": "action", "name": "action_listen"},
              {"event": "user", "text": before["text"], "parse_data": before},
              {"event": "action", "name": "action_read_unplaced_message"},
              {"event": "bot", "text": answer, "data": {"buttons": []}},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": click["text"], "parse_data": click},
              {"event": "action", "name": latest_action}]
    return Tracker("customer-1", {name: None for name in ALL_SLOTS}, click, events, False, None,
                   {"name": active_loop} if active_loop else {}, latest_action)


def test_an_unclear_message_gets_the_likeliest_requests_as_buttons(dispatcher, domain):
    tracker = make_tracker(UNCLEAR, intent="nlu_fallback")
    tracker.latest_message["intent_ranking"] = RANKING
    assert run_action(ActionReadUnplacedMessage(), tracker, dispatcher, domain) == []
    [message] = dispatcher.messages
    assert message["text"] == replies.UNSURE_CHOICES
    assert message["buttons"] == [{"title": "Get a refund", "payload": "/request_refund"},
                                  {"title": "Read the refund policy", "payload": "/ask_refund_policy"},
                                  {"title": "Check on a request I made", "payload": "/check_request_status"}]


def test_with_no_request_in_the_ranking_it_asks_to_rephrase(dispatcher, domain):
    tracker = make_tracker("blorp", intent="nlu_fallback")
    tracker.latest_message["intent_ranking"] = [{"name": "greet", "confidence": 0.3}]
    run_action(ActionReadUnplacedMessage(), tracker, dispatcher, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_please_rephrase"]


def test_bare_details_are_still_asked_what_they_are_for(dispatcher, domain):
    tracker = make_tracker("INV-20431", intent="inform")
    tracker.latest_message["intent_ranking"] = RANKING[1:]
    run_action(ActionReadUnplacedMessage(), tracker, dispatcher, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_what_for"]


def test_a_click_means_the_unclear_message():
    assert said_text(clicked("request_refund")) == UNCLEAR
    # the same payload typed without the choices before it is just what it says
    assert said_text(clicked("request_refund", answer="Anything else?")) == "/request_refund"
    assert said_text(make_tracker("/request_refund", intent="request_refund")) == "/request_refund"
    assert said_text(make_tracker("hello there", intent="greet")) == "hello there"


def test_a_click_on_get_a_refund_opens_the_form_with_what_the_message_said(dispatcher, domain):
    tracker = clicked("request_refund", latest_action="refund_form", active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["invoice_number"] == "INV-20431"  # from the unclear message, not from "/request_refund"
    assert slots["requested_slot"] == "service_date"


def test_a_click_on_the_policy_answers_the_question_that_was_asked(dispatcher, domain):
    question = "how long does a refund take to arrive?"
    tracker = clicked("ask_refund_policy", before=unsure(question))
    run_action(ActionAnswerPolicyQuestion(), tracker, dispatcher, domain)
    expected, _ = answer_policy_question(runtime().policy, question)
    assert dispatcher.messages[0]["text"] == expected  # (a "did this help?" may follow)
    assert expected != answer_policy_question(runtime().policy, "/ask_refund_policy")[0]


@pytest.mark.parametrize("asked, text", [("customer_name", "Sofia Rossi"), ("service_date", "the 3rd, I think")])
def test_inside_a_form_an_unclear_answer_is_still_the_forms_to_read(asked, text):
    """Buttons are only offered outside forms: a form reads an nlu_fallback message itself."""
    tracker = make_tracker(text, intent="nlu_fallback", slots={"requested_slot": asked},
                           active_loop="refund_form", latest_action="refund_form")
    tracker.latest_message["intent_ranking"] = RANKING
    assert answers_the_form(tracker, "refund_form")
