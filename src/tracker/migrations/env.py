"""Alembic environment: runs on the connection handed over in `config.attributes`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from tracker import models
from tracker.migrations import ADVISORY_LOCK_ID

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the package's own upgrade() drives alembic
    raise RuntimeError("run migrations through `tracker db upgrade`")

is_sqlite = connection.dialect.name == "sqlite"
context.configure(
    connection=connection,
    target_metadata=models.metadata,
    render_as_batch=is_sqlite,
    compare_type=True,
    transactional_ddl=True,
)
with context.begin_transaction():
    # One upgrade at a time: PostgreSQL takes a transaction-level advisory lock, SQLite's
    # BEGIN IMMEDIATE (see tracker.migrations._engine) already holds the write lock. What a
    # concurrent first run did is visible from here on, so it is not done twice.
    if not is_sqlite:
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
    config.attributes["found_revision"] = context.get_context().get_current_revision()
    context.run_migrations()
