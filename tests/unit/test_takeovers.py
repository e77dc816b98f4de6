"""The take-over rules (refund_desk/takeovers.py) on a SQLite records database, and the processor
patch that makes Rasa stay silent while staff hold a conversation (connectors/takeover.py)."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from refund_desk.records import RecordStore
from refund_desk.staff import StaffDesk
from refund_desk.takeovers import (FROM_ASSISTANT, FROM_STAFF, TAKEN, WAITING, TakeoverRefused, UnknownConversation,
                                   ask_for_person, claim_push, conversation_state, first_name_of, is_taken_over,
                                   pending_pushes, pushed_lines, release, send_staff_message, take_over, waiting_list,
                                   with_pushes)

PASSWORD = "correct horse battery"
SLACK_ADDRESS = {"out_channel": "C0CUSTOMER", "thread_id": "1700000000.000100"}


@pytest.fixture
def store(tmp_path: Path) -> RecordStore:
    return RecordStore(f"sqlite:///{tmp_path / 'records.db'}")


def signed_in_staff(store: RecordStore) -> None:
    desk = StaffDesk(store)
    desk.add("dana.obrien@example.com", PASSWORD)
    desk.log_in("dana.obrien@example.com", PASSWORD, "127.0.0.1")


def test_a_person_joins_only_a_pushable_channel_while_staff_are_signed_in(store: RecordStore) -> None:
    assert ask_for_person(store, "web-1", "socketio", {}, "HO-1") is False  # nobody signed in
    signed_in_staff(store)
    assert ask_for_person(store, "web-2", "socketio", {}, "HO-2") is True
    assert ask_for_person(store, "slack-1", "slack", SLACK_ADDRESS, "HO-3") is True
    assert ask_for_person(store, "rest-1", "rest", {}, "HO-4") is False
    assert ask_for_person(store, "shell-1", "cmdline", {}, None) is False
    listed = {h["sender_id"]: h for h in waiting_list(store)}
    assert set(listed) == {"web-1", "web-2", "slack-1", "rest-1", "shell-1"}
    assert listed["web-2"]["state"] == WAITING and listed["web-2"]["can_receive_messages"]
    assert not listed["rest-1"]["can_receive_messages"] and "rest" in listed["rest-1"]["why_not"]


def test_take_over_send_and_release(store: RecordStore) -> None:
    ask_for_person(store, "slack-1", "slack", SLACK_ADDRESS, "HO-3")
    with pytest.raises(TakeoverRefused):
        send_staff_message(store, "slack-1", "dana.obrien@example.com", "hello")  # not taken over yet
    take_over(store, "slack-1", "dana.obrien@example.com")
    assert is_taken_over(store, "slack-1") and conversation_state(store, "slack-1")["state"] == TAKEN
    with pytest.raises(TakeoverRefused):
        take_over(store, "slack-1", "sam@example.com")  # someone else holds it
    with pytest.raises(TakeoverRefused):
        send_staff_message(store, "slack-1", "sam@example.com", "me too")
    with pytest.raises(TakeoverRefused):
        send_staff_message(store, "slack-1", "dana.obrien@example.com", "  \x00 ")
    send_staff_message(store, "slack-1", "dana.obrien@example.com", "Hi, I'm looking at your invoice now.")
    pending = pending_pushes(store, "slack")
    assert [(p.author, p.author_name, p.text, p.address) for p in pending] == [
        (FROM_STAFF, "Dana", "Hi, I'm looking at your invoice now.", SLACK_ADDRESS)]
    assert pending_pushes(store, "socketio") == []
    assert claim_push(store, pending[0].id) is True
    assert claim_push(store, pending[0].id) is False  # delivered once
    release(store, "slack-1", "dana.obrien@example.com", "Back to the assistant.")
    assert not is_taken_over(store, "slack-1")
    assert [p.author for p in pending_pushes(store, "slack")] == [FROM_ASSISTANT]
    lines = pushed_lines(store, "slack-1")
    assert [(line["from"], line.get("name"), line["delivered"]) for line in lines] == [
        (FROM_STAFF, "Dana", True), (FROM_ASSISTANT, None, False)]
    with pytest.raises(TakeoverRefused):
        release(store, "slack-1", "dana.obrien@example.com", "again")


def test_rest_conversations_cannot_be_taken_over_and_unknown_ones_are_unknown(store: RecordStore) -> None:
    ask_for_person(store, "rest-1", "rest", {}, "HO-4")
    with pytest.raises(TakeoverRefused, match="rest"):
        take_over(store, "rest-1", "dana.obrien@example.com")
    with pytest.raises(UnknownConversation):
        take_over(store, "never-asked", "dana.obrien@example.com")


def test_asking_again_after_a_release_puts_the_conversation_back_on_the_list(store: RecordStore) -> None:
    ask_for_person(store, "web-1", "socketio", {}, "HO-1")
    take_over(store, "web-1", "dana.obrien@example.com")
    release(store, "web-1", "dana.obrien@example.com", "Back.")
    assert waiting_list(store) == []
    ask_for_person(store, "web-1", "socketio", {}, None)
    [again] = waiting_list(store)
    assert again["state"] == WAITING and again["reference"] == "HO-1" and again["taken_by"] is None


def test_first_names_from_staff_e_mails() -> None:
    assert first_name_of("dana.obrien@example.com") == "Dana"
    assert first_name_of("JOSE_luis+desk@example.com") == "Jose"
    assert first_name_of("42@example.com") == "Staff"


def test_pushed_lines_interleave_with_the_tracker_transcript_by_time() -> None:
    said = [{"at": "2026-12-06T05:00:00.100Z", "from": "customer", "text": "a person please"},
            {"at": "2026-12-06T05:00:00.900Z", "from": "customer", "text": "thanks"}]
    pushed = [{"at": "2026-12-06T05:00:00.500Z", "from": "staff", "text": "Hi"}]
    assert [line["text"] for line in with_pushes(said, pushed)] == ["a person please", "Hi", "thanks"]


def test_rasa_stays_silent_while_staff_hold_the_conversation_even_after_a_new_session() -> None:
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.events import ConversationPaused, SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker

    from connectors import takeover

    takeover.install()
    tracker = DialogueStateTracker("web-1", slots=[])
    tracker.update(ConversationPaused())
    tracker.update(SessionStarted())  # a new session un-pauses the tracker
    assert not tracker.is_paused()

    def decide(taken):
        token = takeover.TAKEN_OVER.set(taken)
        try:
            return MessageProcessor._should_handle_message(tracker)
        finally:
            takeover.TAKEN_OVER.reset(token)

    assert decide(True) is False and tracker.is_paused()  # paused again, from the database's word
    assert decide(False) is True and not tracker.is_paused()  # released: resumed
    assert decide(None) is True  # outside a guarded channel: Rasa's own rule


def test_a_push_is_delivered_by_the_process_that_reaches_the_customer_once(store: RecordStore) -> None:
    from connectors.takeover import PushDelivery

    ask_for_person(store, "web-here", "socketio", {}, None)
    ask_for_person(store, "web-elsewhere", "socketio", {}, None)
    for sender in ("web-here", "web-elsewhere"):
        take_over(store, sender, "dana.obrien@example.com")
        send_staff_message(store, sender, "dana.obrien@example.com", f"hello {sender}")
    sent: list[str] = []

    async def deliver(push) -> None:
        sent.append(push.text)

    here = PushDelivery(store, "socketio", lambda push: push.sender_id == "web-here", deliver)
    assert asyncio.run(here.deliver_pending()) == 1
    assert asyncio.run(here.deliver_pending()) == 0
    assert sent == ["hello web-here"]
    assert [p.sender_id for p in pending_pushes(store, "socketio")] == ["web-elsewhere"]


def test_a_hung_database_costs_one_time_limit_and_counts_as_not_taken_over(store: RecordStore, monkeypatch) -> None:
    import threading
    import time

    from connectors import takeover

    ask_for_person(store, "web-1", "socketio", {}, None)
    take_over(store, "web-1", "dana.obrien@example.com")
    lookup = takeover.TakeoverLookup(store, time_limit=0.3)
    assert asyncio.run(lookup.taken("web-1")) is True
    released = threading.Event()
    monkeypatch.setattr(takeover, "is_taken_over", lambda *_: released.wait(10))  # the database stops answering

    async def twice() -> tuple[bool, bool, float]:
        started = time.monotonic()
        first, second = await lookup.taken("web-1"), await lookup.taken("web-1")
        took = time.monotonic() - started
        released.set()  # the database answers again
        return first, second, took

    first, second, took = asyncio.run(twice())
    assert (first, second) == (False, False) and took < 0.6  # one limit, the second did not wait
