"""Messages the classifier got wrong inside or at the start of a form still reach the right form."""
import pytest

from actions.conversation import ActionExplainRequestedSlot
from actions.request_forms import ActionConfirmStop, ValidateCancellationForm, ValidateStatusForm
from actions.runtime import runtime
from tests.actions.conftest import make_tracker, run_action, slot_events, texts


def test_a_refund_taken_for_a_status_question_goes_to_the_refund_form(dispatcher, domain):
    tracker = make_tracker("the tech did the cleanup last Tuesday but my pc is still slow, I want my money back",
                           intent="check_request_status", active_loop="status_form")
    events = run_action(ValidateStatusForm(), tracker, dispatcher, domain)
    assert {"event": "active_loop", "name": None} in [{"event": e["event"], "name": e.get("name")} for e in events]
    assert any(e.get("event") == "followup" and e.get("name") == "refund_form" for e in events)


def test_a_status_question_still_asks_for_the_reference(dispatcher, domain):
    tracker = make_tracker("what's the status of my refund?", intent="check_request_status", active_loop="status_form")
    events = run_action(ValidateStatusForm(), tracker, dispatcher, domain)
    assert not any(e.get("event") == "followup" for e in events)


def test_a_stop_without_stop_words_goes_back_to_the_form(dispatcher, domain):
    tracker = make_tracker("this month", intent="stop", slots={"requested_slot": "service_date"},
                           active_loop="refund_form")
    events = run_action(ActionConfirmStop(), tracker, dispatcher, domain)
    assert any(e.get("event") == "followup" and e.get("name") == "refund_form" for e in events)
    assert "stop" not in texts(dispatcher).lower()


@pytest.mark.parametrize("text, requested, goes_back", [
    ("stop please", "service_date", False),
    ("stop this, I've had enough", "refund_reason", False),
    # at the reason question, "no reason" is the answer; the stop is the service's, not the request's
    ("nothing in particular, we just want to stop", "refund_reason", True),
    ("no specific reason. I'd like to quit", "refund_reason", True),
])
def test_a_stop_is_confirmed_first_unless_it_answers_the_question(dispatcher, domain, text, requested, goes_back):
    tracker = make_tracker(text, intent="stop", slots={"requested_slot": requested}, active_loop="refund_form")
    events = run_action(ActionConfirmStop(), tracker, dispatcher, domain)
    assert events == ([{"event": "followup", "timestamp": None, "name": "refund_form"}] if goes_back else [])


def test_a_name_taken_for_why_is_not_explained(dispatcher, domain):
    tracker = make_tracker("Emily Watson", intent="ask_why", slots={"requested_slot": "customer_name"},
                           active_loop="refund_form")
    run_action(ActionExplainRequestedSlot(), tracker, dispatcher, domain)
    assert dispatcher.messages == []


def test_a_webpro_plan_cancellation_records_the_kind(dispatcher, domain, monkeypatch):
    monkeypatch.setenv("REFUND_POLICY", "refund_policies/webpro_it_solutions.yml")
    runtime.cache_clear()
    tracker = make_tracker("cancel my WebPro plan please, customer ID WP-8604, I don't need it anymore",
                           intent="cancel_service", active_loop="cancellation_form")
    slots = slot_events(run_action(ValidateCancellationForm(), tracker, dispatcher, domain))
    assert slots["service_kind"] == "recurring"


# What the change-of-mind rules run before action_switch_request (data/rules/*.yml).
DEACTIVATED = [{"event": "action", "name": "action_deactivate_loop"}, {"event": "active_loop", "name": None},
               {"event": "slot", "name": "requested_slot", "value": None}]


def test_a_reason_taken_for_a_change_of_mind_goes_back_to_the_form(dispatcher, domain):
    from actions.submit import ActionSwitchRequest
    tracker = make_tracker("we want to stop the project, no longer needed", intent="cancel_service",
                           slots={"requested_slot": None}, active_loop=None)
    tracker.events[:0] = [{"event": "active_loop", "name": "refund_form"},
                          {"event": "slot", "name": "requested_slot", "value": "refund_reason"}]
    tracker.events += DEACTIVATED  # as the change-of-mind rules run it
    events = run_action(ActionSwitchRequest(), tracker, dispatcher, domain)
    assert events == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": "refund_reason"},
                      {"event": "followup", "timestamp": None, "name": "refund_form"}]


def test_a_real_change_of_mind_switches(dispatcher, domain):
    from actions.submit import ActionSwitchRequest
    tracker = make_tracker("actually I'd rather cancel the appointment instead", intent="cancel_service")
    tracker.events[:0] = [{"event": "active_loop", "name": "refund_form"},
                          {"event": "slot", "name": "requested_slot", "value": "service_date"}]
    tracker.events += DEACTIVATED
    events = run_action(ActionSwitchRequest(), tracker, dispatcher, domain)
    assert not any(e.get("event") == "followup" for e in events)


def test_a_reason_handed_back_is_read_as_the_answer_to_the_question(dispatcher, domain):
    """"I was charged for a session that never happened" (request_refund) inside the chargeback form: the
    change-of-mind rule leaves the form, action_switch_request hands the answer back, and the form reads it
    as the answer to "What's the reason?", not as a reason said in passing (which needs more certainty)."""
    from actions.request_forms import ValidateChargebackForm
    from actions.submit import ActionSwitchRequest
    text = "I was charged for a session that never happened"
    known = {"invoice_number": "INV-40012", "service_date": "2026-11-10"}
    asked = [{"event": "active_loop", "name": "chargeback_form"},
             {"event": "slot", "name": "requested_slot", "value": "refund_reason"}]
    tracker = make_tracker(text, intent="request_refund", slots={**known, "requested_slot": None})
    tracker.events[:0] = asked
    tracker.events += DEACTIVATED
    handed_back = run_action(ActionSwitchRequest(), tracker, dispatcher, domain)
    assert handed_back == [{"event": "slot", "timestamp": None, "name": "requested_slot", "value": "refund_reason"},
                           {"event": "followup", "timestamp": None, "name": "chargeback_form"}]
    tracker = make_tracker(text, intent="request_refund", slots={**known, "requested_slot": "refund_reason"},
                           active_loop="chargeback_form")
    tracker.events[:0] = asked
    tracker.events[-1:] = [*DEACTIVATED, {"event": "action", "name": "action_switch_request"}, *handed_back[:1],
                           {"event": "action", "name": "chargeback_form"},
                           {"event": "active_loop", "name": "chargeback_form"}]
    slots = slot_events(run_action(ValidateChargebackForm(), tracker, dispatcher, domain))
    assert slots["refund_reason"] == "service_not_rendered" and slots["requested_slot"] != "refund_reason"
