"""The hand-off with the live take-over (issue 18 §2): the conversation on the console's waiting
list, and "a person will join" only where one can (widget or Slack, a staff member signed in)."""
from __future__ import annotations

import pytest

from actions.conversation import ActionHandoff
from actions.runtime import runtime
from refund_desk.replies import person_joining_message
from refund_desk.staff import StaffDesk
from refund_desk.takeovers import conversation_state, pending_pushes, send_staff_message, take_over
from tests.actions.conftest import make_tracker, run_action, slot_events, texts

PASSWORD = "correct horse battery"
JOINING = person_joining_message(None).splitlines()[0]
CONTACT = {"customer_name": "Ann Ito", "customer_email": "ann.ito@example.com"}  # else the hand-off asks for them first
SLACK_METADATA = {"out_channel": "D0CUSTOMER", "thread_id": "1700000000.000100", "users": ["U0BOT"]}


def staff_signed_in() -> None:
    desk = StaffDesk(runtime().store)
    desk.add("dana.obrien@example.com", PASSWORD)
    desk.log_in("dana.obrien@example.com", PASSWORD, "127.0.0.1")


@pytest.mark.parametrize("channel", ["socketio", "slack"])
def test_a_person_will_join_when_staff_are_signed_in(channel, dispatcher, domain):
    staff_signed_in()
    tracker = make_tracker("can I speak to someone", "request_human", CONTACT, channel=channel, metadata=SLACK_METADATA,
                           sender=f"{channel}-customer")
    reference = slot_events(run_action(ActionHandoff(), tracker, dispatcher, domain))["request_reference"]
    said = texts(dispatcher)
    assert JOINING in said and reference in said
    assert "support@proitassist.com" not in said  # no "write to us": a person is coming here
    listed = conversation_state(runtime().store, f"{channel}-customer")
    assert (listed["state"], listed["channel"], listed["reference"]) == ("waiting", channel, reference)


def test_slack_messages_from_staff_go_where_the_customer_wrote(dispatcher, domain):
    staff_signed_in()
    tracker = make_tracker("a human please", "request_human", CONTACT, channel="slack", metadata=SLACK_METADATA,
                           sender="U0CUSTOMER")
    run_action(ActionHandoff(), tracker, dispatcher, domain)
    take_over(runtime().store, "U0CUSTOMER", "dana.obrien@example.com")
    send_staff_message(runtime().store, "U0CUSTOMER", "dana.obrien@example.com", "Hi")
    [push] = pending_pushes(runtime().store, "slack")
    assert push.address == {"out_channel": "D0CUSTOMER", "thread_id": "1700000000.000100"}


@pytest.mark.parametrize("channel, staff", [("socketio", False), ("rest", True), ("cmdline", True)])
def test_otherwise_the_contact_and_the_record_as_before(channel, staff, dispatcher, domain):
    if staff:
        staff_signed_in()
    tracker = make_tracker("let me talk to a person", "request_human", CONTACT, channel=channel, sender=f"{channel}-1")
    slots = slot_events(run_action(ActionHandoff(), tracker, dispatcher, domain))
    said = texts(dispatcher)
    assert JOINING not in said and "support@proitassist.com" in said and slots["request_reference"] in said
    assert conversation_state(runtime().store, f"{channel}-1")["state"] == "waiting"  # listed all the same
