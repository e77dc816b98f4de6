"""Request records that staff work on: SQLAlchemy models and the store that reads and writes them."""
from __future__ import annotations

import json
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, ContextManager, Iterator, Optional, Protocol

from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text, create_engine,
                        func, inspect, or_, select, text)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, declarative_base, relationship

from refund_desk.facts import ACTIVE_STATUSES, REFERENCE_ALPHABET, REFERENCE_PREFIX, STATUSES  # noqa: F401
from refund_desk.security import clean_text, clean_value

ACTIVE_INDEX = "one_active_request_per_customer"
OLD_ACTIVE_INDEX = "one_active_request_per_invoice"  # per invoice alone (before customers were told apart)
DEFAULT_STATEMENT_TIMEOUT_MS = 5000
SCHEMA_LOCK_KEY = 0x52464E44  # PostgreSQL advisory lock held while the tables are created or upgraded

Base = declarative_base()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class RequestRecord(Base):
    """One customer request (refund, cancellation, chargeback or hand-off)."""

    __tablename__ = "requests"
    id = Column(Integer, primary_key=True)
    reference = Column(String(16), unique=True, nullable=False)
    kind = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, default="open")
    invoice_number = Column(String(32))
    service_date = Column(String(10))
    refund_reason = Column(String(32))
    service_kind = Column(String(16))
    customer_name = Column(Text)
    customer_email = Column(Text)
    eligibility = Column(String(16))
    refund_policy = Column(String(64))
    policy_clauses = Column(Text, nullable=False, default="[]")
    facts = Column(Text, nullable=False, default="{}")
    decision = Column(Text)
    channel = Column(String(32))
    sender_id = Column(Text)
    # Who the request belongs to: the e-mail (lower case), else "sender:" + the conversation.
    customer_key = Column(Text)
    # Another customer's active request for the same invoice, for staff to see together.
    related_reference = Column(String(16))
    created_at = Column(DateTime, nullable=False, default=_now)
    updated_at = Column(DateTime, nullable=False, default=_now)
    changes = relationship("StatusChange", order_by="StatusChange.id", back_populates="request")

    __table_args__ = (
        # At most one active request of a kind per invoice and customer: the database enforces
        # idempotency; another customer's claim on the same invoice is a request of its own.
        Index(ACTIVE_INDEX, "kind", "invoice_number", "customer_key", unique=True,
              sqlite_where=text("status IN ('open', 'in_review') AND invoice_number IS NOT NULL"),
              postgresql_where=text("status IN ('open', 'in_review') AND invoice_number IS NOT NULL")),
    )

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "kind": self.kind,
            "status": self.status,
            "invoice_number": self.invoice_number,
            "service_date": self.service_date,
            "refund_reason": self.refund_reason,
            "service_kind": self.service_kind,
            "customer_name": self.customer_name,
            "customer_email": self.customer_email,
            "eligibility": self.eligibility,
            "refund_policy": self.refund_policy,
            "policy_clauses": json.loads(self.policy_clauses or "[]"),
            "facts": json.loads(self.facts or "{}"),
            "decision": self.decision,
            "channel": self.channel,
            "sender_id": self.sender_id,
            "related_reference": self.related_reference,
            "created_at": self.created_at.isoformat(timespec="seconds") + "Z",
            "updated_at": self.updated_at.isoformat(timespec="seconds") + "Z",
            "history": [c.to_dict() for c in self.changes],
        }


class StatusChange(Base):
    """Who changed a request's status, when, and why."""

    __tablename__ = "status_changes"
    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("requests.id"), nullable=False, index=True)
    from_status = Column(String(16))
    to_status = Column(String(16), nullable=False)
    changed_by = Column(Text, nullable=False)
    changed_at = Column(DateTime, nullable=False, default=_now)
    note = Column(Text)
    for_customer = Column(Boolean, nullable=False, default=False)  # the note may be shown to the customer
    request = relationship("RequestRecord", back_populates="changes")

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.from_status, "to": self.to_status, "by": self.changed_by,
                "at": self.changed_at.isoformat(timespec="seconds") + "Z", "note": self.note,
                "for_customer": bool(self.for_customer)}


class RecordListener(Protocol):
    """Told of changes inside their transaction (refund_desk.outbox writes the e-mails they cause)."""

    def request_opened(self, session: Session, record: dict[str, Any]) -> None: ...

    def customer_note(self, session: Session, record: dict[str, Any]) -> None: ...


class RecordStoreUnavailable(RuntimeError):
    """The database could not be reached or written; nothing was saved."""


class UnknownRequest(LookupError):
    pass


@dataclass(frozen=True)
class NewRequest:
    kind: str
    invoice_number: Optional[str] = None
    service_date: Optional[str] = None
    refund_reason: Optional[str] = None
    service_kind: Optional[str] = None
    customer_name: Optional[str] = None
    customer_email: Optional[str] = None
    eligibility: Optional[str] = None
    refund_policy: Optional[str] = None
    policy_clauses: tuple[dict[str, str], ...] = ()
    facts: Optional[dict[str, Any]] = None
    decision: Optional[str] = None
    channel: Optional[str] = None
    sender_id: Optional[str] = None


@dataclass(frozen=True)
class OpenedRequest:
    reference: str
    created: bool  # False when this customer's active request for the same invoice already existed
    record: dict[str, Any]


def customer_key(email: Optional[str], sender_id: Optional[str]) -> Optional[str]:
    """Whose request it is: the e-mail address (case-insensitive), else the conversation."""
    if email and email.strip():
        return email.strip().lower()
    if sender_id:
        return f"sender:{sender_id}"
    return None


def customer_view(record: dict[str, Any]) -> dict[str, Any]:
    """What a customer may be told about their own request: no staff-only note, no other
    customer's reference, no personal data beyond what they gave."""
    notes = [h["note"] for h in record.get("history") or []
             if h.get("for_customer") and h.get("note")]
    return {"reference": record["reference"], "kind": record["kind"], "status": record["status"],
            "eligibility": record.get("eligibility"), "created_at": record["created_at"],
            "customer_note": notes[-1] if notes else None}


def new_reference(kind: str) -> str:
    return f"{REFERENCE_PREFIX[kind]}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


class RecordStore:
    """Reads and writes request records; the engine comes from a URL, created on first use."""

    def __init__(self, database_url: str, listener: Optional[RecordListener] = None):
        self.database_url = database_url
        self.listener = listener
        self._engine: Optional[Engine] = None
        self._engine_lock = threading.Lock()  # one thread builds the engine and the schema

    @property
    def engine(self) -> Engine:
        engine = self._engine
        if engine is not None:
            return engine
        with self._engine_lock:
            if self._engine is None:
                if self.database_url.startswith("sqlite:///"):
                    Path(self.database_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(self.database_url, future=True, hide_parameters=True,
                                       **engine_options(self.database_url))
                try:
                    create_schema(engine)
                except BaseException:
                    engine.dispose()
                    raise
                self._engine = engine
            return self._engine

    @contextmanager
    def _database(self) -> Iterator[Session]:
        """A session; any database failure (including reaching it) becomes RecordStoreUnavailable."""
        try:
            with Session(self.engine, future=True) as session:
                yield session
        except (SQLAlchemyError, OSError) as exc:
            self._engine = None  # build a fresh engine next time: the server may be back
            raise RecordStoreUnavailable(str(exc)) from exc

    def transaction(self) -> ContextManager[Session]:
        """A session on this database for the stores that share it (staff accounts); a database
        failure becomes RecordStoreUnavailable."""
        return self._database()

    def open_request(self, req: NewRequest, *, actor: str = "assistant") -> OpenedRequest:
        """Open a request, or return this customer's active one of the same kind for the same
        invoice. Another customer's claim on the same invoice is opened too, linked to the first
        (related_reference) for staff."""
        req = _cleaned(req)
        owner = customer_key(req.customer_email, req.sender_id)
        with self._database() as session:
            existing = self._active_for_invoice(session, req.kind, req.invoice_number, owner)
            if existing is not None:
                return OpenedRequest(existing.reference, False, existing.to_dict())
            other = self._active_for_invoice(session, req.kind, req.invoice_number, None)
            record = RequestRecord(
                reference=new_reference(req.kind), kind=req.kind, status="open",
                invoice_number=req.invoice_number, service_date=req.service_date,
                refund_reason=req.refund_reason, service_kind=req.service_kind,
                customer_name=req.customer_name, customer_email=req.customer_email,
                eligibility=req.eligibility, refund_policy=req.refund_policy,
                policy_clauses=json.dumps(list(req.policy_clauses), ensure_ascii=False),
                facts=json.dumps(req.facts or {}, default=_json_default, ensure_ascii=False),
                decision=req.decision, channel=req.channel, sender_id=req.sender_id,
                customer_key=owner, related_reference=other.reference if other is not None else None,
            )
            record.changes.append(StatusChange(from_status=None, to_status="open", changed_by=actor,
                                               note="opened"))
            session.add(record)
            try:
                if self.listener is not None:
                    session.flush()  # the defaults (dates) the listener reads
                    self.listener.request_opened(session, record.to_dict())
                session.commit()
            except IntegrityError:
                session.rollback()  # a concurrent twin won the race (or a reference collided)
                existing = self._active_for_invoice(session, req.kind, req.invoice_number, owner)
                if existing is None:
                    raise
                return OpenedRequest(existing.reference, False, existing.to_dict())
            return OpenedRequest(record.reference, True, record.to_dict())

    @staticmethod
    def _active_for_invoice(session: Session, kind: str, invoice: Optional[str],
                            owner: Optional[str]) -> Optional[RequestRecord]:
        """The active request of this kind for the invoice: this owner's, or (owner None) anyone's."""
        if not invoice:
            return None
        stmt = select(RequestRecord).where(
            RequestRecord.kind == kind, RequestRecord.invoice_number == invoice,
            RequestRecord.status.in_(ACTIVE_STATUSES)).order_by(RequestRecord.id)
        if owner is not None:
            stmt = stmt.where(RequestRecord.customer_key == owner)
        return session.execute(stmt).scalars().first()

    @staticmethod
    def _by_reference(session: Session, reference: str) -> RequestRecord:
        record = session.execute(
            select(RequestRecord).where(RequestRecord.reference == reference.upper())).scalars().first()
        if record is None:
            raise UnknownRequest(reference)
        return record

    def get(self, reference: str) -> dict[str, Any]:
        with self._database() as session:
            return self._by_reference(session, reference).to_dict()

    def find_by_invoice(self, invoice: str) -> list[dict[str, Any]]:
        """Requests for an invoice, newest first (staff only: it does not check who asks)."""
        with self._database() as session:
            stmt = (select(RequestRecord).where(RequestRecord.invoice_number == invoice)
                    .order_by(RequestRecord.id.desc()))
            return [r.to_dict() for r in session.execute(stmt).scalars()]

    def find_for_customer(self, invoice: str, *, sender_id: Optional[str] = None,
                          email: Optional[str] = None) -> list[dict[str, Any]]:
        """A customer's requests for an invoice, newest first: those opened in the same
        conversation, or carrying the same e-mail address. Nothing when neither is given."""
        proofs = []
        if sender_id:
            proofs.append(RequestRecord.sender_id == sender_id)
        if email and email.strip():
            proofs.append(func.lower(RequestRecord.customer_email) == email.strip().lower())
        if not proofs:
            return []
        with self._database() as session:
            stmt = (select(RequestRecord).where(RequestRecord.invoice_number == invoice, or_(*proofs))
                    .order_by(RequestRecord.id.desc()))
            return [r.to_dict() for r in session.execute(stmt).scalars()]

    def list(self, status: Optional[str] = None, kind: Optional[str] = None) -> list[dict[str, Any]]:
        with self._database() as session:
            stmt = select(RequestRecord).order_by(RequestRecord.id)
            if status:
                stmt = stmt.where(RequestRecord.status == status)
            if kind:
                stmt = stmt.where(RequestRecord.kind == kind)
            return [r.to_dict() for r in session.execute(stmt).scalars()]

    def set_status(self, reference: str, status: str, *, actor: str, note: Optional[str] = None,
                   for_customer: bool = False) -> dict[str, Any]:
        """Change the status; the note is staff-only unless for_customer."""
        if status not in STATUSES:
            raise ValueError(f"unknown status '{status}' (one of: {', '.join(STATUSES)})")
        with self._database() as session:
            record = self._by_reference(session, reference)
            record.changes.append(StatusChange(from_status=record.status, to_status=status,
                                               changed_by=actor, note=clean_text(note),
                                               for_customer=bool(for_customer and note)))
            record.status = status
            record.updated_at = _now()
            if self.listener is not None and for_customer and note:
                session.flush()
                self.listener.customer_note(session, record.to_dict())
            session.commit()
            return record.to_dict()


def engine_options(url: str) -> dict[str, Any]:
    """Short waits everywhere: a database that does not answer must not hold a conversation."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 5}}
    options: dict[str, Any] = {"pool_pre_ping": True, "pool_timeout": 5}
    if url.startswith("postgresql"):
        ms = DEFAULT_STATEMENT_TIMEOUT_MS
        options["connect_args"] = {"connect_timeout": 3, "options": f"-c statement_timeout={ms}",
                                   "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3,
                                   "keepalives_count": 3}
    return options


def _cleaned(req: NewRequest) -> NewRequest:
    """Control characters (NUL breaks PostgreSQL) stripped from every text field."""
    from dataclasses import fields, replace

    changes = {f.name: clean_value(getattr(req, f.name)) for f in fields(req)
               if isinstance(getattr(req, f.name), (str, dict, tuple))}
    return replace(req, **changes)


def create_schema(engine: Engine) -> None:
    """Tables created or upgraded by the migrations (refund_desk.schema), one process at a time:
    servers writing their first records at once must not both CREATE TABLE (the loser's
    DuplicateTable or pg_type UniqueViolation became a customer's "couldn't save")."""
    from refund_desk.schema import upgrade_database

    upgrade_database(engine)


def _upgrade(conn: Connection) -> None:
    """Bring a database made before migrations by an earlier version up to the baseline (columns
    added, the per-invoice unique index replaced by the per-customer one)."""
    inspector = inspect(conn)
    added = {"requests": {"customer_key": "TEXT", "related_reference": "VARCHAR(16)"},
             "status_changes": {"for_customer": "BOOLEAN NOT NULL DEFAULT FALSE"}}
    for table, columns in added.items():
        have = {c["name"] for c in inspector.get_columns(table)}
        for name, ddl in columns.items():
            if name not in have:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}"))
    indexes = {i["name"] for i in inspector.get_indexes("requests")}
    if OLD_ACTIVE_INDEX in indexes:
        conn.execute(text(f"DROP INDEX {OLD_ACTIVE_INDEX}"))
        conn.execute(text(
            "UPDATE requests SET customer_key = COALESCE(LOWER(customer_email), 'sender:' || sender_id) "
            "WHERE customer_key IS NULL"))
    if ACTIVE_INDEX not in indexes:
        for index in RequestRecord.__table__.indexes:
            if index.name == ACTIVE_INDEX:
                index.create(conn, checkfirst=True)
