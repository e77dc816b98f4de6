"""Status look-ups counted per conversation, client address and overall (refund_desk.lookup_limits).

Revision ID: 0005_lookup_counts
Revises: 0004_ratings
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_lookup_counts"
down_revision = "0004_ratings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lookup_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_key", sa.String(40)),
        sa.Column("client_key", sa.String(40)),
        sa.Column("counted_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_lookup_counts_conversation_key", "lookup_counts", ["conversation_key"])
    op.create_index("ix_lookup_counts_client_key", "lookup_counts", ["client_key"])
    op.create_index("ix_lookup_counts_counted_at", "lookup_counts", ["counted_at"])


def downgrade() -> None:
    op.drop_table("lookup_counts")
