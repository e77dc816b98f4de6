"""Alembic's environment: runs on the connection refund_desk.schema hands over (no URL of its own)."""
from __future__ import annotations

from alembic import context

from refund_desk.schema import models_metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `refund-desk db upgrade` (refund_desk.schema), which "
                       "connects to DATABASE_URL")
context.configure(connection=connection, target_metadata=models_metadata(), render_as_batch=True,
                  transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
