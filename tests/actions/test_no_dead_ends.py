"""No dead ends, for any answers: a property test over every form and every refund policy.

Random and adversarial answers (nonsense, other languages, empty, repeated, other details, "I
don't know", commands) are played through the real form validation actions on real Trackers, one
turn at a time, the slots carried from turn to turn as Rasa carries them. Whatever is said:
- no question is asked more than three times in a row (a budget of two misses, then a choice,
  then the detail is left out, noted for staff; at the summary a person takes over). A summary
  shown again because the customer changed a detail is a new question (other details to confirm);
- every conversation reaches the summary, or stops / hands over, within a bounded number of turns.
"""
from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa_sdk.executor import CollectingDispatcher

from actions.request_forms import ValidateCancellationForm, ValidateChargebackForm, ValidateRefundForm
from actions.runtime import runtime
from actions.slots import CONTACT_SLOTS, FACT_SLOTS
from tests.actions.conftest import make_tracker, run_action

POLICIES = ["pro_it_assist", "pro_spherent", "webpro_it_solutions", "itmediasolutions", "tech_support_004"]
FORMS = {
    "refund": (ValidateRefundForm, "request_refund", "I want a refund"),
    "cancellation": (ValidateCancellationForm, "cancel_service", "I need to cancel"),
    "chargeback": (ValidateChargebackForm, "chargeback_filed", "I already filed a chargeback with my bank"),
}
# Every question a form can ask (identifier, facts, contact, summary): each may take three asks.
QUESTIONS = 1 + len(FACT_SLOTS) + 2 + 1
SUMMARY_WITHIN = 3 * QUESTIONS  # turns until the summary, a stop or a hand-off, whatever is said
PLAYED = SUMMARY_WITHIN + 12    # turns played in all (the summary's own answers too)

ODD_ANSWERS = [
    "", " ", "asdfgh", "???", "...", "42", "0", "ok", "yes", "no", "nope", "maybe", "hmm", "lol", "what?",
    "why do you need that", "Je voudrais un remboursement", "Ich weiß es nicht", "我不知道", "no sé", "не знаю",
    "😀😀😀", "<script>alert(1)</script>", "'; DROP TABLE requests; --", "a" * 300, "jane@example.com",
    "jane at example dot com", "INV-20431", "WP-7781", "#55881", "tomorrow", "last week", "sometime in November",
    "03/04", "next friday", "Jane Doe", "Dr", "+1 555 123 4567", "$149.99", "89,99", "two", "I don't know",
    "I don't have it", "skip", "carry on", "the date is wrong", "change the e-mail", "stop", "Kind regards,\nPriya",
    "a one-time service", "a recurring plan", "work has started", "it was never delivered", "other",
]
ANSWERS = st.one_of(st.sampled_from(ODD_ANSWERS), st.text(max_size=60))
INTENTS = st.sampled_from(["inform", "out_of_scope", "nlu_fallback", "affirm", "deny", "greet"])
TURNS = st.lists(st.tuples(ANSWERS, INTENTS), min_size=PLAYED, max_size=PLAYED)
# The same answer (and intent) every time: the hardest case for a question's budget.
REPEATED = st.tuples(ANSWERS, INTENTS).map(lambda turn: [turn] * PLAYED)


def play(form_kind: str, turns: list[tuple[str, str]], domain: dict) -> list[Any]:
    """Plays the turns; returns what the form asked after each (a slot name, or an ending)."""
    action_class, opening_intent, opening = FORMS[form_kind]
    action = action_class()
    slots: dict[str, Any] = {}
    asked: list[Any] = []
    for number, (text, intent) in enumerate([(opening, opening_intent), *turns]):
        if number == 0:
            tracker = make_tracker(text, intent=intent, latest_action=action.form_name())
        else:
            tracker = make_tracker(text, intent=intent, slots=slots, active_loop=action.form_name())
        events = run_action(action, tracker, CollectingDispatcher(), domain)
        slots.update({e["name"]: e["value"] for e in events if e.get("event") == "slot"})
        followup = next((e["name"] for e in events if e.get("event") == "followup"), None)
        if followup is not None:  # the form handed over: a hand-off, the cancellation offered, another form
            asked.append(("ended", followup))
            return asked
        if slots.get("requested_slot") is None:
            asked.append(("ended", f"confirmed={slots.get('confirmed')}"))
            return asked
        asked.append(question(slots))
    return asked


SHOWN = ["invoice_number", "invoice_skipped", *FACT_SLOTS, *CONTACT_SLOTS, "customer_phone", "reason_details"]


def question(slots: dict[str, Any]) -> Any:
    """What the form asks: a detail's name, or the summary with the details it shows."""
    if slots["requested_slot"] == "confirmed":
        return ("summary", tuple(str(slots.get(name)) for name in SHOWN))
    return slots["requested_slot"]


def longest_run(asked: list[Any]) -> int:
    longest = run = 0
    for before, now in zip([None, *asked], asked):
        run = run + 1 if now == before else 1
        longest = max(longest, run)
    return longest


def reached_an_end_or_the_summary(asked: list[Any]) -> int:
    """The turn at which the summary was asked or the conversation ended (0 if never)."""
    return next((i + 1 for i, a in enumerate(asked) if isinstance(a, tuple)), 0)


def use_policy(monkeypatch, policy: str) -> None:
    monkeypatch.setenv("REFUND_POLICY", f"refund_policies/{policy}.yml")
    runtime.cache_clear()


COMMON = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("form_kind", list(FORMS))
@COMMON
@given(turns=st.one_of(TURNS, REPEATED))
def test_no_question_for_ever(domain, monkeypatch, policy, form_kind, turns):
    use_policy(monkeypatch, policy)
    asked = play(form_kind, turns, domain)
    assert longest_run(asked) <= 3, asked
    reached = reached_an_end_or_the_summary(asked)
    assert 0 < reached <= SUMMARY_WITHIN, asked


def test_the_driver_sees_a_question_asked_for_ever():
    """The checks above can fail: a form that asked the same thing four times would be caught."""
    assert longest_run(["invoice_number"] * 4) == 4
    assert reached_an_end_or_the_summary(["invoice_number"] * 40) == 0
