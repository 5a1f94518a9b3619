"""A hostile environment: an unwritable database path, a file that is not a database, a
database from a newer tracker, a full disk during export. Clear one-line errors, nothing
changed, no partial output files left behind."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURE
from tests.helpers import (
    Invoke,
    assert_one_line_error,
    cli_for,
    export_snapshot,
    ok,
    run_tracker,
    write_doc,
)
from tracker.db import connect

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
COMMANDS = [
    ["list", "--as-of", "2026-02-01"],
    ["add", "A goal", "--on", "2026-02-01"],
    ["show", "1"],
    ["export"],
    ["import", str(FIXTURE)],
]


# --- unwritable database paths -------------------------------------------------------------------
def test_database_under_a_regular_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    cli = cli_for(f"sqlite:///{blocker / 'sub' / 'tracker.db'}")
    for args in COMMANDS:
        assert_one_line_error(cli(*args), 1, "cannot create database directory")
    assert blocker.read_text() == "x"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_database_where_nothing_can_be_created() -> None:
    cli = cli_for("sqlite:////proc/tracker-test.db")  # refused even to root
    for args in COMMANDS:
        assert_one_line_error(cli(*args), 1, "cannot open database")


def test_database_path_is_a_directory(tmp_path: Path) -> None:
    cli = cli_for(f"sqlite:///{tmp_path}")
    assert_one_line_error(cli("list"), 1, "is a directory")


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions")
def test_database_in_a_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        cli = cli_for(f"sqlite:///{locked / 'tracker.db'}")
        assert_one_line_error(cli("add", "T", "--on", "2026-02-01"), 1)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions")
def test_read_only_database_file(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    cli = cli_for(f"sqlite:///{path}")
    ok(cli("import", str(FIXTURE)))
    before = export_snapshot(cli)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            Path(f"{path}{suffix}").chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        result = cli("update", "6g-phase2-trials", "--status", "achieved", "--on", "2026-03-01")
        assert_one_line_error(result, 1)
    finally:
        tmp_path.chmod(0o755)
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                Path(f"{path}{suffix}").chmod(0o644)
    assert export_snapshot(cli) == before


# --- files that are not tracker databases ---------------------------------------------------------
NOT_DATABASES: dict[str, bytes] = {
    "text": b"just some notes, not a database\n" * 10,
    "random": bytes((i * 37 + 11) % 256 for i in range(8192)),
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
    "truncated-sqlite": b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\x00" * 40,
}


@pytest.mark.parametrize("kind", sorted(NOT_DATABASES))
def test_a_file_that_is_not_a_database(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "tracker.db"
    path.write_bytes(NOT_DATABASES[kind])
    cli = cli_for(f"sqlite:///{path}")
    for args in COMMANDS:
        assert_one_line_error(cli(*args), 1, "database")
    assert path.read_bytes() == NOT_DATABASES[kind]  # never "repaired" or overwritten


def test_a_sqlite_database_of_another_application(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    cli = cli_for(f"sqlite:///{path}")
    for args in COMMANDS:
        assert_one_line_error(cli(*args), 1, "not a tracker database")
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert tables == ["customers"]
        assert conn.execute("SELECT name FROM customers").fetchall() == [("Ada",)]


# --- a database written by a newer tracker --------------------------------------------------------
def _raw_state(db_url: str) -> tuple[object, ...]:
    db = connect(db_url)
    assert db is not None
    try:
        return (
            db.all("SELECT version_num FROM alembic_version"),
            db.all("SELECT id, key, title, status FROM goal ORDER BY id"),
            db.all("SELECT id, goal_id, on_date, status FROM event ORDER BY id"),
        )
    finally:
        db.close()


def test_a_database_from_a_newer_schema(cli: Invoke, db_url: str) -> None:
    ok(cli("import", str(FIXTURE)))
    db = connect(db_url)
    assert db is not None
    try:
        db.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    finally:
        db.close()
    before = _raw_state(db_url)
    for args in [
        *COMMANDS,
        ["update", "6g-phase2-trials", "--status", "achieved", "--on", "2026-03-01"],
    ]:
        assert_one_line_error(cli(*args), 1, "newer than this tracker", "upgrade tracker")
    assert _raw_state(db_url) == before


# --- a full disk during export -------------------------------------------------------------------------
def _big_history(cli: Invoke, tmp_path: Path) -> None:
    """Many events per goal: the export is several times the size of the database."""
    goals = [
        {
            "key": f"goal-{i}",
            "title": f"Goal number {i}",
            "announced": "2026-01-01",
            "events": [
                {"on": f"2026-{1 + j // 28:02d}-{1 + j % 28:02d}", "progress": j % 101}
                for j in range(30)
            ],
        }
        for i in range(60)
    ]
    ok(cli("import", str(write_doc(tmp_path / "big.json", goals))))


def _limited(limit: int) -> Callable[[], None]:
    def preexec() -> None:  # in the child: files may not grow past `limit` bytes
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


@pytest.fixture
def full_disk(cli: Invoke, db_url: str, tmp_path: Path) -> tuple[str, int, int]:
    """(db_url, export size, a file-size limit between the database's size and the export's)."""
    _big_history(cli, tmp_path)
    size = len(cli("export").stdout.encode())
    limit = size // 2
    if db_url.startswith("sqlite"):
        db_file = Path(db_url.removeprefix("sqlite:///"))
        largest = max(
            Path(f"{db_file}{s}").stat().st_size
            for s in ("", "-wal", "-shm")
            if Path(f"{db_file}{s}").exists()
        )
        assert largest < limit, (largest, limit)  # reading the database still works
    return db_url, size, limit


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_full_disk_leaves_no_partial_file(
    full_disk: tuple[str, int, int], tmp_path: Path, fmt: str
) -> None:
    db_url, _, limit = full_disk
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"backup.{fmt}"
    result = run_tracker(
        "export", "--format", fmt, "-o", str(target), db_url=db_url, preexec_fn=_limited(limit)
    )
    assert_one_line_error(result, 1, "cannot write", "File too large")
    assert list(out_dir.iterdir()) == []  # no target, no temp file

    target.write_text("the previous backup\n")  # an existing file is kept whole
    result = run_tracker(
        "export", "--format", fmt, "-o", str(target), db_url=db_url, preexec_fn=_limited(limit)
    )
    assert_one_line_error(result, 1, "cannot write")
    assert [p.name for p in out_dir.iterdir()] == [target.name]
    assert target.read_text() == "the previous backup\n"

    result = run_tracker("export", "--format", fmt, "-o", str(target), db_url=db_url)
    ok(result)  # with room on the disk the same command works
    assert target.stat().st_size > limit


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_full_disk_on_stdout_is_an_error(
    full_disk: tuple[str, int, int], tmp_path: Path, unbuffered: str
) -> None:
    """`tracker export > file` on a full disk: exit 1, never a silent short file."""
    db_url, size, limit = full_disk
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    out = tmp_path / "redirected.json"
    with out.open("wb") as stdout:
        proc = subprocess.run(
            [sys.executable, "-m", "tracker", "export"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env={**env, "TRACKER_DB": db_url},
            preexec_fn=_limited(limit),
            text=True,
            timeout=120,
            check=False,
        )
    assert_one_line_error(proc, 1, "File too large")
    assert out.stat().st_size <= limit < size


def test_export_to_a_place_that_cannot_be_written(cli: Invoke, tmp_path: Path) -> None:
    ok(cli("import", str(FIXTURE)))
    if Path("/proc/self").is_dir():
        assert_one_line_error(cli("export", "-o", "/proc/tracker-export.json"), 1, "cannot write")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert_one_line_error(cli("export", "-o", str(blocker / "x.json")), 2, "is not a directory")
    assert blocker.read_text() == "x"


def test_the_environment_database_is_used(tmp_path: Path) -> None:
    """TRACKER_DB names the database when --db is absent; a bad one is a one-line error."""
    url = f"sqlite:///{tmp_path / 'env.db'}"
    result = run_tracker("add", "From the environment", "--on", "2026-02-01", db_url=url)
    ok(result)
    listed = run_tracker("list", "--format", "json", "--as-of", "2026-02-01", db_url=url)
    assert [g["title"] for g in json.loads(listed.stdout)] == ["From the environment"]
    bad = run_tracker("list", db_url="mysql://nobody@localhost/tracker")
    assert_one_line_error(bad, 1, "unsupported database URL scheme")
