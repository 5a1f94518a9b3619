"""kill -9 in the middle of a 10,000-goal import leaves the database exactly as it was.

SQLite (the laptop case): the import runs as a real `python -m tracker import` process; the
test watches the write-ahead log grow (the transaction is writing) and kills the process at
three points of the write phase, checking after each kill that the export, every table row and
`PRAGMA integrity_check` are exactly as before, and that the database still takes writes.
PostgreSQL: the same with one kill, timed by the event id sequence (which advances outside
the transaction), so the server must roll back a transaction whose client vanished.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE
from tracker.db import Database, sqlite_path
from tracker.migrations import open_database

GOALS = 10_000
TABLES = ("goal", "event", "evidence", "alembic_version")


def _write_import_file(path: Path) -> None:
    """10,000 new goals, each with two events and one evidence link (≈4 MB of JSON)."""
    goals = []
    for i in range(GOALS):
        goals.append(
            {
                "key": f"bulk-{i:05d}",
                "title": f"Bulk commitment {i} — 批量承诺 {i}",
                "owner": "MIIT",
                "area": ("ICT", "SMEs", "Robotics")[i % 3],
                "tags": ["bulk", f"t{i % 7}"],
                "announced": "2026-01-21",
                "events": [
                    {"on": "2026-01-21", "status": "not_started", "deadline_text": "2026年底"},
                    {
                        "on": "2026-03-01",
                        "status": "in_progress",
                        "progress": i % 100,
                        "note": f"started {i}",
                        "evidence": [{"url": f"https://example.org/bulk/{i}", "title": f"e{i}"}],
                    },
                ],
            }
        )
    path.write_text(json.dumps({"goals": goals}, ensure_ascii=False), encoding="utf-8")


def _tracker(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TRACKER_DB": url},
        stdin=subprocess.DEVNULL,
    )


def _prepare(url: str) -> None:
    """A database in use: the fixture, some updates with evidence, a deadline slip."""
    for args in (
        ["import", str(FIXTURE)],
        ["update", "6g-phase2-trials", "--status", "in_progress", "--progress", "30", "--on",
         "2026-03-01", "--evidence", "https://www.miit.gov.cn/", "--evidence-title", "MIIT"],
        ["update", "sme-classification-standards-revision", "--deadline", "2027年6月", "--on",
         "2026-06-15", "--note", "slipped"],
    ):  # fmt: skip
        proc = _tracker(url, *args)
        assert proc.returncode == 0, proc.stderr


def _state(url: str) -> tuple[str, dict[str, list[tuple[Any, ...]]]]:
    """The export document and every row of every table."""
    proc = _tracker(url, "export", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    db = open_database(url)
    assert db is not None
    try:
        rows = {t: db.all(f"SELECT * FROM {t} ORDER BY 1") for t in TABLES}
    finally:
        db.close()
    return proc.stdout, rows


def _start_import(url: str, path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TRACKER_DB": url},
    )


def _kill_when(proc: subprocess.Popen[str], ready: Any, timeout: float = 300) -> None:
    """SIGKILL `proc` as soon as `ready()` is true; fail if it finished first."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"the import ended before the kill: {proc.communicate()}"
        assert time.monotonic() < deadline, "the import never reached the kill point"
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def _after_crash_checks(url: str, before: tuple[str, dict[str, list[tuple[Any, ...]]]]) -> None:
    assert _state(url) == before
    proc = _tracker(url, "update", "6g-phase2-trials", "--note", "still writable", "--on",
                    "2026-04-01")  # fmt: skip
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
def test_kill_9_during_a_10k_import_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    wal = Path(str(sqlite_path(url)) + "-wal")
    bulk = tmp_path / "bulk.json"
    _write_import_file(bulk)
    _prepare(url)

    # Calibrate on a scratch database: how long the import takes, how large the log gets.
    scratch = f"sqlite:///{tmp_path / 'scratch.db'}"
    _prepare(scratch)
    scratch_wal = Path(str(sqlite_path(scratch)) + "-wal")
    started = time.monotonic()
    proc = _start_import(scratch, bulk)
    largest = 0
    while proc.poll() is None:
        largest = max(largest, _size(scratch_wal))
        time.sleep(0.001)
    import_seconds = time.monotonic() - started
    _out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert f"imported {GOALS} new" in err
    assert largest > 1024 * 1024, largest

    before = _state(url)
    # Kill early, in the middle and late in the write phase: when the log holds 1 %, 20 % and
    # 45 % of what the finished import wrote (the commit itself writes the last part).
    for fraction in (0.01, 0.20, 0.45):
        threshold = int(largest * fraction)
        assert _size(wal) == 0  # no log left over: what we see growing is this import
        proc = _start_import(url, bulk)
        _kill_when(proc, lambda limit=threshold: _size(wal) >= limit)
        db = open_database(url)
        assert db is not None
        assert db.scalar("PRAGMA integrity_check") == "ok"
        db.close()
        assert _state(url) == before, f"killed at {threshold} bytes of log"
    _after_crash_checks(url, before)
    print(
        f"\n  10k import {import_seconds:.1f} s, log {largest // 1024} KB; "
        "killed at 1/20/45 %: database unchanged each time"
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_during_a_10k_import_on_postgres(pg_admin_url: str, tmp_path: Path) -> None:
    from tests.conftest import drop_pg_database, new_pg_database

    url = new_pg_database(pg_admin_url)
    try:
        bulk = tmp_path / "bulk.json"
        _write_import_file(bulk)
        _prepare(url)
        before = _state(url)
        watcher = open_database(url)
        assert watcher is not None
        start_id = watcher.scalar("SELECT last_value FROM event_id_seq")

        def writing() -> bool:  # sequences advance outside transactions: events are going in
            assert watcher is not None
            return int(watcher.scalar("SELECT last_value FROM event_id_seq")) > start_id + 5000

        proc = _start_import(url, bulk)
        _kill_when(proc, writing)
        # The server notices the lost client and rolls back; nothing of it is ever visible.
        _wait_no_other_sessions(watcher)
        watcher.close()
        _after_crash_checks(url, before)
    finally:
        drop_pg_database(pg_admin_url, url)


def _wait_no_other_sessions(db: Database, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while db.scalar(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ):
        assert time.monotonic() < deadline, "the killed client's session never ended"
        time.sleep(0.05)
