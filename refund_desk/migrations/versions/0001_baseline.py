"""Baseline: the records schema as it stood before migrations (requests and their status changes).

A database made by that code (RecordStore's create_all) is stamped at this revision, not rebuilt.

Revision ID: 0001_baseline
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

ACTIVE_WHERE = "status IN ('open', 'in_review') AND invoice_number IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("invoice_number", sa.String(32)),
        sa.Column("service_date", sa.String(10)),
        sa.Column("refund_reason", sa.String(32)),
        sa.Column("service_kind", sa.String(16)),
        sa.Column("customer_name", sa.Text),
        sa.Column("customer_email", sa.Text),
        sa.Column("eligibility", sa.String(16)),
        sa.Column("refund_policy", sa.String(64)),
        sa.Column("policy_clauses", sa.Text, nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.Column("decision", sa.Text),
        sa.Column("channel", sa.String(32)),
        sa.Column("sender_id", sa.Text),
        sa.Column("customer_key", sa.Text),
        sa.Column("related_reference", sa.String(16)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("one_active_request_per_customer", "requests", ["kind", "invoice_number", "customer_key"],
                    unique=True, sqlite_where=sa.text(ACTIVE_WHERE), postgresql_where=sa.text(ACTIVE_WHERE))
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id"), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("for_customer", sa.Boolean, nullable=False),
    )
    op.create_index("ix_status_changes_request_id", "status_changes", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_status_changes_request_id", table_name="status_changes")
    op.drop_table("status_changes")
    op.drop_index("one_active_request_per_customer", table_name="requests")
    op.drop_table("requests")
