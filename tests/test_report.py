"""`tracker report` (and the quarterly table) on hand-built and fixture data, in every format.

Golden files in tests/golden/ hold the fixture (fixtures/miit-2026-01-21.yaml plus the three
updates of scripts/demo.sh) as of 2026-06-30: the quarterly table for 2026 in Markdown and
JSON, the report in Markdown, JSON and HTML. Both backends must give those exact bytes.
Regenerate them on purpose only, and review the diff:

    TRACKER_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_report.py -k golden

The HTML checks need Java 17 and vnu.jar (scripts/validate_html.sh --install) and Chromium
(apt-get install chromium); without them those tests are skipped locally and fail under CI.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BACKENDS, FIXTURE, new_pg_database
from tests.helpers import add, json_out, recording_clock
from tests.test_quarterly import (
    CJK_TITLE,
    KEYS,
    History,
    Invoke,
    markdown_tables,
    ok,
)
from tests.test_quarterly import history as history  # noqa: F401 - the shared fixture
from tracker.render.text import width

GOLDEN = Path(__file__).parent / "golden"
REGEN = bool(os.environ.get("TRACKER_REGEN_GOLDEN"))
ROOT = Path(__file__).resolve().parent.parent


def report_json(cli: Invoke, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok(cli("report", "--format", "json", *args)).stdout)
    return data


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


# --- sections of the report from the hand-built history -----------------------------------
def test_sections_at_the_end_of_q2(history: History) -> None:
    data = report_json(history, "--as-of", "2026-06-30")
    assert data["as_of"] == "2026-06-30"
    assert data["period"] == {"label": "2026Q2", "start": "2026-04-01", "end": "2026-06-30"}
    assert data["previous_quarter_end"] == "2026-03-31"
    assert nonzero(data["totals"]) == {"in_progress": 4, "not_started": 1, "dropped": 1}
    assert nonzero(data["previous_totals"]) == {"in_progress": 4, "dropped": 1}
    assert (data["total"], data["previous_total"]) == (6, 5)
    assert data["overdue"] == []  # alpha is due that very day: not overdue yet
    assert [(g["key"], g["days_left"]) for g in data["due_soon"]] == [("alpha", 0)]
    assert [(g["key"], g["days_left"]) for g in data["upcoming"]] == [
        ("alpha", 0),
        ("beta", 92),
        ("gamma", 92),
        ("delta", 184),
    ]
    changes = [(c["on"], c["key"], c["kind"], c["before"], c["after"]) for c in data["changes"]]
    assert changes == [
        ("2026-04-10", "gamma", "deadline", "2026-03-31", "2026-09-30"),
        ("2026-05-01", "beta", "progress", None, "50%"),
        ("2026-05-05", "delta", "new", None, "not_started"),
    ]
    assert data["changes"][0]["detail"] == "+183 days"
    assert data["changes"][0]["note"] == "Slipped to Q3"
    assert {area: row["total"] for area, row in data["areas"].items()} == {
        "AI": 1,
        "ICT": 2,
        "Robotics": 1,
        "SMEs": 2,
    }
    assert data["areas"]["SMEs"]["dropped"] == 1
    assert data["status_by_quarter"]["quarters"] == ["2025Q4", "2026Q1", "2026Q2"]
    assert nonzero(data["status_by_quarter"]["summary"]["2025Q4"]) == {"in_progress": 1}
    goals = {g["key"]: g for g in data["goals"]}
    assert set(goals) == set(KEYS)
    assert goals["alpha"]["latest_evidence"] == {
        "url": "https://example.org/alpha",
        "title": "Alpha announced",
        "published": None,
        "kind": None,
        "on": "2026-01-10",
    }
    assert goals["beta"]["latest_evidence"] is None  # its evidence is dated August
    assert goals["gamma"]["deadline"] == "2026-09-30"
    assert goals["gamma"]["original_deadline"] == "2026-03-31"
    assert goals["delta"]["previous_quarter_status"] is None  # not announced by 03-31
    assert goals["beta"]["previous_quarter_status"] == "in_progress"  # back-dated update


def test_sections_in_the_middle_of_q3(history: History) -> None:
    data = report_json(history, "--as-of", "2026-08-20")
    assert data["period"]["label"] == "2026Q3"
    assert nonzero(data["totals"]) == {
        "not_started": 1,
        "in_progress": 2,
        "stalled": 1,
        "achieved": 1,
        "dropped": 1,
    }
    assert nonzero(data["previous_totals"]) == {"in_progress": 4, "not_started": 1, "dropped": 1}
    assert [(g["key"], g["days_overdue"]) for g in data["overdue"]] == [("alpha", 51)]
    assert [(g["key"], g["days_left"]) for g in data["due_soon"]] == [("gamma", 41)]
    changes = [(c["on"], c["key"], c["kind"], c["before"], c["after"]) for c in data["changes"]]
    assert changes == [
        ("2026-07-15", "gamma", "status", "in_progress", "stalled"),
        ("2026-08-15", "beta", "status", "in_progress", "achieved"),
        ("2026-08-15", "beta", "progress", "50%", "100%"),
        ("2026-08-15", "beta", "evidence", None, "https://example.org/beta"),
    ]
    assert [c["note"] for c in data["changes"]] == [None, "Finished early", None, None]
    assert data["changes"][3]["detail"] == "Beta done"
    assert data["areas"]["ICT"]["overdue"] == 1
    goals = {g["key"]: g for g in data["goals"]}
    assert goals["beta"]["latest_evidence"]["url"] == "https://example.org/beta"
    assert goals["alpha"]["overdue"] is True


def test_changes_of_q1_include_the_back_dated_update(history: History) -> None:
    data = report_json(history, "--as-of", "2026-03-31")
    changes = [(c["on"], c["key"], c["kind"]) for c in data["changes"]]
    assert ("2026-02-10", "beta", "status") in changes
    assert ("2026-03-15", "epsilon", "status") in changes
    assert [k for _, k, kind in changes if kind == "new"] == ["epsilon", "alpha", "beta", "gamma"]
    note = next(c for c in data["changes"] if c["key"] == "beta" and c["kind"] == "status")
    assert note["note"] == "Back-dated: recorded in May"


def test_filters_narrow_every_section(history: History) -> None:
    data = report_json(history, "--as-of", "2026-08-20", "--area", "ICT")
    assert data["filters"] == {"area": "ICT"}
    assert [g["key"] for g in data["goals"]] == ["alpha", "gamma"]
    assert data["total"] == 2 and data["previous_total"] == 2
    assert {c["key"] for c in data["changes"]} == {"gamma"}
    assert list(data["areas"]) == ["ICT"]
    text = ok(history("report", "--as-of", "2026-08-20", "--area", "ICT")).stdout
    assert "Filters: area: ICT" in text


def test_markdown_sections_and_tables(history: History) -> None:
    text = ok(history("report", "--as-of", "2026-08-20", "--format", "markdown")).stdout
    headings = re.findall(r"^#+ (.*)$", text, flags=re.M)
    assert headings == [
        "Progress report as of 2026-08-20",
        "Totals by status",
        "Overdue (1)",
        "Due in the next 90 days (1)",
        "What changed in 2026Q3 (4)",
        "By area",
        "Status by quarter",
        "All goals (6)",
    ]
    tables = markdown_tables(text)
    assert len(tables) == 7
    totals, overdue, due, changes, areas, chart, goals = tables
    assert totals[0] == ["Status", "2026-06-30", "2026-08-20", "Change"]
    assert ["in progress", "4", "2", "−2"] in totals
    assert overdue[1][:3] == ["2026-06-30", "51", "alpha"]
    assert due[1][:3] == ["2026-09-30", "41", "gamma"]
    assert changes[0] == ["Date", "Key", "Title", "Change", "Note", "Recorded"]
    # one recorder, each at a time of the real clock ("lin, 2026-12-07 04:02 UTC")
    recorded = [row[5].split(", ") for row in changes[1:] if row[0].startswith("20")]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", at) for _, at in recorded)
    recorders = {who for who, _ in recorded}
    assert len(recorders) == 1 and "unknown" not in recorders and "behalf" not in recorders.pop()
    assert changes[1][3] == "status: in progress → stalled"
    assert changes[4][3] == "evidence: Beta done"
    assert changes[2][4] == "Finished early"
    assert [row[0] for row in areas[1:]] == ["AI", "ICT", "Robotics", "SMEs"]
    assert chart[0] == ["Status", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert goals[0] == [
        "Key",
        "Title",
        "Status",
        "Deadline",
        "Progress",
        "Area",
        "Owner",
        "Latest evidence",
    ]
    rows = {row[0]: row for row in goals[1:]}
    assert set(rows) == set(KEYS)
    assert rows["gamma"][3] == "2026-09-30 (was 2026-03-31)"
    assert rows["alpha"][2] == "in progress (overdue)"
    assert rows["beta"][4] == "100%"
    assert rows["beta"][7] == "Beta done (2026-08-15)"
    assert rows["delta"][1] == CJK_TITLE
    assert "[Beta done](https://example.org/beta)" in text


def test_csv_one_row_per_goal(history: History) -> None:
    text = ok(history("report", "--as-of", "2026-08-20", "--format", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["key"] for r in rows] == ["epsilon", "alpha", "beta", "gamma", "delta", "zeta"]
    by_key = {r["key"]: r for r in rows}
    assert by_key["alpha"]["overdue"] == "true"
    assert by_key["alpha"]["days_to_deadline"] == "-51"
    assert by_key["beta"]["changes_in_period"] == "status;progress;evidence"
    assert by_key["beta"]["latest_evidence_url"] == "https://example.org/beta"
    assert by_key["gamma"]["original_deadline"] == "2026-03-31"
    assert by_key["delta"]["previous_quarter_status"] == "not_started"


def test_same_database_and_as_of_give_the_same_bytes(history: History, tmp_path: Path) -> None:
    for fmt in ("markdown", "html", "json", "csv"):
        first = tmp_path / f"a.{fmt}"
        second = tmp_path / f"b.{fmt}"
        ok(history("report", "--as-of", "2026-08-20", "--format", fmt, "--output", str(first)))
        ok(history("report", "--as-of", "2026-08-20", "--format", fmt, "--output", str(second)))
        assert first.read_bytes() == second.read_bytes(), fmt
        stdout = ok(history("report", "--as-of", "2026-08-20", "--format", fmt)).stdout_bytes
        assert stdout == first.read_bytes(), fmt


def test_output_file_and_notice(history: History, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    result = ok(history("report", "--as-of", "2026-06-30", "-f", "html", "-o", str(target)))
    assert result.stdout == ""
    assert "written to" in result.stderr
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    missing = history("report", "-o", str(tmp_path / "no" / "such" / "r.md"))
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx"], "unknown format"),
        (["--as-of", "yesterday-ish"], "--as-of"),
        (["--status", "nope"], "unknown status"),
        (["--due-within", "soon"], "--due-within"),
    ],
)
def test_bad_options_exit_2(history: History, args: list[str], message: str) -> None:
    result = history("report", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_empty_database_report(cli: Invoke) -> None:
    for fmt in ("markdown", "html", "json", "csv"):
        ok(cli("report", "--as-of", "2026-06-30", "--format", fmt))
    data = report_json(cli, "--as-of", "2026-06-30")
    assert data["total"] == 0 and data["goals"] == []
    assert "No goals match." in ok(cli("report", "--as-of", "2026-06-30")).stdout


def test_changes_say_who_recorded_them_and_when(cli: Invoke) -> None:
    env = {"LOGNAME": "lin", "TRACKER_AUTHOR": ""}
    with recording_clock("2026-04-02T08:15:00"):
        key = add(cli, "Open ten pilot zones", "--status", "in_progress")
    with recording_clock("2026-07-01T16:45:30"):
        update = ["update", key, "--progress", "40", "--on", "2026-06-20", "--author", "the desk"]
        ok(cli(*update, env=env))
    text = ok(cli("report", "--as-of", "2026-06-30", "--format", "markdown")).stdout
    recorder = json_out(cli("show", key, "--format", "json"))["events"][1]["recorded_by"]
    assert f"| {recorder} on behalf of the desk, 2026-07-01 16:45 UTC |" in text
    changes = report_json(cli, "--as-of", "2026-06-30")["changes"]
    assert [c["recorded_at"] for c in changes] == ["2026-07-01T16:45:30.000000Z"]
    html = ok(cli("report", "--as-of", "2026-06-30", "--format", "html")).stdout
    assert f"{recorder} on behalf of the desk, 2026-07-01 16:45 UTC</bdi>" in html


@pytest.mark.parametrize(
    ("stamp", "shown"),
    [
        ("2026-07-01T09:30:59.999999Z", "2026-07-01 09:30 UTC"),
        ("2026-07-01T17:30:00+08:00", "2026-07-01 09:30 UTC"),  # imported with its offset
        ("2026-07-01T09:30:00", "2026-07-01 09:30 UTC"),  # no offset: stored as UTC
        ("not a time", "not a time"),
    ],
)
def test_recording_times_read_in_utc_minutes(stamp: str, shown: str) -> None:
    from tracker.render.report import utc_minute

    assert utc_minute(stamp) == shown


# --- progress on stderr -------------------------------------------------------------------
# (the bar itself: tests/test_progress.py)
def test_real_process_keeps_stderr_clean_when_piped(history: History) -> None:
    env = {**os.environ, "TRACKER_DB": history.url}
    for command in (["report", "--format", "html"], ["quarterly", "--year", "2026"]):
        proc = subprocess.run(
            [sys.executable, "-m", "tracker", *command, "--as-of", "2026-08-20"],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
        assert "\x1b" not in proc.stdout


def test_progress_callback_is_called_per_step(history: History) -> None:
    from datetime import date

    from tracker import reports
    from tracker.migrations import open_database

    steps: list[str] = []
    db = open_database(history.url)
    assert db is not None
    try:
        reports.build_report(db, as_of=date(2026, 8, 20), progress=steps.append)
    finally:
        db.close()
    assert steps == ["goals", "status by quarter", "changes in the period"]


# --- hostile text in every field, through every format -------------------------------------
HOSTILE = '=1+1 <script>alert(1)</script> | pipes | "quotes" \u202eevil 😀 中文標題 [x](javascript:alert(1))'
HOSTILE_URL = "https://example.com/?q=<script>\"'|=1+1&x=`y`"
HOSTILE_NOTE = "first line\n<img src=x onerror=alert(1)> | =2+2 **bold**"
FORMULA_TITLE = "+cmd|' /C calc'!A0"


def build_hostile(cli: Invoke) -> None:
    ok(
        cli(
            "add",
            HOSTILE,
            "--key",
            "hostile",
            "--title-original",
            HOSTILE,
            "--description",
            HOSTILE + "\nsecond line",
            "--owner",
            "@" + HOSTILE,
            "--area",
            HOSTILE,
            "--tag",
            "=1+1",
            "--tag",
            "<b>bold</b>",
            "--source",
            HOSTILE,
            "--source-url",
            HOSTILE_URL,
            "--quote",
            HOSTILE,
            "--announced",
            "2026-01-02",
            "--deadline",
            "2026-06-30",
            "--status",
            "in_progress",
            "--evidence",
            HOSTILE_URL,
            "--evidence-title",
            HOSTILE,
            "--note",
            HOSTILE_NOTE,
        )
    )
    ok(
        cli(
            "update",
            "hostile",
            "--status",
            "stalled",
            "--on",
            "2026-05-01",
            "--note",
            HOSTILE + "\n" + HOSTILE_NOTE,
            "--evidence",
            HOSTILE_URL + "&second=1",
            "--evidence-title",
            FORMULA_TITLE,
        )
    )
    ok(cli("add", "A plain goal", "--key", "plain", "--announced", "2026-02-01", "--area", "ICT"))


@pytest.fixture(scope="module", params=BACKENDS)
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> History:
    if request.param == "postgres":
        url = new_pg_database(request.getfixturevalue("pg_admin_url"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'tracker.db'}"
    invoke = History(url)
    build_hostile(invoke)
    return invoke


def visible(text: str) -> str:
    """What a table cell keeps of a value: whitespace collapsed, bidi controls made visible."""
    return " ".join(text.split()).replace("\u202e", "\\u202e")


AS_OF = ("--as-of", "2026-06-30")


def test_hostile_json_round_trips_exactly(hostile: History) -> None:
    data = report_json(hostile, *AS_OF)
    goal = next(g for g in data["goals"] if g["key"] == "hostile")
    for name in ("title", "title_original", "source", "quote"):
        assert goal[name] == HOSTILE
    assert goal["owner"] == "@" + HOSTILE
    assert goal["area"] == HOSTILE
    assert goal["description"] == HOSTILE + "\nsecond line"
    assert goal["latest_evidence"]["title"] == FORMULA_TITLE
    notes = [c["note"] for c in data["changes"] if c["note"]]
    assert notes == [HOSTILE + "\n" + HOSTILE_NOTE]
    assert HOSTILE in data["areas"]
    quarterly = json.loads(
        ok(hostile("quarterly", "--year", "2026", "--format", "json", *AS_OF)).stdout
    )
    assert next(g for g in quarterly["goals"] if g["key"] == "hostile")["title"] == HOSTILE


def test_hostile_csv_is_formula_safe(hostile: History) -> None:
    for command in (["report"], ["quarterly", "--year", "2026"]):
        text = ok(hostile(*command, "--format", "csv", *AS_OF)).stdout
        rows = list(csv.reader(io.StringIO(text)))
        assert len({len(row) for row in rows}) == 1
        assert len(rows) == 3  # header + two goals: one row per goal
        for row in rows:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (command, cell)
        flat = [cell for row in rows for cell in row]
        assert "'" + HOSTILE in flat
    report = list(csv.DictReader(io.StringIO(ok(hostile("report", "-f", "csv", *AS_OF)).stdout)))
    row = next(r for r in report if r["key"] == "hostile")
    assert row["owner"] == "'@" + HOSTILE
    assert row["tags"] == "'=1+1;<b>bold</b>"
    assert row["latest_evidence_title"] == "'" + FORMULA_TITLE


def test_hostile_markdown_stays_in_its_cells(hostile: History) -> None:
    outputs = [
        ok(hostile("report", "--format", "markdown", *AS_OF)).stdout,
        ok(hostile("quarterly", "--year", "2026", "--format", "markdown", *AS_OF)).stdout,
    ]
    for text in outputs:
        assert "<script" not in text and "<img" not in text and "<b>" not in text
        assert "\u202e" not in text
        tables = markdown_tables(text)  # raw HTML or a broken row fails here
        cells = [cell for table in tables for row in table for cell in row]
        assert visible(HOSTILE) in cells
    report_tables = markdown_tables(outputs[0])
    changes = next(
        t for t in report_tables if t[0][:5] == ["Date", "Key", "Title", "Change", "Note"]
    )
    notes = [row[4] for row in changes[1:]]
    assert visible(HOSTILE + "\n" + HOSTILE_NOTE) in notes
    from markdown_it import MarkdownIt

    for text in outputs:
        tokens = MarkdownIt("commonmark").enable("table").parse(text)
        hrefs = [
            str(child.attrs["href"])
            for token in tokens
            for child in token.children or []
            if child.type == "link_open"
        ]
        assert all(h.startswith("https://example.com/") for h in hrefs), hrefs
    assert "\\[x\\](javascript:alert(1))" in outputs[0]  # the data's link syntax is escaped
    assert len(re.findall(r"\]\(https://example\.com/", outputs[0])) == 2


def test_hostile_terminal_table(hostile: History) -> None:
    text = ok(hostile("quarterly", "--year", "2026", *AS_OF, env={"COLUMNS": "300"})).stdout
    assert "\u202e" not in text and "\x1b" not in text
    assert '=1+1 <script>alert(1)</script> | pipes | "quotes" \\u202eevi' in text
    rows = [line for line in text.splitlines() if " hostile " in line or " plain " in line]
    starts = {width(row[: re.search(r"in prog|not st", row).start()]) for row in rows}  # type: ignore[union-attr]
    assert len(rows) == 2 and len(starts) == 1


def test_hostile_html_is_escaped(hostile: History) -> None:
    html = ok(hostile("report", "--format", "html", *AS_OF)).stdout
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html.split("</style>")[1].replace("(javascript:alert(1))", "")
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    # The URL percent-encoded where URLs may not hold a character, then HTML-escaped.
    assert (
        'href="https://example.com/?q=%3Cscript%3E%22&#39;%7C=1+1&amp;x=%60y%60&amp;second=1"'
        in html
    )
    assert_self_contained(html)


def assert_self_contained(html: str) -> None:
    """Nothing in the file can make a network request, and no script can run."""
    lower = html.lower()
    assert lower.startswith('<!doctype html>\n<html lang="en">')
    assert '<meta charset="utf-8">' in lower
    assert '<meta name="viewport"' in lower
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"" in lower
    page = Elements()
    page.feed(html)
    assert not {"script", "link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    assert not {"src", "srcset", "action", "formaction", "background"} & page.attributes
    assert "url(" not in page.style and "@import" not in page.style
    assert "@media print" in page.style
    assert "@media (max-width" in page.style


# --- golden files: the fixture as of 2026-06-30 -------------------------------------------
DEMO_UPDATES = [
    # scripts/demo.sh, verbatim
    ["update", "6g-phase2-trials", "--status", "in_progress", "--progress", "30", "--on",
     "2026-03-01", "--evidence", "https://www.miit.gov.cn/", "--evidence-title",
     "MIIT: phase-two 6G trials under way", "--note", "Trial networks opened to operators"],
    ["update", "humanoid-robot-standards-guide", "--status", "achieved", "--on", "2026-05-20",
     "--evidence", "https://www.sac.gov.cn/", "--evidence-title",
     "Standardization system guide published"],
    ["update", "sme-classification-standards-revision", "--deadline", "2027年6月", "--on",
     "2026-06-15", "--note", "Revision pushed to mid-2027"],
]  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> History:
    if request.param == "postgres":
        url = new_pg_database(request.getfixturevalue("pg_admin_url"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'tracker.db'}"
    invoke = History(url)
    # The report names who recorded each change: on SQLite the login name, on PostgreSQL the
    # role (the test server's is `tracker`); one name, so both backends match the goldens.
    env = {"LOGNAME": "tracker", "TRACKER_AUTHOR": ""}
    # and when: each recording one second after the last, from 2026-07-01 09:00 UTC
    with recording_clock("2026-07-01T09:00:00") as stamps:
        ok(invoke("import", str(FIXTURE), env=env))
        for args in DEMO_UPDATES:
            ok(invoke(*args, env=env))
    assert len(stamps) == 1 + len(DEMO_UPDATES), stamps  # the import stamps once
    return invoke


def test_demo_script_has_the_same_updates() -> None:
    script = (ROOT / "scripts" / "demo.sh").read_text(encoding="utf-8")
    for args in DEMO_UPDATES:
        for token in args:
            assert token in script, token


GOLDEN_CASES = [
    ("quarterly-2026.md", ["quarterly", "--year", "2026", "--format", "markdown"]),
    ("quarterly-2026.json", ["quarterly", "--year", "2026", "--format", "json"]),
    ("report-2026-06-30.md", ["report", "--format", "markdown"]),
    ("report-2026-06-30.json", ["report", "--format", "json"]),
    ("report-2026-06-30.html", ["report", "--format", "html"]),
]


@pytest.mark.parametrize(("name", "args"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_golden(demo: History, name: str, args: list[str]) -> None:
    out = ok(demo(*args, "--as-of", "2026-06-30")).stdout
    path = GOLDEN / name
    if REGEN and "sqlite" in demo.url:
        path.parent.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8", newline="")
    assert path.exists(), f"{path} missing: run with TRACKER_REGEN_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_fixture_report_reads_as_expected(demo: History) -> None:
    data = report_json(demo, "--as-of", "2026-06-30")
    assert data["total"] == 29
    assert nonzero(data["totals"]) == {"not_started": 10, "in_progress": 18, "achieved": 1}
    assert nonzero(data["previous_totals"]) == {"not_started": 11, "in_progress": 18}
    assert [(c["key"], c["kind"]) for c in data["changes"]] == [
        ("humanoid-robot-standards-guide", "status"),
        ("humanoid-robot-standards-guide", "evidence"),
        ("sme-classification-standards-revision", "deadline"),
    ]
    assert data["changes"][2]["detail"] == "+181 days"
    quarterly = json.loads(
        ok(demo("quarterly", "--year", "2026", "--as-of", "2026-06-30", "-f", "json")).stdout
    )
    assert len(quarterly["goals"]) == 29
    assert quarterly["summary"]["2026Q2"]["achieved"] == 1
    assert all(s["2026Q3"] is None for s in (g["status_by_quarter"] for g in quarterly["goals"]))


# --- HTML checked by real tools ----------------------------------------------------------
def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"HTML check cannot run in CI: {reason}")
    pytest.skip(reason)


def vnu_jar() -> Path:
    if shutil.which("java") is None:
        _unavailable("java not found (apt-get install -y openjdk-17-jre-headless)")
    default = Path(os.environ.get("VNU_DIR", Path.home() / ".cache" / "tracker-vnu"))
    jar = Path(os.environ.get("VNU_JAR", default / "node_modules/vnu-jar/build/dist/vnu.jar"))
    if not jar.exists():
        _unavailable(f"vnu.jar not found at {jar} (scripts/validate_html.sh --install)")
    return jar


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    _unavailable("chromium not found (apt-get install -y chromium)")
    raise AssertionError("unreachable")


def test_html_validates_with_vnu(hostile: History, tmp_path: Path) -> None:
    """The fixture report (its golden file), the hostile one and an empty one are valid HTML."""
    jar = vnu_jar()
    files = [str(GOLDEN / "report-2026-06-30.html")]
    for name, args in (("hostile", AS_OF), ("empty", ("--as-of", "2026-06-30", "--area", "x"))):
        path = tmp_path / f"{name}.html"
        ok(hostile("report", *args, "-f", "html", "-o", str(path)))
        files.append(str(path))
    proc = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.style = ""
        self.current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current = tag
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "href" and value is not None:
                self.hrefs.append(value)

    def handle_endtag(self, tag: str) -> None:
        self.current = ""

    def handle_data(self, data: str) -> None:
        if self.current == "style":
            self.style += data.lower()
        else:
            self.text.append(data)


TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "p", "span",
    "section", "div", "table", "thead", "tbody", "tr", "th", "td", "svg", "desc", "line", "text",
    "g", "rect", "ul", "ol", "li", "a", "bdi", "br", "meter", "footer",
}  # fmt: skip
TEMPLATE_ATTRIBUTES = {
    "lang", "charset", "name", "content", "http-equiv", "class", "id", "aria-labelledby",
    "aria-label", "aria-hidden", "role", "width", "height", "viewbox", "xmlns", "font-family",
    "font-size", "font-weight", "x", "y", "x1", "x2", "y1", "y2", "stroke", "stroke-width",
    "fill", "text-anchor", "rx", "style", "scope", "data-label", "href", "rel", "min", "max",
    "value",
}  # fmt: skip


def test_chromium_dom_has_no_element_from_data(hostile: History, tmp_path: Path) -> None:
    browser = chromium()
    path = tmp_path / "hostile.html"
    ok(hostile("report", *AS_OF, "-f", "html", "-o", str(path)))
    proc = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    dom = Elements()
    dom.feed(proc.stdout)
    assert "table" in dom.tags and "svg" in dom.tags
    assert set(dom.tags) <= TEMPLATE_TAGS, set(dom.tags) - TEMPLATE_TAGS
    assert dom.attributes <= TEMPLATE_ATTRIBUTES, dom.attributes - TEMPLATE_ATTRIBUTES
    assert not [a for a in dom.attributes if a.startswith("on")]
    # Two links: the evidence added in the period, and the same as the goal's latest evidence.
    href = "https://example.com/?q=%3Cscript%3E%22'%7C=1+1&x=%60y%60&second=1"
    assert dom.hrefs == [href] * 2
    text = "".join(dom.text)
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
