"""Outside a form, a message the classifier placed elsewhere opens the request it states in its own words."""
from typing import Optional

import pytest

from actions.conversation import ActionAnswerPolicyQuestion, ActionExplainChargeback, ActionReadUnplacedMessage
from actions.request_forms import ValidateChargebackForm, ValidateRefundForm, ValidateStatusForm
from refund_desk import replies
from refund_desk.stated_request import CANCELLATION, CHARGEBACK_FILED, HANDOFF, REFUND, stated_request
from tests.actions.conftest import make_tracker, run_action, slot_events


def ranked(*pairs: tuple[str, float]) -> list[tuple[str, float]]:
    return list(pairs)


@pytest.mark.parametrize("text, ranking, expected", [
    # cancellations, hand-offs and filed chargebacks: the words name it and the classifier ranks it
    ("need to cancel tomorrow's session, sorry, got called into work",
     ranked(("out_of_scope", 0.67), ("cancel_service", 0.22)), CANCELLATION),
    ("We need to terminate the pentest booked for January, the scope changes",
     ranked(("out_of_scope", 0.54), ("cancel_service", 0.42)), CANCELLATION),
    ("cancel my table reservation for tonight", ranked(("out_of_scope", 0.95), ("cancel_service", 0.03)), None),
    ("hello, my english is not so good, please i want speak with a person of your company",
     ranked(("out_of_scope", 0.49), ("request_human", 0.42)), HANDOFF),
    ("can you connect me to a human who knows my account", ranked(("out_of_scope", 0.6), ("request_human", 0.3)),
     HANDOFF),
    ("a person at the bank told me to call", ranked(("out_of_scope", 0.9), ("request_human", 0.05)), None),
    ("yeah i did a chargeback already. you fixed a couple things but i never agreed to a whole year",
     ranked(("chargeback", 0.41), ("chargeback_filed", 0.38)), CHARGEBACK_FILED),
    ("I filed a dispute with PayPal for the project that never started", ranked(("chargeback", 0.58)),
     CHARGEBACK_FILED),
    ("what happens if I file a dispute?", ranked(("chargeback", 0.9)), None),
    # refunds: money asked back, or a reason the reason reader reads
    ("Can we get our deposit back? Nothing has started yet.", ranked(("nlu_fallback", 0.4)), REFUND),
    ("Could you refund the whole thing so I can rebuy?", ranked(("ask_refund_policy", 0.69)), REFUND),
    ("Refund the duplicate charge for PSN-48077 by Friday", ranked(("chargeback", 0.78)), REFUND),
    ("what's the weather like tomorrow?", ranked(("out_of_scope", 0.99)), None),
])
def test_the_request_a_message_states(text: str, ranking, expected: Optional[str]):
    assert stated_request(text, ranking) == expected


def tracker_with_ranking(text: str, intent: str, ranking: list[tuple[str, float]], **kwargs):
    tracker = make_tracker(text, intent=intent, **kwargs)
    tracker.latest_message["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    return tracker


def followups(events) -> list[str]:
    return [e["name"] for e in events if e.get("event") == "followup"]


@pytest.mark.parametrize("text, ranking, opened", [
    ("need to cancel tomorrow's session, sorry, got called into work",
     ranked(("out_of_scope", 0.67), ("cancel_service", 0.22)), ["cancellation_form"]),
    ("please i want speak with a person of your company about my website",
     ranked(("out_of_scope", 0.49), ("request_human", 0.42)), ["action_handoff"]),
    ("The report we received on Thursday only covers our external perimeter, not what we paid for",
     ranked(("out_of_scope", 0.97)), ["refund_form"]),
    ("what's the weather like tomorrow?", ranked(("out_of_scope", 0.99)), []),
])
def test_an_off_topic_message_opens_what_it_states_else_says_the_scope(dispatcher, domain, text, ranking, opened):
    tracker = tracker_with_ranking(text, "out_of_scope", ranking)
    events = run_action(ActionReadUnplacedMessage(), tracker, dispatcher, domain)
    assert followups(events) == opened
    if not opened:
        assert [m.get("response") for m in dispatcher.messages] == ["utter_out_of_scope"]


def test_a_question_the_policy_is_silent_on_opens_the_request_it_states(dispatcher, domain):
    text = "Can I cancel the consulting workshop on the 15th? Paid already."
    tracker = tracker_with_ranking(text, "ask_refund_policy", ranked(("ask_refund_policy", 0.56),
                                                                       ("cancel_service", 0.38)))
    events = run_action(ActionAnswerPolicyQuestion(), tracker, dispatcher, domain)
    assert followups(events) == ["cancellation_form"]
    assert [m.get("text") for m in dispatcher.messages] == [replies.CANCELLATION_FROM_DETAILS]


def test_a_question_the_policy_answers_is_answered_not_opened(dispatcher, domain):
    text = "How many days do I have to ask for a refund after the service?"
    tracker = tracker_with_ranking(text, "ask_refund_policy", ranked(("ask_refund_policy", 1.0)))
    events = run_action(ActionAnswerPolicyQuestion(), tracker, dispatcher, domain)
    assert followups(events) == []
    assert "refund policy" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("text, opened", [
    # the customer's own payment and a reason to refund it, then a question: their case, opened as a refund
    ("We paid for a network audit in October and your consultant never turned up. How is that acceptable?",
     ["refund_form"]),
    ("you charged us twice for the november hosting, is that how it works?", ["refund_form"]),
    # questions about the rules, a supposition, or the terms of cancelling: answered, nothing opened
    ("If I paid in crypto, how would a refund come back?", []),
    ("I bought the annual plan last week. Can I cancel whenever I want?", []),
])
def test_a_question_after_the_customers_own_story_opens_the_refund(dispatcher, domain, text, opened):
    tracker = tracker_with_ranking(text, "ask_refund_policy", ranked(("ask_refund_policy", 0.8),
                                                                       ("request_refund", 0.1)))
    events = run_action(ActionAnswerPolicyQuestion(), tracker, dispatcher, domain)
    assert followups(events) == opened
    if not opened:
        assert "refund policy" in dispatcher.messages[0]["text"]


def test_a_chargeback_already_filed_goes_to_its_form_which_reads_the_message(dispatcher, domain):
    text = "I filed a dispute with PayPal. I paid for an app consulting project on October 28th and it never started."
    ranking = ranked(("chargeback", 0.58), ("chargeback_filed", 0.3))
    events = run_action(ActionExplainChargeback(), tracker_with_ranking(text, "chargeback", ranking), dispatcher,
                        domain)
    assert followups(events) == ["chargeback_form"]
    tracker = tracker_with_ranking(text, "chargeback", ranking, latest_action="chargeback_form")
    tracker.events.insert(1, {"event": "action", "name": "action_explain_chargeback"})
    slots = slot_events(run_action(ValidateChargebackForm(), tracker, dispatcher, domain))
    assert slots["refund_reason"] == "service_not_rendered"
    assert slots["service_date"] == "2026-10-28"


def test_a_duplicate_charge_refund_asked_for_outright_is_opened_not_offered(dispatcher, domain):
    text = "Refund the duplicate charge for INV-48077 by Friday or I am calling my card company to dispute it."
    events = run_action(ActionExplainChargeback(), tracker_with_ranking(text, "chargeback", ranked(("chargeback", 0.78))),
                        dispatcher, domain)
    assert followups(events) == ["refund_form"]
    assert dispatcher.messages[0].get("buttons") in (None, [])


@pytest.mark.parametrize("text, handed_to", [
    ("hey, signed up on thursday, changed my mind, please cancel. nobody has done any work on my pc yet",
     ["cancellation_form"]),
    # it asks about a cancellation; it asks for none
    ("has my backup plan cancellation from october been done? we were billed again", []),
])
def test_a_status_form_hands_over_a_cancellation_asked_for(dispatcher, domain, text, handed_to):
    tracker = tracker_with_ranking(text, "check_request_status", ranked(("check_request_status", 0.6),
                                                                          ("cancel_service", 0.31)),
                                   active_loop="status_form", latest_action="status_form")
    events = run_action(ValidateStatusForm(), tracker, dispatcher, domain)
    assert followups(events) == handed_to


def test_the_refund_form_reads_a_message_an_unanswered_policy_question_opened_it_for(dispatcher, domain):
    text = "Paid for a data backup setup two weeks ago and nobody ever contacted me to schedule it."
    tracker = make_tracker(text, intent="ask_refund_policy", latest_action="refund_form")
    tracker.events.insert(1, {"event": "action", "name": "action_answer_policy_question"})
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["refund_reason"] == "service_not_rendered"


def test_an_answer_taken_for_a_status_check_inside_a_form_is_still_read(dispatcher, domain):
    # "I checked, ..." reads like a status check; the rule answers it, and the form reads the date it gives
    tracker = make_tracker("I checked, it arrived on the 20th, Friday", intent="check_request_status",
                           slots={"requested_slot": "service_date", "invoice_number": "INV-47888"},
                           active_loop="refund_form", latest_action="refund_form")
    tracker.events.insert(1, {"event": "action", "name": "utter_status_after_form"})
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["service_date"] == "2026-11-20"  # today is pinned to Saturday 2026-11-21


def form_left_for_a_handoff(text: str, form: str, requested: str):
    """The tracker as action_handoff sees it: the hand-off rule left `form` asking `requested` for this message."""
    tracker = make_tracker(text, intent="request_human", latest_action="action_deactivate_loop",
                           slots={"invoice_number": "TS-004-55600"})
    tracker.events[:0] = [{"event": "active_loop", "name": form},
                          {"event": "slot", "name": "requested_slot", "value": requested}]
    tracker.events[-1:] = [{"event": "action", "name": "action_deactivate_loop"}, {"event": "active_loop", "name": None}]
    return tracker


@pytest.mark.parametrize("text, form, requested, back_to_the_form", [
    ("one time support call", "chargeback_form", "service_kind", True),
    ("I don't have a customer ID, nobody gave me one", "refund_form", "invoice_number", True),
    ("can a supervisor call me instead? I want to talk to a person about this.", "refund_form", "service_status", False),
    ("you know what, connect me with a human being please", "refund_form", "service_kind", False),
    ("i want a human", "refund_form", "invoice_number", False),
    ("Actually I would prefer to explain this to one of your quality assurance people directly. "
     "Can you transfer me to a person?", "refund_form", "refund_reason", False),
])
def test_an_answer_taken_for_a_handoff_goes_back_to_the_form(dispatcher, domain, text, form, requested,
                                                             back_to_the_form):
    from actions.conversation import ActionHandoff

    events = run_action(ActionHandoff(), form_left_for_a_handoff(text, form, requested), dispatcher, domain)
    assert (form in followups(events)) is back_to_the_form


def test_the_form_reads_the_answer_the_handoff_gave_back(dispatcher, domain):
    tracker = make_tracker("I don't have an invoice number, nobody gave me one", intent="request_human",
                           active_loop="refund_form", latest_action="refund_form",
                           slots={"requested_slot": "invoice_number"})
    tracker.events[:0] = [{"event": "slot", "name": "requested_slot", "value": "invoice_number"}]
    tracker.events[-1:] = [{"event": "action", "name": "action_deactivate_loop"},
                           {"event": "action", "name": "action_handoff"}, {"event": "action", "name": "refund_form"}]
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["invoice_skipped"] is True


def test_an_amount_said_in_passing_is_kept_where_the_policy_never_asks_it(dispatcher, domain):
    text = "I am seeing two payments of 149,00 on my bank statement for the same server backup. Please return one."
    tracker = make_tracker(text, intent="request_refund", active_loop="refund_form", latest_action="refund_form")
    assert "amount_paid" not in ValidateRefundForm().wanted_slots(tracker)
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["amount_paid"] == 149.0
    assert slots["refund_reason"] == "duplicate_payment"
