"""A transactional outbox for e-mail: each message is a row written in the same transaction as the
record it is about, and a sender delivers due rows over SMTP with retries and backoff.

A row is sent once: it is marked sent right after the mail server accepts it, and its Message-ID
(made when the row is written) stays the same across retries, so a receiver can drop the copy that a
crash between the two would cause. Nothing about the message (addresses, text) is logged.
"""
from __future__ import annotations

import logging
import secrets
import time
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Callable, Iterable, Optional, Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy import Column, DateTime, Integer, String, Text, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from refund_desk.mail import Email, MailSettings, RequestMail
from refund_desk.records import Base, RecordStore, _now  # the records' clock (naive UTC)
from refund_desk.refund_policy import RefundPolicy
from refund_desk.refund_policy_loader import load_refund_policy
from refund_desk.settings import Settings

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 60  # a message that failed is tried again at least once a minute
FIRST_BACKOFF_SECONDS = 5
BATCH = 50
SMTP_TIMEOUT_SECONDS = 20


class OutboxMessage(Base):
    """One e-mail to deliver."""

    __tablename__ = "outbox"
    id = Column(Integer, primary_key=True)
    message_id = Column(String(128), unique=True, nullable=False)
    reference = Column(String(32), index=True)  # the request it is about
    recipient = Column(Text, nullable=False)
    reply_to = Column(Text)
    subject = Column(Text, nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=_now)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=_now, index=True)
    sent_at = Column(DateTime, index=True)
    last_error = Column(String(200))  # the kind of failure only, never the server's words


def enqueue(session: Session, emails: Iterable[Email], reference: Optional[str]) -> None:
    """Add the messages to the session: they commit (or roll back) with the record."""
    for email in emails:
        if not email.to:
            continue
        session.add(OutboxMessage(message_id=f"<{secrets.token_hex(16)}@refund-desk>", reference=reference,
                                  recipient=email.to, reply_to=email.reply_to, subject=email.subject,
                                  body=email.body))


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s, 40 s, then once a minute."""
    return timedelta(seconds=min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)))


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


def to_message(row: OutboxMessage, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = row.recipient
    if row.reply_to:
        message["Reply-To"] = row.reply_to
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message.set_content(row.body)
    return message


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    failed: int


def deliver_due(engine: Engine, transport: Transport, mail_from: str,
                now: Callable[[], datetime] = _now) -> DeliveryReport:
    """Send every due row once; a failure schedules the row again with backoff."""
    sent = failed = 0
    with Session(engine) as session:
        due = session.execute(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                                          OutboxMessage.next_attempt_at <= now())
                              .order_by(OutboxMessage.id).limit(BATCH)).scalars().all()
        for row in due:
            row.attempts += 1
            try:
                transport.send(to_message(row, mail_from))
            except (OSError, smtplib.SMTPException) as exc:
                row.last_error = type(exc).__name__
                row.next_attempt_at = now() + backoff(row.attempts)
                failed += 1
            else:
                row.sent_at = now()
                row.last_error = None
                sent += 1
            session.commit()  # each row's outcome at once: a crash later does not resend it
    if sent or failed:
        log.info("e-mail outbox: %d sent, %d to retry", sent, failed)
    return DeliveryReport(sent, failed)


@dataclass(frozen=True)
class SmtpTransport:
    """SMTP from a URL: smtp://user:pass@host:port (STARTTLS when the server offers it, required with
    ?starttls=true), or smtps://... (TLS from the start)."""

    url: str

    def send(self, message: EmailMessage) -> None:
        parts = urlsplit(self.url)
        host, secure = parts.hostname or "localhost", parts.scheme == "smtps"
        port = parts.port or (465 if secure else 25)
        context = ssl.create_default_context()
        if secure:
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if not secure and (client.has_extn("starttls") or "starttls=true" in parts.query):
                client.starttls(context=context)
                client.ehlo()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)


class MailOutbox:
    """The record store's listener: the e-mails of a new request, or of a note for the customer, written
    into the outbox in the record's own transaction."""

    def __init__(self, mail: RequestMail):
        self.mail = mail

    def request_opened(self, session: Session, record: dict) -> None:
        enqueue(session, self.mail.for_new_request(record), record["reference"])

    def customer_note(self, session: Session, record: dict) -> None:
        enqueue(session, self.mail.for_customer_note(record), record["reference"])


def record_store(settings: Settings, policy: Optional[RefundPolicy] = None) -> RecordStore:
    """The record store for these settings: with the e-mail outbox when SMTP_URL is set."""
    if not settings.smtp_url:
        return RecordStore(settings.database_url)
    policy = policy or load_refund_policy(settings.refund_policy)
    mail = RequestMail(policy, MailSettings(settings.billing_mailbox, settings.console_url))
    return RecordStore(settings.database_url, MailOutbox(mail))


SENDER_INTERVAL_SECONDS = 2.0


def run_sender(engine: Engine, transport: Transport, mail_from: str, interval: float = SENDER_INTERVAL_SECONDS,
               once: bool = False) -> None:
    """Deliver due messages every `interval` seconds until stopped (SIGTERM, Ctrl-C); a database
    that does not answer is tried again on the next round."""
    while True:
        try:
            deliver_due(engine, transport, mail_from)
        except SQLAlchemyError as exc:
            log.error("e-mail outbox: the records database did not answer (%s)", type(exc).__name__)
        if once:
            return
        time.sleep(interval)


def outbox_counts(engine: Engine) -> dict[str, int]:
    """How many messages are sent, waiting for their first try, and waiting after a failure."""
    with Session(engine) as session:
        rows = session.execute(select(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts)).all()
    return {"sent": sum(1 for waiting, _ in rows if not waiting),
            "waiting": sum(1 for waiting, tries in rows if waiting and not tries),
            "retrying": sum(1 for waiting, tries in rows if waiting and tries)}
