"""What the console's routes share: the record store, staff accounts and sessions, the settings,
and the readers, called off the event loop (SQLAlchemy and Argon2 are synchronous)."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, Callable, Mapping, Optional, TypeVar

import jinja2
from aiohttp import web

from refund_desk.facts import STATUSES
from refund_desk.outbox import record_store
from refund_desk.records import RecordStore
from refund_desk.request_search import RequestFilter, related_requests
from refund_desk.settings import Settings
from refund_desk.security import client_address
from refund_desk.staff import SignedIn, StaffDesk
from refund_desk.replies import ASSISTANT_IS_BACK
from refund_desk.takeovers import (UnknownConversation, conversation_state, pushed_lines, release, send_staff_message,
                                   take_over, waiting_list, with_pushes)
from refund_desk.transcripts import read_transcript

T = TypeVar("T")
log = logging.getLogger(__name__)
SIGNED_IN = "signed_in"  # request key: the SignedIn of the session cookie, or None
SESSION_COOKIE = "refund_desk_staff"
CSRF_HEADER = "X-CSRF-Token"
MAX_NOTE_CHARS = 5000


@dataclass
class ConsoleDesk:
    settings: Settings
    store: RecordStore
    staff: StaffDesk

    @classmethod
    def from_settings(cls, settings: Settings) -> "ConsoleDesk":
        store = record_store(settings)
        return cls(settings, store, StaffDesk(store, session_hours=settings.staff_session_hours))

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs) in a worker thread."""
        return await asyncio.get_running_loop().run_in_executor(None, partial(fn, *args, **kwargs))

    def request_detail(self, reference: str) -> dict[str, Any]:
        """The record's fields, its history (record["history"]) and the conversation's transcript."""
        record = self.store.get(reference)
        record["transcript"], record["transcript_unavailable"] = self.transcript(record.get("sender_id"))
        return record

    def transcript(self, sender_id: Optional[str]) -> tuple[list[dict[str, Any]], bool]:
        """(what was said, with what staff sent, in order; whether the tracker store was unreadable)."""
        if not sender_id:
            return [], False
        pushed = pushed_lines(self.store, sender_id)
        try:
            return with_pushes(read_transcript(self.settings, sender_id), pushed), False
        except Exception as exc:  # noqa: BLE001  the tracker store down: the rest still shows
            log.warning("could not read a conversation: %s", type(exc).__name__)
            return pushed, True

    def conversation(self, sender_id: str) -> dict[str, Any]:
        """A conversation for the console: its take-over state (None when no one asked for a person)
        and its transcript, live during a take-over."""
        transcript, unavailable = self.transcript(sender_id)
        takeover = conversation_state(self.store, sender_id)
        if takeover is None and not transcript and not unavailable:
            raise UnknownConversation(sender_id)
        return {"sender_id": sender_id, "takeover": takeover, "transcript": transcript,
                "transcript_unavailable": unavailable}

    def handoffs(self) -> list[dict[str, Any]]:
        return waiting_list(self.store)

    def take_over(self, sender_id: str, by: str) -> dict[str, Any]:
        return take_over(self.store, sender_id, by)

    def send(self, sender_id: str, by: str, text: Any) -> dict[str, Any]:
        return send_staff_message(self.store, sender_id, by, text)

    def release(self, sender_id: str, by: str) -> dict[str, Any]:
        return release(self.store, sender_id, by, ASSISTANT_IS_BACK)

    def change_status(self, reference: str, status: Any, by: str, note: Any, for_customer: bool) -> None:
        """A staff member's status change, audited with their e-mail; the note reaches the
        customer's status check only when for_customer (RecordStore.set_status, as the CLI)."""
        if status not in STATUSES:
            raise BadStatusChange(f"status must be one of {', '.join(STATUSES)}")
        if note is not None and not isinstance(note, str):
            raise BadStatusChange("the note must be a text")
        if note and len(note) > MAX_NOTE_CHARS:
            raise BadStatusChange(f"the note may have at most {MAX_NOTE_CHARS} characters")
        self.store.set_status(reference, status, actor=by, note=(note or "").strip() or None,
                              for_customer=for_customer)

    def related(self, reference: str) -> list[dict[str, Any]]:
        return related_requests(self.store, reference)


DESK = web.AppKey("desk", ConsoleDesk)
TEMPLATES = web.AppKey("templates", jinja2.Environment)


def signed_in(request: web.Request) -> SignedIn:
    """The request's session (the middleware let only signed-in requests reach the routes)."""
    session = request.get(SIGNED_IN)
    assert session is not None
    return session


def login_address(request: web.BaseRequest, forwarded_for_header: Optional[str]) -> str:
    """Who is signing in, for the per-address login limit: as the channels read it (the peer, or
    behind a reverse proxy the last entry of FORWARDED_FOR_HEADER, the one the proxy added)."""
    return client_address(request.remote, request.headers, forwarded_for_header) or "unknown"


class BadFilter(ValueError):
    """A filter value the console cannot use (the message says which)."""


class BadStatusChange(ValueError):
    """A status change the console refuses (the message says why)."""


def request_filter(query: Mapping[str, str]) -> RequestFilter:
    """Filters from query parameters (status, kind, policy, channel, from, to, q)."""
    status = query.get("status") or None
    if status and status not in STATUSES:
        raise BadFilter(f"unknown status {status!r}")
    return RequestFilter(status=status, kind=query.get("kind") or None, policy=query.get("policy") or None,
                         channel=query.get("channel") or None, created_from=_day(query.get("from"), "from"),
                         created_to=_day(query.get("to"), "to"), text=(query.get("q") or "").strip()[:200] or None)


def report_since(query: Mapping[str, str]) -> Optional[datetime]:
    """?since=YYYY-MM-DD as the start of that day; ValueError when it is no date."""
    since = query.get("since")
    return datetime.combine(date.fromisoformat(since), datetime.min.time()) if since else None


def page_number(query: Mapping[str, str]) -> int:
    try:
        return max(1, int(query.get("page") or 1))
    except ValueError:
        raise BadFilter("page must be a number") from None


def _day(text: Optional[str], name: str) -> Optional[date]:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadFilter(f"{name} must be a date like 2026-11-30") from None
