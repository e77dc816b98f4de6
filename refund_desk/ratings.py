"""Customer satisfaction: one answer per conversation to "Did this help?" (yes or no, and the
customer's own words when they said more), kept in the records database for the report."""
from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Text, select
from sqlalchemy.exc import IntegrityError

from refund_desk.records import Base, RecordStore, _now
from refund_desk.security import clean_text


class Rating(Base):
    __tablename__ = "ratings"
    id = Column(Integer, primary_key=True)
    sender_id = Column(Text, nullable=False, unique=True)  # one answer per conversation
    helped = Column(Boolean, nullable=False)
    comment = Column(Text)
    channel = Column(String(32))
    refund_policy = Column(String(64))
    created_at = Column(DateTime, nullable=False, default=_now)


def save_rating(store: RecordStore, sender_id: str, helped: bool, comment: Optional[str],
                channel: Optional[str], refund_policy: Optional[str]) -> bool:
    """Keep the conversation's answer; False when it had answered already (the first answer stays)."""
    with store.transaction() as session:
        session.add(Rating(sender_id=sender_id, helped=helped, comment=clean_text(comment), channel=channel,
                           refund_policy=refund_policy))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
    return True


def all_ratings(store: RecordStore) -> list[dict[str, Any]]:
    with store.transaction() as session:
        return [{"sender_id": r.sender_id, "helped": r.helped, "comment": r.comment, "channel": r.channel,
                 "refund_policy": r.refund_policy,
                 "created_at": r.created_at.isoformat(timespec="seconds") + "Z"}
                for r in session.execute(select(Rating).order_by(Rating.id)).scalars()]
