"""Form validation actions, run on real Trackers."""
import pytest

from actions.request_forms import (ValidateCancellationForm, ValidateRefundForm, ask_confirmed,
                                   ValidateStatusForm)
from actions.runtime import runtime
from refund_desk import replies
from tests.actions.conftest import make_tracker, run_action, slot_events, texts

FILLED = {"invoice_number": "INV-20431", "service_date": "2026-11-17", "refund_reason": "duplicate_payment",
          "customer_name": "Jane Doe", "customer_email": "jane@example.com"}


def test_opening_message_fills_three_slots_and_asks_the_name(dispatcher, domain):
    # as Rasa sends it on activation: the form's own action follows the user message
    tracker = make_tracker("I was charged twice for invoice INV-20431 last Tuesday", intent="request_refund",
                           latest_action="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["invoice_number"] == "INV-20431"
    assert slots["service_date"] == "2026-11-17"
    assert slots["refund_reason"] == "duplicate_payment"
    assert slots["requested_slot"] == "customer_name"
    assert dispatcher.messages == []


def test_a_bad_invoice_is_reasked_and_counted(dispatcher, domain):
    tracker = make_tracker("blah", slots={"requested_slot": "invoice_number"}, active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["invoice_number"] is None
    assert slots["question_misses"] == {"slot": "invoice_number", "count": 1}
    assert slots["requested_slot"] == "invoice_number"
    assert "INV-20431" in texts(dispatcher)


def test_the_second_miss_offers_a_person(dispatcher, domain):
    tracker = make_tracker("blah", slots={"requested_slot": "invoice_number",
                                          "question_misses": {"slot": "invoice_number", "count": 1}},
                           active_loop="refund_form")
    run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    buttons = [b for m in dispatcher.messages for b in m["buttons"]]
    assert {"title": "Talk to a person", "payload": "/request_human"} in buttons


def test_after_an_interruption_the_old_message_is_not_read_again(dispatcher, domain):
    tracker = make_tracker("why do you need that?", intent="ask_why",
                           slots={"requested_slot": "invoice_number"}, active_loop="refund_form",
                           latest_action="action_explain_requested_slot")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert "invoice_number" not in slots
    assert slots["requested_slot"] == "invoice_number"
    assert texts(dispatcher) == replies.ask_identifier(runtime().policy.identifier)  # only the question again


def test_the_page_can_pass_the_customers_email(dispatcher, domain):
    tracker = make_tracker("I want a refund", intent="request_refund",
                           metadata={"customer_email": "jane@example.com", "page_url": "https://x/"})
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["customer_email"] == "jane@example.com"


def test_cancellation_asks_the_kind_of_service_first(dispatcher, domain):
    tracker = make_tracker("cancel my appointment, invoice #555", intent="cancel_service")
    slots = slot_events(run_action(ValidateCancellationForm(), tracker, dispatcher, domain))
    assert slots["invoice_number"] == "INV-555"
    assert slots["service_kind"] == "one_time"
    assert slots["requested_slot"] == "service_date"


def test_all_filled_then_confirmation_ends_the_form(dispatcher, domain):
    tracker = make_tracker("yes", intent="affirm", slots={**FILLED, "requested_slot": "confirmed"},
                           active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["confirmed"] is True
    assert slots["requested_slot"] is None


def test_the_confirmation_question_shows_the_summary(dispatcher, domain):
    tracker = make_tracker("", slots={**FILLED, "requested_slot": "confirmed"}, active_loop="refund_form")
    ask_confirmed(dispatcher, tracker, "refund")
    message = dispatcher.messages[0]
    for shown in ("INV-20431", "17 November 2026", "charged more than once", "Jane Doe", "jane@example.com"):
        assert shown in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


def test_status_form_reads_a_reference(dispatcher, domain):
    tracker = make_tracker("any news on rf-7k3q9x?", intent="check_request_status")
    assert slot_events(run_action(ValidateStatusForm(), tracker, dispatcher, domain))["lookup_key"] == "RF-7K3Q9X"


def test_yes_or_no_to_the_stop_question_is_not_a_form_answer(dispatcher, domain):
    tracker = make_tracker("no", intent="deny", slots={**FILLED, "requested_slot": "confirmed"},
                           active_loop="refund_form")
    # events: ..., action_confirm_stop, action_listen, the user's "no", the form
    tracker.events[:0] = [{"event": "action", "name": "action_confirm_stop"}, {"event": "action", "name": "action_listen"}]
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert "confirmed" not in slots  # "no" meant "don't stop", not "the details are wrong"
    assert slots["requested_slot"] == "confirmed"


@pytest.mark.parametrize("text, form, said", [
    ("how do I get a refund?", ValidateRefundForm, "You can request it right here"),
    ("can I get my money back for INV-20431", ValidateRefundForm, "You can request it right here"),
    ("how do I cancel my plan?", ValidateCancellationForm, "You can cancel right here"),
    ("I want a refund", ValidateRefundForm, None),
    ("cancel my plan", ValidateCancellationForm, None),
])
def test_a_question_that_is_really_a_request_is_answered_in_one_line(dispatcher, domain, text, form, said):
    tracker = make_tracker(text, intent="request_refund" if form is ValidateRefundForm else "cancel_service",
                           latest_action=form().form_name())
    run_action(form(), tracker, dispatcher, domain)
    intro = [m["text"] for m in dispatcher.messages if "right here" in (m.get("text") or "")]
    if said is None:
        assert intro == []
    else:
        assert len(intro) == 1 and said in intro[0]


@pytest.mark.parametrize("text, requested, filled, next_slot, asked", [
    ("INV-20431", "invoice_number", {}, "service_date", "When was the service delivered or charged?"),
    ("jane@example.com", "customer_email", {k: v for k, v in FILLED.items() if k != "customer_email"},
     "confirmed", "Here is your refund request"),
])
def test_the_validation_action_asks_the_next_question_itself(dispatcher, domain, text, requested, filled,
                                                             next_slot, asked):
    # no action_ask_* round trip: the question comes back with the validation's events
    tracker = make_tracker(text, slots={**filled, "requested_slot": requested}, active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["requested_slot"] == next_slot
    assert asked in texts(dispatcher)
