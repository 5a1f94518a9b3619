"""Shared test helpers: before/after snapshots, one-line error checks, goal builders.

Plain functions (not fixtures) so any test module can use them with the `cli`, `db` and
`tracker_proc` fixtures of conftest.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from typer.testing import Result

Invoke = Callable[..., Result]

ANNOUNCED = "2026-01-21"


def export_snapshot(cli: Invoke) -> dict[str, Any]:
    """The whole database as the interchange document (`export --format json`)."""
    result = cli("export", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def assert_one_line_error(
    result: Result | subprocess.CompletedProcess[str],
    code: int,
    *fragments: str,
) -> str:
    """Exit `code`, exactly one non-empty stderr line, no traceback, mentions `fragments`."""
    exit_code = result.exit_code if isinstance(result, Result) else result.returncode
    stderr = result.stderr
    assert exit_code == code, f"exit {exit_code}, want {code}; stderr: {stderr!r}"
    assert "Traceback" not in stderr, stderr
    assert stderr.endswith("\n"), repr(stderr)
    lines = stderr[:-1].split("\n")
    assert len(lines) == 1, f"want one stderr line, got {len(lines)}: {stderr[:500]!r}"
    line = lines[0]
    assert line.strip(), "empty error line"
    assert line.startswith("tracker: error: "), line
    for fragment in fragments:
        assert fragment.lower() in line.lower(), f"{fragment!r} not in {line!r}"
    return line


def assert_unchanged(cli: Invoke, before: Mapping[str, Any]) -> None:
    """A full export now equals `before` (the failed command changed nothing)."""
    after = export_snapshot(cli)
    assert after == before


def add(cli: Invoke, title: str, *args: str, announced: str | None = ANNOUNCED) -> str:
    """`tracker add` that must succeed; returns the printed key."""
    extra = ["--announced", announced] if announced else []
    result = cli("add", *extra, *args, "--", title)  # `--`: a title may start with '-'
    assert result.exit_code == 0, result.stderr
    key = result.stdout.strip()
    assert key and "\n" not in key
    return key


def ok(result: Result | subprocess.CompletedProcess[str]) -> Result | Any:
    """Assert a command succeeded without writing to stderr beyond notes; return it."""
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def json_out(result: Result | subprocess.CompletedProcess[str]) -> Any:
    ok(result)
    return json.loads(result.stdout)


def write_file(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def write_doc(path: Path, goals: Iterable[Any]) -> Path:
    """An interchange document as JSON."""
    return write_file(path, json.dumps({"goals": list(goals)}, ensure_ascii=False, indent=1))


def strip_volatile(doc: Mapping[str, Any], *, ids: bool = True) -> list[dict[str, Any]]:
    """Goals of an export without what a fresh database assigns differently (ids)."""
    out = []
    for goal in doc["goals"]:
        item = dict(goal)
        if ids:
            item.pop("id", None)
        out.append(item)
    return sorted(out, key=lambda g: g["key"])


def status_as_of(events: Iterable[Mapping[str, Any]], day: date) -> str | None:
    """Plain-Python reference: status of the latest status-setting event on or before `day`.

    `events` are in recording order; ties on the same date go to the later recorded one.
    """
    latest: tuple[str, int, str] | None = None
    for index, event in enumerate(events):
        on = str(event["on"])
        if on > day.isoformat() or event.get("status") is None:
            continue
        if latest is None or (on, index) >= latest[:2]:
            latest = (on, index, str(event["status"]))
    return None if latest is None else latest[2]


def run_tracker(
    *args: str,
    db_url: str,
    env: Mapping[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m tracker ARGS…` with optional preexec (resource limits) and cwd."""
    full_env = {**os.environ, "TRACKER_DB": db_url, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        preexec_fn=preexec_fn,
        cwd=cwd,
    )


def other_db_url(backend: str, request: Any, tmp_path: Path, name: str = "other") -> str:
    """A second fresh database on the same backend (for export → import round trips)."""
    if backend == "postgres":
        from tests.conftest import new_pg_database

        return new_pg_database(request.getfixturevalue("pg_admin_url"))
    return f"sqlite:///{tmp_path / (name + '.db')}"


_COMMAND: list[Any] = []


def cli_for(db_url: str) -> Invoke:
    """Like the `cli` fixture, for another database.

    typer rebuilds the click command from the app on every `CliRunner.invoke` (most of the
    time of a short command); here it is built once and reused, which changes nothing else.
    """
    from unittest import mock

    import typer.main
    import typer.testing
    from typer.testing import CliRunner

    from tracker.cli.main import app

    if not _COMMAND:
        _COMMAND.append(typer.main.get_command(app))
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        with mock.patch.object(typer.testing, "_get_command", lambda _app: _COMMAND[0]):
            return runner.invoke(app, ["--db", db_url, *args], input=input, env=env)

    return invoke


@contextmanager
def recording_clock(start: str) -> Iterator[list[str]]:
    """The tracker's recording clock (`services.now_stamp`) reading `start` (UTC), one second
    later at each reading, for output that shows recording times; yields the stamps given."""
    import pytest

    from tracker import services

    moment = datetime.fromisoformat(start).replace(tzinfo=UTC)
    given: list[str] = []

    def tick() -> str:
        nonlocal moment
        given.append(moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        moment += timedelta(seconds=1)
        return given[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "now_stamp", tick)
        yield given
