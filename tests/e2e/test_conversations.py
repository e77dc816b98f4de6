"""Whole conversations over the REST webhook of the real servers; records checked through the CLI."""

import pytest

from tests.e2e.conftest import say
from refund_desk.facts import REFERENCE_WRITTEN

pytestmark = pytest.mark.e2e
REFERENCE = REFERENCE_WRITTEN  # the one pattern, from refund_desk.facts


def reference_in(text: str) -> str:
    match = REFERENCE.search(text)
    assert match, f"no reference in: {text}"
    return match.group(0)


def test_refund_with_details_up_front(assistant, sender):
    first = say(assistant, sender, "I was charged twice for invoice INV-20431 last Tuesday")
    assert "full name" in first
    assert "e-mail" in say(assistant, sender, "Jane Doe")
    summary = say(assistant, sender, "jane.doe@example.com")
    assert "INV-20431" in summary and "charged more than once" in summary and "[Yes|/affirm]" in summary
    outcome = say(assistant, sender, "/affirm")
    assert "qualifies for a refund" in outcome
    assert "Duplicate Payment: If you were accidentally charged more than once" in outcome
    assert "3–5 business days" in outcome and "7–10 business days" in outcome
    ref = reference_in(outcome)
    record = assistant.cli_json("requests", "show", ref)
    assert record["kind"] == "refund" and record["status"] == "open"
    assert record["invoice_number"] == "INV-20431" and record["refund_reason"] == "duplicate_payment"
    assert record["eligibility"] == "eligible" and record["customer_email"] == "jane.doe@example.com"
    assert record["channel"] == "rest" and record["sender_id"] == sender
    assert record["policy_clauses"][0]["id"] == "duplicate_payment"

    # the same request again: same reference, no second row
    # the conversation remembers the name and e-mail (issue 15 §5): the summary comes at once
    summary = say(assistant, sender, "I want a refund for invoice INV-20431, I was charged twice yesterday")
    assert "Here is your refund request" in summary and "jane.doe@example.com" in summary
    again = say(assistant, sender, "yes")
    assert ref in again and "haven't opened a second one" in again
    rows = [r for r in assistant.cli_json("requests", "list") if r["invoice_number"] == "INV-20431"
            and r["kind"] == "refund"]
    assert len(rows) == 1


def test_refund_step_by_step_with_bad_input_and_interruptions(assistant, sender):
    assert "invoice number" in say(assistant, sender, "refund please")
    assert "INV-20431" in say(assistant, sender, "the blue one")  # not one: asked again, with an example
    assert "invoice" in say(assistant, sender, "why do you need that?").lower()
    assert "When was the service" in say(assistant, sender, "#55501")
    assert "couldn't read a date" in say(assistant, sender, "now")  # never today
    future = say(assistant, sender, "next friday")
    assert "cancel it instead" in future  # a service still to come is a cancellation
    assert "reason" in say(assistant, sender, "3 days ago")
    answer = say(assistant, sender, "how long does a refund take?")
    assert "7–10 business days" in answer and "reason" in answer
    assert "full name" in say(assistant, sender, "the technician never showed up")
    assert "e-mail" in say(assistant, sender, "Zoë Ångström")
    assert "doesn't look like an e-mail" in say(assistant, sender, "zoe at example")
    summary = say(assistant, sender, "zoe@example.com")
    assert "service never delivered" in summary
    corrected = say(assistant, sender, "no, my email is zoe.a@example.com")
    assert "zoe.a@example.com" in corrected
    ref = reference_in(say(assistant, sender, "yes"))
    record = assistant.cli_json("requests", "show", ref)
    assert record["customer_email"] == "zoe.a@example.com" and record["customer_name"] == "Zoë Ångström"
    assert record["refund_reason"] == "service_not_rendered" and record["eligibility"] == "eligible"


def test_not_eligible_refund_says_which_sentence(assistant, sender):
    say(assistant, sender, "I want a refund for invoice INV-30001")
    say(assistant, sender, "yesterday")
    say(assistant, sender, "I'm not happy with the result")
    say(assistant, sender, "Sam Lee")
    say(assistant, sender, "sam@example.com")
    outcome = say(assistant, sender, "yes")
    assert "does not qualify" in outcome and "unsuccessful outcomes alone do not qualify for refunds" in outcome
    assert assistant.cli_json("requests", "show", reference_in(outcome))["eligibility"] == "not_eligible"


def test_two_invoice_misses_offer_a_person(assistant, sender):
    say(assistant, sender, "I'd like a refund")
    assert "[Talk to a person|/request_human]" not in say(assistant, sender, "the blue one")
    second = say(assistant, sender, "purple")  # the question's budget of two misses is spent
    assert "[Talk to a person|/request_human]" in second
    assert "full name" in say(assistant, sender, "/request_human")  # whom the person should reach, first
    say(assistant, sender, "Sam Lee")
    handoff = say(assistant, sender, "sam@example.com")
    assert "(914) 297-8173" in handoff
    record = assistant.cli_json("requests", "show", reference_in(handoff))
    assert (record["kind"], record["customer_name"], record["customer_email"]) == ("handoff", "Sam Lee",
                                                                                 "sam@example.com")


def test_i_dont_have_it_is_an_answer_the_first_time(assistant, sender):
    say(assistant, sender, "I'd like a refund")
    answer = say(assistant, sender, "dunno")
    assert "carry on without your invoice number" in answer and "When was the service" in answer


def test_stop_ends_the_form_without_a_record(assistant, sender):
    before = len(assistant.cli_json("requests", "list"))
    say(assistant, sender, "I want a refund for invoice INV-40404")
    assert "[No, carry on|/deny]" in say(assistant, sender, "never mind")
    assert "When was the service" in say(assistant, sender, "/deny")  # carries on where it was
    assert "Do you want to stop" in say(assistant, sender, "stop")
    assert "Nothing was saved" in say(assistant, sender, "yes")
    assert len(assistant.cli_json("requests", "list")) == before
    assert "invoice number" in say(assistant, sender, "I want a refund")  # starts clean, nothing kept


def test_cancellation_of_a_recurring_plan(assistant, sender):
    assert "one-time" in say(assistant, sender, "please cancel my service, invoice INV-50505")
    assert "billing period started" in say(assistant, sender, "a recurring plan")
    assert "Why are you cancelling?" in say(assistant, sender, "November 1")
    say(assistant, sender, "we don't need it anymore")
    say(assistant, sender, "Li Wei")
    say(assistant, sender, "li@example.com")
    outcome = say(assistant, sender, "yes")
    assert "refunds are not issued for the current billing cycle" in outcome
    record = assistant.cli_json("requests", "show", reference_in(outcome))
    # "may be canceled at any time": the cancellation is accepted (eligible); the cycle is not refunded
    assert (record["kind"], record["service_kind"], record["eligibility"]) == ("cancellation", "recurring", "eligible")
    assert record["refund_reason"] == "no_longer_needed"


def test_chargeback_then_refund_instead(assistant, sender):
    explained = say(assistant, sender, "what happens if I file a chargeback with my bank?")
    assert "may result in account suspension" in explained
    assert "invoice number" in say(assistant, sender, "yes")


def test_chargeback_already_filed(assistant, sender):
    say(assistant, sender, "I'm going to dispute the charge with my card company")
    assert "invoice number" in say(assistant, sender, "/chargeback_filed")
    assert "When was the service" in say(assistant, sender, "INV-60606")  # asked as the refund it disputes
    say(assistant, sender, "November 17")
    say(assistant, sender, "the technician never showed up")
    say(assistant, sender, "Ana Souza")
    summary = say(assistant, sender, "ana@example.com")
    assert "Here is your chargeback report" in summary and "INV-60606" in summary  # a summary and a yes first
    done = say(assistant, sender, "yes")
    assert "What happens next" in done
    record = assistant.cli_json("requests", "show", reference_in(done))
    assert (record["kind"], record["invoice_number"], record["customer_name"]) == ("chargeback", "INV-60606", "Ana Souza")
    assert (record["service_date"], record["refund_reason"], record["eligibility"]) == (
        "2026-11-17", "service_not_rendered", "eligible")


def test_status_follows_staff_changes(assistant, sender):
    say(assistant, sender, "refund for invoice INV-70707, you charged me twice yesterday")
    say(assistant, sender, "Kim Park")
    say(assistant, sender, "kim@example.com")
    ref = reference_in(say(assistant, sender, "yes"))
    assert "waiting for the team" in say(assistant, sender, f"what's the status of {ref}?")
    changed = assistant.cli("requests", "set-status", ref, "approved", "--note", "refund sent", "--for-customer",
                           "--by", "maria")
    assert changed.returncode == 0, changed.stderr
    status = say(assistant, sender, "any update on my refund?")
    assert "reference" in status.lower()
    status = say(assistant, sender, "INV-70707")
    assert "approved" in status and "refund sent" in status
    history = assistant.cli_json("requests", "show", ref)["history"]
    assert [h["to"] for h in history] == ["open", "approved"] and history[-1]["by"] == "maria"


def test_policy_questions_quote_the_policy(assistant, sender):
    assert "non-refundable once started, completed, or delivered" in say(assistant, sender, "what services can't be refunded?")
    assert "support@proitassist.com" in say(assistant, sender, "how do I contact you?")
    assert "may result in a cancellation fee" in say(assistant, sender, "what if I cancel, is there a fee?")


@pytest.mark.parametrize("odd", [
    "x" * 5000,
    "🙂🙂🙂 рефанд пожалуйста 退款",
    "<script>alert('hi')</script>",
    "'; DROP TABLE requests; --",
])
def test_odd_messages_get_an_answer(assistant, sender, odd):
    assert say(assistant, sender, odd).strip()
    assert assistant.cli("requests", "list").returncode == 0  # the records table is still there


def test_odd_name_is_stored_as_given(assistant, sender):
    say(assistant, sender, "refund for invoice INV-80808, charged twice yesterday")
    name = "Zoë O'Brien-Łukasz <b>Ö</b> 李"
    say(assistant, sender, name)
    say(assistant, sender, "bobby@example.com")
    ref = reference_in(say(assistant, sender, "yes"))
    assert assistant.cli_json("requests", "show", ref)["customer_name"] == name


def test_database_down_means_no_false_reference(assistant, sender):
    working = assistant.env["DATABASE_URL"]
    assistant.restart_actions(DATABASE_URL="postgresql://nobody:x@127.0.0.1:9/none")
    try:
        say(assistant, sender, "I was charged twice for invoice INV-90909 yesterday")
        say(assistant, sender, "Jane Doe")
        say(assistant, sender, "jane@example.com")
        outcome = say(assistant, sender, "yes")
        assert "couldn't save your request" in outcome
        assert not REFERENCE.search(outcome)
    finally:
        assistant.restart_actions(DATABASE_URL=working)
    assert not [r for r in assistant.cli_json("requests", "list") if r["invoice_number"] == "INV-90909"]


# A message the trained model is unsure of (a retrain that makes it sure fails the first assertion:
# then pick another unclear message that gives an invoice number).
# A message that says what it is about but not what is wanted. "INV-20431 ... the money thing from last
# week, what now" was one until the other-words training data (data/nlu/other_words_waiting_for_money.yml,
# chases of money in other words): since then it reads as a status chase (check_request_status 0.49),
# and this one, picked among seven rewordings of it for being unclear to that model (request_refund 0.36,
# inform 0.34), stands in for it; the others were read as a status chase, a refund or a bare detail.
UNCLEAR = "INV-20431 ... that payment, what now"


def test_an_unclear_message_gets_choices_and_a_click_goes_on(assistant, sender):
    answer = assistant.send(sender, UNCLEAR)
    offered = [b for r in answer for b in r.get("buttons", [])]
    assert [r.get("text") for r in answer] == ["I'm not sure I understood. Is it one of these? (Or say it another "
                                               "way.)"]
    assert 2 <= len(offered) <= 3 and {"title": "Get a refund", "payload": "/request_refund"} in offered
    # the click opens the refund form with what the unclear message said: the invoice is not asked for
    after = say(assistant, sender, "/request_refund")
    assert "invoice number" not in after and "When was the service" in after
    say(assistant, sender, "last Tuesday")
    say(assistant, sender, "I was charged twice")
    say(assistant, sender, "Jane Doe")
    summary = say(assistant, sender, "jane.doe@example.com")
    assert "INV-20431" in summary
    record = assistant.cli_json("requests", "show", reference_in(say(assistant, sender, "yes")))
    assert record["invoice_number"] == "INV-20431" and record["kind"] == "refund"
