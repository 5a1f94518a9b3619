"""Reports and quarterly tables read their rows in batches and write them in pieces: the output
must not depend on where the batches fall. The fixture (29 goals) is read a few rows at a time
and must still give the golden bytes, on SQLite and PostgreSQL (server-side cursors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_quarterly import History, ok
from tests.test_report import GOLDEN, GOLDEN_CASES
from tests.test_report import demo as demo  # noqa: F401 - the shared fixture
from tracker import db as db_module
from tracker.db import Database
from tracker.render import quarterly as quarterly_render
from tracker.render import report as report_render

SMALL = {"STREAM_BATCH": 3, "JSON_BATCH": 2, "CSV_BATCH": 2}


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches far smaller than the fixture's 29 goals (and its 3 changes)."""
    monkeypatch.setattr(db_module, "STREAM_BATCH", SMALL["STREAM_BATCH"])
    monkeypatch.setattr(report_render, "JSON_BATCH", SMALL["JSON_BATCH"])
    monkeypatch.setattr(report_render, "CSV_BATCH", SMALL["CSV_BATCH"])
    monkeypatch.setattr(quarterly_render, "CSV_BATCH", SMALL["CSV_BATCH"])


@pytest.mark.parametrize(("name", "args"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_small_batches_give_the_golden_bytes(
    demo: History,  # noqa: F811
    small_batches: None,
    name: str,
    args: list[str],
) -> None:
    out = ok(demo(*args, "--as-of", "2026-06-30")).stdout
    assert out == (GOLDEN / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--format", "csv"],
        ["report", "--format", "csv", "--status", "in_progress"],
        ["report", "--format", "json", "--area", "ICT"],
        ["report", "--format", "markdown", "--as-of", "2026-03-15"],
        ["report", "--format", "html", "--as-of", "2026-12-31"],
        ["quarterly", "--year", "2026", "--format", "csv"],
        ["quarterly", "--year", "2026", "--format", "markdown", "--sort", "-title"],
        ["quarterly", "--from", "2025Q3", "--to", "2027Q2", "--format", "json"],
    ],
)
def test_small_batches_give_the_same_output(
    demo: History,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
) -> None:
    """The formats and filters without a golden file: batched as read at full size."""
    if "--as-of" not in args:
        args = [*args, "--as-of", "2026-06-30"]
    whole = ok(demo(*args)).stdout
    for name, size in SMALL.items():
        for module in (db_module, report_render, quarterly_render):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, size)
    assert ok(demo(*args)).stdout == whole
    assert len(whole.splitlines()) > SMALL["STREAM_BATCH"] * 2  # more than a batch or two


def test_rows_are_read_while_the_report_is_written(demo: History, tmp_path: Path) -> None:  # noqa: F811
    """build_report reads counts only; the table of all goals is read by the renderer, from a
    cursor, a batch at a time (here: 29 goals in batches of 3)."""
    from datetime import date

    from tracker.migrations import open_database

    db = open_database(demo.url)
    assert db is not None
    fetched: list[int] = []
    original = Database.stream

    def counting(*args: object, **kwargs: object) -> object:
        for row in original(*args, **kwargs):  # type: ignore[arg-type]
            fetched.append(1)
            yield row

    try:
        from tracker import reports

        report = reports.build_report(db, as_of=date(2026, 6, 30))
        Database.stream = counting  # type: ignore[assignment, method-assign]
        lines = report.goal_lines()
        first = next(lines)
        assert first.goal.key
        assert len(fetched) == 1  # one goal read, not 29
        assert 1 + sum(1 for _ in lines) == report.total == 29
        assert len(fetched) == 29
    finally:
        Database.stream = original  # type: ignore[method-assign]
        db.close()
