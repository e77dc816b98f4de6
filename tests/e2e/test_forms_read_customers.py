"""Issue 8 over the real servers: forms read customers right (dates, details at once, corrections)."""
import pytest

from tests.e2e.conftest import say
from tests.e2e.test_conversations import reference_in

pytestmark = pytest.mark.e2e


def test_everything_in_one_message_goes_straight_to_the_summary(assistant, sender):
    summary = say(assistant, sender, "I want a refund. Jane Moreau here, jane.moreau@example.com — refund for "
                                     "#55881 from 3 days ago, the remote session never happened")
    assert "Here is your refund request" in summary
    for shown in ("INV-55881", "Jane Moreau", "jane.moreau@example.com", "service never delivered"):
        assert shown in summary
    record = assistant.cli_json("requests", "show", reference_in(say(assistant, sender, "yes")))
    assert (record["invoice_number"], record["customer_name"], record["refund_reason"]) == (
        "INV-55881", "Jane Moreau", "service_not_rendered")


def test_a_correction_while_the_date_is_asked_and_no_at_the_summary(assistant, sender):
    say(assistant, sender, "I want a refund for invoice INV-1111")
    corrected = say(assistant, sender, "sorry, the invoice is actually INV-2208")
    assert "couldn't read a date" not in corrected
    say(assistant, sender, "yesterday")
    say(assistant, sender, "the technician never showed up")
    say(assistant, sender, "Alice Nguyen")
    summary = say(assistant, sender, "alice@example.com")
    assert "INV-2208" in summary and "INV-1111" not in summary
    what = say(assistant, sender, "no")
    assert "What should I change?" in what and "[Name|change the name]" in what
    assert "full name" in say(assistant, sender, "change the name")
    summary = say(assistant, sender, "I just told you. Alice Nguyen-Smith")
    assert "Alice Nguyen-Smith" in summary
    record = assistant.cli_json("requests", "show", reference_in(say(assistant, sender, "yes")))
    assert (record["invoice_number"], record["customer_name"]) == ("INV-2208", "Alice Nguyen-Smith")


def test_an_appointment_tomorrow_in_the_opening_cancellation(assistant, sender):
    reply = say(assistant, sender, "please cancel my onsite visit tomorrow, invoice INV-31313")
    assert "billing period" not in reply and "Why are you cancelling?" in reply  # kind and date read: why, then who
    assert "full name" in say(assistant, sender, "something came up at work")
    say(assistant, sender, "Li Wei")
    say(assistant, sender, "li@example.com")
    record = assistant.cli_json("requests", "show", reference_in(say(assistant, sender, "yes")))
    assert (record["kind"], record["service_kind"]) == ("cancellation", "one_time")


def test_a_surname_like_stop_is_an_answer(assistant, sender):
    say(assistant, sender, "I want a refund for invoice INV-42424, I was charged twice yesterday")
    assert "Do you want to stop" not in say(assistant, sender, "Lena Stop")
    summary = say(assistant, sender, "lena@stopfamily.net")
    assert "Lena Stop" in summary and "lena@stopfamily.net" in summary
    record = assistant.cli_json("requests", "show", reference_in(say(assistant, sender, "yes")))
    assert (record["customer_name"], record["customer_email"]) == ("Lena Stop", "lena@stopfamily.net")


def test_names_that_sound_like_requests_are_answers(assistant, sender):
    say(assistant, sender, "I want a refund for invoice INV-43434, I was charged twice yesterday")
    reply = say(assistant, sender, "Sofia Rossi (office manager)")
    assert "HO-" not in reply
    if "full name" in reply:  # back at the question the hand-off interrupted
        reply = say(assistant, sender, "Sofia Rossi")
    summary = say(assistant, sender, "sofia@example.com")
    assert "Sofia Rossi" in summary
    record = assistant.cli_json("requests", "show", reference_in(say(assistant, sender, "yes")))
    assert record["kind"] == "refund" and record["customer_name"] == "Sofia Rossi"


def test_an_ambiguous_date_is_asked_once(assistant, sender):
    say(assistant, sender, "I want a refund for invoice INV-45454")
    reply = say(assistant, sender, "03/04")
    assert reply.count("did you mean 4 March or 3 April?") == 1
    assert "[3 April 2026|2026-04-03]" in reply
    assert "reason" in say(assistant, sender, "2026-04-03")
