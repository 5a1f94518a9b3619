"""Alembic migrations shipped inside the package, and the one place that runs them.

HEAD and REVISIONS let a command check the schema with one cheap query instead of importing
alembic; a test keeps them equal to the revision files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

    from tracker.db import Database

REVISIONS = ("0001_initial",)
HEAD = REVISIONS[-1]
ADVISORY_LOCK_ID = 7_317_201_226  # any constant; serialises concurrent upgrades on PostgreSQL


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "tracker:migrations")
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _engine(url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        # SQLAlchemy's documented pysqlite recipe: we issue BEGIN ourselves, as IMMEDIATE, so
        # two first-run upgrades serialise instead of both creating tables.
        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA busy_timeout=30000")
            dbapi_conn.execute("PRAGMA journal_mode=WAL")

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url)


def upgrade(db: Database, target: str = "head") -> str | None:
    """Upgrade the database behind `db` to `target` (its own connection, one transaction).

    Returns the revision the database was at when the upgrade got its turn (None: empty) —
    after a concurrent first run that is already the target. A database refusing the work
    (no CREATE privilege, server gone, disk full) is a DatabaseError, reported in one line.
    """
    from alembic import command
    from sqlalchemy.exc import DBAPIError

    from tracker.db import sqlite_path
    from tracker.errors import DatabaseError

    if db.dialect == "sqlite" and sqlite_path(db.url) is None:
        raise NotImplementedError("in-memory SQLite is not supported")
    cfg = alembic_config(db.url)
    engine = _engine(db.url)
    try:
        with engine.connect() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, target)
            found: str | None = cfg.attributes.get("found_revision")
            return found
    except DBAPIError as exc:
        cause = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else str(exc)
        raise DatabaseError(f"cannot upgrade the database schema: {cause}") from None
    finally:
        engine.dispose()


def check(url: str) -> None:
    """Raise alembic's error when the models and the migrations disagree."""
    from alembic import command

    cfg = alembic_config(url)
    engine = _engine(url)
    try:
        with engine.connect() as connection:
            cfg.attributes["connection"] = connection
            command.check(cfg)
    finally:
        engine.dispose()
