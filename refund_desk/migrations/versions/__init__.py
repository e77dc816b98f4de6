"""Alembic revisions, one file each, oldest first: 0001_baseline, 0002_staff_console, ..."""
