"""Customer satisfaction: one answer per conversation to "Did this help?".

Revision ID: 0004_ratings
Revises: 0003_mail_outbox
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_ratings"
down_revision = "0003_mail_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.Text, nullable=False, unique=True),
        sa.Column("helped", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("channel", sa.String(32)),
        sa.Column("refund_policy", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ratings")
