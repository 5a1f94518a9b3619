"""`import` and `export` through typer's runner, on both backends."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURE, Invoke
from tests.helpers import (
    add,
    assert_one_line_error,
    cli_for,
    export_snapshot,
    json_out,
    ok,
    other_db_url,
    strip_volatile,
    write_doc,
    write_file,
)


def history(cli: Invoke) -> None:
    """A few goals with a real history: status changes, a slip, evidence, edits, notes."""
    add(cli, "6G trials", "--key", "six-g", "--deadline", "2026-06-30", "--owner", "MIIT",
        "--tag", "6g", "--evidence", "https://example.org/a", "--evidence-title", "A",
        "--evidence-kind", "news", "--evidence-published", "2026-01-20")  # fmt: skip
    ok(cli("update", "six-g", "--status", "in_progress", "--progress", "20", "--on", "2026-03-01",
           "--note", "line one\nline two", "--evidence", "https://example.org/b"))  # fmt: skip
    ok(cli("update", "six-g", "--deadline", "Q4 2026", "--on", "2026-06-15", "--owner", "NDRC"))
    add(cli, "中小企业专项行动", "--key", "sme", "--deadline", "十五五", "--area", "SMEs",
        "--quote", "「引号」 and 'quotes' | pipes", "--status", "stalled")  # fmt: skip
    add(cli, "No announcement", "--key", "bare", "--on", "2026-02-02", announced=None)


# --- import ------------------------------------------------------------------------------------
def test_import_the_fixture_twice_changes_nothing(cli: Invoke) -> None:
    first = ok(cli("import", str(FIXTURE)))
    assert "imported 29 new, 0 updated, 0 unchanged goals" in first.stderr
    before = export_snapshot(cli)
    assert len(before["goals"]) == 29
    second = ok(cli("import", str(FIXTURE)))
    assert "imported 0 new, 0 updated, 29 unchanged goals (0 events, 0 evidence links)" in (
        second.stderr
    )
    assert export_snapshot(cli) == before


def test_dry_run_validates_and_writes_nothing(cli: Invoke) -> None:
    result = ok(cli("import", str(FIXTURE), "--dry-run"))
    assert "would import 29 new" in result.stderr
    assert export_snapshot(cli) == {"goals": []}


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_import_round_trip(
    cli: Invoke, backend: str, request: pytest.FixtureRequest, tmp_path: Path, fmt: str
) -> None:
    history(cli)
    out = tmp_path / f"backup.{fmt}"
    ok(cli("export", "--format", fmt, "-o", str(out)))
    original = export_snapshot(cli)

    other = cli_for(other_db_url(backend, request, tmp_path))
    result = ok(other("import", str(out)))
    assert "imported 3 new" in result.stderr
    copy = export_snapshot(other)
    assert copy == original  # ids, events, recorded_at, authors, evidence: nothing lost

    again = ok(other("import", str(out)))
    assert "0 new, 0 updated, 3 unchanged" in again.stderr
    assert export_snapshot(other) == original
    # and into the database it came from: nothing new either
    ok(cli("import", str(out)))
    assert export_snapshot(cli) == original


def test_csv_round_trip_keeps_the_current_state(
    cli: Invoke, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    history(cli)
    out = tmp_path / "goals.csv"
    ok(cli("export", "--format", "csv", "-o", str(out)))
    other = cli_for(other_db_url(backend, request, tmp_path))
    ok(other("import", str(out), "--on", "2026-02-02"))

    def state(invoke: Invoke) -> list[dict[str, object]]:
        goals = strip_volatile(export_snapshot(invoke))
        for goal in goals:  # CSV is one row per goal: no history
            for name in ("events", "original_deadline"):
                goal.pop(name)
            goal["evidence"] = [e["url"] for e in goal["evidence"]]
        return goals

    assert state(other) == state(cli)
    second = ok(other("import", str(out), "--on", "2026-02-02"))
    assert "0 new, 0 updated, 3 unchanged" in second.stderr


def test_export_to_stdout_is_the_interchange_document(cli: Invoke) -> None:
    history(cli)
    doc = export_snapshot(cli)
    assert [g["key"] for g in doc["goals"]] == ["six-g", "sme", "bare"]
    six_g = doc["goals"][0]
    assert six_g["original_deadline"] == "2026-06-30"
    assert six_g["deadline"] == "2026-12-31"
    assert [e["on"] for e in six_g["events"]] == ["2026-01-21", "2026-03-01", "2026-06-15"]
    assert six_g["events"][2]["changes"] == {"owner": {"from": "MIIT", "to": "NDRC"}}
    assert [e["url"] for e in six_g["evidence"]] == [
        "https://example.org/a",
        "https://example.org/b",
    ]
    yaml_doc = yaml.safe_load(ok(cli("export", "--format", "yaml")).stdout)
    assert yaml_doc == doc
    rows = list(csv.DictReader(io.StringIO(ok(cli("export", "--format", "csv")).stdout)))
    assert [r["key"] for r in rows] == ["six-g", "sme", "bare"]


def test_export_filters(cli: Invoke) -> None:
    history(cli)
    doc = json_out(cli("export", "--status", "stalled"))
    assert [g["key"] for g in doc["goals"]] == ["sme"]
    doc = json_out(cli("export", "--owner", "ndrc"))
    assert [g["key"] for g in doc["goals"]] == ["six-g"]


def test_export_file_has_ordinary_permissions(cli: Invoke, tmp_path: Path) -> None:
    """Written through a private temp file, but the result is readable like any other file."""
    history(cli)
    old = os.umask(0o022)
    try:
        target = tmp_path / "shared.json"
        ok(cli("export", "-o", str(target)))
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        target.chmod(0o640)  # replacing a file keeps its mode
        ok(cli("export", "-o", str(target)))
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_events_out_of_order_are_replayed_in_date_order(cli: Invoke, tmp_path: Path) -> None:
    path = write_doc(
        tmp_path / "events.json",
        [
            {
                "key": "late",
                "title": "Events listed out of order",
                "announced": "2026-01-21",
                "events": [
                    {"on": "2026-05-01", "status": "achieved", "progress": 100},
                    {"on": "2026-01-21", "status": "not_started", "deadline": "2026-06-30"},
                    {"on": "2026-03-01", "status": "in_progress", "progress": 40},
                ],
            }
        ],
    )
    ok(cli("import", str(path)))
    goal = json_out(cli("show", "late", "--format", "json", "--as-of", "2026-04-01"))
    assert [e["on"] for e in goal["events"]] == ["2026-01-21", "2026-03-01", "2026-05-01"]
    assert (goal["status"], goal["progress"]) == ("in_progress", 40)
    final = json_out(cli("show", "late", "--format", "json", "--as-of", "2026-05-01"))
    assert (final["status"], final["progress"]) == ("achieved", 100)
    before = export_snapshot(cli)
    ok(cli("import", str(path)))  # again: nothing new
    assert export_snapshot(cli) == before


def test_hand_written_yaml(cli: Invoke, tmp_path: Path) -> None:
    """Unquoted `on:` keys and dates, as people write YAML by hand."""
    path = write_file(
        tmp_path / "hand.yaml",
        """goals:
  - key: hand
    title: Hand-written
    announced: 2026-01-21
    tags: [yes, no, on]
    events:
      - on: 2026-01-21
        status: not_started
        deadline_text: 2026年底
      - {on: 2026-04-01, status: in progress, note: on track}
""",
    )
    ok(cli("import", str(path)))
    goal = json_out(cli("show", "hand", "--format", "json", "--as-of", "2026-04-01"))
    assert goal["tags"] == ["yes", "no", "on"]  # YAML 1.1 booleans stay words
    assert [(e["on"], e["status"]) for e in goal["events"]] == [
        ("2026-01-21", "not_started"),
        ("2026-04-01", "in_progress"),
    ]
    assert goal["deadline"] == "2026-12-31"


def test_a_history_without_an_initial_status_starts_not_started(
    cli: Invoke, tmp_path: Path
) -> None:
    path = write_doc(
        tmp_path / "nostatus.json",
        [
            {
                "key": "quiet",
                "title": "First event only a note",
                "events": [
                    {"on": "2026-02-01", "note": "noted"},
                    {"on": "2026-03-01", "status": "in_progress"},
                ],
            },
            {"key": "empty", "title": "Empty history", "announced": "2026-01-21", "events": []},
        ],
    )
    ok(cli("import", str(path)))
    on_feb = {
        g["key"]: g["status"] for g in json_out(cli("list", "-f", "json", "--as-of", "2026-02-15"))
    }
    assert on_feb == {"quiet": "not_started", "empty": "not_started"}
    on_mar = {
        g["key"]: g["status"] for g in json_out(cli("list", "-f", "json", "--as-of", "2026-12-31"))
    }
    assert on_mar == {"quiet": "in_progress", "empty": "not_started"}
    stored = export_snapshot(cli)
    assert {g["key"] for g in stored["goals"]} == {"quiet", "empty"}
    # the same file again finds the first event stored as `not_started`: nothing added
    assert "0 new, 0 updated, 2 unchanged" in ok(cli("import", str(path))).stderr
    assert export_snapshot(cli) == stored


def test_import_updates_an_existing_goal_with_one_event(cli: Invoke, tmp_path: Path) -> None:
    add(cli, "6G trials", "--key", "six-g", "--deadline", "2026-06-30")
    path = write_doc(
        tmp_path / "update.json",
        [
            {
                "key": "six-g",
                "status": "in_progress",
                "progress": 50,
                "owner": "MIIT",
                "evidence": [{"url": "https://example.org/new", "kind": "data"}],
            }
        ],
    )
    result = ok(cli("import", str(path), "--on", "2026-04-01"))
    assert "0 new, 1 updated, 0 unchanged goals (1 events, 1 evidence links)" in result.stderr
    goal = json_out(cli("show", "six-g", "--format", "json", "--as-of", "2026-04-01"))
    assert (goal["status"], goal["progress"], goal["owner"]) == ("in_progress", 50, "MIIT")
    last = goal["events"][-1]
    assert last["on"] == "2026-04-01"
    assert last["changes"] == {"owner": {"from": None, "to": "MIIT"}}
    assert goal["evidence"][0]["kind"] == "data"
    assert (
        "0 new, 0 updated, 1 unchanged" in ok(cli("import", str(path), "--on", "2026-05-01")).stderr
    )


def test_import_bom_and_formats(cli: Invoke, tmp_path: Path) -> None:
    bom = write_file(tmp_path / "bom.json", '\ufeff{"goals": [{"key": "b", "title": "BOM"}]}')
    ok(cli("import", str(bom), "--on", "2026-02-01"))
    listed = write_file(tmp_path / "list.data", "- key: l\n  title: A bare list\n")
    ok(cli("import", str(listed), "--format", "yaml", "--on", "2026-02-01"))
    assert {g["key"] for g in export_snapshot(cli)["goals"]} == {"b", "l"}


def test_import_errors_are_one_line(cli: Invoke, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    assert_one_line_error(cli("import", str(missing)), 2, "does not exist")
    assert_one_line_error(cli("import", str(tmp_path)), 2, "is a directory")
    assert_one_line_error(
        cli("import", str(FIXTURE), "--format", "xml"), 2, "unknown import format"
    )
    assert_one_line_error(cli("export", "--format", "xml"), 2, "unknown format")
    assert_one_line_error(cli("export", "-o", str(tmp_path)), 2, "is a directory")
    nowhere = tmp_path / "no" / "such" / "dir.json"
    assert_one_line_error(cli("export", "-o", str(nowhere)), 2, "does not exist")
    assert not nowhere.parent.exists()


def test_exported_json_is_readable_utf8(cli: Invoke, tmp_path: Path) -> None:
    history(cli)
    out = tmp_path / "x.json"
    ok(cli("export", "-o", str(out)))
    text = out.read_text(encoding="utf-8")
    assert "中小企业专项行动" in text
    assert json.loads(text) == export_snapshot(cli)


# --- a draft of follow-up events for stored goals (what `scan` proposes) -----------------------
DRAFT = """goals:
- key: six-g
  events:
  - on: '2026-02-28'
    note: "the second phase of trials was reported under way"
    evidence:
    - {url: "https://example.org/trials", title: "Trials", published: '2026-02-28', kind: news}
    scan: {document: x.html, quote: "trials under way", offset: 1, end: 5, signal: mentioned,
           confidence: 0.85}
  - on: '2026-03-10'
    deadline: '2027-06-30'
    deadline_text: '2027年6月底'
    note: "the date moved"
"""


def test_a_draft_appends_events_and_names_only_what_it_changes(cli: Invoke, tmp_path: Path) -> None:
    add(cli, "6G trials", "--key", "six-g", "--deadline", "2026-12-31")
    ok(cli("update", "six-g", "--status", "in_progress", "--on", "2026-02-01"))
    path = write_file(tmp_path / "draft.yaml", DRAFT)
    result = ok(cli("import", str(path)))
    assert "0 new, 1 updated, 0 unchanged goals (2 events, 1 evidence links)" in result.stderr
    goal = json_out(cli("show", "six-g", "--format", "json", "--as-of", "2026-12-31"))
    # no status in the draft: the goal stays where it was, and so do the events
    assert goal["status"] == "in_progress"
    noted, moved = goal["events"][-2:]
    assert (noted["on"], noted["status"], noted["progress"]) == ("2026-02-28", None, None)
    assert noted["deadline"] is None
    # the month named by the words, not the single day the ISO date alone would mean
    assert (moved["deadline"], moved["deadline_text"], moved["deadline_precision"]) == (
        "2027-06-30",
        "2027年6月底",
        "month",
    )
    assert (goal["deadline"], goal["deadline_precision"]) == ("2027-06-30", "month")
    assert goal["original_deadline"] == "2026-12-31"
    assert goal["evidence"][-1]["url"] == "https://example.org/trials"
    # the same draft again adds nothing
    again = ok(cli("import", str(path)))
    assert "0 new, 0 updated, 1 unchanged goals (0 events" in again.stderr


def test_a_draft_event_for_an_untracked_key_writes_nothing(cli: Invoke, tmp_path: Path) -> None:
    add(cli, "6G trials", "--key", "six-g")
    before = export_snapshot(cli)
    path = write_file(tmp_path / "draft.yaml", DRAFT + "- key: no-such-goal\n  events:\n"
                      "  - {on: '2026-03-01', status: achieved}\n")  # fmt: skip
    assert_one_line_error(cli("import", str(path)), 2, "(no-such-goal)", "not tracked")
    assert export_snapshot(cli) == before


def test_an_event_before_a_stored_goal_was_announced_is_refused(
    cli: Invoke, tmp_path: Path
) -> None:
    add(cli, "6G trials", "--key", "six-g")  # announced 2026-01-21
    before = export_snapshot(cli)
    path = write_doc(
        tmp_path / "early.json",
        [{"key": "six-g", "events": [{"on": "2026-01-05", "status": "in_progress"}]}],
    )
    assert_one_line_error(
        cli("import", str(path)),
        2,
        "event 1",
        "2026-01-05 is before the goal was announced (2026-01-21)",
    )
    assert export_snapshot(cli) == before


def test_deadline_words_without_a_precision_must_be_readable(cli: Invoke, tmp_path: Path) -> None:
    add(cli, "6G trials", "--key", "six-g")
    before = export_snapshot(cli)
    path = write_doc(
        tmp_path / "vague.json",
        [
            {
                "key": "six-g",
                "events": [
                    {"on": "2026-03-01", "deadline": "2027-06-30", "deadline_text": "soonish"}
                ],
            }
        ],
    )
    assert_one_line_error(cli("import", str(path)), 2, "(six-g) event 1", "give deadline_precision")
    assert export_snapshot(cli) == before
    # with the precision given, the words are kept as they are
    path = write_doc(
        tmp_path / "given.json",
        [
            {
                "key": "six-g",
                "events": [
                    {
                        "on": "2026-03-01",
                        "deadline": "2027-06-30",
                        "deadline_text": "soonish",
                        "deadline_precision": "half",
                    }
                ],
            }
        ],
    )
    ok(cli("import", str(path)))
    goal = json_out(cli("show", "six-g", "--format", "json", "--as-of", "2026-03-01"))
    assert (goal["deadline_text"], goal["deadline_precision"]) == ("soonish", "half")


def test_a_row_without_status_leaves_a_stored_goal_s_status(cli: Invoke, tmp_path: Path) -> None:
    add(cli, "6G trials", "--key", "six-g", "--status", "in_progress")
    path = write_file(tmp_path / "rows.csv", "key,progress\nsix-g,40\n")
    ok(cli("import", str(path), "--on", "2026-03-01"))
    goal = json_out(cli("show", "six-g", "--format", "json", "--as-of", "2026-03-01"))
    assert (goal["status"], goal["progress"]) == ("in_progress", 40)
    assert goal["events"][-1]["status"] is None


def test_a_draft_through_a_real_process(
    tracker_proc: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    ok(tracker_proc("import", str(FIXTURE)))
    before = json.loads(ok(tracker_proc("export", "--format", "json")).stdout)
    untracked = write_file(
        tmp_path / "untracked.yaml",
        DRAFT.replace("six-g", "6g-phase2-trials")
        + "- key: not-a-goal\n  events:\n  - {on: '2026-03-01', note: x}\n",
    )
    assert_one_line_error(tracker_proc("import", str(untracked)), 2, "not-a-goal", "not tracked")
    assert json.loads(ok(tracker_proc("export", "--format", "json")).stdout) == before
    draft = write_file(tmp_path / "draft.yaml", DRAFT.replace("six-g", "6g-phase2-trials"))
    done = ok(tracker_proc("import", str(draft)))
    assert "0 new, 1 updated, 0 unchanged goals (2 events, 1 evidence links)" in done.stderr
    shown = json.loads(ok(tracker_proc("show", "6g-phase2-trials", "-f", "json")).stdout)
    assert (shown["status"], shown["deadline_precision"]) == ("in_progress", "month")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_to_a_fifo_writes_through_it_and_leaves_it_a_fifo(
    cli: Invoke, tmp_path: Path, fmt: str
) -> None:
    """-o naming a device or a pipe (e.g. /dev/null) is written in place: the atomic rename
    used for files would replace the node with a regular file (as root, even /dev/null)."""
    import threading

    history(cli)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = cli("export", "--format", fmt, "-o", str(fifo))
    reader.join(timeout=30)
    ok(result)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert b"six-g" in received[0]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")] == []
