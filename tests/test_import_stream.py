"""`import` reads its file as a stream and writes it a batch of goals at a time: the result is
the one a single batch gives, and a problem anywhere — the last row, the last byte — still
means nothing is written. Batches and read chunks are made tiny so small files cross them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke
from tests.helpers import (
    assert_one_line_error,
    cli_for,
    export_snapshot,
    ok,
    other_db_url,
    strip_volatile,
    write_doc,
    write_file,
)
from tracker import importing


def goal(i: int, *, keyed: bool = True) -> dict[str, Any]:
    """A goal with a short history: a status change, a slip, evidence, one retracted step."""
    item: dict[str, Any] = {
        "title": f"Pilot zone number {i} for industrial internet platforms",
        "owner": "MIIT",
        "area": "ICT",
        "tags": ["pilot", f"batch{i % 3}"],
        "announced": "2026-01-21",
        "events": [
            {
                "on": "2026-01-21",
                "status": "not_started",
                "deadline": "2027-06-30",
                "deadline_text": "2027年6月底",
                "deadline_precision": "month",
                "evidence": [{"url": f"https://example.org/notice/{i}", "title": "通知"}],
                "recorded_by": "analyst",
            },
            {
                "on": "2026-03-02",
                "status": "in_progress",
                "progress": 20,
                "note": f"Site {i} picked",
                "recorded_by": "analyst",
            },
            {
                "on": "2026-04-10",
                "status": "achieved",
                "note": "Entered by mistake",
                "recorded_by": "analyst",
                "retracted": {"by": "editor", "at": "2026-04-11T08:00:00Z", "note": "wrong goal"},
            },
        ],
    }
    if keyed:
        item["key"] = f"pilot-{i:02d}"
    return item


def comparable(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """An export without what differs between two runs (ids, the time of recording)."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in ("id", "recorded_at")}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return [clean(g) for g in strip_volatile(doc)]


def test_many_batches_give_the_database_one_batch_gives(
    cli: Invoke,
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Goals new and stored, keyed and not, with retractions: 4 per batch or all in one."""
    seed = write_doc(tmp_path / "seed.json", [goal(i) for i in (2, 7, 11)])
    changed = [goal(i, keyed=i % 5 != 0) for i in range(1, 15)]
    changed[6]["owner"] = "NDRC"  # pilot-07 is stored: its owner changes, an event records it
    changed[6]["events"].append({"on": "2026-05-05", "progress": 60, "note": "Halfway"})
    doc = write_doc(tmp_path / "goals.json", changed)
    one = cli_for(other_db_url(backend, request, tmp_path))
    for run, batch in ((cli, 4), (one, 100_000)):
        monkeypatch.setattr(importing, "BATCH", batch)
        ok(run("import", str(seed), "--on", "2026-06-01"))
        result = ok(run("import", str(doc), "--on", "2026-06-01"))
        assert "11 new, 1 updated, 2 unchanged goals" in result.stderr
    batched, whole = export_snapshot(cli), export_snapshot(one)
    assert len(batched["goals"]) == 14
    assert comparable(batched) == comparable(whole)
    stored = next(g for g in batched["goals"] if g["key"] == "pilot-07")
    assert stored["owner"] == "NDRC" and stored["progress"] == 60


def test_the_same_file_twice_in_batches_changes_nothing(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 3)
    doc = write_doc(tmp_path / "goals.json", [goal(i) for i in range(10)])
    ok(cli("import", str(doc)))
    before = export_snapshot(cli)
    again = ok(cli("import", str(doc)))
    assert "0 new, 0 updated, 10 unchanged goals (0 events" in again.stderr
    assert export_snapshot(cli) == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_bad_last_row_of_a_long_file_writes_nothing(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr(importing, "BATCH", 4)
    ok(cli("import", str(write_doc(tmp_path / "seed.json", [goal(100)]))))
    before = export_snapshot(cli)
    if fmt == "json":
        goals = [goal(i) for i in range(30)] + [{"key": "last", "title": "L", "status": "bogus"}]
        path = write_doc(tmp_path / "goals.json", goals)
        where = "goal 31 (last)"
    else:
        rows = [f"k{i},Goal number {i},in_progress" for i in range(30)]
        path = write_file(
            tmp_path / "goals.csv", "\n".join(["key,title,status", *rows, "last,L,bogus"])
        )
        where = "line 32 (last)"
    for extra in ((), ("--dry-run",)):
        result = cli("import", str(path), *extra)
        assert_one_line_error(result, 2, where, "bogus")
        assert export_snapshot(cli) == before


def test_a_file_cut_short_after_many_goals_writes_nothing(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The streaming parser meets the end only after thousands of goals were checked; its own
    words are the message when the file is too big to parse again for a line number."""
    monkeypatch.setattr(importing, "_REPARSE_BYTES", 0)
    text = json.dumps({"goals": [goal(i) for i in range(40)]})
    path = write_file(tmp_path / "cut.json", text[: len(text) - 30])
    before = export_snapshot(cli)
    assert_one_line_error(cli("import", str(path)), 2, "not valid JSON")
    assert export_snapshot(cli) == before


@pytest.mark.parametrize(
    "make",
    [
        # a field twice in an event of the last goal
        lambda text: (
            text[: text.rindex('"note"')] + '"note": "x", ' + text[text.rindex('"note"') :]
        ),
        # the document's own field twice
        lambda text: text[:-1] + ', "goals": []}',
    ],
    ids=["in-an-event", "in-the-document"],
)
def test_a_field_twice_in_one_object_is_found_in_the_stream(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Any
) -> None:
    monkeypatch.setattr(importing, "BATCH", 4)
    text = json.dumps({"goals": [goal(i) for i in range(20)]})
    path = write_file(tmp_path / "dup.json", make(text))
    assert_one_line_error(cli("import", str(path)), 2, "not valid JSON", "appears twice")
    assert export_snapshot(cli)["goals"] == []


def test_a_top_level_list_streams_too(cli: Invoke, tmp_path: Path) -> None:
    path = write_file(tmp_path / "list.json", json.dumps([goal(1), goal(2)]))
    assert "2 new" in ok(cli("import", str(path))).stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_byte_order_mark_is_skipped(cli: Invoke, tmp_path: Path, fmt: str) -> None:
    if fmt == "json":
        text = json.dumps({"goals": [goal(1)]}, ensure_ascii=False)
    else:
        text = "key,title,owner\npilot-01,试点园区,MIIT\n"
    path = write_file(tmp_path / f"bom.{fmt}", "\ufeff".encode() + text.encode())
    ok(cli("import", str(path)))
    (stored,) = export_snapshot(cli)["goals"]
    assert stored["key"] == "pilot-01" and stored["owner"] == "MIIT"


def test_characters_cut_by_a_read_chunk_are_whole(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 5 bytes cut most three-byte characters: the check must join them again."""
    monkeypatch.setattr(importing, "_CHUNK", 5)
    path = write_file(tmp_path / "zh.csv", "key,title\nsme,中小企业数字化转型专项行动\n")
    ok(cli("import", str(path)))
    assert export_snapshot(cli)["goals"][0]["title"] == "中小企业数字化转型专项行动"


@pytest.mark.parametrize("at", ["middle", "end"])
def test_a_byte_that_is_not_utf8_late_in_the_file_is_named(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    monkeypatch.setattr(importing, "_CHUNK", 64)
    good = json.dumps({"goals": [goal(i) for i in range(5)]}).encode()
    if at == "middle":
        offset = good.index(b"Site 3")
        data = good[:offset] + "Café".encode("latin-1") + good[offset:]
        want = f"byte {offset + 3}"
    else:  # the first byte of a three-byte character, and nothing after it
        data = good + b"\xe4"
        want = f"byte {len(good)}"
    path = write_file(tmp_path / "latin.json", data)
    assert_one_line_error(cli("import", str(path)), 2, "not UTF-8", want)
    assert export_snapshot(cli)["goals"] == []


@pytest.mark.slow
def test_a_file_of_more_than_one_batch_as_a_real_process(tracker_proc: Any, tmp_path: Path) -> None:
    """The installed command, default batch size: a broken last goal writes nothing; the
    fixed file imports every goal, and a second run finds them all unchanged."""
    n = importing.BATCH + 50
    goals = [goal(i) for i in range(n)]
    broken = write_doc(tmp_path / "broken.json", [*goals, {"key": "z", "title": ""}])
    assert_one_line_error(tracker_proc("import", str(broken)), 2, f"goal {n + 1} (z)")
    assert json.loads(ok(tracker_proc("export")).stdout)["goals"] == []
    path = write_doc(tmp_path / "goals.json", goals)
    first = ok(tracker_proc("import", str(path), timeout=600))
    assert f"imported {n} new, 0 updated, 0 unchanged goals ({3 * n} events" in first.stderr
    second = ok(tracker_proc("import", str(path), timeout=600))
    assert f"imported 0 new, 0 updated, {n} unchanged goals" in second.stderr
