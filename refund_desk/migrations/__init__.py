"""Alembic migrations of the records database (revisions in versions/, applied by refund_desk.schema)."""
