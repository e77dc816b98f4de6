"""The issue's scenarios, one message at a time: what the form keeps, asks and says.

Today is Monday 2026-11-23. Identifiers are read in each policy's format.
"""
from datetime import date
from pathlib import Path

import pytest

from refund_desk.form_reading import MISS_BUDGET, read_message
from refund_desk.refund_policy_loader import load_refund_policy

TODAY = date(2026, 11, 23)
POLICIES = Path(__file__).resolve().parents[2] / "refund_policies"
REFUND = ["invoice_number", "service_date", "refund_reason", "customer_name", "customer_email", "confirmed"]
CANCEL = ["invoice_number", "service_kind", "service_date", "customer_name", "customer_email", "confirmed"]
SPHERE = ["invoice_number", "service_date", "refund_reason", "service_status", "customer_name", "customer_email",
          "confirmed"]


def ident(name="pro_it_assist"):
    return load_refund_policy(POLICIES / f"{name}.yml").identifier


def read(text, requested=None, known=None, wanted=REFUND, kind="refund", intent="inform", misses=0,
         policy="pro_it_assist"):
    return read_message(text, intent, requested, wanted, known or {}, kind, TODAY, misses, ident(policy))


# §3 several details in one message, at any point
def test_everything_in_the_opening_message_is_kept():
    r = read("Jane Moreau here, jane.moreau@example.com — refund for #55881 from 3 days ago, "
             "the remote session never happened", intent="request_refund")
    assert {k: r.values[k] for k in ("invoice_number", "service_date", "refund_reason", "customer_name",
                                     "customer_email")} == {
        "invoice_number": "INV-55881", "service_date": "2026-11-20", "refund_reason": "service_not_rendered",
        "customer_name": "Jane Moreau", "customer_email": "jane.moreau@example.com"}
    assert r.problems == []


def test_details_given_while_the_invoice_is_asked_are_kept_and_not_a_miss():
    r = read("it was 3 days ago, I'm Priya Shah, priya@example.com", requested="invoice_number")
    assert r.values["service_date"] == "2026-11-20"
    assert r.values["customer_email"] == "priya@example.com"
    assert r.values["customer_name"] == "Priya Shah"
    # issue 15: every turn the question goes unanswered spends one of its two misses (a bound for any input)
    assert r.values["invoice_number"] is None and r.missed
    assert "still need your invoice number" in r.problems[0]


def test_a_phone_number_is_kept_for_the_team():
    r = read("call me on +44 20 7946 0958", requested="customer_email")
    assert r.values["customer_phone"] == "+44 20 7946 0958"


# §1 dates read against what is asked
def test_a_future_appointment_in_the_opening_cancellation_message_is_read():
    r = read("cancel my onsite visit tomorrow", wanted=CANCEL, kind="cancellation", intent="cancel_service")
    assert r.values["service_kind"] == "one_time"
    assert r.values["service_date"] == "2026-11-24"
    assert r.problems == []


def test_the_words_are_kept_until_the_kind_of_service_is_known():
    first = read("I need to cancel, it's on the 3rd", wanted=CANCEL, kind="cancellation", intent="cancel_service")
    assert "service_date" not in first.values and first.values["date_words"] == "I need to cancel, it's on the 3rd"
    second = read("a one-time appointment", requested="service_kind", wanted=CANCEL, kind="cancellation",
                  known={"date_words": first.values["date_words"]})
    assert second.values["service_kind"] == "one_time"
    assert second.values["service_date"] == "2026-12-03"   # the next 3rd: an appointment looks forward
    assert second.values["date_words"] is None


def test_a_plan_reads_the_same_words_backwards():
    r = read("a monthly plan", requested="service_kind", wanted=CANCEL, kind="cancellation",
             known={"date_words": "it started on the 3rd"})
    assert r.values["service_date"] == "2026-11-03"


def test_an_ambiguous_date_is_confirmed_with_a_question():
    r = read("03/04", requested="service_date")
    assert r.values == {"service_date": None, "date_words": "03/04"}   # the date question asks which one
    assert r.problems == []
    billing = read("03/04", requested="next_billing_date", wanted=["next_billing_date"], kind="cancellation")
    assert billing.problems == ["Just to be sure: did you mean 4 March or 3 April?"]
    assert [b["payload"] for b in billing.buttons] == ["2027-03-04", "2027-04-03"]
    assert read("2026-04-03", requested="service_date").values["service_date"] == "2026-04-03"


@pytest.mark.parametrize("text", ["now", "this month", "effective end of this month?", "hmm"])
def test_text_without_a_past_date_never_becomes_today(text):
    r = read(text, requested="service_date")
    assert r.values.get("service_date") in (None,)
    assert r.problems


def test_y_at_the_summary_is_a_yes_not_a_date():
    r = read("y", requested="confirmed", known={"service_date": "2026-11-20"})
    assert r.values == {"confirmed": True}


def test_nov_1_beside_24_7_monitoring_is_november_the_first():
    r = read("Nov 1, for the 24/7 monitoring", requested="service_date", wanted=SPHERE, policy="pro_spherent")
    assert r.values["service_date"] == "2026-11-01"


def test_a_prepaid_service_still_to_come_is_offered_a_cancellation():
    r = read("the installation is next week, we don't need it anymore", intent="request_refund")
    assert r.values["refund_reason"] == "no_longer_needed"
    assert r.cancellation_instead and r.problems == []  # the refund stops; action_offer_cancellation asks


# §2 identifiers per policy
@pytest.mark.parametrize("policy, text, value", [
    ("pro_it_assist", "INV-2024-0918", "INV-2024-0918"),
    ("pro_it_assist", "inv 20431", "INV-20431"),
    ("webpro_it_solutions", "my customer ID is WP-7781", "WP-7781"),
    ("webpro_it_solutions", "7781", "7781"),
    ("pro_spherent", "order PS-10023", "PS-10023"),
    ("tech_support_004", "it's 88812", "88812"),
    ("itmediasolutions", "ITM-2025-44", "ITM-2025-44"),
])
def test_each_policys_identifier_is_accepted(policy, text, value):
    r = read(text, requested="invoice_number", policy=policy)
    assert r.values["invoice_number"] == value and r.problems == []


def test_the_compound_invoice_remainder_never_becomes_a_date():
    r = read("INV-2024-0918", requested="invoice_number")
    assert "service_date" not in r.values


def test_the_question_after_a_miss_uses_the_policys_word():
    r = read("blah", requested="invoice_number", policy="webpro_it_solutions")
    assert "Customer ID" in r.problems[0] and "INV-" not in r.problems[0]


def test_after_two_misses_the_customer_chooses_and_can_carry_on():
    second = read("blah", requested="invoice_number", misses=MISS_BUDGET - 1)
    assert "carry on without it" in second.problems[0]
    assert {"title": "Carry on without it", "payload": "/affirm"} in second.buttons
    assert {"title": "Talk to a person", "payload": "/request_human"} in second.buttons
    carry_on = read("/affirm", requested="invoice_number", intent="affirm", misses=MISS_BUDGET)
    assert carry_on.values == {"invoice_skipped": True, "invoice_number": None}


def test_an_off_topic_message_says_what_i_do_and_spends_a_miss():
    # issue 15: off-topic answers count against the question's budget too (no question for ever)
    r = read("what's the weather like?", requested="invoice_number", intent="out_of_scope")
    assert r.missed and "only help with refunds" in r.problems[0]


# §4 corrections
def test_an_invoice_correction_while_the_date_is_asked_updates_the_invoice():
    r = read("sorry, the invoice is actually INV-2208", requested="service_date",
             known={"invoice_number": "INV-1111"})
    assert r.values["invoice_number"] == "INV-2208"
    assert r.values.get("service_date") is None
    assert not any("date" in p for p in r.problems)


def test_no_at_the_summary_asks_what_to_change():
    known = {"invoice_number": "INV-1", "service_date": "2026-11-20", "refund_reason": "dissatisfied",
             "customer_name": "Jane Doe", "customer_email": "jane@example.com"}
    r = read("no", requested="confirmed", intent="deny", known=known)
    assert r.values == {"confirmed": None}
    assert [b["title"] for b in r.buttons] == ["Invoice number", "Date", "Reason", "Name", "E-mail"]
    change = read("change the date", requested="confirmed", known=known)
    assert change.values == {"service_date": None, "confirmed": None}


def test_a_correction_typed_at_the_summary_is_applied():
    known = {"invoice_number": "INV-1", "service_date": "2026-11-20", "customer_email": "jane@example.com"}
    r = read("the date was actually 2 days ago", requested="confirmed", known=known)
    assert r.values["service_date"] == "2026-11-21" and r.values["confirmed"] is None


def test_never_delivered_at_the_summary_corrects_the_work_status():
    known = {"invoice_number": "X1234", "service_status": "delivered"}
    r = read("no, it was never delivered", requested="confirmed", wanted=SPHERE, known=known, policy="pro_spherent")
    assert r.values["service_status"] == "not_started" and r.values["confirmed"] is None
    assert not r.problems


# §6 names
@pytest.mark.parametrize("text, name", [
    ("Anna Stop", "Anna Stop"),
    ("Sofia Rossi (office manager)", "Sofia Rossi"),
    ("Robert'); DROP TABLE requests;--", "Robert'); DROP TABLE requests;--"),
    ("I just told you. Alice Nguyen", "Alice Nguyen"),
    ("Talk To Manager", None),
    ("a one-time appointment, tomorrow", None),
])
def test_names_are_answers(text, name):
    r = read(text, requested="customer_name")
    assert r.values["customer_name"] == name
    assert bool(r.problems) == (name is None)


def test_an_email_with_stop_in_it_is_an_email():
    r = read("lena@stopfamily.net", requested="customer_email")
    assert r.values == {"customer_email": "lena@stopfamily.net"}


# §7 meaning
@pytest.mark.parametrize("text", ["I was charged twice", "charged 2x for the same visit", "you double billed me"])
def test_charged_twice_is_a_duplicate_payment_refund(text):
    assert read(text, intent="request_refund").values["refund_reason"] == "duplicate_payment"


def test_a_change_on_the_customers_side_is_its_own_reason():
    r = read("I changed the wifi password myself after the tech left", requested="refund_reason")
    assert r.values["refund_reason"] == "customer_error"


# §9 small things
@pytest.mark.parametrize("text, upset", [("this is RIDICULOUS, third time I ask!!!", True),
                                         ("that's not fair", True), ("INV-20431", False), ("Jane Doe", False)])
def test_an_angry_customer_is_noticed(text, upset):
    assert read(text, requested="customer_name").upset is upset


@pytest.mark.parametrize("requested", ["next_billing_date", "service_date", "amount_paid"])
def test_i_dont_know_is_an_answer(requested):
    r = read("I don't know", requested=requested, wanted=["invoice_number", requested, "confirmed"],
             kind="cancellation", known={"service_kind": "recurring"})
    assert r.values == {requested: "unknown"} and r.problems[0].startswith("No problem: I'll carry on without")


def test_an_unknown_date_is_no_fact_for_the_engine():
    from refund_desk.facts import decode_facts
    assert decode_facts({"service_date": "unknown", "refund_reason": "other"}) == {"refund_reason": "other"}


def test_a_mistake_in_the_email_at_the_summary_is_not_a_new_reason():
    known = {"invoice_number": "INV-1", "refund_reason": "dissatisfied", "customer_email": "jane@example.com"}
    r = read("there's a mistake in my email", requested="confirmed", known=known)
    assert r.values == {"customer_email": None, "confirmed": None}   # the e-mail is asked again


def test_received_in_a_later_message_is_not_a_work_status():
    r = read("I received the bill twice", requested="customer_name", wanted=SPHERE)
    assert "service_status" not in r.values


def test_end_of_this_month_waits_for_the_kind_of_service_and_never_becomes_the_plan_start():
    first = read("I want to cancel, effective end of this month", wanted=CANCEL, kind="cancellation",
                 intent="cancel_service")
    assert "service_date" not in first.values and first.values["date_words"]
    plan = read("a monthly plan", requested="service_kind", wanted=CANCEL, kind="cancellation",
                known={"date_words": first.values["date_words"]})
    assert plan.values["service_kind"] == "recurring" and "service_date" not in plan.values


@pytest.mark.parametrize("text, value", [("10 days ago", "2026-11-13"), ("in 10 days", "2026-12-03"),
                                         ("the 3rd", "2026-11-03")])
def test_a_cancellation_whose_policy_never_asks_the_kind_reads_the_date_as_given(text, value):
    wanted = ["invoice_number", "refund_reason", "issues_resolved", "service_date", "customer_name", "confirmed"]
    r = read(text, requested="service_date", wanted=wanted, kind="cancellation", policy="webpro_it_solutions")
    assert r.values["service_date"] == value and r.problems == []


@pytest.mark.parametrize("text, requested, answer", [
    ("Lena Stop", "customer_name", True),
    ("Stop", "customer_name", False),
    ("lena@stopfamily.net", "customer_email", True),
    ("stop please", "customer_email", False),
    ("never mind", "customer_name", False),
    ("cancel it", "invoice_number", False),
    ("stop, it's INV-20431", "invoice_number", True),
    ("Talk to manager, stop", "customer_name", False),
])
def test_stop_words_that_answer_the_question(text, requested, answer):
    from refund_desk.form_reading import reads_as_an_answer
    assert reads_as_an_answer(text, requested, ident(), TODAY) is answer


def test_a_cancellation_dated_in_the_past_is_offered_the_refund_instead():
    """"last Thursday" for the appointment to cancel: it may have started, so the refund is offered with a
    button (the change-of-mind rule switches, details kept) besides asking for the appointment again."""
    known = {"invoice_number": "INV-31010", "service_kind": "one_time"}
    r = read("last Thursday", requested="service_date", known=known, wanted=CANCEL, kind="cancellation")
    assert r.values["service_date"] is None and r.missed
    assert "19 November 2026 has already passed" in r.problems[0] and "refund rather than a cancellation" in r.problems[0]
    assert {"title": "Ask for a refund instead", "payload": "/request_refund"} in r.buttons
    # a refund's own dates are asked in the past: no such offer
    r = read("next Thursday", requested="service_date", known={"invoice_number": "INV-31010"})
    assert not any(b["payload"] == "/request_refund" for b in r.buttons)


# A reason that decides, answered unsurely: asked back with the choices, not guessed
UNSURE_REASON = "TIRED OF THE UPSELL CALLS"  # read as "no longer needed" at under 0.6: a coin flip there


def read_under(name, text, kind, wanted, misses=0):
    loaded = load_refund_policy(POLICIES / f"{name}.yml")
    return read_message(text, "inform", "refund_reason", wanted, {}, kind, TODAY, misses, loaded.identifier,
                        policy=loaded)


def test_an_unsure_reason_that_decides_is_asked_back_then_kept_in_the_customers_words():
    from refund_desk import replies
    from refund_desk.readers import DECISIVE_WHEN_ASKED, read
    reading = read("refund_reason", UNSURE_REASON)
    assert reading.sure and reading.confidence < DECISIVE_WHEN_ASKED, "the example no longer reads unsurely"
    wanted = ["invoice_number", "refund_reason", "issues_resolved", "customer_name", "customer_email", "confirmed"]
    first = read_under("webpro_it_solutions", UNSURE_REASON, "cancellation", wanted)
    assert first.values["refund_reason"] is None and first.problems == [replies.UNCLEAR_REASON]
    # the same words again, after the choices: the customer's own reason, not the reader's guess
    again = read_under("webpro_it_solutions", UNSURE_REASON, "cancellation", wanted, misses=1)
    assert again.values["refund_reason"] == "other" and again.values["reason_details"] == UNSURE_REASON
    # a refund's second answer is read as usual (then shown in the summary to confirm)
    refund = read_under("webpro_it_solutions", UNSURE_REASON, "refund", wanted, misses=1)
    assert refund.values["refund_reason"] == reading.label


def test_an_unsure_reason_that_decides_nothing_is_read_as_usual():
    from refund_desk.readers import read
    # ITMediaSolutions' cancellations do not turn on the reason
    result = read_under("itmediasolutions", UNSURE_REASON, "cancellation", CANCEL[:2] + ["refund_reason"] + CANCEL[2:])
    assert result.values["refund_reason"] == read("refund_reason", UNSURE_REASON).label and result.problems == []
