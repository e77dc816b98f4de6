"""Staff accounts, their console sessions and the limit on failed logins (no web framework here).

Passwords are kept as Argon2 hashes; a session is a random token given to the browser whose
SHA-256 alone is stored, with a CSRF token of its own, until it expires. Failed logins are
counted per account and per address over a window; past either limit even the right password
is refused until the window has moved on.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text, delete, func, select
from sqlalchemy.exc import IntegrityError

from refund_desk.parsing import parse_email
from refund_desk.records import Base, RecordStore
from refund_desk.security import same_secret

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)
DEFAULT_SESSION_HOURS = 8.0

_HASHER = PasswordHasher()
# Checked against when the account does not exist, so that a wrong e-mail costs the same time.
_UNKNOWN_ACCOUNT_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class StaffMember(Base):
    """A person who may sign in to the console."""

    __tablename__ = "staff"
    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False, unique=True)  # lower case
    password_hash = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=_now)


class StaffSession(Base):
    """A signed-in browser: the hash of its cookie token, its CSRF token and when it expires."""

    __tablename__ = "staff_sessions"
    token_hash = Column(String(64), primary_key=True)
    staff_id = Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=_now)
    expires_at = Column(DateTime, nullable=False)


class LoginFailure(Base):
    """One failed login, counted against the account (e-mail as typed, lower case) and the address."""

    __tablename__ = "login_failures"
    id = Column(Integer, primary_key=True)
    email = Column(String(254), nullable=False)
    address = Column(String(64), nullable=False)
    failed_at = Column(DateTime, nullable=False)
    __table_args__ = (Index("ix_login_failures_email", "email", "failed_at"),
                      Index("ix_login_failures_address", "address", "failed_at"))


class StaffError(ValueError):
    """An account that cannot be added or removed as asked (the message says why)."""


class LoginRefused(Exception):
    """Wrong e-mail or password (which of the two is not said)."""


class LoginThrottled(Exception):
    """Too many failed logins for this account or from this address: try again later."""


@dataclass(frozen=True)
class SignedIn:
    token: str  # the cookie value; only its hash is stored
    email: str
    csrf_token: str
    expires_at: datetime


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def staff_email(text: str) -> str:
    """The account's e-mail in lower case; StaffError unless the text is one e-mail address."""
    email = (text or "").strip()
    parsed = parse_email(email)
    if not email or parsed is None or parsed.lower() != email.lower():
        raise StaffError(f"not an e-mail address: {email!r}")
    return email.lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise StaffError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise StaffError(f"the password may have at most {MAX_PASSWORD_CHARS} characters")


class StaffDesk:
    """Accounts and sessions in the records database (the RecordStore's engine and migrations)."""

    def __init__(self, store: RecordStore, *, session_hours: float = DEFAULT_SESSION_HOURS,
                 clock: Callable[[], datetime] = _now):
        self.store = store
        self.session_lifetime = timedelta(hours=session_hours)
        self.clock = clock

    # ------------------------------------------------------------------ accounts
    def add(self, email: str, password: str) -> str:
        email = staff_email(email)
        check_password_rules(password)
        with self.store.transaction() as session:
            session.add(StaffMember(email=email, password_hash=_HASHER.hash(password), created_at=self.clock()))
            try:
                session.commit()
            except IntegrityError:
                raise StaffError(f"{email} already has an account") from None
        return email

    def list(self) -> list[dict[str, Any]]:
        with self.store.transaction() as session:
            rows = session.execute(select(StaffMember).order_by(StaffMember.email)).scalars()
            return [{"email": m.email, "created_at": m.created_at.isoformat(timespec="seconds") + "Z"}
                    for m in rows]

    def remove(self, email: str) -> None:
        """Removes the account and ends its sessions; its past status changes keep its e-mail."""
        email = staff_email(email)
        with self.store.transaction() as session:
            member = session.execute(select(StaffMember).where(StaffMember.email == email)).scalars().first()
            if member is None:
                raise StaffError(f"no staff account {email}")
            session.execute(delete(StaffSession).where(StaffSession.staff_id == member.id))
            session.delete(member)
            session.commit()

    # ------------------------------------------------------------------ sessions
    def log_in(self, email: str, password: str, address: str) -> SignedIn:
        """A new session; LoginThrottled past the failure limits, LoginRefused on a wrong pair."""
        typed = (email or "").strip().lower()[:254]
        address = (address or "unknown")[:64]
        now = self.clock()
        with self.store.transaction() as session:
            since = now - FAILURE_WINDOW
            per_account = session.execute(select(func.count()).select_from(LoginFailure).where(
                LoginFailure.email == typed, LoginFailure.failed_at > since)).scalar_one()
            per_address = session.execute(select(func.count()).select_from(LoginFailure).where(
                LoginFailure.address == address, LoginFailure.failed_at > since)).scalar_one()
            if per_account >= MAX_FAILURES_PER_ACCOUNT or per_address >= MAX_FAILURES_PER_ADDRESS:
                raise LoginThrottled()
            member = session.execute(select(StaffMember).where(StaffMember.email == typed)).scalars().first()
            stored_hash = member.password_hash if member is not None else _UNKNOWN_ACCOUNT_HASH
            if not _password_matches(stored_hash, password or "") or member is None:
                session.add(LoginFailure(email=typed, address=address, failed_at=now))
                session.commit()
                raise LoginRefused()
            if _HASHER.check_needs_rehash(member.password_hash):
                member.password_hash = _HASHER.hash(password)
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            expires = now + self.session_lifetime
            session.add(StaffSession(token_hash=_token_hash(token), staff_id=member.id, csrf_token=csrf,
                                     created_at=now, expires_at=expires))
            session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
            session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= since))
            session.commit()
            return SignedIn(token, member.email, csrf, expires)

    def session(self, token: Optional[str]) -> Optional[SignedIn]:
        """The live session the cookie names, or None (unknown, expired, or its account removed)."""
        if not token or len(token) > 128:
            return None
        with self.store.transaction() as session:
            row = session.execute(
                select(StaffSession, StaffMember.email).join(StaffMember, StaffMember.id == StaffSession.staff_id)
                .where(StaffSession.token_hash == _token_hash(token))).first()
            if row is None:
                return None
            live, email = row
            if live.expires_at <= self.clock():
                session.delete(live)
                session.commit()
                return None
            return SignedIn(token, email, live.csrf_token, live.expires_at)

    def log_out(self, token: Optional[str]) -> None:
        if not token:
            return
        with self.store.transaction() as session:
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
            session.commit()


def csrf_matches(signed_in: SignedIn, given: Optional[str]) -> bool:
    return same_secret(given, signed_in.csrf_token)


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
