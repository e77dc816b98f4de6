"""Did the assistant help? Figures over conversations and request records, as support teams count
them (Intercom's and Zendesk's resolution rate and containment):

- conversations: each conversation id once;
- resolved_by_assistant: a request opened or a policy question answered, no hand-off to a person, and
  no new conversation from the same customer (the same e-mail on a request) within 72 hours;
- handed_off: the customer asked for a person (a hand-off record or the hand-off answer);
- abandoned: the conversation ended in the middle of a form;
- requests_opened (hand-offs included), requests_by_kind, requests_by_outcome;
- median_hours_to_status_change: from a request's opening to the first change staff made;
- csat: the answers to "Did this help?" and the share of yes (customer satisfaction);
- per_policy and per_channel: the same figures for each refund policy and channel.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional

if TYPE_CHECKING:
    from refund_desk.records import RecordStore
    from refund_desk.settings import Settings

RETURN_WINDOW = timedelta(hours=72)
POLICY_ANSWER_ACTIONS = ("action_answer_policy_question",)
HANDOFF_ACTIONS = ("action_handoff",)


@dataclass
class Conversation:
    """What the report needs of one conversation, read from its events."""

    sender_id: str
    channel: Optional[str] = None
    started: Optional[datetime] = None
    answered_question: bool = False
    asked_for_a_person: bool = False
    ended_in_form: bool = False
    records: list[Mapping[str, Any]] = field(default_factory=list)


def conversation_from_events(sender_id: str, events: Iterable[Mapping[str, Any]]) -> Optional[Conversation]:
    """A conversation from Rasa event dicts in order; None when the customer never said anything."""
    conv = Conversation(sender_id)
    active_form: Optional[str] = None
    said = False
    for event in events:
        kind = event.get("event")
        if kind == "user":
            said = True
            conv.channel = conv.channel or event.get("input_channel")
            if conv.started is None and isinstance(event.get("timestamp"), (int, float)):
                conv.started = datetime.utcfromtimestamp(event["timestamp"])
        elif kind == "action":
            name = event.get("name")
            conv.answered_question |= name in POLICY_ANSWER_ACTIONS
            conv.asked_for_a_person |= name in HANDOFF_ACTIONS
        elif kind == "active_loop":
            active_form = event.get("name")
    conv.ended_in_form = active_form is not None
    return conv if said else None


def _created(record: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(record["created_at"]).rstrip("Z"))


def _hours_to_first_staff_change(record: Mapping[str, Any]) -> Optional[float]:
    for change in record.get("history") or []:
        if change.get("from") is not None and change.get("by") != "assistant":
            return (datetime.fromisoformat(str(change["at"]).rstrip("Z")) - _created(record)).total_seconds() / 3600
    return None


def _returned(conv: Conversation, others: list[Conversation]) -> bool:
    """Whether the same customer (an e-mail on both conversations' requests) came back within 72 hours."""
    emails = {str(r["customer_email"]).lower() for r in conv.records if r.get("customer_email")}
    if not emails or conv.started is None:
        return False
    for other in others:
        if other is conv or other.started is None or not (conv.started < other.started <= conv.started + RETURN_WINDOW):
            continue
        if emails & {str(r["customer_email"]).lower() for r in other.records if r.get("customer_email")}:
            return True
    return False


def figures(conversations: list[Conversation], records: list[Mapping[str, Any]],
            everyone: list[Conversation], ratings: list[Mapping[str, Any]]) -> dict[str, Any]:
    handed_off = [c for c in conversations if c.asked_for_a_person or any(r["kind"] == "handoff" for r in c.records)]
    helped = [c for c in conversations if c not in handed_off
              and (c.answered_question or any(r["kind"] != "handoff" for r in c.records))]
    hours = [h for h in (_hours_to_first_staff_change(r) for r in records) if h is not None]
    return {
        "conversations": len(conversations),
        "resolved_by_assistant": sum(1 for c in helped if not _returned(c, everyone)),
        "handed_off": len(handed_off),
        "abandoned": sum(1 for c in conversations if c.ended_in_form),
        "requests_opened": len(records),
        "requests_by_kind": dict(sorted(Counter(r["kind"] for r in records).items())),
        "requests_by_outcome": dict(sorted(Counter(r.get("eligibility") or "none" for r in records).items())),
        "median_hours_to_status_change": round(median(hours), 2) if hours else None,
        # CSAT: the share of "yes" answers to "Did this help?" (1.0 = every customer who answered said yes)
        "csat": {"responses": len(ratings),
                 "average": round(sum(bool(r["helped"]) for r in ratings) / len(ratings), 4) if ratings else None},
    }


def build_report(conversations: list[Conversation], records: list[Mapping[str, Any]],
                 since: Optional[datetime], active_policy: str,
                 ratings: Optional[list[Mapping[str, Any]]] = None) -> dict[str, Any]:
    """The figures overall, per refund policy and per channel. Conversations and records before
    `since` are left out; a conversation that opened no request counts under the active policy."""
    records = [r for r in records if since is None or _created(r) >= since]
    ratings = [r for r in ratings or [] if since is None or _created(r) >= since]
    conversations = [c for c in conversations if since is None or (c.started and c.started >= since)]
    by_sender: dict[str, list[Mapping[str, Any]]] = {}
    for record in records:
        by_sender.setdefault(record.get("sender_id") or "", []).append(record)
    for conv in conversations:
        conv.records = by_sender.get(conv.sender_id, [])

    def policy_of(conv: Conversation) -> str:
        return next((r["refund_policy"] for r in conv.records if r.get("refund_policy")), active_policy)

    report = figures(conversations, records, conversations, ratings)
    report["per_policy"] = {
        policy: figures([c for c in conversations if policy_of(c) == policy],
                        [r for r in records if (r.get("refund_policy") or active_policy) == policy], conversations,
                        [r for r in ratings if (r.get("refund_policy") or active_policy) == policy])
        for policy in sorted({policy_of(c) for c in conversations} | {r.get("refund_policy") or active_policy
                                                                       for r in records})}
    channel_of = {c.sender_id: c.channel or "unknown" for c in conversations}
    report["per_channel"] = {
        channel: figures([c for c in conversations if (c.channel or "unknown") == channel],
                         [r for r in records if (r.get("channel") or channel_of.get(r.get("sender_id") or "", "unknown"))
                          == channel], conversations,
                         [r for r in ratings if (r.get("channel") or "unknown") == channel])
        for channel in sorted(set(channel_of.values()) | {r.get("channel") or "unknown" for r in [*records, *ratings]})}
    return report


def current_report(settings: "Settings", store: "RecordStore", since: Optional[datetime] = None) -> dict[str, Any]:
    """The report over the tracker store and the records the settings name (CLI and console)."""
    from refund_desk.ratings import all_ratings
    from refund_desk.refund_policy_loader import load_refund_policy
    from refund_desk.transcripts import all_conversations

    conversations = [c for c in (conversation_from_events(sender, events) for sender, events
                                 in all_conversations(settings, since).items()) if c is not None]
    return build_report(conversations, store.list(), since, load_refund_policy(settings.refund_policy).id,
                        all_ratings(store))
