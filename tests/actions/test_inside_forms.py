"""Forms as the customer meets them: policy wording, the identifier choice, records with everything."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionHandoff
from actions.request_forms import (ValidateCancellationForm, ValidateChargebackForm, ValidateHandoffForm,
                                   ValidateRefundForm, ValidateStatusForm, ask_confirmed, ask_invoice_number,
                                   ask_service_date, ask_service_kind)
from actions.runtime import runtime
from actions.submit import ActionSubmitCancellation, ActionSubmitChargeback, ActionSubmitRefund, ActionSwitchRequest
from refund_desk import replies
from tests.actions.conftest import make_tracker, run_action, slot_events, texts


@pytest.mark.parametrize("policy, word, not_said", [
    ("pro_it_assist", "invoice number", None),
    ("webpro_it_solutions", "Customer ID", "INV-"),
    ("pro_spherent", "order ID", "INV-"),
    ("tech_support_004", "invoice or order number", "INV-"),
])
def test_the_identifier_question_uses_the_policys_word(dispatcher, domain, monkeypatch, policy, word, not_said):
    monkeypatch.setenv("REFUND_POLICY", f"refund_policies/{policy}.yml")
    runtime.cache_clear()
    ask_invoice_number(dispatcher, make_tracker(active_loop="refund_form"), "refund")
    said = texts(dispatcher)
    assert word in said
    if not_said:
        assert not_said not in said


def test_webpro_customer_id_is_accepted(dispatcher, domain, monkeypatch):
    monkeypatch.setenv("REFUND_POLICY", "refund_policies/webpro_it_solutions.yml")
    runtime.cache_clear()
    tracker = make_tracker("my customer ID is WP-7781", slots={"requested_slot": "invoice_number"},
                           active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["invoice_number"] == "WP-7781"
    assert slots["requested_slot"] != "invoice_number"


def test_carrying_on_without_the_identifier_moves_on_and_is_noted(dispatcher, domain):
    tracker = make_tracker("/affirm", intent="affirm", slots={
        "requested_slot": "invoice_number", "question_misses": {"slot": "invoice_number", "count": 2}},
        active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["invoice_skipped"] is True
    assert slots["requested_slot"] == "service_date"
    done = {"invoice_skipped": True, "service_date": "2026-11-17", "refund_reason": "dissatisfied",
            "customer_name": "Jane Doe", "customer_email": "jane@example.com", "confirmed": True}
    dispatcher.messages.clear()
    reference = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", done), dispatcher,
                                       domain))["request_reference"]
    record = runtime().store.get(reference)
    assert record["invoice_number"] is None
    assert "could not give their invoice number" in record["facts"]["identifier_missing"]


def test_the_date_question_looks_forward_for_an_appointment(dispatcher, domain):
    tracker = make_tracker(slots={"service_kind": "one_time"}, active_loop="cancellation_form")
    ask_service_date(dispatcher, tracker, "cancellation")
    assert "When is the appointment?" in texts(dispatcher)


def test_the_date_question_asks_which_reading_was_meant(dispatcher, domain):
    tracker = make_tracker(slots={"date_words": "it was on 03/04"}, active_loop="refund_form")
    ask_service_date(dispatcher, tracker, "refund")
    assert texts(dispatcher) == "Just to be sure: did you mean 4 March or 3 April?"
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["2026-03-04", "2026-04-03"]


def test_an_onsite_visit_tomorrow_is_read_in_the_opening_message(dispatcher, domain):
    tracker = make_tracker("cancel my onsite visit tomorrow", intent="cancel_service",
                           latest_action="cancellation_form")
    slots = slot_events(run_action(ValidateCancellationForm(), tracker, dispatcher, domain))
    assert slots["service_kind"] == "one_time" and slots["service_date"] == "2026-11-22"
    assert texts(dispatcher) == replies.ask_identifier(runtime().policy.identifier)  # no date problem, next question


def test_a_chargeback_is_summarised_and_confirmed_before_any_record(dispatcher, domain):
    slots = {"invoice_number": "INV-20431", "service_date": "2026-11-17", "refund_reason": "duplicate_payment",
             "customer_name": "Jane Doe", "customer_email": "jane@example.com"}
    tracker = make_tracker("jane@example.com", slots={**slots, "requested_slot": "customer_email"},
                           active_loop="chargeback_form")
    events = slot_events(run_action(ValidateChargebackForm(), tracker, dispatcher, domain))
    assert events["requested_slot"] == "confirmed"
    ask_confirmed(dispatcher, make_tracker(slots=slots, active_loop="chargeback_form"), "chargeback")
    assert "Here is your chargeback report" in texts(dispatcher)
    dispatcher.messages.clear()
    done = slot_events(run_action(ActionSubmitChargeback(), make_tracker("yes", "affirm", {**slots, "confirmed": True}),
                                  dispatcher, domain))
    said = texts(dispatcher)
    assert done["request_reference"].startswith("CB-") and "What happens next" in said
    assert "account suspension" in said  # the policy's chargeback clause is quoted
    record = runtime().store.get(done["request_reference"])
    # kept for staff: the reason, the date, and how the refund policy weighs the refund it disputes
    assert (record["refund_reason"], record["service_date"], record["eligibility"]) == (
        "duplicate_payment", "2026-11-17", "eligible")


def test_a_handoff_record_carries_everything_collected(dispatcher, domain):
    slots = {"invoice_number": "INV-20431", "service_date": "2026-11-17", "refund_reason": "service_error",
             "customer_name": "Jane Doe", "customer_email": "jane@example.com", "customer_phone": "+1 555 123 4567",
             "reason_details": "the printer was set up wrong"}
    reference = slot_events(run_action(ActionHandoff(), make_tracker("talk to a person", "request_human", slots),
                                       dispatcher, domain))["request_reference"]
    record = runtime().store.get(reference)
    assert reference.startswith("HO-")
    assert (record["invoice_number"], record["service_date"], record["customer_name"], record["customer_email"]) == (
        "INV-20431", "2026-11-17", "Jane Doe", "jane@example.com")
    assert record["facts"]["customer_phone"] == "+1 555 123 4567"
    assert "won't have to repeat it" in texts(dispatcher)


def test_a_handoff_with_nothing_collected_does_not_promise_it(dispatcher, domain):
    run_action(ActionHandoff(), make_tracker("talk to a person", "request_human"), dispatcher, domain)
    assert "won't have to repeat it" not in texts(dispatcher)


def test_a_change_of_mind_keeps_what_still_applies(dispatcher, domain):
    events = slot_events(run_action(ActionSwitchRequest(), make_tracker(slots={"invoice_number": "INV-1",
                                                                              "refund_declined": True}),
                                    dispatcher, domain))
    assert "invoice_number" not in events and "customer_name" not in events
    assert events["service_date"] is None and events["confirmed"] is None
    assert events["refund_declined"] is None  # a cancellation's "no money back" is not the next request's


def test_the_switched_form_reads_the_message_that_switched_it(dispatcher, domain):
    tracker = make_tracker("actually I'd rather cancel the appointment instead", intent="cancel_service",
                           slots={"invoice_number": "INV-20431"}, latest_action="cancellation_form")
    tracker.events[-1:] = [{"event": "action", "name": "action_deactivate_loop"},
                           {"event": "action", "name": "action_switch_request"},
                           {"event": "action", "name": "cancellation_form"}]
    slots = slot_events(run_action(ValidateCancellationForm(), tracker, dispatcher, domain))
    assert slots["service_kind"] == "one_time"
    assert slots["requested_slot"] == "service_date"


@pytest.mark.parametrize("intent, text", [("goodbye", "bye"), ("chargeback", "what if I do the chargeback anyway?"),
                                          ("check_request_status", "what's the status of my other request")])
def test_questions_inside_a_form_are_not_read_as_answers_nor_misses(dispatcher, domain, intent, text):
    tracker = make_tracker(text, intent=intent, slots={"requested_slot": "invoice_number",
                                                       "question_misses": {"slot": "invoice_number", "count": 1}},
                           active_loop="refund_form", latest_action="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert "question_misses" not in slots and "invoice_number" not in slots


@pytest.mark.parametrize("policy, offered", [
    ("pro_it_assist", "A one-time service (such as an appointment)"),
    ("itmediasolutions", "A project (such as a website or a campaign set-up)"),
])
def test_the_kinds_of_service_are_the_policys_own_words(dispatcher, domain, monkeypatch, policy, offered):
    monkeypatch.setenv("REFUND_POLICY", f"refund_policies/{policy}.yml")
    runtime.cache_clear()
    ask_service_kind(dispatcher, make_tracker(active_loop="cancellation_form"), "cancellation")
    titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
    assert offered in titles and len(titles) == 2
    if policy != "pro_it_assist":
        assert "appointment" not in " ".join(titles)


def test_charged_twice_is_offered_a_refund_with_the_details_kept(dispatcher, domain):
    from actions.conversation import ActionExplainChargeback
    tracker = make_tracker("you charged me twice for INV-20431, I'll do a chargeback", intent="chargeback")
    slots = slot_events(run_action(ActionExplainChargeback(), tracker, dispatcher, domain))
    said = texts(dispatcher)
    assert "duplicate payment" in said and "Duplicate Payment: If you were accidentally charged" in said
    assert slots == {"invoice_number": "INV-20431", "refund_reason": "duplicate_payment",
                     "reason_details": "you charged me twice for INV-20431, I'll do a chargeback"}
    assert runtime().store.list() == []  # never a chargeback record


def test_an_actual_dispute_is_explained_not_offered_a_duplicate_refund(dispatcher, domain):
    from actions.conversation import ActionExplainChargeback
    tracker = make_tracker("I was charged twice and already filed a chargeback with my bank", intent="chargeback")
    slots = slot_events(run_action(ActionExplainChargeback(), tracker, dispatcher, domain))
    assert slots == {} and "account suspension" in texts(dispatcher)


def test_a_reference_asked_again_with_the_status_intent_is_still_read(dispatcher, domain):
    from actions.request_forms import ValidateStatusForm
    tracker = make_tracker("status of HO-7K3Q9X please", intent="check_request_status",
                           slots={"requested_slot": "lookup_key"}, active_loop="status_form", latest_action="status_form")
    slots = slot_events(run_action(ValidateStatusForm(), tracker, dispatcher, domain))
    assert slots["lookup_key"] == "HO-7K3Q9X"


@pytest.mark.parametrize("text, goes_back", [("Lena Stop", True), ("stop", False)])
def test_a_stop_that_is_a_name_goes_back_to_the_form(dispatcher, domain, text, goes_back):
    from actions.request_forms import ActionConfirmStop
    tracker = make_tracker(text, intent="stop", slots={"requested_slot": "customer_name"}, active_loop="refund_form")
    events = run_action(ActionConfirmStop(), tracker, dispatcher, domain)
    if goes_back:
        assert events == [{"event": "followup", "timestamp": None, "name": "refund_form"}]
        assert dispatcher.messages == []
    else:
        assert events == [] and dispatcher.messages[0]["response"] == "utter_confirm_stop"


def test_the_form_reads_the_name_handed_back(dispatcher, domain):
    tracker = make_tracker("Lena Stop", intent="stop", slots={"requested_slot": "customer_name"},
                           active_loop="refund_form", latest_action="refund_form")
    tracker.events[-1:] = [{"event": "action", "name": "action_confirm_stop"}, {"event": "action", "name": "refund_form"}]
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["customer_name"] == "Lena Stop"


def test_a_name_that_sounds_like_a_handoff_goes_back_to_the_form(dispatcher, domain):
    tracker = make_tracker("Sofia Rossi (office manager)", intent="request_human", active_loop=None,
                           latest_action="action_deactivate_loop")
    tracker.events[:0] = [{"event": "active_loop", "name": "refund_form"},
                          {"event": "slot", "name": "requested_slot", "value": "customer_name"}]
    tracker.events[-1:] = [{"event": "action", "name": "action_deactivate_loop"},
                           {"event": "active_loop", "name": None}]
    events = run_action(ActionHandoff(), tracker, dispatcher, domain)
    assert {"event": "followup", "timestamp": None, "name": "refund_form"} in events
    assert runtime().store.list() == [] and dispatcher.messages == []


def handoff_tracker(text: str, requested: str = "customer_name", **slots: str):
    """The tracker as action_handoff sees it: the rule left the form asking `requested` for this message."""
    tracker = make_tracker(text, intent="request_human", latest_action="action_deactivate_loop",
                           slots={"invoice_number": "INV-23004", "customer_name": "Chloe Martin", **slots})
    tracker.events[:0] = [{"event": "active_loop", "name": "refund_form"},
                          {"event": "slot", "name": "requested_slot", "value": requested}]
    tracker.events[-1:] = [{"event": "action", "name": "action_deactivate_loop"},
                           {"event": "active_loop", "name": None}]
    return tracker


@pytest.mark.parametrize("text", ["Talk To Manager", "Speak To Someone"])
def test_words_typed_as_the_name_go_back_to_the_form_not_to_a_person(dispatcher, domain, text):
    events = run_action(ActionHandoff(), handoff_tracker(text), dispatcher, domain)
    assert {"event": "followup", "timestamp": None, "name": "refund_form"} in events
    assert runtime().store.list() == [] and dispatcher.messages == []


def test_the_form_asks_again_for_a_name_that_is_plainly_none_with_a_hint(dispatcher, domain):
    tracker = make_tracker("Talk To Manager", intent="request_human", active_loop="refund_form",
                           slots={"requested_slot": "customer_name", "invoice_number": "INV-45120",
                                  "service_date": "2026-11-17", "refund_reason": "service_not_rendered"},
                           latest_action="refund_form")
    tracker.events[-1:] = [{"event": "action", "name": "action_deactivate_loop"},
                           {"event": "action", "name": "action_handoff"}, {"event": "action", "name": "refund_form"}]
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["customer_name"] is None and slots["requested_slot"] == "customer_name"
    assert "full name" in texts(dispatcher) and "talk to a person" in texts(dispatcher)


@pytest.mark.parametrize("text, asked", [("actually I want to talk to a real person", "customer_email"),
                                         ("talk to a manager", "customer_name"),
                                         ("Talk To Manager", "customer_email")])
def test_a_request_for_a_person_is_a_handoff_with_what_was_collected(dispatcher, domain, text, asked):
    # the e-mail is not known yet: it is asked first (handoff_form), nothing is recorded before
    events = run_action(ActionHandoff(), handoff_tracker(text, asked), dispatcher, domain)
    assert {"event": "followup", "timestamp": None, "name": "handoff_form"} in events
    assert runtime().store.list() == [] and replies.CONTACT_BEFORE_HANDOFF in texts(dispatcher)
    reference = slot_events(run_action(ActionHandoff(), handoff_tracker(text, asked, customer_email="c@example.fr"),
                                       dispatcher, domain))["request_reference"]
    record = runtime().store.get(reference)
    assert reference.startswith("HO-")
    assert (record["kind"], record["invoice_number"], record["customer_name"]) == ("handoff", "INV-23004",
                                                                                   "Chloe Martin")


def test_a_name_after_a_bot_challenge_answer_is_read(dispatcher, domain):
    tracker = make_tracker("I just told you. Alice Nguyen", intent="bot_challenge",
                           slots={"requested_slot": "customer_name"}, active_loop="refund_form")
    tracker.events[:0] = [{"event": "slot", "name": "requested_slot", "value": "customer_name"}]
    tracker.events[-1:] = [{"event": "action", "name": "utter_iamabot"}, {"event": "action", "name": "refund_form"}]
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["customer_name"] == "Alice Nguyen"


@pytest.mark.parametrize("form, validation", [("refund_form", ValidateRefundForm),
                                              ("chargeback_form", ValidateChargebackForm)])
def test_a_name_taken_for_a_goodbye_is_read_as_the_name(dispatcher, domain, form, validation):
    tracker = make_tracker("Tasha Greene", intent="goodbye", slots={"requested_slot": "customer_name"},
                           active_loop=form)
    tracker.events[:0] = [{"event": "slot", "name": "requested_slot", "value": "customer_name"}]
    tracker.events[-1:] = [{"event": "action", "name": "utter_goodbye_in_form"}, {"event": "action", "name": form}]
    slots = slot_events(run_action(validation(), tracker, dispatcher, domain))
    assert slots["customer_name"] == "Tasha Greene" and slots["requested_slot"] != "customer_name"


def test_a_chargeback_asks_what_the_refund_it_disputes_needs(dispatcher, domain):
    tracker = make_tracker("INV-20431", slots={"requested_slot": "invoice_number"}, active_loop="chargeback_form")
    wanted = ValidateChargebackForm().wanted_slots(tracker)
    assert wanted[:3] == ["invoice_number", "service_date", "refund_reason"] and wanted[-1] == "confirmed"


@pytest.mark.parametrize("given, next_asked", [
    ({"service_kind": "one_time", "service_date": "2026-11-30"}, "refund_reason"),
    ({"service_kind": "one_time"}, "service_date"),
    ({"service_kind": "one_time", "service_date": "2026-11-30", "refund_reason": "no_longer_needed"},
     "customer_name"),
])
def test_a_cancellation_asks_its_date_and_reason_for_the_record(dispatcher, domain, given, next_asked):
    tracker = make_tracker("INV-20431", slots={**given, "requested_slot": "invoice_number"},
                           active_loop="cancellation_form")
    events = slot_events(run_action(ValidateCancellationForm(), tracker, dispatcher, domain))
    assert events["requested_slot"] == next_asked


def test_a_handoff_keeps_the_contact_stated_in_its_message_and_asks_the_rest(dispatcher, domain):
    events = run_action(ActionHandoff(), make_tracker("Human please. Walter Simms here.", "request_human"),
                        dispatcher, domain)
    assert slot_events(events)["customer_name"] == "Walter Simms"
    assert {"event": "followup", "timestamp": None, "name": "handoff_form"} in events


@pytest.mark.parametrize("answer, slot, value, known_invoice, next_asked", [
    ("Philip Drummond", "customer_name", "Philip Drummond", None, "customer_email"),
    # asking the contact anyway, the identifier still unknown is asked last (a person looks the account up by it)
    ("philip@drummondlaw.com", "customer_email", "philip@drummondlaw.com", None, "invoice_number"),
    ("I don't have an e-mail", "customer_email", "unknown", None, "invoice_number"),  # an answer: goes on without it
    ("philip@drummondlaw.com", "customer_email", "philip@drummondlaw.com", "INV-20431", None),  # known: not asked
])
def test_the_handoff_form_asks_the_contact_details_then_an_unknown_identifier(dispatcher, domain, answer, slot, value,
                                                                             known_invoice, next_asked):
    known = {"customer_name": "Philip Drummond"} if slot == "customer_email" else {}
    tracker = make_tracker(answer, "inform", {**known, "requested_slot": slot, "invoice_number": known_invoice},
                           active_loop="handoff_form", latest_action="handoff_form")
    events = slot_events(run_action(ValidateHandoffForm(), tracker, dispatcher, domain))
    assert events[slot] == value and events["requested_slot"] == next_asked


@pytest.mark.parametrize("answer, value", [("INV-20431", "INV-20431"), ("I don't have it", None)])
def test_the_identifier_asked_in_a_handoff_is_taken_or_skipped_and_the_handoff_goes_on(dispatcher, domain, answer,
                                                                                      value):
    tracker = make_tracker(answer, "inform", {"customer_name": "Philip Drummond", "customer_email": "p@d.com",
                                              "requested_slot": "invoice_number"},
                           active_loop="handoff_form", latest_action="handoff_form")
    events = slot_events(run_action(ValidateHandoffForm(), tracker, dispatcher, domain))
    assert events.get("invoice_number") == value and events["requested_slot"] is None


def test_a_handoff_whose_contact_is_known_asks_nothing(dispatcher, domain):
    tracker = make_tracker("a person please", "request_human", {"customer_name": "Philip Drummond",
                                                                "customer_email": "p@d.com"},
                           active_loop="handoff_form", latest_action="handoff_form")
    assert ValidateHandoffForm().wanted_slots(tracker) == ["customer_name", "customer_email"]


def test_after_the_handoff_form_the_handoff_is_recorded_with_the_name(dispatcher, domain):
    tracker = make_tracker("I don't have an e-mail", "inform", {"customer_name": "Wei Zhang", "customer_email": "unknown"},
                           latest_action="handoff_form")
    tracker.events[:0] = [{"event": "active_loop", "name": "handoff_form"},
                          {"event": "slot", "name": "requested_slot", "value": "customer_email"}]
    tracker.events[-1:] = [{"event": "action", "name": "handoff_form"}, {"event": "active_loop", "name": None}]
    record = runtime().store.get(slot_events(run_action(ActionHandoff(), tracker, dispatcher, domain))["request_reference"])
    assert (record["kind"], record["customer_name"], record["customer_email"]) == ("handoff", "Wei Zhang", None)
@pytest.mark.parametrize("text, intent", [
    ("i'm not asking for a refund. whatever, 3", "inform"),        # issue 15: read as a refund before
    ("No! I want to CANCEL, not a refund", "deny"),
])
def test_a_refund_that_is_a_cancellation_hands_over_keeping_the_details(dispatcher, domain, text, intent):
    tracker = make_tracker(text, intent=intent, active_loop="refund_form",
                           slots={"requested_slot": "refund_reason", "invoice_number": "INV-20431",
                                  "customer_email": "jane@example.com"})
    events = run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "cancellation_form"}
    slots = slot_events(events)
    assert "invoice_number" not in slots and "customer_email" not in slots  # kept as they were
    assert slots["requested_slot"] is None and "refund_reason" not in slots
    assert replies.CANCELLATION_NOT_REFUND in texts(dispatcher)


def test_a_stop_that_wants_a_cancellation_goes_to_the_refund_form_which_switches(dispatcher, domain):
    from actions.request_forms import ActionConfirmStop
    tracker = make_tracker("No! I want to CANCEL, not a refund", intent="stop", active_loop="refund_form",
                           slots={"requested_slot": "confirmed"})
    assert run_action(ActionConfirmStop(), tracker, dispatcher, domain) == [
        {"event": "followup", "timestamp": None, "name": "refund_form"}]


# ---- issue 15 §4: a question about another request inside a form spends the question's budget ----------

def after_status_rule(text: str, form: str, asked: str, misses: int = 0) -> Tracker:
    """The tracker as the form sees it once the rule answered a status question ("I can look it up after")."""
    slots = {"requested_slot": asked, "invoice_number": "INV-31007",
             "question_misses": {"slot": asked, "count": misses} if misses else None}
    tracker = make_tracker(text, intent="check_request_status", slots=slots, active_loop=form)
    tracker.events[:0] = [{"event": "slot", "name": "requested_slot", "value": asked}]
    tracker.events[-1:] = [{"event": "action", "name": "utter_status_after_form"}, {"event": "action", "name": form}]
    return tracker


STATUS_QUESTIONS = ["has anyone looked at the refund I asked for last month?",
                    "still no answer to my earlier request, where is it at",
                    "what's happening with the claim I sent you before?"]


@pytest.mark.parametrize("text", STATUS_QUESTIONS)
@pytest.mark.parametrize("form, validation, asked", [("refund_form", ValidateRefundForm, "refund_reason"),
                                                     ("cancellation_form", ValidateCancellationForm, "customer_name")])
def test_asking_about_another_request_twice_looks_it_up_instead_of_asking_again(dispatcher, domain, text, form,
                                                                                validation, asked):
    first = run_action(validation(), after_status_rule(text, form, asked), dispatcher, domain)
    assert slot_events(first)["question_misses"] == {"slot": asked, "count": 1}
    assert not [e for e in first if e.get("event") == "followup"]
    second = run_action(validation(), after_status_rule(text, form, asked, misses=1), CollectingDispatcher(), domain)
    assert [e["name"] for e in second if e.get("event") == "followup"] == ["status_form"]
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in second]
    assert "invoice_number" not in slot_events(second)  # the details said for this request stay


@pytest.mark.parametrize("text", ["any update on the refund I asked for two weeks ago?",
                                  "what's the status of the one from last Tuesday"])
def test_a_status_question_is_no_answer_to_the_date_question(dispatcher, domain, text):
    slots = slot_events(run_action(ValidateRefundForm(), after_status_rule(text, "refund_form", "service_date"),
                                   dispatcher, domain))
    assert slots.get("service_date") is None and slots["question_misses"] == {"slot": "service_date", "count": 1}


def test_a_date_mended_at_the_name_question_is_read_though_the_classifier_heard_a_status_question(dispatcher, domain):
    """ts3-printer-broke-reported-late: "I just checked the confirmation email, the update was actually on the
    25th" was answered as a question about another request and the date stayed wrong."""
    text = "Wait, I just checked the confirmation email, the update was actually on the 25th, not the 28th. Sorry."
    tracker = after_status_rule(text, "refund_form", "customer_name")
    tracker.slots["service_date"] = "2026-11-28"
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["service_date"].endswith("-25") and slots["service_date"] != "2026-11-28"


def after_policy_answer(text: str, asked: str, slots: dict) -> Tracker:
    """The tracker as the refund form sees it once the policy-question rule answered the message."""
    tracker = make_tracker(text, intent="ask_refund_policy", slots={"requested_slot": asked, **slots},
                           active_loop="refund_form")
    tracker.events[:0] = [{"event": "slot", "name": "requested_slot", "value": asked}]
    tracker.events[-1:] = [{"event": "action", "name": "action_answer_policy_question"},
                           {"event": "action", "name": "refund_form"}]
    return tracker


def test_an_answer_taken_for_a_question_the_policy_is_silent_on_is_read_by_the_form(dispatcher, domain, monkeypatch):
    """wp3-visa-charged-twice: "you've fixed a couple of things for us" was answered "the policy doesn't say" and
    the count of issues resolved asked again, four times."""
    from actions.conversation import ActionAnswerPolicyQuestion
    monkeypatch.setenv("REFUND_POLICY", "refund_policies/webpro_it_solutions.yml")
    runtime.cache_clear()
    text = "you've fixed a couple of things for us over the months, no complaints there"
    known = {"invoice_number": "WP-119045", "refund_reason": "duplicate_payment"}
    asking = make_tracker(text, intent="ask_refund_policy", slots={"requested_slot": "issues_resolved", **known},
                          active_loop="refund_form")
    assert run_action(ActionAnswerPolicyQuestion(), asking, dispatcher, domain) == [] and not dispatcher.messages
    slots = slot_events(run_action(ValidateRefundForm(), after_policy_answer(text, "issues_resolved", known),
                                   CollectingDispatcher(), domain))
    assert slots["issues_resolved"] == 2


def test_a_message_the_policy_is_silent_on_spends_a_miss_of_the_question(dispatcher, domain):
    text = "is the weather nice where your servers are"
    slots = slot_events(run_action(ValidateRefundForm(), after_policy_answer(text, "customer_name",
                                                                              {"invoice_number": "INV-31007"}),
                                   dispatcher, domain))
    assert slots["question_misses"] == {"slot": "customer_name", "count": 1}


# ---- issue 15: "I want a person" at any question of any form, whatever the classifier said ---------------

PERSON_WORDINGS = ["I'd rather one of your staff rang me about all this",
                   "can somebody from your team just call me",
                   "enough of this, put a manager on"]


@pytest.mark.parametrize("policy", ["pro_it_assist", "webpro_it_solutions", "itmediasolutions"])
@pytest.mark.parametrize("form, validation", [("refund_form", ValidateRefundForm),
                                              ("cancellation_form", ValidateCancellationForm),
                                              ("chargeback_form", ValidateChargebackForm)])
@pytest.mark.parametrize("intent", ["inform", "nlu_fallback", "out_of_scope"])
def test_asking_for_a_person_at_any_question_hands_off(dispatcher, domain, monkeypatch, policy, form, validation,
                                                       intent):
    monkeypatch.setenv("REFUND_POLICY", f"refund_policies/{policy}.yml")
    runtime.cache_clear()
    known = {"invoice_number": "INV-31007"}
    questions = validation().wanted_slots(make_tracker(slots=known, active_loop=form))
    for asked in questions[1:]:
        for text in PERSON_WORDINGS:
            tracker = make_tracker(text, intent=intent, slots={**known, "requested_slot": asked}, active_loop=form)
            tracker.events[:0] = [{"event": "slot", "name": "requested_slot", "value": asked}]
            tracker.events[-1:] = [{"event": "action", "name": form}]
            events = run_action(validation(), tracker, CollectingDispatcher(), domain)
            assert [e["name"] for e in events if e.get("event") == "followup"] == ["action_handoff"], (asked, text)
            assert "invoice_number" not in slot_events(events)  # what was said so far stays for the hand-off


def test_the_other_request_is_asked_for_by_its_own_reference_once_looked_up(dispatcher, domain):
    """Handed over by the refund form, the status form asks which request: the invoice given for the
    request in progress is not the other one's."""
    tracker = make_tracker("has anyone looked at the earlier one yet?", intent="check_request_status",
                           slots={"invoice_number": "INV-31007"}, active_loop="status_form")
    tracker.events[-1:] = [{"event": "action", "name": "utter_status_after_form"},
                           {"event": "action", "name": "refund_form"}, {"event": "active_loop", "name": None},
                           {"event": "action", "name": "status_form"}]
    slots = slot_events(run_action(ValidateStatusForm(), tracker, dispatcher, domain))
    assert slots == {"requested_slot": "invoice_number"}


def test_a_cancellation_that_declines_money_back_is_recorded_without_it(dispatcher, domain, monkeypatch):
    """WebPro weighs ending a contract with cases resolved for the balance to refund; a customer who wants
    no money back is recorded as free to cancel, and the record says the refund was declined."""
    monkeypatch.setenv("REFUND_POLICY", "refund_policies/webpro_it_solutions.yml")
    runtime.cache_clear()
    opening = make_tracker("Please cancel my subscription so it doesn't renew. I don't need a refund.",
                           intent="cancel_service", active_loop="cancellation_form")
    slots = slot_events(run_action(ValidateCancellationForm(), opening, dispatcher, domain))
    assert slots["refund_declined"] is True
    done = {"refund_reason": "no_longer_needed", "issues_resolved": 1,
            "service_kind": "recurring", "service_date": "2026-03-01", "amount_paid": 249,
            "next_billing_date": "2026-12-18", "customer_name": "Harold Finch",
            "customer_email": "harold.finch@example.net", "confirmed": True}
    # the summary says so, and the customer can take it back there
    assert replies.REFUND_DECLINED_LINE in replies.summary("cancellation", {**done, "refund_declined": True}, ["refund_reason"])
    assert replies.REFUND_DECLINED_LINE not in replies.summary("cancellation", done, ["refund_reason"])
    records = {}
    for declined, customer_id in ((True, "WP-CUST-85001"), (None, "WP-CUST-85002")):
        tracker = make_tracker("yes", "affirm", {**done, "invoice_number": customer_id, "refund_declined": declined})
        reference = slot_events(run_action(ActionSubmitCancellation(), tracker, dispatcher, domain))["request_reference"]
        records[declined] = runtime().store.get(reference)
    assert (records[True]["eligibility"], records[True]["facts"].get("refund_declined")) == ("eligible", True)
    assert "cancel_anytime" in [c["id"] for c in records[True]["policy_clauses"]]
    # the same details with the money wanted: weighed by the clause on the balance refunded
    assert (records[None]["eligibility"], records[None]["facts"].get("refund_declined")) == ("partial", None)


TWO_REQUESTS = ("Two things. First, you charged me twice for December on my monthly support plan. Second, after "
                "this I'm done, please cancel the plan.")


def test_a_double_charge_and_a_cancellation_asked_together_open_the_refund_first(dispatcher, domain):
    events = run_action(ValidateRefundForm(), make_tracker(TWO_REQUESTS, "request_refund", active_loop="refund_form"),
                        dispatcher, domain)
    assert slot_events(events)["cancel_next"] is True
    assert not any(e.get("event") == "followup" for e in events)  # no hand-over: the refund goes on
    assert replies.REFUND_THEN_CANCELLATION in texts(dispatcher)


def test_a_cancel_word_said_again_inside_that_refund_does_not_drop_it(dispatcher, domain):
    tracker = make_tracker("So I want the duplicate charge back and please cancel the subscription.", "inform",
                           {"cancel_next": True, "requested_slot": "invoice_number"}, active_loop="refund_form")
    events = run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    assert not any(e.get("event") == "followup" for e in events)
    assert slot_events(events)["requested_slot"] == "invoice_number"


def test_after_that_refund_is_recorded_the_cancellation_starts_with_the_details_kept(dispatcher, domain):
    done = {"invoice_number": "TS-004-90116", "service_kind": "recurring", "service_date": "2026-12-01",
            "refund_reason": "duplicate_payment", "customer_name": "Oliver Grant",
            "customer_email": "ogrant@grantroofing.com", "confirmed": True, "cancel_next": True}
    events = run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", done), dispatcher, domain)
    slots = slot_events(events)
    assert runtime().store.get(slots["request_reference"])["kind"] == "refund"
    assert {"event": "followup", "timestamp": None, "name": "cancellation_form"} in events
    assert (slots["invoice_number"], slots["service_kind"], slots["cancel_next"]) == ("TS-004-90116", "recurring", None)
    assert replies.NOW_THE_CANCELLATION in texts(dispatcher)
    assert replies.CSAT_QUESTION not in texts(dispatcher)  # asked once the cancellation is done


def test_both_asked_inside_the_refund_keep_the_refund_and_the_cancellation_follows(dispatcher, domain):
    tracker = make_tracker("You charged me twice for it! Refund the duplicate and please cancel the plan.", "inform",
                           {"requested_slot": "invoice_number"}, active_loop="refund_form")
    events = run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    assert slot_events(events)["cancel_next"] is True
    assert not any(e.get("event") == "followup" for e in events)


def test_a_handoff_does_not_ask_again_an_identifier_the_customer_could_not_give(dispatcher, domain):
    tracker = make_tracker("sam@example.com", "inform", {"customer_name": "Sam Lee", "requested_slot": "customer_email"},
                           active_loop="handoff_form", latest_action="handoff_form")
    tracker.events[:0] = [{"event": "active_loop", "name": "refund_form"},
                          {"event": "slot", "name": "requested_slot", "value": "invoice_number"},
                          {"event": "slot", "name": "question_misses", "value": {"slot": "invoice_number", "count": 2}},
                          {"event": "active_loop", "name": "handoff_form"}]
    events = slot_events(run_action(ValidateHandoffForm(), tracker, dispatcher, domain))
    assert events["customer_email"] == "sam@example.com" and events["requested_slot"] is None


def test_a_handoff_asks_an_identifier_asked_before_but_left_for_a_person(dispatcher, domain):
    tracker = make_tracker("sam@example.com", "inform", {"customer_name": "Sam Lee", "requested_slot": "customer_email"},
                           active_loop="handoff_form", latest_action="handoff_form")
    tracker.events[:0] = [{"event": "active_loop", "name": "refund_form"},
                          {"event": "slot", "name": "requested_slot", "value": "invoice_number"},
                          {"event": "active_loop", "name": "handoff_form"}]
    assert slot_events(run_action(ValidateHandoffForm(), tracker, dispatcher, domain))["requested_slot"] == "invoice_number"
