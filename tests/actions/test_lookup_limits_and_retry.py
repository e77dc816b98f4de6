"""On real Trackers and a real database: "yes" after "couldn't save yet" saves the request; the
look-up limits hold across `/restart` (a tracker without the slot count) and new sender ids; the
refund form's "you already have an open request" is counted and, past the limit, keeps its reference."""
from rasa_sdk import Tracker

from actions.conversation import ActionCheckStatus
from actions.runtime import runtime
from actions.csat import ActionAnswerYesNo
from actions.submit import ActionSubmitRefund
from refund_desk.records import RecordStoreUnavailable
from tests.actions.conftest import ALL_SLOTS, make_tracker, run_action, slot_events, texts

REFUND = {"invoice_number": "INV-20431", "service_date": "2026-11-17", "refund_reason": "duplicate_payment",
          "customer_name": "Jane Doe", "customer_email": "jane@example.com", "confirmed": True}


def user(text, intent):
    return {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent}, "entities": []}}


def yes_after(actions_before, slots=REFUND, sender="customer-1"):
    """The tracker of a "yes" typed after `actions_before` (the bot's actions since the summary's yes)."""
    values = {name: None for name in ALL_SLOTS}
    values.update(slots)
    events = [user("yes", "affirm"), *({"event": "action", "name": a} for a in actions_before), user("yes", "affirm")]
    latest = {"text": "yes", "intent": {"name": "affirm", "confidence": 0.99}, "entities": [], "metadata": {}}
    return Tracker(sender, values, latest, events, False, None, {}, "action_listen")


def test_yes_after_couldnt_save_saves_the_request(dispatcher, domain, monkeypatch):
    store = runtime().store
    real_open = store.open_request
    failures = iter([RecordStoreUnavailable("down"), RecordStoreUnavailable("still down")])

    def failing_twice(*args, **kwargs):
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return real_open(*args, **kwargs)

    monkeypatch.setattr(store, "open_request", failing_twice)
    events = run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND), dispatcher, domain)
    assert "request_reference" not in slot_events(events)
    said = texts(dispatcher)
    assert "couldn't save your request" in said and 'say "yes"' in said
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == ["/affirm", "/deny"]

    dispatcher.messages.clear()  # "yes": the save is tried again and fails again
    events = run_action(ActionAnswerYesNo(), yes_after(["action_submit_refund", "action_listen"]), dispatcher, domain)
    assert "request_reference" not in slot_events(events) and "couldn't save" in texts(dispatcher)

    dispatcher.messages.clear()  # "yes" once more: saved
    tracker = yes_after(["action_submit_refund", "action_listen", "action_answer_yes_no", "action_listen"])
    slots = slot_events(run_action(ActionAnswerYesNo(), tracker, dispatcher, domain))
    reference = slots["request_reference"]
    assert reference in texts(dispatcher) and slots["confirmed"] is None
    record = store.get(reference)
    assert (record["invoice_number"], record["customer_email"], record["eligibility"]) == (
        "INV-20431", "jane@example.com", "eligible")


def test_yes_with_nothing_to_retry_asks_what_for(dispatcher, domain):
    saved = run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND), dispatcher, domain)
    assert slot_events(saved)["request_reference"]
    dispatcher.messages.clear()
    # after a save the request slots are cleared: "yes" does not save a second time
    cleared = {**REFUND, **{k: v for k, v in slot_events(saved).items() if k in REFUND}}
    run_action(ActionAnswerYesNo(), yes_after(["action_submit_refund", "action_listen"], cleared), dispatcher, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_what_for"]
    # nor after anything else
    dispatcher.messages.clear()
    run_action(ActionAnswerYesNo(), yes_after(["utter_greet", "action_listen"]), dispatcher, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_what_for"]
    assert len(runtime().store.list()) == 1


def guess(dispatcher, domain, sender, key, client="203.0.113.5"):
    dispatcher.messages.clear()
    tracker = make_tracker("status", slots={"lookup_key": key}, sender=sender, metadata={"client_address": client})
    run_action(ActionCheckStatus(), tracker, dispatcher, domain)
    return texts(dispatcher)


def test_guesses_are_refused_across_restart_and_new_sender_ids(dispatcher, domain):
    real = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND, sender="owner"),
                                  dispatcher, domain))["request_reference"]
    for i in range(5):  # the slot count starts at 0 each time, as after /restart
        assert "couldn't find" in guess(dispatcher, domain, "guesser", f"RF-ZZZZZ-ZZZZ{i + 2}")
    assert "can't look up any more" in guess(dispatcher, domain, "guesser", real)  # even the right one
    for i in range(5):  # new sender ids from the same client: the client's limit (10)
        assert "couldn't find" in guess(dispatcher, domain, f"guesser-{i}", f"RF-YYYYY-YYYY{i + 2}")
    refused = guess(dispatcher, domain, "guesser-new", real)
    assert "can't look up any more" in refused and "open and waiting" not in refused
    # another client is not refused, and the right reference is not counted
    assert "open and waiting" in guess(dispatcher, domain, "someone", real, client="198.51.100.9")


def test_the_already_open_answer_is_counted_then_withheld(dispatcher, domain):
    owner = slot_events(run_action(ActionSubmitRefund(), make_tracker("yes", "affirm", REFUND, sender="owner"),
                                   dispatcher, domain))["request_reference"]
    stranger_says = []
    for i in range(6):
        dispatcher.messages.clear()
        tracker = make_tracker("yes", "affirm", REFUND, sender="stranger", metadata={"client_address": "192.0.2.8"})
        events = slot_events(run_action(ActionSubmitRefund(), tracker, dispatcher, domain))
        stranger_says.append((texts(dispatcher), events.get("request_reference")))
    assert all(owner in said and ref == owner for said, ref in stranger_says[:5])
    said, ref = stranger_says[5]
    assert owner not in said and ref is None and "already an open refund request" in said
    assert len(runtime().store.list()) == 1
