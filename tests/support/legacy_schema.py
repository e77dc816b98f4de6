"""The records schema as the code before migrations created it (a frozen copy of its models in
refund_desk/records.py at commit bf0525a), to build "today's" databases in tests."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Text, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base

LegacyBase = declarative_base(metadata=MetaData())
ACTIVE_WHERE = "status IN ('open', 'in_review') AND invoice_number IS NOT NULL"


class LegacyRequest(LegacyBase):
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
    customer_key = Column(Text)
    related_reference = Column(String(16))
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)
    __table_args__ = (
        Index("one_active_request_per_customer", "kind", "invoice_number", "customer_key", unique=True,
              sqlite_where=text(ACTIVE_WHERE), postgresql_where=text(ACTIVE_WHERE)),
    )


class LegacyStatusChange(LegacyBase):
    __tablename__ = "status_changes"
    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("requests.id"), nullable=False, index=True)
    from_status = Column(String(16))
    to_status = Column(String(16), nullable=False)
    changed_by = Column(Text, nullable=False)
    changed_at = Column(DateTime, nullable=False)
    note = Column(Text)
    for_customer = Column(Boolean, nullable=False, default=False)


def create_todays_schema(engine: Engine) -> None:
    """What RecordStore did on first use before migrations: create_all of these two tables."""
    with engine.begin() as conn:
        LegacyBase.metadata.create_all(conn)
