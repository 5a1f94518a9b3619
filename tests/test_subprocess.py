"""The key paths as real `python -m tracker` processes (the `tracker_proc` fixture):
exit codes, stdout/stderr separation, no ANSI escapes off a terminal or with NO_COLOR."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURE
from tests.helpers import assert_one_line_error

Proc = Callable[..., subprocess.CompletedProcess[str]]


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def test_key_paths(tracker_proc: Proc) -> None:
    add = ok(
        tracker_proc(
            "add", "Publish the 6G spectrum plan", "--deadline", "2026年底",
            "--announced", "2026-01-21", "--owner", "MIIT", "--tag", "6g",
        )
    )  # fmt: skip
    key = add.stdout.strip()
    assert add.stdout == "publish-the-6g-spectrum-plan\n"

    update = ok(
        tracker_proc(
            "update", key, "--status", "in_progress", "--evidence",
            "https://www.miit.gov.cn/zwgk/", "--on", "2026-03-01",
        )
    )  # fmt: skip
    assert update.stdout == ""
    assert update.stderr == f"{key}: recorded on 2026-03-01\n"

    listed = json.loads(
        ok(tracker_proc("list", "--format", "json", "--as-of", "2026-03-01")).stdout
    )
    assert [(g["key"], g["status"], g["deadline"], g["overdue"]) for g in listed] == [
        (key, "in_progress", "2026-12-31", False)
    ]
    shown = json.loads(
        ok(tracker_proc("show", key, "--format", "json", "--as-of", "2026-03-01")).stdout
    )
    assert shown["deadline_text"] == "2026年底"
    assert [e["status"] for e in shown["events"]] == ["not_started", "in_progress"]
    assert shown["evidence"][0]["url"] == "https://www.miit.gov.cn/zwgk/"


def test_import_twice_changes_nothing(tracker_proc: Proc) -> None:
    first = ok(tracker_proc("import", str(FIXTURE)))
    assert "imported 29 new" in first.stderr and first.stdout == ""
    before = ok(tracker_proc("export")).stdout
    second = ok(tracker_proc("import", str(FIXTURE)))
    assert "0 new, 0 updated, 29 unchanged" in second.stderr
    assert ok(tracker_proc("export")).stdout == before


def test_export_import_round_trip(tracker_proc: Proc, tmp_path: Path) -> None:
    ok(tracker_proc("import", str(FIXTURE)))
    ok(tracker_proc("update", "6g-phase2-trials", "--progress", "40", "--on", "2026-04-01"))
    out = tmp_path / "backup.yaml"
    ok(tracker_proc("export", "--format", "yaml", "-o", str(out)))
    before = ok(tracker_proc("export")).stdout
    again = ok(tracker_proc("import", str(out)))
    assert "0 new, 0 updated, 29 unchanged" in again.stderr
    assert ok(tracker_proc("export")).stdout == before


BAD_INPUT = [
    (["add", "T", "--status", "finished"], 2, "unknown status"),
    (["add", "T", "--announced", "2026-02-30"], 2, "unreadable"),
    (["add", "T", "--deadline", "someday"], 2, "unreadable deadline"),
    (["add", "T", "--evidence", "javascript:alert(1)"], 2, "malformed evidence URL"),
    (["add", "T", "--progress", "101"], 2, "outside 0–100"),
    (["add", "x" * 100_000], 2, "100,000 characters"),
    (["add", "bad \udcff bytes"], 2, "not valid UTF-8"),  # a non-UTF-8 argv byte
    (["add", "Dup", "--key", "base"], 1, "already exists"),
    (["update", "nope", "--status", "achieved", "--on", "2026-03-01"], 1, "unknown goal"),
    (["update", "base", "--on", "2026-13-01", "--status", "achieved"], 2, "unreadable --on"),
    (["show", "nope"], 1, "unknown goal"),
    (["list", "--bogus"], 2, "no such option"),
    (["list", "--db", "x.db"], 2, "no such option"),
    (["list", "--search", "a\x1bb"], 2, "control characters"),
    (["import", "/nonexistent/file.yaml"], 2, "does not exist"),
    (["frobnicate"], 2, "no such command"),
]


def test_bad_input_exit_codes(tracker_proc: Proc) -> None:
    """Real processes, real exit statuses; one database for all cases (each is a no-op, as
    the full export at the end shows; test_bad_input.py checks that case by case)."""
    ok(tracker_proc("add", "Base", "--key", "base", "--announced", "2026-01-21"))
    before = ok(tracker_proc("export")).stdout
    for args, code, fragment in BAD_INPUT:
        result = tracker_proc(*args)
        assert_one_line_error(result, code, fragment)
        assert result.stdout == "", args
    assert ok(tracker_proc("export")).stdout == before


def test_no_arguments_prints_help(tracker_proc: Proc) -> None:
    result = ok(tracker_proc())
    assert "Usage:" in result.stdout and "add" in result.stdout


def test_no_ansi_escapes_off_a_terminal(tracker_proc: Proc) -> None:
    ok(tracker_proc("import", str(FIXTURE)))
    for args in (
        ["list", "--as-of", "2026-03-01"],
        ["show", "6g-phase2-trials", "--as-of", "2026-03-01"],
    ):
        for env in ({"TERM": "xterm-256color"}, {"NO_COLOR": "1"}):
            result = ok(tracker_proc(*args, env=env))
            assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
            assert "in_progress" in result.stdout


def _run_on_a_terminal(db_url: str, args: list[str], env: dict[str, str]) -> str:
    """Run with stdout on a pseudo-terminal; what the terminal received."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            stdout=follower,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "TRACKER_DB": db_url, "TERM": "xterm", "COLUMNS": "200", **env},
            timeout=120,
            check=False,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other side is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.returncode == 0, proc.stderr
        return b"".join(chunks).decode("utf-8")
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)


def test_colour_only_on_a_terminal_without_no_color(tracker_proc: Proc, db_url: str) -> None:
    ok(tracker_proc("import", str(FIXTURE)))
    args = ["list", "--as-of", "2026-03-01", "--status", "in_progress"]
    coloured = _run_on_a_terminal(db_url, args, {})
    assert "\x1b[" in coloured  # the status column is painted on a terminal…
    plain = _run_on_a_terminal(db_url, args, {"NO_COLOR": "1"})
    assert "\x1b" not in plain and "in_progress" in plain  # …and NO_COLOR turns it off
    dumb = _run_on_a_terminal(db_url, args, {"TERM": "dumb"})
    assert "\x1b" not in dumb


def test_data_cannot_drive_the_terminal(tracker_proc: Proc, db_url: str) -> None:
    """A bidi override in a title reaches a terminal as a visible escape, not as itself."""
    ok(tracker_proc("add", "evil \u202etxt.exe", "--key", "rtl", "--announced", "2026-01-21"))
    shown = _run_on_a_terminal(db_url, ["list", "--as-of", "2026-02-01"], {})
    assert "\u202e" not in shown and "\\u202e" in shown
    text = _run_on_a_terminal(db_url, ["show", "rtl", "--as-of", "2026-02-01"], {})
    assert "\u202e" not in text


def test_a_closed_pipe_is_not_an_error(db_url: str) -> None:
    """`tracker export | head -c 10`: the reader leaves early; no traceback, exit 0."""
    env = {**os.environ, "TRACKER_DB": db_url}
    subprocess.run(
        [sys.executable, "-m", "tracker", "import", str(FIXTURE)], env=env, check=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "export"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10) == b'{\n  "goals'
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "Error" not in stderr
