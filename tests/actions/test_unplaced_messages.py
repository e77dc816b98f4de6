"""A message no rule places, with no form running: a refund told as a story opens the refund form."""
import pytest

from actions.conversation import ActionReadUnplacedMessage
from actions.request_forms import ValidateCancellationForm, ValidateRefundForm
from actions.runtime import runtime
from refund_desk import replies
from tests.actions.conftest import make_tracker, run_action, slot_events

NEVER_DELIVERED = "we booked a network audit 5 days ago and it was never delivered, nobody even started"


@pytest.mark.parametrize("text, intent, opens, says", [
    (NEVER_DELIVERED, "inform", True, None),
    ("the backup migration started on Monday but we don't need it anymore", "nlu_fallback", True, None),
    ("I'm pretty sure you billed me twice", "inform", True, None),
    ("the same invoice was charged 2x", "inform", True, None),
    ("duplicate charge on my card", "nlu_fallback", True, None),
    ("I already disputed the double charge with my bank", "inform", False, "utter_what_for"),  # a chargeback
    ("INV-20431", "inform", False, "utter_what_for"),
    ("last Tuesday", "inform", False, "utter_what_for"),
    ("blorp the frobnicator", "nlu_fallback", False, "utter_please_rephrase"),
    ("cancel my monitoring plan, we don't need it", "nlu_fallback", False, "utter_please_rephrase"),
])
def test_an_unplaced_message_opens_a_refund_only_when_it_reads_as_one(dispatcher, domain, text, intent, opens, says):
    events = run_action(ActionReadUnplacedMessage(), make_tracker(text, intent=intent), dispatcher, domain)
    assert any(e.get("event") == "followup" and e.get("name") == "refund_form" for e in events) is opens
    said = [m.get("text") or m.get("response") for m in dispatcher.messages]
    assert said == ([replies.REFUND_FROM_DETAILS] if opens else [says])


def test_the_refund_form_it_opens_reads_the_message(dispatcher, domain):
    # as Rasa runs it: the user message, action_read_unplaced_message, then the form's own action
    tracker = make_tracker(NEVER_DELIVERED, intent="inform", latest_action="refund_form")
    tracker.events.insert(1, {"event": "action", "name": "action_read_unplaced_message"})
    slots = slot_events(run_action(ValidateRefundForm(), tracker, dispatcher, domain))
    assert slots["refund_reason"] == "service_not_rendered"
    assert slots["service_date"] == "2026-11-16"  # today is pinned to 2026-11-21
    assert slots["requested_slot"] == "invoice_number"


@pytest.mark.parametrize("text, switches", [
    ("the data migration started on Monday but we no longer need it", True),
    ("cancel the data migration, it started on Monday", False),
])
def test_a_cancellation_of_a_service_already_begun_becomes_a_refund(dispatcher, domain, text, switches):
    # as Rasa activates the form: the loop is already set when the validation runs
    tracker = make_tracker(text, intent="cancel_service", latest_action="cancellation_form",
                           active_loop="cancellation_form")
    events = run_action(ValidateCancellationForm(), tracker, dispatcher, domain)
    followups = [e["name"] for e in events if e.get("event") == "followup"]
    assert followups == (["refund_form"] if switches else [])
    assert (replies.STARTED_SO_REFUND in [m.get("text") for m in dispatcher.messages]) is switches



def refund_opening_played(dispatcher, domain, monkeypatch, policy: str, text: str) -> tuple[list[str], list[str]]:
    """The refund form's validation run on the message that opened it: the follow-up actions and what it said."""
    monkeypatch.setenv("REFUND_POLICY", f"refund_policies/{policy}.yml")
    tracker = make_tracker(text, intent="request_refund", latest_action="refund_form", active_loop="refund_form")
    events = run_action(ValidateRefundForm(), tracker, dispatcher, domain)
    return [e["name"] for e in events if e.get("event") == "followup"], [m.get("text") for m in dispatcher.messages]


@pytest.mark.parametrize("policy, text, switches", [
    # asks to cancel, with what is left of the plan back, where the cancellation clauses weigh that
    # refund (WebPro's pro rata, Pro-SphereNT's unused portion): a cancellation (issue 15)
    ("webpro_it_solutions", "I want to cancel and get back whatever is left.", True),
    ("webpro_it_solutions", "I'd like to cancel my subscription and get the rest of my money back.", True),
    ("pro_spherent", "I want to cancel and get back whatever is left.", True),
    # where the refund clauses decide the money ("refunds for unused portions"), it stays a refund
    ("tech_support_004", "I paid for a year of support in June. I want to cancel and get the unused months back.",
     False),
    ("pro_it_assist", "I want to cancel and get back whatever is left.", False),
    # ending the contract is WebPro's refund clause; a cancellation behind the customer is a refund
    ("webpro_it_solutions", "I just want to end the contract and get my money back, no particular reason", False),
    ("webpro_it_solutions", "I cancelled my plan last month but you still charged me, I want a refund", False),
    ("webpro_it_solutions", "I was charged twice for invoice INV-20431", False),
    # a story first, then the request: the sentence that asks to cancel is read on its own (the first
    # two were read as neither when the whole message was read at once)
    ("webpro_it_solutions", "Your team got my email working again, but the follow-up calls were a disaster and the "
                            "agent was short with me. Cancel the plan and refund what is left of it.", True),
    ("webpro_it_solutions", "Honestly the laptop cleanup went ok but your agent was condescending on the phone. "
                            "Cancel me and send back what I haven't used.", True),
    ("webpro_it_solutions", "The technician sorted out my printer, but support has been slow ever since. "
                            "Please cancel my plan and pay back the unused weeks.", True),
    ("webpro_it_solutions", "Two issues got fixed, then nobody answered my emails for a month. "
                            "Terminate the subscription and send me what's left of my payment.", True),
    ("pro_spherent", "We moved to another provider last week! Cancel our subscription and return the unused part, thanks.",
     True),
    ("tech_support_004", "We moved to another provider last week! Cancel our subscription and return the unused part.",
     False),
    # a cancellation already behind the customer, told in its own sentence, is no wish to cancel now
    ("webpro_it_solutions", "My plan was cancelled by your side last month. I still got charged, I want my money back.",
     False),
    ("webpro_it_solutions", "I cancelled in October. You billed me again anyway. Refund it.", False),
    # no money asked back: not this switch (WebPro's refund clause is "end the contract without any specific reason")
    ("webpro_it_solutions", "Good morning, we would like to stop the contract, nothing specific. Three tickets were "
                            "handled. We paid 210.", False),
])
def test_a_refund_that_asks_to_cancel_becomes_a_cancellation_where_the_policy_weighs_it(
        dispatcher, domain, monkeypatch, policy, text, switches):
    followups, said = refund_opening_played(dispatcher, domain, monkeypatch, policy, text)
    assert followups == (["cancellation_form"] if switches else [])
    assert (replies.CANCELLATION_WITH_ITS_REFUND in said) is switches



@pytest.mark.parametrize("policy, text, switches", [
    # asks to cancel and for no money back: a cancellation under any policy (issue 15)
    ("tech_support_004", "Our support package renewed this morning. Please cancel it now; I'm not expecting that "
                         "charge to come back.", True),
    ("tech_support_004", "I'd like to cancel the monthly plan before it bills again.", True),
    ("pro_it_assist", "I don't want a refund, just cancel the plan", True),
    ("itmediasolutions", "Please stop my subscription, I do not expect any money back for this month", True),
    # a stop verb and a service, or ending in other words with the money declined (issue 15)
    ("pro_spherent", "Stop the vulnerability scanning service now, I won't pay for another quarter of it", True),
    ("webpro_it_solutions", "I'm not looking for my money, just end the contract please", True),
    # WebPro's refund clause is "end the contract without any specific reason": ending alone is no cancellation
    ("webpro_it_solutions", "want to end the contract, don't use it any more, you solved one case", False),
    # money asked back: the refund clauses decide it, and it stays a refund here
    ("tech_support_004", "Cancel my subscription, the last month was billed twice and I want that refunded", False),
    ("tech_support_004", "I paid for a year of support in June. I want to cancel and get the unused months back.", False),
    ("pro_it_assist", "I cancelled my plan last month but you still charged me, I want a refund", False),
])
def test_a_refund_opening_that_asks_only_to_cancel_becomes_a_cancellation(
        dispatcher, domain, monkeypatch, policy, text, switches):
    followups, said = refund_opening_played(dispatcher, domain, monkeypatch, policy, text)
    assert followups == (["cancellation_form"] if switches else [])
    assert (replies.CANCELLATION_NOT_REFUND in said) is switches

@pytest.mark.parametrize("text, followup", [
    # a question about the terms of cancelling, which the policy answers: answered, nothing opened
    ("is there a minimum term, or can we cancel the monitoring plan any time we like?", "action_answer_policy_question"),
    # a cancellation asked for
    ("we need to cancel the monitoring plan, it renews on the 15th", "cancellation_form"),
])
def test_an_unplaced_question_about_cancelling_is_answered_not_opened(dispatcher, domain, monkeypatch, text, followup):
    monkeypatch.setenv("REFUND_POLICY", "refund_policies/pro_it_assist.yml")
    runtime.cache_clear()
    tracker = make_tracker(text, intent="out_of_scope")
    tracker.latest_message["intent_ranking"] = [{"name": "out_of_scope", "confidence": 0.6},
                                                {"name": "cancel_service", "confidence": 0.3}]
    events = run_action(ActionReadUnplacedMessage(), tracker, dispatcher, domain)
    assert [e["name"] for e in events if e.get("event") == "followup"] == [followup]
