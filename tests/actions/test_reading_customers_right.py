"""Issue 15 on real Trackers: dates still to come, vague dates, "I don't have it", the miss budget."""
import pytest

from actions.conversation import ActionHandoff
from actions.request_forms import ActionOfferCancellation, ValidateCancellationForm, ValidateRefundForm, ask_confirmed
from actions.runtime import runtime
from actions.submit import ActionSubmitRefund
from tests.actions.conftest import make_tracker, run_action, slot_events, texts

BOOKED = "I prepaid for a server setup that's booked for December 18th but we no longer need it"


def followup(events) -> str:
    return next(e["name"] for e in events if e.get("event") == "followup")


FILLED = {"invoice_number": "INV-20431", "service_date": "2026-11-30", "refund_reason": "dissatisfied",
          "customer_name": "Jane Doe", "customer_email": "jane@example.com"}


def before(slot: str) -> dict:
    """The details a refund form asks before `slot`, filled."""
    order = list(FILLED)
    return {k: FILLED[k] for k in order[:order.index(slot)]}


@pytest.fixture
def december_6(monkeypatch):
    monkeypatch.setenv("REFUND_DESK_TODAY", "2026-12-06")
    runtime.cache_clear()


def use_policy(monkeypatch, name: str) -> None:
    monkeypatch.setenv("REFUND_POLICY", f"refund_policies/{name}.yml")
    runtime.cache_clear()


def test_a_date_still_to_come_stops_the_refund_and_offers_the_cancellation(dispatcher, domain, december_6):
    tracker = make_tracker(BOOKED, intent="request_refund", latest_action="refund_form")
    events = run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    slots = slot_events(events)
    assert followup(events) == "action_offer_cancellation"
    assert slots.get("service_date") is None and slots["date_words"] == BOOKED  # kept for the cancellation
    assert slots["refund_reason"] == "no_longer_needed"
    dispatcher.messages.clear()
    run_action(ActionOfferCancellation(), make_tracker(BOOKED, slots=slots), dispatcher, domain)
    assert texts(dispatcher).startswith("Friday 18 December 2026 (in 12 days) is still to come")


@pytest.mark.parametrize("words, expected", [(BOOKED, "2026-12-18"),
                                             ("wrong year - it's 20 December 2026", "2026-12-20")])
def test_the_cancellation_that_follows_reads_the_date_ahead_and_keeps_a_typed_year(dispatcher, domain, december_6,
                                                                                   words, expected):
    tracker = make_tracker("a one-time service", slots={"date_words": words, "requested_slot": "service_kind",
                                                         "invoice_number": "INV-20431"},
                           active_loop="cancellation_form")
    slots = slot_events(run_action(ValidateCancellationForm(), tracker, dispatcher, domain))
    assert slots["service_kind"] == "one_time" and slots["service_date"] == expected


def test_the_summary_shows_a_date_as_a_person_checks_it(dispatcher, domain, december_6):
    slots = {"invoice_number": "INV-1", "service_kind": "one_time", "service_date": "2026-12-18",
             "customer_name": "Jane Doe", "customer_email": "jane@example.com"}
    ask_confirmed(dispatcher, make_tracker(slots=slots, active_loop="cancellation_form"), "cancellation")
    assert "• Date: Friday 18 December 2026 (in 12 days)" in texts(dispatcher)


@pytest.mark.parametrize("text", ["sometime in October", "earlier this month"])
def test_a_vague_date_that_decides_alike_is_used_and_recorded_as_a_range(dispatcher, domain, december_6,
                                                                         monkeypatch, text):
    use_policy(monkeypatch, "tech_support_004")  # 7 days: all of October is past them, all of this month within
    tracker = make_tracker(text, slots={"requested_slot": "service_date", "invoice_number": "INV-1"},
                           active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["service_date"] is not None and slots["requested_slot"] != "service_date"
    done = {"invoice_number": "INV-1", "service_date": slots["service_date"],
            "service_date_range": slots["service_date_range"], "refund_reason": "dissatisfied",
            "customer_name": "Jane Doe", "customer_email": "jane@example.com", "confirmed": True}
    dispatcher.messages.clear()
    ask_confirmed(dispatcher, make_tracker(slots=done, active_loop="refund_form"), "refund")
    assert "• Date: sometime from " in texts(dispatcher)
    reference = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", done), dispatcher,
                                       domain))["request_reference"]
    record = runtime().store.get(reference)
    assert record["service_date"] is None  # no guessed day on record
    assert record["facts"]["service_date_range"] == slots["service_date_range"]


def test_a_vague_date_across_the_policys_limit_is_asked_once_more_with_the_range(dispatcher, domain, december_6,
                                                                                 monkeypatch):
    use_policy(monkeypatch, "tech_support_004")
    tracker = make_tracker("sometime in November", slots={"requested_slot": "service_date", **before("service_date")},
                           active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    said = texts(dispatcher)
    assert slots["service_date"] is None and slots["requested_slot"] == "service_date"
    assert slots["service_date_range"] == "2026-11-01/2026-11-30"
    assert "Sometime from 1 to 30 November 2026" in said and "from 29 November 2026 on" in said


@pytest.mark.parametrize("text", ["I DON'T HAVE AN INVOICE NUMBER", "i lost it", "no idea sorry",
                                  "I can't find it anywhere", "don't have one"])
def test_i_dont_have_it_is_an_answer_the_first_time(dispatcher, domain, text):
    tracker = make_tracker(text, slots={"requested_slot": "invoice_number"}, active_loop="refund_form")  # first ask
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["invoice_skipped"] is True and slots["requested_slot"] == "service_date"
    assert "carry on without your invoice number" in texts(dispatcher)


def test_a_skipped_name_is_noted_for_staff_not_stored_as_a_name(dispatcher, domain):
    tracker = make_tracker("I'd rather not say", slots={"requested_slot": "customer_name", **before("customer_name")},
                           active_loop="refund_form")
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["customer_name"] == "unknown" and slots["requested_slot"] == "customer_email"
    done = {"invoice_number": "INV-1", "service_date": "2026-11-17", "refund_reason": "dissatisfied",
            "customer_name": "unknown", "customer_email": "jane@example.com", "confirmed": True}
    reference = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", done), dispatcher,
                                       domain))["request_reference"]
    record = runtime().store.get(reference)
    assert record["customer_name"] is None and record["facts"]["not_given"] == ["customer_name"]


def misses(slot: str, count: int) -> dict:
    return {"question_misses": {"slot": slot, "count": count}}


@pytest.mark.parametrize("slot", ["refund_reason", "customer_name", "service_date", "customer_email"])
def test_a_question_gets_a_choice_at_its_second_miss_and_is_left_out_at_the_third(dispatcher, domain, slot):
    second = make_tracker("??? 123", slots={"requested_slot": slot, **misses(slot, 1), **before(slot)},
                          active_loop="refund_form",
                          intent="nlu_fallback")
    slots = slot_events(run_action(ValidateRefundForm(), second, dispatcher, domain))
    assert slots["requested_slot"] == slot and slots["question_misses"] == {"slot": slot, "count": 2}
    titles = [b["title"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert "Skip this question" in titles and "Talk to a person" in titles
    dispatcher.messages.clear()
    third = make_tracker("??? 123", slots={"requested_slot": slot, **misses(slot, 2), **before(slot)},
                         active_loop="refund_form",
                         intent="nlu_fallback")
    slots = slot_events(run_action(ValidateRefundForm(), third, dispatcher, domain))
    assert slots[slot] == "unknown" and slots["requested_slot"] != slot
    assert "note for the team that it is missing" in texts(dispatcher)


def test_the_skip_button_skips_at_once(dispatcher, domain):
    tracker = make_tracker("skip this question", slots={"requested_slot": "refund_reason"}, active_loop="refund_form")
    assert slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))["refund_reason"] == "unknown"


def test_a_summary_without_an_answer_goes_to_a_person_with_everything(dispatcher, domain):
    done = {"invoice_number": "INV-20431", "service_date": "2026-11-17", "refund_reason": "dissatisfied",
            "customer_name": "Jane Doe", "customer_email": "jane@example.com", "requested_slot": "confirmed"}
    tracker = make_tracker("jane@example.com ??", slots={**done, **misses("confirmed", 2)}, active_loop="refund_form")
    events = run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    assert followup(events) == "action_handoff"
    handed = {**done, **slot_events(events)}
    dispatcher.messages.clear()
    handoff = make_tracker("jane@example.com ??", slots=handed, latest_action="refund_form")
    handoff.events[1:1] = [{"event": "active_loop", "name": None}]
    reference = slot_events(run_action(ActionHandoff(), handoff, dispatcher, domain))["request_reference"]
    record = runtime().store.get(reference)
    assert reference.startswith("HO-") and record["invoice_number"] == "INV-20431"
    assert record["customer_email"] == "jane@example.com"


def test_a_chargeback_record_keeps_the_reason_the_date_and_the_clauses(dispatcher, domain):
    from actions.request_forms import ValidateChargebackForm
    from actions.submit import ActionSubmitChargeback
    opening = "I already filed a chargeback with my bank, the technician never showed up on November 17"
    tracker = make_tracker(opening, intent="chargeback_filed", latest_action="chargeback_form")
    slots = slot_events(run_action(ValidateChargebackForm(), tracker, dispatcher, domain))
    assert slots["refund_reason"] == "service_not_rendered" and slots["service_date"] == "2026-11-17"
    done = {**slots, "invoice_number": "INV-20431", "customer_name": "Jane Doe", "customer_email": "jane@example.com",
            "confirmed": True, "requested_slot": None}
    dispatcher.messages.clear()
    reference = slot_events(run_action(ActionSubmitChargeback(), make_tracker("yes", "affirm", done), dispatcher,
                                       domain))["request_reference"]
    record = runtime().store.get(reference)
    assert (record["refund_reason"], record["service_date"]) == ("service_not_rendered", "2026-11-17")
    assert record["facts"]["reason_details"] == opening
    cited = [c["id"] for c in record["policy_clauses"]]  # the chargeback clauses, then the refund's decision
    assert cited[:2] == ["chargeback_suspension", "chargeback_contact_first"] and "service_not_rendered" in cited
    said = texts(dispatcher)
    assert "checks the dispute with your bank" not in said and "doesn't say what follows a chargeback" in said


def test_the_customer_stays_known_after_a_request_and_a_handoff_links_it(dispatcher, domain):
    done = {"invoice_number": "INV-20431", "service_date": "2026-11-17", "refund_reason": "dissatisfied",
            "customer_name": "Priya Raghunathan", "customer_email": "priya@example.com", "confirmed": True}
    events = run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", done), dispatcher, domain)
    after = {**done, **slot_events(events)}
    assert after["customer_name"] == "Priya Raghunathan" and after["customer_email"] == "priya@example.com"
    assert after["invoice_number"] is None and after["refund_reason"] is None  # the request itself is done
    reference = after["request_reference"]
    handoff = slot_events(run_action(ActionHandoff(), make_tracker("can I talk to a person", "request_human", after),
                                     dispatcher, domain))["request_reference"]
    record = runtime().store.get(handoff)
    assert record["facts"]["follows_request"] == reference
    assert (record["customer_name"], record["customer_email"]) == ("Priya Raghunathan", "priya@example.com")


def test_a_handoff_keeps_what_its_own_message_says(dispatcher, domain):
    text = "I'd like to speak to someone please. Call me on +44 20 7946 0958.\nKind regards,\nAroha Ngata"
    reference = slot_events(run_action(ActionHandoff(), make_tracker(text, "request_human", {"customer_email": "unknown"}),
                                       dispatcher, domain))["request_reference"]
    record = runtime().store.get(reference)
    assert record["customer_name"] == "Aroha Ngata" and record["facts"]["customer_phone"]


def test_a_handoff_with_no_way_to_reach_the_customer_asks_for_one_and_keeps_it(dispatcher, domain):
    from actions.conversation import ActionReadUnplacedMessage
    # the hand-off form asked both, and the customer had neither
    slots = slot_events(run_action(ActionHandoff(), make_tracker("talk to a person", "request_human",
                                                                 {"invoice_number": "INV-20431",
                                                                  "customer_name": "unknown",
                                                                  "customer_email": "unknown"}),
                                   dispatcher, domain))
    reference = slots["request_reference"]
    assert "what's your e-mail address or phone number?" in texts(dispatcher)
    dispatcher.messages.clear()
    run_action(ActionReadUnplacedMessage(), make_tracker("it's jane@example.com", "inform", slots), dispatcher, domain)
    assert reference in texts(dispatcher)
    assert runtime().store.get(reference)["customer_email"] == "jane@example.com"


def test_a_handoff_that_can_reach_the_customer_asks_nothing(dispatcher, domain):
    run_action(ActionHandoff(), make_tracker("talk to a person", "request_human", {"customer_email": "j@example.com"}),
               dispatcher, domain)
    assert "what's your e-mail address" not in texts(dispatcher)


def test_a_name_taken_for_another_language_is_the_answer_to_the_name_question(dispatcher, domain):
    from actions.conversation import ActionAnswerOtherLanguage
    slots = {**before("customer_name"), "requested_slot": "customer_name"}
    tracker = make_tracker("Henrik Larsen", "other_language", slots, active_loop="refund_form",
                           latest_action="action_answer_other_language")
    assert run_action(ActionAnswerOtherLanguage(), tracker, dispatcher, domain) == [] and dispatcher.messages == []
    tracker.events[1:1] = [{"event": "action", "name": "action_answer_other_language"}]
    tracker.latest_action = {"action_name": "refund_form"}
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["customer_name"] == "Henrik Larsen" and slots["requested_slot"] == "customer_email"


def test_a_handoff_keeps_the_identifier_its_own_message_gives(dispatcher, domain):
    contact = {"customer_name": "Rachel Stein", "customer_email": "rachel.stein@example.com"}
    stated = "Question about invoice INV-20888, I'd rather talk to someone on your team"
    reference = slot_events(run_action(ActionHandoff(), make_tracker(stated, "request_human", contact),
                                       dispatcher, domain))["request_reference"]
    assert runtime().store.get(reference)["invoice_number"] == "INV-20888"
