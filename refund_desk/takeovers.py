"""Live take-over of a conversation by staff (no Rasa here): the waiting list, who holds which
conversation, and the messages the console pushes into the customer's channel.

A customer who asks for a person is put on the waiting list (`ask_for_person`). A staff member
takes the conversation over (`take_over`): from then on the assistant stays silent in it, however
many sessions or restarts pass, because the channels ask `is_taken_over` on every message. What
staff write (`send_staff_message`) and the assistant's greeting on `release` are kept as pushes:
rows that the Rasa worker holding the customer's connection delivers once (`pending_pushes`,
`claim_push`), whichever process wrote them.

Only channels that can receive a message the customer did not ask for can be joined
(PUSHABLE_CHANNELS: the website widget and Slack). REST and `rasa shell` answer only the request
in hand, so their customers get the refund policy's contact and the hand-off record as before.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import Column, DateTime, Integer, String, Text, select, update

from refund_desk.records import Base, RecordStore, _now
from refund_desk.security import clean_text
from refund_desk.staff import StaffSession

PUSHABLE_CHANNELS = ("socketio", "slack")
MAX_STAFF_MESSAGE_CHARS = 4000
WAITING, TAKEN, RELEASED = "waiting", "taken", "released"
FROM_STAFF, FROM_ASSISTANT = "staff", "assistant"


class Takeover(Base):
    """A conversation whose customer asked for a person: waiting, taken over by staff, or released."""

    __tablename__ = "takeovers"
    sender_id = Column(String(128), primary_key=True)
    channel = Column(String(32))
    address = Column(Text)  # JSON: where the channel posts (Slack: out_channel, thread_id)
    reference = Column(String(32))  # the hand-off record
    state = Column(String(16), nullable=False)
    asked_at = Column(DateTime, nullable=False, default=_now)
    taken_by = Column(String(254))
    taken_at = Column(DateTime)
    released_at = Column(DateTime)


class Push(Base):
    """A message for a customer written outside a turn (by staff, or the assistant's greeting back)."""

    __tablename__ = "conversation_pushes"
    id = Column(Integer, primary_key=True)
    sender_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32))
    author = Column(String(16), nullable=False)  # FROM_STAFF or FROM_ASSISTANT
    author_name = Column(String(64))  # the staff member's first name
    text = Column(Text, nullable=False)
    written_at = Column(DateTime, nullable=False, default=_now)
    delivered_at = Column(DateTime, index=True)


class TakeoverRefused(ValueError):
    """A take-over step that cannot be done (the message says why, for staff)."""


class UnknownConversation(LookupError):
    """No customer of this conversation asked for a person."""


@dataclass(frozen=True)
class PendingPush:
    id: int
    sender_id: str
    channel: Optional[str]
    address: dict[str, Any]
    author: str
    author_name: Optional[str]
    text: str


def can_receive_pushes(channel: Optional[str]) -> bool:
    return channel in PUSHABLE_CHANNELS


def cannot_push_reason(channel: Optional[str]) -> str:
    """What the console says about a conversation it cannot write into."""
    return (f"This customer writes through {channel or 'an unknown channel'}, which only answers the customer's own "
            "messages: nothing can be sent to them from here. Reach them through the hand-off record's contact.")


def first_name_of(email: str) -> str:
    """The first name a staff member's e-mail shows ('dana.o-brien@…' -> 'Dana'), else 'Staff'."""
    local = email.split("@", 1)[0]
    first = next((part for part in re.split(r"[._+\-\d]+", local) if part), "")
    return first[:1].upper() + first[1:].lower() if first else "Staff"


def staff_available(store: RecordStore) -> bool:
    """Whether a staff member is signed in to the console now."""
    with store.transaction() as session:
        return session.execute(select(StaffSession.token_hash).where(StaffSession.expires_at > _now())
                               .limit(1)).first() is not None


def ask_for_person(store: RecordStore, sender_id: str, channel: Optional[str], address: Optional[dict[str, Any]],
                   reference: Optional[str]) -> bool:
    """Put the conversation on the waiting list; True when a person can join it now (its channel can
    receive their messages and someone is signed in)."""
    with store.transaction() as session:
        row = session.get(Takeover, sender_id)
        if row is None:
            row = Takeover(sender_id=sender_id, state=WAITING)
            session.add(row)
        elif row.state == RELEASED:
            row.state, row.asked_at, row.taken_by, row.taken_at, row.released_at = WAITING, _now(), None, None, None
        row.channel = channel
        row.address = json.dumps(address or {})
        row.reference = reference or row.reference
        session.commit()
    return can_receive_pushes(channel) and staff_available(store)


def is_taken_over(store: RecordStore, sender_id: str) -> bool:
    """Whether staff hold this conversation (the assistant must stay silent in it)."""
    with store.transaction() as session:
        return session.execute(select(Takeover.state).where(Takeover.sender_id == sender_id)).scalar() == TAKEN


def waiting_list(store: RecordStore) -> list[dict[str, Any]]:
    """Conversations waiting for a person or held by one, oldest request first."""
    with store.transaction() as session:
        rows = session.execute(select(Takeover).where(Takeover.state.in_((WAITING, TAKEN)))
                               .order_by(Takeover.asked_at)).scalars()
        return [describe(row) for row in rows]


def conversation_state(store: RecordStore, sender_id: str) -> Optional[dict[str, Any]]:
    """The conversation's take-over state (describe), or None when its customer never asked for a person."""
    with store.transaction() as session:
        row = session.get(Takeover, sender_id)
        return describe(row) if row is not None else None


def describe(row: Takeover) -> dict[str, Any]:
    joinable = can_receive_pushes(row.channel)
    return {"sender_id": row.sender_id, "channel": row.channel, "reference": row.reference, "state": row.state,
            "asked_at": _iso(row.asked_at), "taken_by": row.taken_by, "taken_at": _iso(row.taken_at),
            "can_receive_messages": joinable, "why_not": None if joinable else cannot_push_reason(row.channel)}


def take_over(store: RecordStore, sender_id: str, by: str) -> dict[str, Any]:
    """`by` (a staff e-mail) holds the conversation from now on; the assistant stays silent in it."""
    with store.transaction() as session:
        row = _asked(session, sender_id)
        if not can_receive_pushes(row.channel):
            raise TakeoverRefused(cannot_push_reason(row.channel))
        if row.state == TAKEN and row.taken_by != by:
            raise TakeoverRefused(f"{row.taken_by} has already taken this conversation over.")
        row.state, row.taken_by, row.taken_at, row.released_at = TAKEN, by, _now(), None
        session.commit()
        return describe(row)


def send_staff_message(store: RecordStore, sender_id: str, by: str, text: Any) -> dict[str, Any]:
    """A staff member's message, queued for the customer's channel; only while they hold the conversation."""
    text = clean_text(text).strip() if isinstance(text, str) else ""
    if not text:
        raise TakeoverRefused("the message is empty")
    if len(text) > MAX_STAFF_MESSAGE_CHARS:
        raise TakeoverRefused(f"a message may have at most {MAX_STAFF_MESSAGE_CHARS} characters")
    with store.transaction() as session:
        row = _asked(session, sender_id)
        if row.state != TAKEN:
            raise TakeoverRefused("take the conversation over before writing to the customer")
        if row.taken_by != by:
            raise TakeoverRefused(f"{row.taken_by} holds this conversation.")
        push = Push(sender_id=sender_id, channel=row.channel, author=FROM_STAFF, author_name=first_name_of(by),
                    text=text)
        session.add(push)
        session.commit()
        return push_line(push)


def release(store: RecordStore, sender_id: str, by: str, greeting: str) -> dict[str, Any]:
    """The assistant answers again; it greets the customer back with `greeting`."""
    with store.transaction() as session:
        row = _asked(session, sender_id)
        if row.state != TAKEN:
            raise TakeoverRefused("this conversation is not taken over")
        row.state, row.released_at = RELEASED, _now()
        session.add(Push(sender_id=sender_id, channel=row.channel, author=FROM_ASSISTANT, text=greeting))
        session.commit()
        return describe(row)


def pending_pushes(store: RecordStore, channel: str, limit: int = 200) -> list[PendingPush]:
    """Undelivered pushes for a channel, oldest first, with where to post them."""
    with store.transaction() as session:
        rows = session.execute(
            select(Push, Takeover.address).join(Takeover, Takeover.sender_id == Push.sender_id, isouter=True)
            .where(Push.delivered_at.is_(None), Push.channel == channel).order_by(Push.id).limit(limit)).all()
        return [PendingPush(p.id, p.sender_id, p.channel, json.loads(address or "{}"), p.author, p.author_name,
                            p.text) for p, address in rows]


def claim_push(store: RecordStore, push_id: int) -> bool:
    """Mark a push delivered; False when another process claimed it first (so it is sent once)."""
    with store.transaction() as session:
        claimed = session.execute(update(Push).where(Push.id == push_id, Push.delivered_at.is_(None))
                                  .values(delivered_at=_now())).rowcount
        session.commit()
    return claimed == 1


def pushed_lines(store: RecordStore, sender_id: str) -> list[dict[str, Any]]:
    """What was pushed into the conversation, as transcript lines."""
    with store.transaction() as session:
        return [push_line(p) for p in session.execute(
            select(Push).where(Push.sender_id == sender_id).order_by(Push.id)).scalars()]


def push_line(push: Push) -> dict[str, Any]:
    line = {"at": _iso(push.written_at, "milliseconds"), "from": push.author, "text": push.text,
            "delivered": push.delivered_at is not None}
    if push.author_name:
        line["name"] = push.author_name
    return line


def with_pushes(said: list[dict[str, Any]], pushed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tracker's transcript and the pushed lines in time order (the tracker's first at equal times;
    both write "at" to the millisecond)."""
    order = {id(line): i for i, line in enumerate(said + pushed)}
    return sorted(said + pushed, key=lambda line: (line.get("at") or "", order[id(line)]))


def _asked(session: Any, sender_id: str) -> Takeover:
    row = session.get(Takeover, sender_id)
    if row is None:
        raise UnknownConversation(sender_id)
    return row


def _iso(moment: Optional[datetime], timespec: str = "seconds") -> Optional[str]:
    """UTC as ISO 8601 with a Z; transcript lines to the millisecond, as refund_desk.transcripts writes them."""
    return moment.isoformat(timespec=timespec) + "Z" if moment else None
