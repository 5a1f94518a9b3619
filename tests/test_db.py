"""tracker.db and `tracker db status`: URLs, one SQL dialect, transactions, retries, errors.

Everything that touches a database runs on SQLite and on PostgreSQL (the `db_url` fixture).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE, Invoke
from tracker import db as dbmod
from tracker.db import Database, _pyformat, connect, display_url, resolve_url
from tracker.errors import DatabaseError
from tracker.migrations import open_database

PSYCOPG_MESSAGE = (
    "tracker: error: PostgreSQL support needs the psycopg driver: pip install 'tracker[postgres]'"
)


def _goal(db: Database, key: str, progress: int | None = None) -> int:
    """A minimal goal row, written with plain SQL (no services)."""
    return db.insert(
        "INSERT INTO goal (key, title, tags, status, progress, created_at, updated_at) "
        "VALUES (:k, :t, '[]', 'not_started', :p, 'x', 'x') RETURNING id",
        {"k": key, "t": key.title(), "p": progress},
    )


def _open(url: str) -> Database:
    database = open_database(url)
    assert database is not None
    return database


# --- URLs -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("db/x.db", "sqlite:///db/x.db"),
        ("/abs/x.db", "sqlite:////abs/x.db"),
        ("  db/x.db ", "sqlite:///db/x.db"),
        ("sqlite:///rel.db", "sqlite:///rel.db"),
        ("sqlite+pysqlite:////abs.db", "sqlite:////abs.db"),
        ("postgresql+psycopg://u@h:5/d", "postgresql+psycopg://u@h:5/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u:p@h/d", "postgresql+psycopg://u:p@h/d"),
        ("POSTGRESQL://u@h/d", "postgresql+psycopg://u@h/d"),
    ],
)
def test_resolve_url(given: str, expected: str) -> None:
    assert resolve_url(given) == expected


def test_resolve_url_order(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_url(None) == "sqlite:///db/tracker.db"
    monkeypatch.setenv("TRACKER_DB", "from-env.db")
    assert resolve_url(None) == "sqlite:///from-env.db"
    assert resolve_url("from-option.db") == "sqlite:///from-option.db"


def test_unsupported_scheme_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="unsupported database URL scheme 'mysql'"):
        resolve_url("mysql://u@h/d")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://u:s3cret@h:5432/d", "postgresql+psycopg://u:***@h:5432/d"),
        ("postgresql+psycopg://u:p@ss:w@rd@h/d", "postgresql+psycopg://u:***@h/d"),
        ("postgresql+psycopg://u:s%40cret@h/d", "postgresql+psycopg://u:***@h/d"),
        (
            "postgresql+psycopg://u@h/d?password=s3cret&sslmode=require",
            "postgresql+psycopg://u@h/d?password=***&sslmode=require",
        ),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg:///d?host=/run/pg", "postgresql+psycopg:///d?host=/run/pg"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_display_url_never_shows_a_password(url: str, shown: str) -> None:
    assert display_url(url) == shown
    assert "s3cret" not in display_url(url) and "s%40cret" not in display_url(url)


def test_named_parameters_for_psycopg() -> None:
    assert _pyformat("SELECT :a, :b_2 WHERE x = :a") == "SELECT %(a)s, %(b_2)s WHERE x = %(a)s"
    assert _pyformat("SELECT '50%' || :x::text") == "SELECT '50%%' || %(x)s::text"
    assert _pyformat("SELECT '12:30'") == "SELECT '12:30'"


# --- statements and transactions, both backends ----------------------------------------------
def test_statements(db: Database) -> None:
    goal_id = _goal(db, "alpha", 5)
    assert isinstance(goal_id, int)
    assert db.one("SELECT key, progress FROM goal WHERE id = :i", {"i": goal_id}) == ("alpha", 5)
    assert db.scalar("SELECT count(*) FROM goal") == 1
    assert db.scalar("SELECT key FROM goal WHERE id = :i", {"i": goal_id + 99}) is None
    db.executemany(
        "INSERT INTO goal (key, title, tags, status, created_at, updated_at) "
        "VALUES (:k, :k, '[]', 'not_started', 'x', 'x')",
        [{"k": "beta"}, {"k": "gamma"}],
    )
    db.executemany("INSERT INTO goal (key) VALUES (:k)", [])  # nothing to do is fine
    assert db.all("SELECT key FROM goal ORDER BY id") == [("alpha",), ("beta",), ("gamma",)]
    assert db.scalar("SELECT '100%'") == "100%"
    assert db.table_exists("goal") and db.table_exists("alembic_version")
    assert not db.table_exists("nonexistent")


def test_write_commits_or_changes_nothing(db: Database) -> None:
    assert db.write(lambda tx: _goal(tx, "kept")) == 1

    def fails(tx: Database) -> None:
        _goal(tx, "lost")
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        db.write(fails)
    assert db.all("SELECT key FROM goal") == [("kept",)]
    db.write(lambda tx: _goal(tx, "after"))  # the connection is usable again
    assert db.scalar("SELECT count(*) FROM goal") == 2


def test_unique_violation_is_recognised_and_not_retried(db: Database) -> None:
    db.write(lambda tx: _goal(tx, "same"))
    attempts = []

    def duplicate(tx: Database) -> None:
        attempts.append(1)
        _goal(tx, "same")

    with pytest.raises(Exception) as info:
        db.write(duplicate)
    assert db.is_unique_violation(info.value)
    assert not db.is_transient(info.value)
    assert len(attempts) == 1


def _transient_error(dialect: str) -> Exception:
    if dialect == "postgresql":
        import psycopg.errors

        return psycopg.errors.SerializationFailure("could not serialize access")
    exc = sqlite3.OperationalError("database is locked")
    exc.sqlite_errorname = "SQLITE_BUSY"  # what sqlite3 sets on the error it raises
    return exc


def test_write_retries_what_the_database_asks_to_retry(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dbmod.time, "sleep", lambda _s: None)
    attempts = []

    def flaky(tx: Database) -> int:
        attempts.append(1)
        goal_id = _goal(tx, f"try-{len(attempts)}")
        if len(attempts) < 3:
            raise _transient_error(db.dialect)
        return goal_id

    db.write(flaky)
    assert len(attempts) == 3
    assert db.all("SELECT key FROM goal") == [("try-3",)]  # the failed attempts left nothing

    def always(tx: Database) -> None:
        raise _transient_error(db.dialect)

    with pytest.raises(type(_transient_error(db.dialect))):
        db.write(always)  # gives up after WRITE_ATTEMPTS


def test_real_contention_is_retried(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite: a writer held past the busy timeout; PostgreSQL: a deadlock. Both end well."""
    setup = _open(db_url)
    first, second = setup.write(lambda tx: (_goal(tx, "one", 0), _goal(tx, "two", 0)))
    setup.close()
    if db_url.startswith("sqlite"):
        monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 100)
        holder = _open(db_url)
        holder.raw.execute("BEGIN IMMEDIATE")  # another writer holds the lock for 0.5 s
        retries: list[str] = []
        failures: list[BaseException] = []
        is_transient = Database.is_transient

        def spy(self: Database, exc: BaseException) -> bool:
            if is_transient(self, exc):
                retries.append(str(exc))
                return True
            return False

        monkeypatch.setattr(Database, "is_transient", spy)

        def bump(tx: Database) -> None:
            tx.execute("UPDATE goal SET progress = progress + 1 WHERE id = :g", {"g": first})

        def writer() -> None:
            conn = _open(db_url)
            try:
                conn.write(bump)
            except BaseException as exc:  # noqa: BLE001
                failures.append(exc)
            finally:
                conn.close()

        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(0.5)
        holder.raw.execute("COMMIT")
        thread.join(60)
        assert failures == []
        assert "database is locked" in retries  # BEGIN IMMEDIATE past the busy timeout, retried
        assert holder.scalar("SELECT progress FROM goal WHERE id = :g", {"g": first}) == 1
        holder.close()
        return

    # PostgreSQL: two transactions lock the same two rows in opposite orders.
    barrier = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []
    attempts = {"a": 0, "b": 0}

    def worker(name: str, order: tuple[int, int]) -> None:
        conn = _open(db_url)

        def work(tx: Database) -> None:
            attempts[name] += 1
            tx.execute("UPDATE goal SET progress = progress + 1 WHERE id = :g", {"g": order[0]})
            if attempts[name] == 1:
                barrier.wait()
            tx.execute("UPDATE goal SET progress = progress + 1 WHERE id = :g", {"g": order[1]})

        try:
            conn.write(work)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=worker, args=("a", (first, second))),
        threading.Thread(target=worker, args=("b", (second, first))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert attempts["a"] + attempts["b"] == 3  # the deadlock victim (40P01) ran twice
    check = _open(db_url)
    assert check.all("SELECT progress FROM goal ORDER BY id") == [(2,), (2,)]
    check.close()


def test_lock_first_read_modify_write_loses_no_update(db_url: str) -> None:
    """The pattern update_goal uses: lock the row (UPDATE), then read, then write."""
    setup = _open(db_url)
    goal_id = setup.write(lambda tx: _goal(tx, "counter", 0))
    setup.close()
    threads_n, each = 4, 25
    errors: list[BaseException] = []

    def worker() -> None:
        conn = _open(db_url)
        try:
            for _ in range(each):

                def bump(tx: Database) -> None:
                    tx.execute("UPDATE goal SET updated_at = 'y' WHERE id = :g", {"g": goal_id})
                    value = tx.scalar("SELECT progress FROM goal WHERE id = :g", {"g": goal_id})
                    time.sleep(0.001)  # widen the window a lost update would need
                    tx.execute(
                        "UPDATE goal SET progress = :v WHERE id = :g",
                        {"v": value + 1, "g": goal_id},
                    )

                conn.write(bump)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    check = _open(db_url)
    assert check.scalar("SELECT progress FROM goal WHERE id = :g", {"g": goal_id}) == 100
    check.close()


def test_snapshot_reads_one_state(db_url: str) -> None:
    reader, writer = _open(db_url), _open(db_url)
    writer.write(lambda tx: _goal(tx, "first"))
    with reader.snapshot():
        assert reader.scalar("SELECT count(*) FROM goal") == 1
        writer.write(lambda tx: _goal(tx, "second"))  # readers never block writers
        assert reader.scalar("SELECT count(*) FROM goal") == 1
        with pytest.raises(RuntimeError, match="read-only snapshot"):
            reader.write(lambda tx: _goal(tx, "third"))
    assert reader.scalar("SELECT count(*) FROM goal") == 2
    reader.write(lambda tx: _goal(tx, "third"))
    assert writer.scalar("SELECT count(*) FROM goal") == 3
    reader.close()
    writer.close()


# --- SQLite specifics -------------------------------------------------------------------------
def test_sqlite_connection_settings(tmp_path: Path) -> None:
    database = _open(f"sqlite:///{tmp_path / 'x.db'}")
    assert database.scalar("PRAGMA journal_mode") == "wal"
    assert database.scalar("PRAGMA foreign_keys") == 1
    assert database.scalar("PRAGMA busy_timeout") == dbmod.BUSY_TIMEOUT_MS
    assert database.scalar("PRAGMA synchronous") == 1  # NORMAL: safe in WAL against crashes
    database.close()


def test_sqlite_failed_commit_is_rolled_back(tmp_path: Path) -> None:
    """A COMMIT that fails (here: a deferred foreign-key check) must not leave a transaction open."""
    database = _open(f"sqlite:///{tmp_path / 'x.db'}")

    def orphan_event(tx: Database) -> None:
        tx.execute("PRAGMA defer_foreign_keys = ON")
        tx.execute(
            "INSERT INTO event (goal_id, on_date, recorded_at) VALUES (999, '2026-01-01', 'x')"
        )

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        database.write(orphan_event)
    assert not database.raw.in_transaction
    database.write(lambda tx: _goal(tx, "fine"))
    assert database.scalar("SELECT count(*) FROM event") == 0
    assert database.scalar("SELECT count(*) FROM goal") == 1
    database.close()


def test_sqlite_missing_file_is_not_created_by_readers(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "none.db"
    assert connect(f"sqlite:///{path}", create=False) is None
    assert not path.exists() and not path.parent.exists()


def test_sqlite_not_a_tracker_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE unrelated (x)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not a tracker database"):
        open_database(f"sqlite:///{other}")
    text = tmp_path / "notes.txt"
    text.write_text("just some text, certainly not SQLite\n" * 100)
    with pytest.raises(DatabaseError, match="cannot open database"):
        open_database(f"sqlite:///{text}")
    with pytest.raises(DatabaseError, match="is a directory"):
        open_database(f"sqlite:///{tmp_path}")


# --- errors users see -------------------------------------------------------------------------
_BLOCK_PSYCOPG = """
import sys

class _NoPsycopg:
    def find_spec(self, name, path=None, target=None):
        if name == "psycopg" or name.startswith(("psycopg.", "psycopg_")):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoPsycopg())
from tracker.cli.main import run
sys.argv[0] = "tracker"
run()
"""


@pytest.mark.parametrize(
    "args",
    [["list"], ["db", "status"], ["db", "upgrade"], ["import", str(FIXTURE)], ["show", "x"]],
)
def test_missing_psycopg_is_one_line_saying_what_to_install(args: list[str]) -> None:
    url = "postgresql+psycopg://tracker:s3cret@127.0.0.1:1/nowhere"
    proc = subprocess.run(
        [sys.executable, "-c", _BLOCK_PSYCOPG, "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == PSYCOPG_MESSAGE + "\n"
    assert proc.stdout == ""


def test_unreachable_server_is_one_line_without_password(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    from tests.pg import free_port

    url = f"postgresql+psycopg://tracker:s3cret@127.0.0.1:{free_port()}/tracker"
    for args in (["list"], ["db", "status"], ["db", "upgrade"]):
        proc = subprocess.run(
            [sys.executable, "-m", "tracker", "--db", url, *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 1
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(
            "tracker: error: cannot connect to PostgreSQL:"
        ), proc.stderr
        assert "s3cret" not in proc.stderr + proc.stdout


# --- tracker db status ------------------------------------------------------------------------
def test_db_status(loaded: Invoke, db_url: str) -> None:
    result = loaded("db", "status")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"database: {display_url(db_url)}"
    from tracker.migrations import HEAD

    assert lines[1] == f"schema:   {HEAD} (head {HEAD})"
    assert lines[2] == "contents: 29 goals, 29 events, 0 evidence links"


def test_db_status_of_a_missing_sqlite_file_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "later.db"
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(path), "db", "status"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"database: sqlite:///{path}\nschema:   none yet (created on first use)\n"
    assert not path.exists()


def test_db_status_of_an_empty_database(empty_db_url: str) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    result = CliRunner().invoke(app, ["--db", empty_db_url, "db", "status"])
    assert result.exit_code == 0, result.output
    assert "run `tracker db upgrade`" in result.stdout or "none yet" in result.stdout


@pytest.mark.postgres
def test_db_status_hides_the_password(pg_admin_url: str) -> None:
    from tests.conftest import drop_pg_database, new_pg_database

    url = new_pg_database(pg_admin_url)
    with_password = url.replace("tracker@", "tracker:s3cret@", 1) + "?sslmode=disable"
    try:
        for env_url in (with_password, url + "?password=s3cret"):
            proc = subprocess.run(
                [sys.executable, "-m", "tracker", "db", "status"],
                capture_output=True,
                text=True,
                timeout=60,
                env={**_env(), "TRACKER_DB": env_url},
            )
            assert proc.returncode == 0, proc.stderr
            assert "s3cret" not in proc.stdout + proc.stderr
            assert "***" in proc.stdout.splitlines()[0]
    finally:
        drop_pg_database(pg_admin_url, url)


def _env() -> dict[str, Any]:
    import os

    return dict(os.environ)
