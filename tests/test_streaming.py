"""Export, list and show stream rows from the database cursors to the writer (issue 15).

Held without timing: an export read in batches far smaller than the database is the same
document, byte for byte, as one read in a single batch and as the stdlib's indented text; the
writer receives it in several pieces; and the first goal comes out having read only a few
batches of rows, not the whole tables. Every test runs on SQLite and on PostgreSQL (where the
streams are server-side cursors in one transaction).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Invoke
from tests.helpers import ok, write_doc
from tests.test_render_json import DOCUMENTS
from tracker import db as db_module
from tracker import services
from tracker.cli import common
from tracker.db import Database
from tracker.render import documents as render

GOALS = 23
TODAY = date(2027, 6, 1)


def _goal(n: int) -> dict[str, Any]:
    """Goal n of a made-up programme: a few events each, evidence on some, none on others."""
    events: list[dict[str, Any]] = [
        {
            "on": "2026-02-01",
            "status": "not_started",
            "deadline": f"2026-{1 + n % 12:02d}-15",
            "evidence": [{"url": f"https://example.org/plan/{n}", "title": f"Plan {n}"}]
            if n % 3
            else [],
        }
    ]
    for step in range(n % 4):
        events.append(
            {
                "on": f"2026-0{3 + step}-1{step}",
                "status": "in_progress",
                "progress": 10 * (step + 1),
                "note": f"Step {step} of item {n}",
                "evidence": [
                    {"url": f"https://example.org/{n}/{step}/{k}", "kind": "news"}
                    for k in range(step % 3)
                ],
            }
        )
    return {
        "key": f"item-{n:03d}",
        "title": f"Item {n} of the programme",
        "area": ["Energy", "Transport", "Health"][n % 3],
        "tags": ["pilot"] if n % 2 else [],
        "announced": "2026-02-01",
        "events": events,
    }


@pytest.fixture
def many(cli: Invoke, tmp_path: Path) -> Invoke:
    """GOALS goals (more than every batch size the tests set), one event retracted."""
    ok(cli("import", str(write_doc(tmp_path / "many.json", [_goal(n) for n in range(GOALS)]))))
    shown = json.loads(ok(cli("show", "item-007", "--format", "json")).stdout)
    ok(cli("retract", str(shown["events"][-1]["id"]), "--note", "entered twice"))
    return cli


def _written(
    monkeypatch: pytest.MonkeyPatch, cli: Invoke, *args: str
) -> tuple[str, list[str | bytes]]:
    """A command's stdout, and the pieces handed to the writer."""
    pieces: list[str | bytes] = []
    emit = common.emit_chunks

    def spy(chunks: Iterable[str | bytes]) -> None:
        def kept() -> Iterator[str | bytes]:
            for chunk in chunks:
                pieces.append(chunk)
                yield chunk

        emit(kept())

    monkeypatch.setattr(common, "emit_chunks", spy)
    result = ok(cli(*args))
    monkeypatch.setattr(common, "emit_chunks", emit)
    return result.stdout, pieces


def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "STREAM_BATCH", 2)
    monkeypatch.setattr(render, "CHUNK_ITEMS", 3)


def test_export_in_small_batches_is_the_export_in_one(
    many: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, pieces = _written(monkeypatch, many, "export", "--format", "json")
    assert len(pieces) == 3  # head, one batch of all the goals, tail
    _small_batches(monkeypatch)
    streamed, pieces = _written(monkeypatch, many, "export", "--format", "json")
    assert streamed == whole
    assert len(pieces) == 2 + -(-GOALS // 3)
    document = json.loads(streamed)
    assert streamed == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    goals = document["goals"]
    assert [g["key"] for g in goals] == [f"item-{n:03d}" for n in range(GOALS)]
    assert [len(g["events"]) for g in goals] == [1 + n % 4 for n in range(GOALS)]
    # The retracted event is listed, marked; its evidence is not the goal's any more.
    seven = goals[7]
    assert seven["events"][-1]["retracted"]["note"] == "entered twice"
    assert seven["evidence"] == [e for ev in seven["events"][:-1] for e in ev["evidence"]]
    assert seven["progress"] == 20
    # Each goal's evidence is that of its live events, in their order.
    for goal in goals:
        live = [e for ev in goal["events"] if not ev["retracted"] for e in ev["evidence"]]
        assert goal["evidence"] == live


def test_yaml_export_in_small_batches_is_the_json_export_as_yaml(
    many: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    document = json.loads(_written(monkeypatch, many, "export", "--format", "json")[0])
    whole, _ = _written(monkeypatch, many, "export", "--format", "yaml")
    _small_batches(monkeypatch)
    streamed, pieces = _written(monkeypatch, many, "export", "--format", "yaml")
    assert streamed == whole
    assert len(pieces) == 1 + -(-GOALS // 3)  # the key, then one piece per batch
    assert yaml.safe_load(streamed) == document


def test_csv_export_and_list_formats_in_small_batches_are_the_same_text(
    many: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = [
        ("export", "--format", "csv"),
        ("export", "--format", "csv", "--area", "Energy"),
        ("list", "--format", "json", "--as-of", "2026-03-20"),
        ("list", "--format", "csv", "--as-of", "2026-03-20", "--sort", "-progress"),
        ("list", "--format", "markdown", "--as-of", "2026-03-20"),
        ("list", "--format", "json", "--area", "Health", "--as-of", "2030-01-01"),
    ]
    whole = {args: _written(monkeypatch, many, *args)[0] for args in commands}
    _small_batches(monkeypatch)
    for args in commands:
        text, pieces = _written(monkeypatch, many, *args)
        assert text == whole[args], args
        assert len(pieces) >= 3, args
    rows = list(csv.DictReader(io.StringIO(whole[commands[1]])))
    assert [r["key"] for r in rows] == [f"item-{n:03d}" for n in range(0, GOALS, 3)]
    listed = json.loads(whole[commands[2]])
    assert len(listed) == GOALS  # every goal was announced by then
    assert whole[commands[2]] == json.dumps(listed, ensure_ascii=False, indent=2) + "\n"
    markdown = whole[commands[4]].splitlines()
    assert markdown[1] == "|---|---|---|---|---|---|---|" and len(markdown) == 2 + GOALS


def test_show_in_small_batches_is_the_same_goal(
    many: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {fmt: ok(many("show", "item-007", "--format", fmt)).stdout for fmt in ("json", "text")}
    _small_batches(monkeypatch)
    for fmt, text in before.items():
        assert ok(many("show", "item-007", "--format", fmt)).stdout == text
    detail = json.loads(before["json"])
    assert [e["progress"] for e in detail["events"]] == [None, 10, 20, 30]
    assert detail["events"][-1]["retracted"] is not None


def test_the_first_goal_comes_before_the_tables_are_read(
    many: Invoke, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """iter_export and iter_goals are lazy: one goal out has read a few batches of rows."""
    read = 0
    stream = Database.stream

    def counted(self: Database, sql: str, params: Any = None, **kw: Any) -> Iterator[Any]:
        nonlocal read
        for row in stream(self, sql, params, **kw):
            read += 1
            yield row

    def refused(self: Database, sql: str, params: Any = None) -> list[Any]:
        raise AssertionError(f"a whole result set read at once: {sql[:60]}")

    monkeypatch.setattr(db_module, "STREAM_BATCH", 2)
    monkeypatch.setattr(Database, "stream", counted)
    database = db_module.connect(db_url)
    assert database is not None
    try:
        total = int(database.scalar("SELECT count(*) FROM event")) + int(
            database.scalar("SELECT count(*) FROM evidence")
        )
        monkeypatch.setattr(Database, "all", refused)
        goals = services.iter_export(database, as_of=TODAY)
        first = next(goals)
        assert first["key"] == "item-000" and len(first["events"]) == 1
        assert read <= 3 * 2 + 2  # a batch or so of goals, events and evidence each
        rest = list(goals)
        assert len(rest) == GOALS - 1 and read > total
        read = 0
        listed = services.iter_goals(database, as_of=TODAY, sort="id")
        assert next(listed).key == "item-000" and read <= 2
        assert len(list(listed)) == GOALS - 1
    finally:
        database.close()


def test_stream_reads_every_row_in_order_and_nests(db_url: str) -> None:
    database = db_module.connect(db_url)
    assert database is not None
    try:
        sql = "SELECT n FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) t ORDER BY n"
        outer = database.stream(sql, batch=1)
        pairs = [(a[0], [b[0] for b in database.stream(sql, batch=2)]) for a in outer]
        assert pairs == [(1, [1, 2, 3]), (2, [1, 2, 3]), (3, [1, 2, 3])]
        with database.snapshot():
            assert [r[0] for r in database.stream("SELECT 5 WHERE 1 = :x", {"x": 1})] == [5]
    finally:
        database.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(DOCUMENTS, max_size=7), st.integers(1, 3))
def test_a_streamed_list_is_the_whole_list(items: list[object], batch: int) -> None:
    chunks = list(render.json_list_chunks(items, batch=batch))
    assert b"".join(chunks).decode() == render.to_json(items)
    assert len(chunks) == 2 + -(-len(items) // batch)  # `[`, one per batch, `]`


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"a": st.text(max_size=6), "b": st.lists(st.text(max_size=4), max_size=2)}
        ),
        max_size=7,
    ),
    st.integers(1, 3),
)
def test_streamed_csv_is_the_whole_csv(rows: list[dict[str, object]], batch: int) -> None:
    whole = render.csv_text(rows, ("a", "b"))
    assert "".join(render.csv_chunks(rows, ("a", "b"), batch=batch)) == whole
    assert len(list(csv.reader(io.StringIO(whole, newline="")))) == 1 + len(rows)
