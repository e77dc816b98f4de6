"""The status form's questions have the same budget of misses as every other question (issue 15 §4):
two misses, then the customer chooses (type it again, skip it, a person); a third, or "I don't have
it" at once, leaves the detail out, so that no look-up question is asked for ever."""
from __future__ import annotations

import asyncio

from typing import Any, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa_sdk.executor import CollectingDispatcher

from actions.request_forms import ValidateStatusForm
from actions.status_check import check_status, status_asked_slots
from refund_desk import replies
from refund_desk.form_reading import UNKNOWN
from tests.actions.conftest import make_tracker, run_action, slot_events, texts
from tests.actions.test_no_dead_ends import COMMON, REPEATED, TURNS, longest_run

# An invoice number this conversation did not open: the form asks the e-mail on the request.
OPENINGS = {"customer_email": "what's the status of my refund for INV-55881?", "invoice_number": "any news on my request?"}


def play(opening: str, answers: list[tuple[str, str]], domain: dict) -> tuple[list[Optional[str]], list[Any]]:
    """Plays the status form; returns the slot asked after each turn and each turn's dispatcher."""
    action, slots = ValidateStatusForm(), {}
    asked: list[Optional[str]] = []
    said: list[CollectingDispatcher] = []
    for number, (text, intent) in enumerate([(opening, "check_request_status"), *answers]):
        tracker = (make_tracker(text, intent=intent, latest_action="status_form") if number == 0 else
                   make_tracker(text, intent=intent, slots=slots, active_loop="status_form"))
        dispatcher = CollectingDispatcher()
        events = slot_events(run_action(action, tracker, dispatcher, domain))
        slots.update(events)
        if "requested_slot" not in events:
            # rasa_sdk leaves the choice to Rasa's form when the slots asked are the domain's: the first unfilled
            tracker = make_tracker(text, intent=intent, slots=slots, active_loop="status_form")
            unfilled = [s for s in asyncio.run(status_asked_slots(tracker)) if slots.get(s) is None]
            slots["requested_slot"] = unfilled[0] if unfilled else None
        asked.append(slots.get("requested_slot"))
        said.append(dispatcher)
    return asked, said


@pytest.mark.parametrize("question", list(OPENINGS))
def test_a_look_up_question_is_asked_at_most_three_times_in_a_row(domain, question):
    asked, said = play(OPENINGS[question], [("asdfgh", "inform")] * 4, domain)
    assert asked[:3] == [question] * 3, asked
    assert asked[3] is None, asked  # the third miss leaves the detail out: the look-up goes on without it
    second = said[2].messages[-1]
    assert "skip this question" in second["text"] and replies.PERSON_BUTTON in second["buttons"]


@pytest.mark.parametrize("question", list(OPENINGS))
def test_i_dont_have_it_is_an_answer_the_first_time(domain, question):
    asked, said = play(OPENINGS[question], [("I don't have it", "inform")], domain)
    assert asked == [question, None]


def test_after_the_choice_skipping_the_e_mail_looks_up_without_it(domain):
    asked, _ = play(OPENINGS["customer_email"], [("asdfgh", "inform"), ("skip this question", "inform")], domain)
    assert asked == ["customer_email", "customer_email", None]


def test_an_e_mail_after_a_miss_is_read_and_the_misses_forgotten(domain):
    _, said = play(OPENINGS["customer_email"], [("asdfgh", "inform")], domain)
    tracker = make_tracker("jane@example.com", slots={"requested_slot": "customer_email", "lookup_key": "INV-55881",
                                                      "question_misses": {"slot": "customer_email", "count": 1}},
                           active_loop="status_form")
    slots = slot_events(run_action(ValidateStatusForm(), tracker, CollectingDispatcher(), domain))
    assert slots["lookup_email"] == "jane@example.com" and slots["question_misses"] is None
    assert slots["requested_slot"] is None


def test_without_a_key_the_look_up_offers_a_person(dispatcher, domain):
    asked, _ = play(OPENINGS["invoice_number"], [("I don't have it", "inform")], domain)
    assert asked == ["invoice_number", None]
    tracker = make_tracker("I don't have it", slots={"lookup_key": UNKNOWN})
    asyncio.run(check_status(dispatcher, tracker))
    assert dispatcher.messages[-1]["buttons"] == [replies.PERSON_BUTTON]
    assert "Without the request reference" in texts(dispatcher)


@pytest.mark.parametrize("question", list(OPENINGS))
@COMMON
@given(turns=st.one_of(TURNS, REPEATED))
def test_no_look_up_question_for_ever(domain, question, turns):
    """Random and adversarial answers (tests/actions/test_no_dead_ends.py's): no look-up question asked more than
    three times in a row, and the form ends (the look-up runs) within three asks of each of its two questions."""
    asked, _ = play(OPENINGS[question], turns[:7], domain)
    assert None in asked, asked  # the look-up ran
    assert longest_run(asked[:asked.index(None)]) <= 3, asked
