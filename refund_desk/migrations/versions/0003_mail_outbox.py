"""The e-mail outbox: messages written with the records they are about, delivered by the sender.

Revision ID: 0003_mail_outbox
Revises: 0002_staff_console
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_mail_outbox"
down_revision = "0002_staff_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.String(128), nullable=False, unique=True),
        sa.Column("reference", sa.String(32)),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("reply_to", sa.Text),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("last_error", sa.String(200)),
    )
    op.create_index("ix_outbox_reference", "outbox", ["reference"])
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.drop_index("ix_outbox_reference", table_name="outbox")
    op.drop_table("outbox")
