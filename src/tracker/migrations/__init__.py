"""The schema's revision: checked on every open, upgraded by alembic migrations shipped here.

This layer sits above tracker.db (connections) and owns the schema: `open_database` connects
and brings the schema to HEAD, `ensure_schema` / `upgrade` do the work. HEAD and REVISIONS let
a command check the schema with one cheap query instead of importing alembic; a test keeps
them equal to the revision files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.db import Database, connect, sqlite_connection, sqlite_path
from tracker.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

REVISIONS = ("0001_initial",)
HEAD = REVISIONS[-1]
ADVISORY_LOCK_ID = 7_317_201_226  # any constant; serialises concurrent upgrades on PostgreSQL


def alembic_config(url: str) -> Config:
    import sys

    from alembic.config import Config

    # Config's default stream is the sys.stdout of when alembic.config was first imported,
    # which inside a captured run (typer's CliRunner) is closed soon after: name it each time.
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", "tracker:migrations")
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _engine(url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, event

    if url.startswith("sqlite"):
        # The connection every command uses (tracker.db.sqlite_connection: autocommit, busy
        # timeout, WAL), so the migrations run with the same settings.
        path = sqlite_path(url)
        engine = create_engine(url, creator=lambda: sqlite_connection(path))

        # SQLAlchemy's documented pysqlite recipe: we issue BEGIN ourselves, as IMMEDIATE, so
        # two first-run upgrades serialise instead of both creating tables.
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


def open_database(url: str, *, create: bool = True) -> Database | None:
    """Connect and make sure the schema is at the head revision (migrating on first use)."""
    db = connect(url, create=create)
    if db is None:
        return None
    try:
        ensure_schema(db)
    except BaseException:
        db.close()
        raise
    return db


def schema_revision(db: Database) -> str | None:
    """The revision the database is at (None: no schema yet)."""
    import sqlite3

    try:
        if not db.table_exists("alembic_version"):
            return None
        value = db.scalar("SELECT version_num FROM alembic_version")
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{sqlite_path(db.url)} is not a tracker database: {exc}") from None
    return None if value is None else str(value)


def ensure_schema(db: Database) -> str | None:
    """Upgrade to head when behind; refuse a database written by a newer tracker.

    Returns the revision the database had before (HEAD when there was nothing to do).
    """
    current = schema_revision(db)
    if current == HEAD:
        return current
    if current is None and db.dialect == "sqlite":
        # Both facts from one snapshot: a concurrent first run may commit the schema between
        # two separate reads, which would look like "tables but no revision".
        with db.snapshot():
            current = schema_revision(db)
            foreign = current is None and db.scalar(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        if foreign:
            raise DatabaseError(
                f"{sqlite_path(db.url)} holds tables that are not a tracker database"
            )
        if current == HEAD:
            return current
    if current is not None and current not in REVISIONS:
        raise DatabaseError(
            f"database schema '{current}' is newer than this tracker knows (head '{HEAD}'): "
            "upgrade tracker"
        )
    return upgrade(db, "head")
