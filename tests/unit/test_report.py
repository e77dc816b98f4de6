"""The report's figures, from conversations' events and request records (a table of made-up ones)."""
from datetime import datetime

from refund_desk.report import build_report, conversation_from_events

T0 = datetime(2026, 12, 1, 9, 0).timestamp() - datetime(1970, 1, 1).timestamp()  # naive UTC seconds
HOUR = 3600.0


def user(text, at, channel="socketio"):
    return {"event": "user", "text": text, "timestamp": at, "input_channel": channel}


def action(name, at):
    return {"event": "action", "name": name, "timestamp": at}


def loop(name, at):
    return {"event": "active_loop", "name": name, "timestamp": at}


def record(ref, sender, kind="refund", email=None, outcome="eligible", policy="pro_it_assist", channel="socketio",
           created="2026-12-01T09:05:00Z", history=()):
    return {"reference": ref, "sender_id": sender, "kind": kind, "customer_email": email, "eligibility": outcome,
            "refund_policy": policy, "channel": channel, "created_at": created,
            "history": [{"from": None, "to": "open", "by": "assistant", "at": created}, *history]}


EVENTS = {
    "refund-then-back": [user("refund please", T0), loop("refund_form", T0 + 1), loop(None, T0 + 60),
                         action("action_submit_refund", T0 + 61)],
    "back-two-days-later": [user("another refund", T0 + 48 * HOUR), loop("refund_form", T0 + 48 * HOUR + 1),
                            loop(None, T0 + 48 * HOUR + 60)],
    "question": [user("how long do refunds take?", T0, "rest"), action("action_answer_policy_question", T0 + 1)],
    "person": [user("a human please", T0, "slack"), action("action_handoff", T0 + 1)],
    "left-mid-form": [user("cancel my plan", T0), loop("cancellation_form", T0 + 1)],
    "said-nothing": [action("action_session_start", T0)],
}
RECORDS = [
    record("RF-1", "refund-then-back", email="Ann@example.com",
           history=[{"from": "open", "to": "approved", "by": "staff@example.com", "at": "2026-12-01T15:05:00Z"}]),
    record("RF-2", "back-two-days-later", email="ann@example.com", outcome="review", created="2026-12-03T09:01:00Z",
           history=[{"from": "open", "to": "in_review", "by": "staff@example.com", "at": "2026-12-03T11:01:00Z"}]),
    record("HO-1", "person", kind="handoff", outcome=None, channel="slack"),
]


RATINGS = [
    {"sender_id": "question", "helped": True, "channel": "rest", "refund_policy": "pro_it_assist",
     "created_at": "2026-12-01T09:01:00Z"},
    {"sender_id": "refund-then-back", "helped": False, "channel": "socketio", "refund_policy": "pro_it_assist",
     "created_at": "2026-12-01T09:02:00Z"},
    {"sender_id": "back-two-days-later", "helped": True, "channel": "socketio", "refund_policy": "pro_it_assist",
     "created_at": "2026-12-03T09:02:00Z"},
]


def report(since=None):
    conversations = [c for c in (conversation_from_events(s, e) for s, e in EVENTS.items()) if c]
    return build_report(conversations, RECORDS, since, "pro_it_assist", RATINGS)


def test_the_figures():
    r = report()
    assert r["conversations"] == 5  # the one that said nothing is no conversation
    # the question, and the second refund; the first came back within 72 hours; the hand-off is not resolved
    assert r["resolved_by_assistant"] == 2
    assert (r["handed_off"], r["abandoned"], r["requests_opened"]) == (1, 1, 3)
    assert r["requests_by_kind"] == {"handoff": 1, "refund": 2}
    assert r["requests_by_outcome"] == {"eligible": 1, "none": 1, "review": 1}
    assert r["median_hours_to_status_change"] == 4.0  # 6 hours and 2 hours
    assert r["csat"] == {"responses": 3, "average": 0.6667}  # two of three said yes


def test_per_channel_and_per_policy():
    r = report()
    assert set(r["per_channel"]) == {"rest", "slack", "socketio"}
    assert r["per_channel"]["slack"]["handed_off"] == 1 and r["per_channel"]["rest"]["resolved_by_assistant"] == 1
    assert r["per_channel"]["socketio"]["abandoned"] == 1 and r["per_channel"]["socketio"]["requests_opened"] == 2
    assert r["per_policy"]["pro_it_assist"]["conversations"] == 5
    assert r["per_channel"]["rest"]["csat"] == {"responses": 1, "average": 1.0}
    assert r["per_channel"]["socketio"]["csat"] == {"responses": 2, "average": 0.5}


def test_since_leaves_earlier_conversations_and_records_out():
    r = report(since=datetime(2026, 12, 2))
    assert (r["conversations"], r["requests_opened"], r["resolved_by_assistant"]) == (1, 1, 1)
    assert r["csat"]["responses"] == 1


def test_no_conversations():
    empty = build_report([], [], None, "pro_it_assist")
    assert empty["conversations"] == 0 and empty["median_hours_to_status_change"] is None
    assert empty["csat"] == {"responses": 0, "average": None}
