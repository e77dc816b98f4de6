"""Live take-over by staff: the waiting list and the messages pushed into customers' channels
(refund_desk.takeovers).

Revision ID: 0006_takeovers
Revises: 0005_lookup_counts
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_takeovers"
down_revision = "0005_lookup_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "takeovers",
        sa.Column("sender_id", sa.String(128), primary_key=True),
        sa.Column("channel", sa.String(32)),
        sa.Column("address", sa.Text),
        sa.Column("reference", sa.String(32)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("asked_at", sa.DateTime, nullable=False),
        sa.Column("taken_by", sa.String(254)),
        sa.Column("taken_at", sa.DateTime),
        sa.Column("released_at", sa.DateTime),
    )
    op.create_table(
        "conversation_pushes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(32)),
        sa.Column("author", sa.String(16), nullable=False),
        sa.Column("author_name", sa.String(64)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("written_at", sa.DateTime, nullable=False),
        sa.Column("delivered_at", sa.DateTime),
    )
    op.create_index("ix_conversation_pushes_sender_id", "conversation_pushes", ["sender_id"])
    op.create_index("ix_conversation_pushes_delivered_at", "conversation_pushes", ["delivered_at"])


def downgrade() -> None:
    op.drop_table("conversation_pushes")
    op.drop_table("takeovers")
