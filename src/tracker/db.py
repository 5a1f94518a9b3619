"""Connections from a URL, one SQL dialect for SQLite and PostgreSQL, transactions with retry.

Commands talk to the database through DB-API drivers (stdlib sqlite3, psycopg) rather than the
ORM: importing SQLAlchemy/SQLModel costs most of a second per command, while the SQL here is
plain enough to run unchanged on both backends. Statements use `:name` parameters; for
psycopg they are rewritten to `%(name)s` once per statement text.
"""

from __future__ import annotations

import functools
import itertools
import os
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from tracker.errors import DatabaseError, TrackerError

DEFAULT_PATH = Path("db") / "tracker.db"
BUSY_TIMEOUT_MS = 30_000
WRITE_ATTEMPTS = 8
STREAM_BATCH = 2000  # rows a PostgreSQL server-side cursor fetches at a time (Database.stream)
T = TypeVar("T")
_cursor_names = itertools.count(1)
Params = Mapping[str, Any] | Sequence[Any] | None


def resolve_url(option: str | None = None) -> str:
    """`--db`, else `TRACKER_DB`, else the embedded default; a bare path becomes `sqlite:///path`."""
    value = option or os.environ.get("TRACKER_DB") or str(DEFAULT_PATH)
    value = value.strip()
    if "://" not in value:
        return "sqlite:///" + value
    scheme = value.split("://", 1)[0].lower()
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return "sqlite://" + value.split("://", 1)[1]
    raise DatabaseError(
        f"unsupported database URL scheme '{scheme}': use a file path, sqlite:///PATH "
        "or postgresql+psycopg://USER@HOST:PORT/DB"
    )


def display_url(url: str) -> str:
    """The URL as safe to print: any password (in the user part or `?password=`) masked."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    if url.startswith("sqlite"):
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("://", 1)[0] + "://…"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
    query = parts.query
    if query:
        pairs = [
            (k, "***" if k.lower() in ("password", "pass", "passfile") else v)
            for k, v in parse_qsl(query, keep_blank_values=True)
        ]
        query = urlencode(pairs, safe="*/")
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def sqlite_path(url: str) -> str | None:
    """The file path of a SQLite URL (None for in-memory, or for other backends)."""
    if not url.startswith("sqlite://"):
        return None
    path = url[len("sqlite://") :]
    if path in ("", "/", "/:memory:"):
        return None
    return path[1:] if path.startswith("/") else path


@functools.lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """`:name` → `%(name)s` for psycopg; literal `%` doubled. `::` casts are left alone."""
    sql = sql.replace("%", "%%")
    return re.sub(r"(?<![:\w]):([A-Za-z_]\w*)", r"%(\1)s", sql)


class Database:
    """A connection and the dialect it speaks. Not thread-safe; one per command."""

    def __init__(self, url: str, raw: Any, dialect: str) -> None:
        self.url = url
        self.raw = raw
        self.dialect = dialect
        self._in_tx = False
        self._read_only = False

    # --- statements -------------------------------------------------------------------
    def execute(self, sql: str, params: Params = None) -> Any:
        if self.dialect == "postgresql":
            cur = self.raw.cursor()
            # Without parameters psycopg sends the text as is: no placeholders, `%` stays `%`.
            cur.execute(sql if params is None else _pyformat(sql), params)
            return cur
        return self.raw.execute(sql, params if params is not None else ())

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        if self.dialect == "postgresql":
            with self.raw.cursor() as cur:
                cur.executemany(_pyformat(sql), rows)
        else:
            self.raw.executemany(sql, rows)

    def all(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        return list(self.execute(sql, params).fetchall())

    def stream(
        self, sql: str, params: Params = None, *, batch: int | None = None
    ) -> Iterator[tuple[Any, ...]]:
        """The rows of a query as the cursor gives them: never the whole result in memory.
        SQLite's cursor steps through the result row by row (iterated as it is: no Python
        frame per row). On PostgreSQL a server-side cursor, `batch` rows (default
        STREAM_BATCH) a fetch, inside the current transaction or a snapshot of its own (the
        client cursor would fetch every row at once); several streams may be open at once."""
        if self.dialect != "postgresql":
            cursor: Iterator[tuple[Any, ...]] = self.raw.execute(
                sql, params if params is not None else ()
            )
            return cursor
        return self._server_cursor(sql, params, batch or STREAM_BATCH)

    def _server_cursor(self, sql: str, params: Params, batch: int) -> Iterator[tuple[Any, ...]]:
        if not self._in_tx:
            with self.snapshot():
                yield from self._server_cursor(sql, params, batch)
            return
        # Every row is read: plan for all of them, not for the first tenth (the default for
        # cursors, which can pick nested loops where a scan is cheaper).
        self.raw.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        # The state of a goal is found by index, one step per goal and field; a hash join
        # instead reads the whole event table per field and spills to disk past ~1M events
        # (bench/README.md).
        self.raw.execute("SET LOCAL enable_hashjoin = off")
        with self.raw.cursor(name=f"tracker_stream_{next(_cursor_names)}") as cursor:
            cursor.itersize = batch
            cursor.execute(_pyformat(sql), params if params is not None else {})
            while rows := cursor.fetchmany(batch):
                yield from rows

    def one(self, sql: str, params: Params = None) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.execute(sql, params).fetchone()
        return row

    def scalar(self, sql: str, params: Params = None) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    def insert(self, sql: str, params: Params = None) -> int:
        """Run an `INSERT … RETURNING id` and give the id."""
        row = self.one(sql, params)
        assert row is not None
        return int(row[0])

    # --- transactions -----------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction: BEGIN IMMEDIATE on SQLite (one writer at a time, no lost updates).

        On PostgreSQL (READ COMMITTED) writers that read-modify-write a row must lock it first
        (an UPDATE or SELECT … FOR UPDATE) before reading it, as `services.update_goal` does.
        """
        if self._in_tx:
            if self._read_only:
                raise RuntimeError("a write inside a read-only snapshot")
            yield self
            return
        if self.dialect == "postgresql":
            with self.raw.transaction():
                self._in_tx = True
                try:
                    yield self
                finally:
                    self._in_tx = False
            return
        self.raw.execute("BEGIN IMMEDIATE")
        self._in_tx = True
        try:
            yield self
            self.raw.execute("COMMIT")
        except BaseException:
            if self.raw.in_transaction:  # the work failed, or COMMIT itself did (e.g. busy)
                self.raw.execute("ROLLBACK")
            raise
        finally:
            self._in_tx = False

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """A read-only transaction: several queries see one consistent state of the database.

        Without it each statement runs on its own (autocommit) and a reader that runs several
        queries while others write may combine two states (goals from before a commit, events
        from after it). SQLite: a deferred BEGIN (WAL readers never block writers);
        PostgreSQL: REPEATABLE READ READ ONLY (one snapshot for the whole transaction).
        """
        if self._in_tx:
            yield self
            return
        if self.dialect == "postgresql":
            self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            self.raw.execute("BEGIN DEFERRED")
        self._in_tx = self._read_only = True
        try:
            yield self
        finally:
            self._in_tx = self._read_only = False
            # Nothing was written: COMMIT and ROLLBACK are the same; ROLLBACK also ends a
            # transaction that an error left aborted.
            self.raw.execute("ROLLBACK")

    def write(self, work: Callable[[Database], T]) -> T:
        """Run `work` in a transaction, retrying when the database asks (locked, serialization)."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self.transaction():
                    return work(self)
            except Exception as exc:  # noqa: BLE001 - only transient driver errors are retried
                if attempt + 1 < WRITE_ATTEMPTS and self.is_transient(exc):
                    time.sleep(min(2.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.5))
                    continue
                raise
        raise AssertionError("unreachable")

    def is_transient(self, exc: BaseException) -> bool:
        if self.dialect == "postgresql":
            state = getattr(exc, "sqlstate", None) or getattr(
                getattr(exc, "diag", None), "sqlstate", None
            )
            return state in ("40001", "40P01", "55P03")
        return is_busy(exc)

    def is_unique_violation(self, exc: BaseException) -> bool:
        if self.dialect == "postgresql":
            return getattr(exc, "sqlstate", None) == "23505"
        return _sqlite_error(exc) == "SQLITE_CONSTRAINT_UNIQUE"

    def table_exists(self, name: str) -> bool:
        if self.dialect == "postgresql":
            return bool(self.scalar("SELECT to_regclass(:n) IS NOT NULL", {"n": name}) is True)
        found = self.scalar(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=:n", {"n": name}
        )
        return bool(found == 1)

    def session_user(self) -> str | None:
        """Who is writing: PostgreSQL's authenticated role (session_user, which SET ROLE
        does not change), or on SQLite the login name of this process."""
        if self.dialect == "postgresql":
            return str(self.scalar("SELECT session_user"))
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return None

    def is_owner(self) -> bool:
        """Whether the connected role owns the database (or is a superuser); on SQLite,
        whoever can open the file owns it."""
        if self.dialect != "postgresql":
            return True
        return bool(
            self.scalar(
                "SELECT pg_has_role(session_user, datdba, 'MEMBER') FROM pg_database "
                "WHERE datname = current_database()"
            )
        )

    def close(self) -> None:
        self.raw.close()


def _sqlite_error(exc: BaseException) -> str:
    """SQLite's name for the error (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE` …), '' if none."""
    return str(getattr(exc, "sqlite_errorname", None) or "")


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock SQLite needed (worth waiting for and retrying)."""
    return _sqlite_error(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _enable_wal(raw: Any) -> None:
    """Switch the file to WAL (once per database; it stays so). The switch needs the file to
    itself, and when several processes open a new database at once SQLite can answer "locked"
    at once instead of waiting: wait here, within the usual busy timeout."""
    import sqlite3

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            raw.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def sqlite_connection(path: str | None) -> Any:
    """A raw sqlite3 connection as every tracker connection to SQLite starts: autocommit (the
    caller issues BEGIN), the busy timeout, WAL. The migrations' engine is built on it."""
    import sqlite3

    raw = sqlite3.connect(path or ":memory:", isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        _enable_wal(raw)
    return raw


def _create_private(file: Path) -> None:
    """Create the database file readable and writable by its owner only (it may hold
    unpublished assessments); SQLite gives the -wal and -shm files the same mode. A file
    that appears meanwhile (another first run) is left as it is."""
    try:
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseError(f"cannot open database {file}: {exc.strerror}") from None


def _sqlite_connect(url: str, *, create: bool) -> Database | None:
    import sqlite3

    path = sqlite_path(url)
    if path is not None:
        file = Path(path)
        if not file.exists():
            if not create:
                return None
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create database directory {file.parent}: {exc.strerror}"
                ) from None
            _create_private(file)
        elif file.is_dir():
            raise DatabaseError(f"database path {path} is a directory, not a file")
    try:
        raw = sqlite_connection(path)
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA foreign_keys=ON")
        # SQLite's LOWER folds ASCII only; filters must match ÉNERGIE as PostgreSQL does.
        raw.create_function("lower", 1, _lower, deterministic=True)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot open database {path}: {exc}") from None
    return Database(url, raw, "sqlite")


def _postgres_connect(url: str) -> Database:
    try:
        import psycopg
    except ImportError:
        raise TrackerError(
            "PostgreSQL support needs the psycopg driver: pip install 'tracker[postgres]'"
        ) from None
    conninfo = "postgresql://" + url.split("://", 1)[1]
    try:
        raw = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(f"cannot connect to PostgreSQL: {first}") from None
    return Database(url, raw, "postgresql")


def connect(url: str, *, create: bool = True) -> Database | None:
    """Open the database at `url`. With create=False a missing SQLite file gives None."""
    if url.startswith("postgresql"):
        return _postgres_connect(url)
    return _sqlite_connect(url, create=create)
