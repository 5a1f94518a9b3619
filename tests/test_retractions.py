"""Corrections without rewriting: recorders, `retract`, `undo`, and their trace in every view.

Run on SQLite and PostgreSQL (the `cli`/`db` fixtures). On SQLite the recorder is the login
name, which getpass reads from $LOGNAME first: tests set it to play two people.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Invoke
from tests.helpers import assert_one_line_error, assert_unchanged, export_snapshot
from tests.test_properties import (  # noqa: F401 - `template` is a fixture
    ANNOUNCED,
    OPS,
    SETTINGS,
    TODAY,
    apply_ops,
    apply_updates,
    fresh,
    template,
)
from tracker import history, reports, services
from tracker.db import Database
from tracker.domain import STATUSES, EvidenceIn

WRONG = "https://example.org/wrong-report"
RIGHT = "https://example.org/official-notice"


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _show(cli: Invoke, key: str = "grid", *args: str) -> dict[str, Any]:
    doc = _json(cli("show", key, "--format", "json", *args))
    assert isinstance(doc, dict)
    return doc


@pytest.fixture
def mistake(cli: Invoke) -> tuple[Invoke, int]:
    """A goal in progress since March; a wrong 'achieved' recorded for May, with evidence."""
    ok = cli(
        "add",
        "Connect the rural grid",
        "--key",
        "grid",
        "--announced",
        "2026-01-21",
        "--deadline",
        "2026-12-31",
    )
    assert ok.exit_code == 0, ok.output
    for args in (
        ["--status", "in_progress", "--progress", "30", "--on", "2026-03-01", "-e", RIGHT],
        ["--status", "achieved", "--progress", "100", "--on", "2026-05-01", "-e", WRONG],
    ):
        assert cli("update", "grid", *args).exit_code == 0
    events = _show(cli)["events"]
    return cli, int(events[-1]["id"])


def test_retraction_hides_the_event_from_every_view_and_leaves_a_trace(
    mistake: tuple[Invoke, int],
) -> None:
    cli, wrong = mistake
    result = cli("retract", str(wrong), "--note", "the ministry denied it")
    assert result.exit_code == 0, result.output
    assert f"retracted event #{wrong} of grid" in result.stderr

    for as_of in ("2026-05-15", "2026-06-30", "2027-01-01"):  # derived and cached paths
        listed = _json(cli("list", "--format", "json", "--as-of", as_of))
        assert [(g["status"], g["progress"]) for g in listed] == [("in_progress", 30)], as_of
        shown = _show(cli, "grid", "--as-of", as_of)
        assert (shown["status"], shown["progress"]) == ("in_progress", 30)
    shown = _show(cli)
    retracted = shown["events"][-1]
    assert retracted["id"] == wrong and retracted["status"] == "achieved"  # still in the history
    assert set(retracted["retracted"]) == {"by", "at", "note"}
    assert retracted["retracted"]["note"] == "the ministry denied it"
    assert retracted["retracted"]["by"] == retracted["recorded_by"]
    assert retracted["retracted"]["at"] > retracted["recorded_at"]
    assert [e["retracted"] for e in shown["events"][:-1]] == [None, None]
    assert [e["url"] for e in shown["evidence"]] == [RIGHT]  # its evidence went with it
    text = cli("show", "grid").stdout
    assert "RETRACTED; status achieved" in text and "the ministry denied it" in text

    quarterly = _json(cli("quarterly", "--year", "2026", "--as-of", "2026-12-31", "-f", "json"))
    assert [g["status_by_quarter"] for g in quarterly["goals"]] == [
        dict.fromkeys(("2026Q1", "2026Q2", "2026Q3", "2026Q4"), "in_progress")
    ]
    report = cli("report", "--as-of", "2026-06-30", "-f", "json")
    assert report.exit_code == 0 and "achieved" not in json.dumps(
        json.loads(report.stdout)["changes"]
    )
    assert WRONG not in report.stdout


def test_export_and_import_carry_retractions_and_recorders(
    mistake: tuple[Invoke, int], tmp_path: Path
) -> None:
    cli, wrong = mistake
    assert cli("retract", str(wrong), "--note", "wrong").exit_code == 0
    doc = export_snapshot(cli)
    events = doc["goals"][0]["events"]
    assert [e["retracted"] is not None for e in events] == [False, False, True]
    assert all(e["recorded_by"] for e in events)
    path = tmp_path / "all.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    from typer.testing import CliRunner

    from tracker.cli.main import app

    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    imported = CliRunner().invoke(app, ["--db", copy, "import", str(path)])
    assert imported.exit_code == 0, imported.output
    again = CliRunner().invoke(app, ["--db", copy, "export", "--format", "json"])
    assert json.loads(again.stdout)["goals"] == doc["goals"]  # identical, retraction included
    listed = CliRunner().invoke(app, ["--db", copy, "list", "--format", "json"])
    assert [g["status"] for g in json.loads(listed.stdout)] == ["in_progress"]
    status = CliRunner().invoke(app, ["--db", copy, "db", "status"])
    assert "1 retracted events" in status.stdout
    assert (
        "imports:  1 (last " in status.stdout and "all.json, 1 new goals, 3 events" in status.stdout
    )
    # Re-importing into the original: the retraction is already there, nothing changes.
    assert cli("import", str(path)).exit_code == 0
    assert export_snapshot(cli)["goals"] == doc["goals"]


def test_a_retraction_in_a_file_retracts_the_stored_event(
    mistake: tuple[Invoke, int], tmp_path: Path
) -> None:
    cli, wrong = mistake
    doc = export_snapshot(cli)
    doc["goals"][0]["events"][-1]["retracted"] = {
        "by": "reviewer",
        "at": "2026-07-01T09:00:00Z",
        "note": "checked with the ministry",
    }
    path = tmp_path / "reviewed.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    event = _show(cli)["events"][-1]
    assert event["id"] == wrong
    # The database owner's import keeps the file's recorder and time.
    assert event["retracted"] == {
        "by": "reviewer",
        "at": "2026-07-01T09:00:00Z",
        "note": "checked with the ministry",
    }
    assert _show(cli)["status"] == "in_progress"


@pytest.mark.parametrize(
    "retracted",
    [{"by": "x"}, {"at": "yesterday", "note": "n"}, "yes", {"at": "2026-01-01T00:00:00Z"}],
)
def test_a_broken_retraction_in_a_file_is_refused(
    cli: Invoke, tmp_path: Path, retracted: Any
) -> None:
    doc = {
        "goals": [
            {
                "key": "k",
                "title": "T",
                "events": [
                    {"on": "2026-01-21", "status": "in_progress"},
                    {"on": "2026-02-01", "status": "achieved", "retracted": retracted},
                ],
            }
        ]
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = export_snapshot(cli)
    assert_one_line_error(cli("import", str(path)), 2, "event 2", "retract")
    assert_unchanged(cli, before)


def test_re_recorded_evidence_attaches_to_the_new_event(mistake: tuple[Invoke, int]) -> None:
    cli, wrong = mistake
    assert cli("retract", str(wrong), "-n", "wrong date").exit_code == 0
    assert (
        cli("update", "grid", "--status", "achieved", "--on", "2026-06-01", "-e", WRONG).exit_code
        == 0
    )
    shown = _show(cli)
    assert [item["url"] for item in shown["events"][-1]["evidence"]] == [WRONG]
    assert [item["url"] for item in shown["evidence"]] == [RIGHT, WRONG]
    assert shown["status"] == "achieved"
    # Recorded again while it stands: already attached, not a second time.
    again = cli("update", "grid", "--note", "seen", "--on", "2026-06-02", "-e", WRONG)
    assert "1 evidence URL already attached" in again.stderr


def test_retract_refusals_change_nothing(mistake: tuple[Invoke, int]) -> None:
    cli, wrong = mistake
    before = export_snapshot(cli)
    assert_one_line_error(cli("retract", "999999", "--note", "x"), 1, "unknown event 999999")
    assert_one_line_error(cli("retract", "abc", "--note", "x"), 2, "event id")
    assert_one_line_error(cli("retract", str(wrong)), 2, "--note")
    assert_one_line_error(cli("retract", str(wrong), "--note", "  "), 2, "--note")
    assert_unchanged(cli, before)
    assert cli("retract", str(wrong), "--note", "x").exit_code == 0
    after = export_snapshot(cli)
    assert_one_line_error(cli("retract", str(wrong), "--note", "x"), 1, "already retracted")
    first = _show(cli)["events"][0]["id"]
    middle = _show(cli)["events"][1]["id"]
    assert cli("retract", str(middle), "--note", "also wrong").exit_code == 0
    after = export_snapshot(cli)
    # The add's event is now the only one that sets the goal's status.
    assert_one_line_error(
        cli("retract", str(first), "--note", "x"), 1, "only remaining initial event"
    )
    assert_unchanged(cli, after)
    assert _show(cli)["status"] == "not_started"


def test_undo_retracts_your_last_event_only(
    mistake: tuple[Invoke, int], monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    cli, wrong = mistake
    me = db.session_user()
    before = export_snapshot(cli)
    # No terminal and no --yes: refused, one line naming the event, nothing changed.
    assert_one_line_error(cli("undo"), 2, f"event #{wrong} of grid", "--yes")
    assert_unchanged(cli, before)
    from tracker.cli import corrections

    monkeypatch.setattr(corrections, "stdin_is_tty", lambda: True)
    said_no = cli("undo", input="n\n")
    assert said_no.exit_code == 0 and "nothing retracted" in said_no.stderr
    assert_unchanged(cli, before)
    said_yes = cli("undo", input="y\n")
    assert said_yes.exit_code == 0, said_yes.output
    assert f"last event recorded by you: event #{wrong} of grid" in said_yes.stderr
    assert _show(cli)["events"][-1]["retracted"]["by"] == me
    assert _show(cli)["status"] == "in_progress"
    # The next undo takes the event before it; --yes needs no terminal.
    monkeypatch.setattr(corrections, "stdin_is_tty", lambda: False)
    assert cli("undo", "--yes").exit_code == 0
    assert _show(cli)["status"] == "not_started"
    if db.dialect == "sqlite":  # someone else (another login) has nothing to undo
        other = cli("undo", "--yes", env={"LOGNAME": "someone-else"})
        assert_one_line_error(other, 1, "nothing to undo", "someone-else")


def test_author_and_recorder(cli: Invoke, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    me = db.session_user()
    assert me
    monkeypatch.delenv("TRACKER_AUTHOR")
    assert (
        cli("add", "Open the data portal", "--key", "grid", "--announced", "2026-01-21").exit_code
        == 0
    )
    assert (
        cli("update", "grid", "--progress", "5", "--on", "2026-02-01", "--author", "bob").exit_code
        == 0
    )
    monkeypatch.setenv("TRACKER_AUTHOR", "desk")
    assert cli("update", "grid", "--progress", "6", "--on", "2026-02-02").exit_code == 0
    events = _show(cli)["events"]
    assert [(e["author"], e["recorded_by"]) for e in events] == [
        (me, me),  # no --author, no $TRACKER_AUTHOR: the recorder
        ("bob", me),
        ("desk", me),
    ]
    assert all(e["recorded_at"].endswith("Z") and isinstance(e["id"], int) for e in events)
    text = cli("show", "grid").stdout
    assert f"[{me} on behalf of bob, {events[1]['recorded_at']}]" in text
    assert f"[{me}, {events[0]['recorded_at']}]" in text
    report = _json(cli("report", "--as-of", "2026-03-31", "-f", "json"))
    assert [(c["kind"], c["recorded_by"], c["author"]) for c in report["changes"]] == [
        ("new", me, me),
        ("progress", me, "bob"),
        ("progress", me, "desk"),
    ]
    markdown = cli("report", "--as-of", "2026-03-31").stdout
    minute = events[1]["recorded_at"][:16].replace("T", " ")  # the stamp is UTC
    assert f"| {me} on behalf of bob, {minute} UTC |" in markdown
    assert [c["recorded_at"] for c in report["changes"]] == [e["recorded_at"] for e in events]
    exported = export_snapshot(cli)["goals"][0]["events"]
    assert [(e["author"], e["recorded_by"]) for e in exported] == [
        (e["author"], e["recorded_by"]) for e in events
    ]


def test_sqlite_recorder_is_the_login_name(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    url = f"sqlite:///{tmp_path / 't.db'}"
    runner = CliRunner()
    env = {"LOGNAME": "alice", "TRACKER_AUTHOR": ""}
    assert runner.invoke(app, ["--db", url, "add", "A goal", "--key", "a"], env=env).exit_code == 0
    shown = json.loads(runner.invoke(app, ["--db", url, "show", "a", "-f", "json"]).stdout)
    assert (shown["events"][0]["recorded_by"], shown["events"][0]["author"]) == ("alice", "alice")


def test_roles_are_a_postgresql_feature(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracker.cli.main import app

    url = f"sqlite:///{tmp_path / 't.db'}"
    for args in (["db", "grant", "--reader", "carol"], ["db", "roles"]):
        result = CliRunner().invoke(app, ["--db", url, *args])
        assert_one_line_error(result, 1, "roles are a PostgreSQL feature")
    assert_one_line_error(CliRunner().invoke(app, ["--db", url, "db", "grant"]), 2, "--reader")


# --- SQLite files are private -------------------------------------------------------------
def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_sqlite_files_are_private_wal_and_shm_too(tmp_path: Path) -> None:
    from tracker.db import connect

    old = os.umask(0o022)
    try:
        path = tmp_path / "sub" / "new.db"
        db = connect(f"sqlite:///{path}")
        assert db is not None
        try:
            db.execute("CREATE TABLE t (x)")
            db.execute("INSERT INTO t VALUES (1)")
            companions = [Path(f"{path}-wal"), Path(f"{path}-shm")]
            assert all(p.exists() for p in companions)
            assert [_mode(p) for p in (path, *companions)] == [0o600, 0o600, 0o600]
        finally:
            db.close()
    finally:
        os.umask(old)


def test_existing_sqlite_files_keep_their_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    sqlite3.connect(path).close()
    path.chmod(0o640)
    from typer.testing import CliRunner

    from tracker.cli.main import app

    assert CliRunner().invoke(app, ["--db", str(path), "list"]).exit_code == 0
    assert _mode(path) == 0o640


# --- the property: retracting a mistake and recording the right thing ---------------------
def _derived(db: Database, days: list[date]) -> dict[str, Any]:
    """Everything derived from the events: per day the SQL derivation, the quarterly scan;
    and the goal rows' cached state."""
    out: dict[str, Any] = {}
    for day in days:
        with mock.patch.object(history, "_uses_cache", return_value=False):
            derived = history.goals_as_of(db, as_of=day)
        out[f"sql {day}"] = [
            (g.key, g.status, g.progress, g.deadline, g.original_deadline) for g in derived
        ]
        out[f"public {day}"] = [
            (g.key, g.status, g.progress, g.deadline) for g in history.goals_as_of(db, as_of=day)
        ]
    keys = dict(db.all("SELECT id, key FROM goal"))
    out["quarterly"] = {
        str(day): sorted((keys[gid], state) for gid, state in states.items())
        for day, states in reports.states_on_days(db, days).items()
    }
    out["cache"] = db.all(
        "SELECT key, status, progress, deadline, original_deadline FROM goal ORDER BY key"
    )
    return out


MISTAKE = st.tuples(
    st.integers(0, 3),
    st.integers(0, 400),
    st.sampled_from(STATUSES),
    st.none() | st.integers(0, 100),
    st.none() | st.sampled_from(["2026-06-30", "Q3 2027", "2026年底"]),
)


@SETTINGS
@given(announced=ANNOUNCED, ops=OPS, mistake=MISTAKE, where=st.integers(0, 12))
def test_retract_and_re_record_equals_never_making_the_mistake(
    template: Path,  # noqa: F811 - the fixture imported above
    announced: list[date],
    ops: list[tuple[Any, ...]],
    mistake: tuple[Any, ...],
    where: int,
) -> None:
    goal, offset, status, progress, deadline = mistake
    index = goal % len(announced)
    key = f"g{index}"
    where = min(where, len(ops))
    # What should have been recorded instead of the mistake, recorded last in both worlds.
    right = {"ref": key, "on": announced[index] + timedelta(days=offset), "note": "the fix"}
    days = sorted(
        {d + timedelta(days=k) for d in announced for k in (-1, 0, 30, 200, 400, 800)} | {TODAY}
    )
    with fresh(template) as (wrong_db, _), fresh(template) as (right_db, _):
        apply_ops(wrong_db, announced, ops[:where])
        made = services.update_goal(
            wrong_db,
            ref=key,
            on=announced[index] + timedelta(days=offset),
            status=status,
            progress=progress,
            deadline_text=deadline,
            evidence=[EvidenceIn("https://mistake.example/x")],
            note="the mistake",
            author="prop",
        )
        apply_updates(wrong_db, announced, ops, where)
        services.retract_event(wrong_db, event_id=made.event_id, note="wrong")
        services.update_goal(wrong_db, status="in_progress", progress=50, author="prop", **right)

        apply_ops(right_db, announced, ops)
        services.update_goal(right_db, status="in_progress", progress=50, author="prop", **right)
        assert _derived(wrong_db, days) == _derived(right_db, days)


def test_retract_and_undo_as_real_processes(tracker_proc: Any) -> None:
    """The key paths as a user runs them: no terminal on stdin, so undo needs --yes."""
    for args in (
        ["add", "Open the data portal", "--key", "portal", "--announced", "2026-01-21"],
        ["update", "portal", "--status", "achieved", "--on", "2026-02-01"],
        ["update", "portal", "--status", "in_progress", "--on", "2026-02-01"],
    ):
        done = tracker_proc(*args)
        assert done.returncode == 0, done.stderr
    refused = tracker_proc("undo")
    assert_one_line_error(refused, 2, "undo asks before retracting event #3 of portal", "--yes")
    undone = tracker_proc("undo", "--yes")
    assert undone.returncode == 0, undone.stderr
    assert "retracted event #3 of portal" in undone.stderr
    retracted = tracker_proc("retract", "2", "--note", "never happened")
    assert retracted.returncode == 0, retracted.stderr
    shown = json.loads(tracker_proc("show", "portal", "--format", "json").stdout)
    assert shown["status"] == "not_started"
    assert [e["retracted"] and e["retracted"]["note"] for e in shown["events"]] == [
        None,
        "never happened",
        "undone with `tracker undo`",
    ]
