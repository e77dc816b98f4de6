"""What the staff console reads about requests: filtered, paged lists newest first, and the
requests related to one (the same invoice, the same customer)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Optional

from sqlalchemy import and_, func, or_, select

from refund_desk.records import RecordStore, RequestRecord

PAGE_SIZE = 25


@dataclass(frozen=True)
class RequestFilter:
    status: Optional[str] = None
    kind: Optional[str] = None
    policy: Optional[str] = None  # the refund policy's name as stored on the record
    channel: Optional[str] = None
    created_from: Optional[date] = None  # first day, inclusive
    created_to: Optional[date] = None  # last day, inclusive
    text: Optional[str] = None  # in the reference, invoice, name, e-mail, decision or conversation id


@dataclass(frozen=True)
class RequestPage:
    records: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def _conditions(f: RequestFilter) -> list[Any]:
    conditions: list[Any] = []
    for column, value in ((RequestRecord.status, f.status), (RequestRecord.kind, f.kind),
                          (RequestRecord.refund_policy, f.policy), (RequestRecord.channel, f.channel)):
        if value:
            conditions.append(column == value)
    if f.created_from:
        conditions.append(RequestRecord.created_at >= datetime.combine(f.created_from, time.min))
    if f.created_to:
        conditions.append(RequestRecord.created_at < datetime.combine(f.created_to + timedelta(days=1), time.min))
    if f.text and f.text.strip():
        needle = f.text.strip().lower()
        conditions.append(or_(*(func.lower(column).contains(needle, autoescape=True) for column in (
            RequestRecord.reference, RequestRecord.invoice_number, RequestRecord.customer_name,
            RequestRecord.customer_email, RequestRecord.decision, RequestRecord.sender_id))))
    return conditions


def search_requests(store: RecordStore, f: RequestFilter, page: int = 1, per_page: int = PAGE_SIZE) -> RequestPage:
    """One page of the requests that match, newest first."""
    where = and_(*_conditions(f))
    with store.transaction() as session:
        total = session.execute(select(func.count()).select_from(RequestRecord).where(where)).scalar_one()
        pages = max(1, math.ceil(total / per_page))
        page = min(max(1, page), pages)
        stmt = (select(RequestRecord).where(where).order_by(RequestRecord.created_at.desc(), RequestRecord.id.desc())
                .limit(per_page).offset((page - 1) * per_page))
        return RequestPage([r.to_dict() for r in session.execute(stmt).scalars()], total, page, pages)


def related_requests(store: RecordStore, reference: str) -> list[dict[str, Any]]:
    """Other requests for the same invoice or from the same customer, newest first."""
    with store.transaction() as session:
        record = session.execute(
            select(RequestRecord).where(RequestRecord.reference == reference.upper())).scalars().first()
        if record is None:
            return []
        same = []
        if record.invoice_number:
            same.append(RequestRecord.invoice_number == record.invoice_number)
        if record.customer_key:
            same.append(RequestRecord.customer_key == record.customer_key)
        if record.related_reference:
            same.append(RequestRecord.reference == record.related_reference)
        if not same:
            return []
        stmt = (select(RequestRecord).where(or_(*same), RequestRecord.id != record.id)
                .order_by(RequestRecord.created_at.desc(), RequestRecord.id.desc()).limit(50))
        return [r.to_dict() for r in session.execute(stmt).scalars()]


def filter_choices(store: RecordStore) -> dict[str, list[str]]:
    """The refund policies and channels the records name (for the console's filter menus)."""
    with store.transaction() as session:
        return {name: sorted(v for v in session.execute(select(column).distinct()).scalars() if v)
                for name, column in (("policy", RequestRecord.refund_policy), ("channel", RequestRecord.channel))}
