"""Submitting requests and answering from the refund policy, on real Trackers and a real database."""
import pytest

from actions.conversation import (ActionAnswerOtherLanguage, ActionAnswerPolicyQuestion, ActionCheckStatus, ActionExplainChargeback,
                                  ActionExplainRequestedSlot, ActionHandoff)
from actions.runtime import runtime
from actions.submit import ActionSubmitCancellation, ActionSubmitChargeback, ActionSubmitRefund
from refund_desk import replies
from refund_desk.clause_ranking import cached_index, shared_embedder
from tests.actions.conftest import make_tracker, run_action, slot_events, texts

REFUND = {"invoice_number": "INV-20431", "service_date": "2026-11-17", "refund_reason": "duplicate_payment",
          "customer_name": "Jane Doe", "customer_email": "jane@example.com", "confirmed": True}


def test_eligible_refund_opens_a_record_with_its_clauses(dispatcher, domain):
    events = run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND), dispatcher, domain)
    slots = slot_events(events)
    reference = slots["request_reference"]
    assert slots["eligibility"] == "eligible"
    # the next request starts clean, the customer still known (issue 15: the conversation remembers)
    assert slots["invoice_number"] is None and "customer_email" not in slots
    said = texts(dispatcher)
    assert reference in said
    assert "Duplicate Payment: If you were accidentally charged more than once" in said
    assert "3–5 business days" in said and "7–10 business days" in said
    record = runtime().store.get(reference)
    assert record["kind"] == "refund" and record["eligibility"] == "eligible"
    assert record["channel"] == "rest" and record["sender_id"] == "customer-1"
    assert [c["id"] for c in record["policy_clauses"]][0] == "duplicate_payment"


def test_dissatisfaction_is_not_eligible_and_says_why(dispatcher, domain):
    tracker = make_tracker("yes", "affirm", {**REFUND, "refund_reason": "dissatisfied"})
    slots = slot_events(run_action(ActionSubmitRefund(), tracker, dispatcher, domain))
    assert slots["eligibility"] == "not_eligible"
    assert "unsuccessful outcomes alone do not qualify for refunds" in texts(dispatcher)


def test_a_second_request_for_the_same_invoice_returns_the_same_reference(dispatcher, domain):
    first = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND), dispatcher, domain))
    dispatcher.messages.clear()
    second = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND), dispatcher, domain))
    assert first["request_reference"] == second["request_reference"]
    assert "already have an open refund request" in texts(dispatcher)
    assert len(runtime().store.list()) == 1


def test_a_declined_summary_saves_nothing(dispatcher, domain):
    tracker = make_tracker("no", "deny", {**REFUND, "confirmed": False})
    slots = slot_events(run_action(ActionSubmitRefund(), tracker, dispatcher, domain))
    assert "request_reference" not in slots
    assert "nothing was saved" in texts(dispatcher)
    assert runtime().store.list() == []


def test_an_unreachable_database_gives_no_false_reference(dispatcher, domain, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:nothing@127.0.0.1:9/none")
    runtime.cache_clear()
    slots = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND), dispatcher, domain))
    assert "request_reference" not in slots
    said = texts(dispatcher)
    assert "couldn't save your request" in said and "support@proitassist.com" in said
    assert "RF-" not in said


@pytest.mark.parametrize("service_kind, service_date, eligibility, quoted", [
    ("recurring", "2026-11-01", "eligible", "refunds are not issued for the current billing cycle"),
    ("one_time", "2026-11-25", "eligible", "24 hours before the scheduled appointment without penalty"),
    ("one_time", "2026-11-22", "review", "may result in a cancellation fee"),
])
def test_cancellations(dispatcher, domain, service_kind, service_date, eligibility, quoted):
    tracker = make_tracker("yes", "affirm", {"invoice_number": "INV-9", "service_kind": service_kind,
                                             "service_date": service_date, "customer_name": "Li Wei",
                                             "customer_email": "li@example.com", "confirmed": True})
    slots = slot_events(run_action(ActionSubmitCancellation(), tracker, dispatcher, domain))
    assert slots["eligibility"] == eligibility
    assert quoted in texts(dispatcher)
    record = runtime().store.get(slots["request_reference"])
    assert (record["kind"], record["service_kind"], record["eligibility"]) == ("cancellation", service_kind, eligibility)


def test_chargeback_record_for_the_billing_team(dispatcher, domain):
    tracker = make_tracker("jane@example.com", slots={"invoice_number": "INV-5", "customer_name": "Jane Doe",
                                                      "customer_email": "jane@example.com"}, channel="socketio")
    slots = slot_events(run_action(ActionSubmitChargeback(), tracker, dispatcher, domain))
    record = runtime().store.get(slots["request_reference"])
    assert (record["kind"], record["invoice_number"], record["channel"]) == ("chargeback", "INV-5", "socketio")


def test_chargeback_explanation_quotes_the_policy_and_offers_a_refund(dispatcher, domain):
    run_action(ActionExplainChargeback(), make_tracker("what about a chargeback", "chargeback"), dispatcher, domain)
    assert "may result in account suspension" in texts(dispatcher)
    assert "/affirm" in [b["payload"] for b in dispatcher.messages[-1]["buttons"]]


def test_handoff_gives_contacts_and_records_what_was_collected(dispatcher, domain):
    tracker = make_tracker("let me talk to a person", "request_human",
                           {"invoice_number": "INV-77", "refund_reason": "service_error", "customer_name": "Jo Li",
                            "customer_email": "jo@example.com"})
    slots = slot_events(run_action(ActionHandoff(), tracker, dispatcher, domain))
    said = texts(dispatcher)
    assert "(914) 297-8173" in said and "support@proitassist.com" in said
    record = runtime().store.get(slots["request_reference"])
    assert record["kind"] == "handoff" and record["invoice_number"] == "INV-77"
    assert record["facts"]["refund_reason"] == "service_error"


def test_status_by_reference_and_by_invoice(dispatcher, domain):
    reference = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND),
                                       dispatcher, domain))["request_reference"]
    runtime().store.set_status(reference, "in_review", actor="maria", note="checking the statement",
                               for_customer=True)
    for key in (reference, "INV-20431"):  # the invoice from the conversation that opened it
        dispatcher.messages.clear()
        run_action(ActionCheckStatus(), make_tracker("status", slots={"lookup_key": key}), dispatcher, domain)
        said = texts(dispatcher)
        assert reference in said and "reviewing it now" in said and "checking the statement" in said


def test_a_staff_only_note_stays_with_staff(dispatcher, domain):
    reference = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND),
                                       dispatcher, domain))["request_reference"]
    runtime().store.set_status(reference, "in_review", actor="maria", note="suspected fraud")
    dispatcher.messages.clear()
    run_action(ActionCheckStatus(), make_tracker("status", slots={"lookup_key": reference}), dispatcher, domain)
    assert "reviewing it now" in texts(dispatcher) and "fraud" not in texts(dispatcher)


@pytest.mark.parametrize("sender, email, shown", [
    ("customer-1", None, True),                  # the conversation that opened it
    ("stranger", None, False),                   # an invoice number alone proves nothing
    ("stranger", "someone@else.com", False),
    ("stranger", REFUND["customer_email"].upper(), True),  # the e-mail on the request
])
def test_status_by_invoice_only_for_its_customer(dispatcher, domain, sender, email, shown):
    reference = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND),
                                       dispatcher, domain))["request_reference"]
    dispatcher.messages.clear()
    tracker = make_tracker("status", slots={"lookup_key": "INV-20431", "lookup_email": email}, sender=sender)
    events = slot_events(run_action(ActionCheckStatus(), tracker, dispatcher, domain))
    said = texts(dispatcher)
    assert (reference in said) is shown and ("waiting for the team" in said) is shown
    assert (events.get("lookup_misses") == 1) is (not shown)


def test_status_by_invoice_shows_the_refund_and_the_cancellation_on_it(dispatcher, domain):
    refund = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND),
                                    dispatcher, domain))["request_reference"]
    cancellation_slots = {**REFUND, "service_kind": "recurring", "refund_reason": None}
    cancellation = slot_events(run_action(ActionSubmitCancellation(), make_tracker("yes", "affirm", cancellation_slots),
                                          dispatcher, domain))["request_reference"]
    dispatcher.messages.clear()
    run_action(ActionCheckStatus(), make_tracker("status", slots={"lookup_key": "INV-20431"}), dispatcher, domain)
    said = texts(dispatcher)
    assert refund != cancellation and refund in said and cancellation in said


def test_failed_lookups_are_limited_per_conversation(dispatcher, domain):
    misses = 0
    for i in range(6):
        dispatcher.messages.clear()
        tracker = make_tracker("status", slots={"lookup_key": f"RF-ZZZZZ{i}", "lookup_misses": misses})
        events = slot_events(run_action(ActionCheckStatus(), tracker, dispatcher, domain))
        misses = events.get("lookup_misses", misses)
    assert misses == 5
    assert "can't look up any more" in texts(dispatcher)
    assert any(b["payload"] == "/request_human" for m in dispatcher.messages for b in m.get("buttons") or [])


def test_a_second_customer_on_the_same_invoice_gets_their_own_reference(dispatcher, domain):
    first = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND),
                                   dispatcher, domain))["request_reference"]
    dispatcher.messages.clear()
    other = {**REFUND, "customer_name": "Sam Lee", "customer_email": "sam@example.com"}
    second = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", other, sender="customer-2"),
                                    dispatcher, domain))["request_reference"]
    assert second != first and first not in texts(dispatcher)
    assert runtime().store.get(second)["related_reference"] == first


def test_status_of_an_unknown_reference(dispatcher, domain):
    run_action(ActionCheckStatus(), make_tracker("status", slots={"lookup_key": "RF-ZZZZZZ"}), dispatcher, domain)
    assert "couldn't find a request for RF-ZZZZZZ" in texts(dispatcher)


def test_policy_questions_are_answered_from_the_policy(dispatcher, domain):
    run_action(ActionAnswerPolicyQuestion(), make_tracker("how long does a refund take?", "ask_refund_policy"),
               dispatcher, domain)
    assert "within 7–10 business days of approval" in texts(dispatcher)


def test_the_action_server_builds_the_policy_answers_index_at_start_up():
    assert cached_index(runtime().policy, shared_embedder()) is not None


def test_why_explains_the_requested_slot(dispatcher, domain):
    tracker = make_tracker("why?", "ask_why", {"requested_slot": "customer_email"}, active_loop="refund_form")
    run_action(ActionExplainRequestedSlot(), tracker, dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_why_customer_email"]


def test_status_form_asks_a_stranger_for_the_email_and_keeps_the_answer(dispatcher, domain):
    from actions.request_forms import ValidateStatusForm

    asked = make_tracker("INV-20431", "inform", {"requested_slot": "lookup_key"}, active_loop="status_form",
                         latest_action="status_form", sender="stranger")
    assert slot_events(run_action(ValidateStatusForm(), asked, dispatcher, domain)) == {
        "lookup_key": "INV-20431", "question_misses": None,
        "requested_slot": "customer_email"}  # asked as the customer's e-mail; the question's misses forgotten
    answered = make_tracker("Guess@Example.com", "inform", {"requested_slot": "customer_email", "lookup_key": "INV-20431"},
                            active_loop="status_form", latest_action="status_form", sender="stranger")
    events = slot_events(run_action(ValidateStatusForm(), answered, dispatcher, domain))
    assert events["lookup_email"].lower() == "guess@example.com"
    assert events.get("requested_slot") is None


def test_status_form_does_not_ask_the_conversation_that_opened_the_request(dispatcher, domain):
    from actions.request_forms import ValidateStatusForm

    run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND), dispatcher, domain)
    asked = make_tracker("INV-20431", "inform", {"requested_slot": "lookup_key"}, active_loop="status_form",
                         latest_action="status_form")
    events = slot_events(run_action(ValidateStatusForm(), asked, dispatcher, domain))
    assert events["lookup_key"] == "INV-20431" and events.get("requested_slot") is None


@pytest.mark.parametrize("text, words", [
    ("Me cobraron dos veces la factura INV-55120, quiero un reembolso", "solo puedo atenderle en inglés"),
    ("Ich möchte mein Abonnement kündigen, bitte", "nur auf Englisch"),
    ("Dzień dobry, chciałbym zwrot pieniędzy", "only help in English"),
])
def test_a_message_in_another_language_is_answered_in_it_with_the_contact(dispatcher, domain, text, words):
    run_action(ActionAnswerOtherLanguage(), make_tracker(text, "other_language"), dispatcher, domain)
    said = texts(dispatcher)
    assert words in said
    assert "support@proitassist.com" in said and "(914) 297-8173" in said


def test_status_form_asks_for_the_invoice_number_a_customer_has_and_reads_a_reference_too(dispatcher, domain):
    from actions.request_forms import ValidateStatusForm
    opened = make_tracker("any news on my refund?", "check_request_status", active_loop="status_form",
                          latest_action="status_form", sender="stranger")
    assert run_action(ValidateStatusForm(), opened, dispatcher, domain) == []  # Rasa asks the form's first slot:
    assert domain["forms"]["status_form"]["required_slots"] == ["invoice_number"]  # the invoice number (or reference)
    answered = make_tracker("it's RF-7K3Q9-X4M2P", "inform", {"requested_slot": "invoice_number"},
                            active_loop="status_form", latest_action="status_form", sender="stranger")
    events = slot_events(run_action(ValidateStatusForm(), answered, dispatcher, domain))
    assert events["lookup_key"] == "RF-7K3Q9-X4M2P" and events.get("requested_slot") is None


def test_status_form_asks_again_for_an_answer_with_no_identifier(dispatcher, domain):
    from actions.request_forms import ValidateStatusForm
    answered = make_tracker("the blue one", "inform", {"requested_slot": "invoice_number"},
                            active_loop="status_form", latest_action="status_form", sender="stranger")
    assert slot_events(run_action(ValidateStatusForm(), answered, dispatcher, domain)) == {
        "invoice_number": None, "question_misses": {"slot": "invoice_number", "count": 1}}  # one miss of its budget
    assert texts(dispatcher) == replies.lookup_not_found(runtime().policy.identifier)  # then asked again
