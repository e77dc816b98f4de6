"""'Did this help?': asked once per conversation after a request or a policy answer, the answer kept
for the report; a yes or a no at any other moment is not taken for one (real Trackers)."""
from rasa_sdk import Tracker

from actions.conversation import ActionAnswerPolicyQuestion
from actions.csat import ActionAnswerYesNo
from actions.runtime import runtime
from actions.submit import ActionSubmitRefund
from refund_desk import replies
from refund_desk.ratings import all_ratings
from tests.actions.conftest import ALL_SLOTS, make_tracker, run_action, slot_events, texts

REFUND = {"invoice_number": "INV-20431", "service_date": "2026-11-17", "refund_reason": "duplicate_payment",
          "customer_name": "Jane Doe", "customer_email": "jane@example.com", "confirmed": True}


def after_question(text: str, intent: str, question: str = replies.CSAT_QUESTION) -> Tracker:
    """A conversation whose assistant just said `question`, and the customer's answer."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    events = [{"event": "user", "text": "refund please", "parse_data": {}, "input_channel": "socketio"},
              {"event": "bot", "text": "Your request is open."},
              {"event": "bot", "text": question},
              {"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "parse_data": latest, "input_channel": "socketio"},
              {"event": "action", "name": "action_answer_yes_no"}]
    return Tracker("conv-7", {name: None for name in ALL_SLOTS}, latest, events, False, None, {}, "action_listen")


def test_asked_after_a_refund_once_per_conversation(dispatcher, domain):
    events = run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND), dispatcher, domain)
    assert slot_events(events)["csat_asked"] is True
    assert dispatcher.messages[-1]["text"] == replies.CSAT_QUESTION
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == ["/affirm", "/deny"]
    dispatcher.messages.clear()
    again = run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", {**REFUND, "csat_asked": True}),
                       dispatcher, domain)
    assert "csat_asked" not in slot_events(again) and replies.CSAT_QUESTION not in texts(dispatcher)


def test_asked_after_a_policy_answer_but_not_inside_a_form(dispatcher, domain):
    run_action(ActionAnswerPolicyQuestion(), make_tracker("how long do refunds take?", "ask_refund_policy"),
               dispatcher, domain)
    assert replies.CSAT_QUESTION in texts(dispatcher)
    dispatcher.messages.clear()
    inside = make_tracker("how long do refunds take?", "ask_refund_policy", active_loop="refund_form")
    assert run_action(ActionAnswerPolicyQuestion(), inside, dispatcher, domain) == []
    assert replies.CSAT_QUESTION not in texts(dispatcher)


def test_a_yes_after_the_question_is_kept_once(dispatcher, domain):
    run_action(ActionAnswerYesNo(), after_question("yes", "affirm"), dispatcher, domain)
    assert texts(dispatcher) == replies.CSAT_THANKS[True]
    run_action(ActionAnswerYesNo(), after_question("no", "deny"), dispatcher, domain)  # a second answer
    ratings = all_ratings(runtime().store)
    assert [(r["sender_id"], r["helped"], r["comment"], r["channel"]) for r in ratings] == \
        [("conv-7", True, None, "socketio")]


def test_a_no_with_words_keeps_the_words(dispatcher, domain):
    said = "no, it kept asking me the same thing over and over"
    run_action(ActionAnswerYesNo(), after_question(said, "deny"), dispatcher, domain)
    assert texts(dispatcher) == replies.CSAT_THANKS[False]
    assert [(r["helped"], r["comment"]) for r in all_ratings(runtime().store)] == [(False, said)]


def test_a_yes_to_something_else_is_no_rating(dispatcher, domain):
    run_action(ActionAnswerYesNo(), after_question("yes", "affirm", question="Anything else?"), dispatcher, domain)
    assert dispatcher.messages == [{"response": "utter_what_for", **{k: v for k, v in dispatcher.messages[0].items()
                                                                     if k != "response"}}]
    assert all_ratings(runtime().store) == []
