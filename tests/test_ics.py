"""`tracker export --format ics`: open goals' deadlines as a calendar, read back with icalendar."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from tests.conftest import FIXTURE, Invoke
from tests.helpers import (
    add,
    assert_one_line_error,
    assert_unchanged,
    cli_for,
    export_snapshot,
    json_out,
    ok,
    other_db_url,
)


def ics(cli: Invoke, *args: str) -> bytes:
    result = ok(cli("export", "--format", "ics", *args))
    data: bytes = result.stdout_bytes
    return data


def events(data: bytes) -> dict[str, Any]:
    """VEVENTs by goal key (X-TRACKER-KEY), after checking the calendar's frame."""
    cal = Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    assert all(line.endswith(b"\r") for line in data.split(b"\n")[:-1])  # CRLF, as RFC 5545 says
    out = {str(e["X-TRACKER-KEY"]): e for e in cal.walk("VEVENT")}
    assert len(out) == len(cal.walk("VEVENT"))
    return out


def test_one_all_day_event_per_open_goal(loaded: Invoke) -> None:
    goals = json_out(loaded("list", "--format", "json", "--as-of", "2026-06-30"))
    expected = {
        g["key"]: g
        for g in goals
        if g["deadline"]
        and g["status"] not in {"achieved", "partially_achieved", "missed", "dropped"}
    }
    assert expected
    found = events(ics(loaded, "--as-of", "2026-06-30"))
    assert set(found) == set(expected)
    for key, event in found.items():
        goal = expected[key]
        start = event.decoded("DTSTART")
        assert type(start) is date  # a DATE value: all day, no time zone
        assert start.isoformat() == goal["deadline"]
        assert event.decoded("DTEND") == start + timedelta(days=1)
        assert str(event["SUMMARY"]) == f"Deadline: {goal['title']}"
        assert str(event["X-TRACKER-STATUS"]) == goal["status"]
        assert str(event["X-TRACKER-DEADLINE-TEXT"]) == goal["deadline_text"]
        assert str(event["X-TRACKER-DEADLINE-PRECISION"]) == goal["deadline_precision"]
        description = str(event["DESCRIPTION"])
        assert f"Key: {key}" in description
        assert f"Deadline as announced: {goal['deadline_text']}" in description
        assert str(event["UID"]).endswith("@tracker.invalid")
    assert len({str(e["UID"]) for e in found.values()}) == len(found)
    # The year-end deadline written as in the announcement, in Chinese.
    texts = {str(e["X-TRACKER-DEADLINE-TEXT"]) for e in found.values()}
    assert "2026年" in texts and "十五五" in texts


def test_open_means_not_final_as_of_the_date(loaded: Invoke) -> None:
    ok(
        loaded(
            "update", "humanoid-robot-standards-guide", "--status", "achieved",
            "--on", "2026-05-20",
        )
    )  # fmt: skip
    before = events(ics(loaded, "--as-of", "2026-03-31"))
    after = events(ics(loaded, "--as-of", "2026-06-30"))
    assert "humanoid-robot-standards-guide" in before
    assert "humanoid-robot-standards-guide" not in after
    assert set(before) - set(after) == {"humanoid-robot-standards-guide"}


def test_same_database_and_date_same_bytes_and_stable_uids(loaded: Invoke) -> None:
    first = ics(loaded, "--as-of", "2026-06-30")
    assert ics(loaded, "--as-of", "2026-06-30") == first
    assert b"DTSTAMP:20260630T000000Z" in first  # the as-of date, not the clock
    uids = {k: str(e["UID"]) for k, e in events(first).items()}
    # A change to a goal keeps its UID, so a subscribed calendar updates the event.
    ok(loaded("update", "sme-15th-fyp-plan", "--deadline", "2027年6月", "--on", "2026-06-01"))
    again = events(ics(loaded, "--as-of", "2026-06-30"))
    assert {k: str(e["UID"]) for k, e in again.items()} == uids
    moved = again["sme-15th-fyp-plan"]
    assert moved.decoded("DTSTART") == date(2027, 6, 30)
    assert "First announced deadline:" in str(moved["DESCRIPTION"])


def test_uids_differ_between_databases(
    loaded: Invoke, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    other = cli_for(other_db_url(backend, request, tmp_path))
    ok(other("import", str(FIXTURE)))
    mine = {k: str(e["UID"]) for k, e in events(ics(loaded, "--as-of", "2026-06-30")).items()}
    theirs = {k: str(e["UID"]) for k, e in events(ics(other, "--as-of", "2026-06-30")).items()}
    assert set(mine) == set(theirs)
    assert not set(mine.values()) & set(theirs.values())


def test_list_filters_apply(loaded: Invoke) -> None:
    robotics = events(ics(loaded, "--as-of", "2026-06-30", "--area", "robotics"))
    assert robotics and all(str(e["CATEGORIES"].cats[0]) == "Robotics" for e in robotics.values())
    soon = events(ics(loaded, "--as-of", "2026-06-30", "--due-before", "2027-01-01"))
    assert soon and all(e.decoded("DTSTART") < date(2027, 1, 1) for e in soon.values())
    everything = events(ics(loaded, "--as-of", "2026-06-30"))
    assert len(soon) < len(everything)
    late = events(ics(loaded, "--as-of", "2027-03-01", "--overdue"))
    assert late and all(e.decoded("DTSTART") < date(2027, 3, 1) for e in late.values())


def test_output_file(loaded: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "d.ics"
    result = ok(loaded("export", "--format", "ics", "--as-of", "2026-06-30", "-o", str(target)))
    assert result.stdout == ""
    n = len(events(target.read_bytes()))
    assert result.stderr == f"{n} deadlines of open goals on 2026-06-30 written to {target}\n"
    assert target.read_bytes() == ics(loaded, "--as-of", "2026-06-30")


def test_empty_database_is_an_empty_calendar(cli: Invoke) -> None:
    add(cli, "No deadline here")
    assert events(ics(cli, "--as-of", "2026-06-30")) == {}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--format", "json", "--as-of", "2026-06-30"], "--as-of"),
        (["--format", "csv", "--overdue"], "--overdue"),
        (["--format", "ics", "--as-of", "2026-13-01"], "--as-of"),
        (["--format", "ics", "--due-within", "soon"], "--due-within"),
        (["--format", "ical"], "format"),
    ],
)
def test_bad_input(loaded: Invoke, args: list[str], fragment: str, tmp_path: Path) -> None:
    before = export_snapshot(loaded)
    target = tmp_path / "d.ics"
    assert_one_line_error(loaded("export", *args, "-o", str(target)), 2, fragment)
    assert not target.exists()
    assert_unchanged(loaded, before)


def test_as_a_real_process(tracker_proc: Any, tmp_path: Path) -> None:
    ok(tracker_proc("import", str(FIXTURE)))
    target = tmp_path / "d.ics"
    done: subprocess.CompletedProcess[str] = ok(
        tracker_proc("export", "--format", "ics", "--as-of", "2026-06-30", "-o", str(target))
    )
    assert done.stdout == "" and "written to" in done.stderr
    assert len(events(target.read_bytes())) > 10
