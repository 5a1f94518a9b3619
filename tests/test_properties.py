"""Property tests (hypothesis), on SQLite: a fresh database per example is a copy of one
migrated template file, so each example costs milliseconds, not a migration.

- export → import round-trips arbitrary goals, events and evidence with nothing lost
  (JSON and YAML), and importing the export again changes nothing;
- status as of any date, for any history, is the status of the latest event on or before that
  date: the SQL derivation in history.goals_as_of, the cached state and a plain-Python fold
  agree (and so do progress, deadline and original deadline);
- `quarterly` and `report` never fail on arbitrary histories, and the quarterly JSON agrees
  with the fold at each quarter's end;
- any substring of a goal's text finds it with --search;
- CSV cells escape and unescape to themselves; a Markdown cell stays one cell with no HTML.
(The deadline parser's property is in test_deadlines.py.)
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import cli_for, status_as_of
from tracker import history, importing, services
from tracker.csvsafe import escape_cell, unescape_cell
from tracker.db import Database
from tracker.domain import EVIDENCE_KINDS, STATUSES, EvidenceIn
from tracker.migrations import open_database
from tracker.quarters import quarter_of, quarter_range
from tracker.render.markdown import md_table

D = date
TODAY = D(2026, 7, 1)  # passed wherever a command would read the real date
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --- a fresh SQLite database per example ----------------------------------------------------------
@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_database(f"sqlite:///{path}")
    assert db is not None
    db.close()
    return path


@contextmanager
def fresh(template: Path) -> Iterator[tuple[Database, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tracker.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        db = open_database(url)
        assert db is not None
        try:
            yield db, url
        finally:
            db.close()


# --- strategies -------------------------------------------------------------------------------------
# Any text a person could type: no control characters (C0, C1) and no lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30).filter(
    str.strip
)
MULTILINE = st.lists(TEXT, min_size=1, max_size=3).map("\n".join)
TAG = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), blacklist_characters='"\\[];,'
    ),
    min_size=1,
    max_size=10,
)
KEY = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
DAY = st.dates(min_value=D(2025, 1, 1), max_value=D(2028, 12, 31))
STATUS = st.sampled_from(STATUSES)
DEADLINE_TEXT = st.sampled_from(
    ["2026-06-30", "Q3 2027", "2026年底", "明年", "十五五", "H1 2026", "June 2026", "eoy", "2027"]
)
URL = st.builds(
    "https://{}.example/{}".format,
    st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True),
    st.text(st.characters(whitelist_categories=("Ll", "Lu", "Lo", "Nd")), max_size=12),
)
EVIDENCE = st.fixed_dictionaries(
    {"url": URL},
    optional={
        "title": TEXT,
        "published": DAY.map(date.isoformat),
        "kind": st.sampled_from(EVIDENCE_KINDS),
    },
)


@st.composite
def events(draw: st.DrawFn, announced: date | None) -> list[dict[str, Any]]:
    start = announced or D(2025, 6, 1)
    out = []
    for _ in range(draw(st.integers(1, 6))):
        event: dict[str, Any] = {
            "on": (start + timedelta(days=draw(st.integers(0, 900)))).isoformat()
        }
        for name, strategy in (
            ("status", STATUS),
            ("progress", st.integers(0, 100)),
            ("deadline_text", DEADLINE_TEXT),
            ("note", MULTILINE),
            ("author", TEXT),
        ):
            if draw(st.booleans()):
                event[name] = draw(strategy)
        event["evidence"] = draw(st.lists(EVIDENCE, max_size=2))
        out.append(event)
    return out


@st.composite
def goals(draw: st.DrawFn) -> list[dict[str, Any]]:
    keys = draw(st.lists(KEY, min_size=1, max_size=4, unique=True))
    out = []
    for key in keys:
        announced = draw(st.none() | DAY)
        goal: dict[str, Any] = {"key": key, "title": draw(TEXT)}
        if announced:
            goal["announced"] = announced.isoformat()
        for name, strategy in (
            ("title_original", TEXT),
            ("description", MULTILINE),
            ("owner", TEXT),
            ("area", TEXT),
            ("source", TEXT),
            ("source_url", URL),
            ("quote", MULTILINE),
            ("tags", st.lists(TAG, max_size=3)),
        ):
            if draw(st.booleans()):
                goal[name] = draw(strategy)
        if draw(st.booleans()):
            goal["events"] = draw(events(announced))
        else:  # a goal as it stands: one initial event
            for name, strategy in (
                ("status", STATUS),
                ("progress", st.integers(0, 100)),
                ("deadline_text", DEADLINE_TEXT),
                ("note", MULTILINE),
            ):
                if draw(st.booleans()):
                    goal[name] = draw(strategy)
        goal["evidence"] = draw(st.lists(EVIDENCE, max_size=2))
        out.append(goal)
    return out


def write(path: Path, doc: dict[str, Any], fmt: str) -> Path:
    if fmt == "yaml":
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    else:
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def import_doc(db: Database, doc: dict[str, Any], fmt: str) -> importing.ImportResult:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / f"doc.{fmt}", doc, fmt)
        return importing.import_file(db, path, on=D(2026, 1, 1), today=TODAY, author="prop")


def export(db: Database) -> dict[str, Any]:
    return {"goals": services.export_goals(db, as_of=TODAY)}


# --- export → import round trip ---------------------------------------------------------------------
@SETTINGS
@given(doc_goals=goals(), fmt=st.sampled_from(["json", "yaml"]))
def test_export_import_round_trip(
    template: Path, doc_goals: list[dict[str, Any]], fmt: str
) -> None:
    with fresh(template) as (db1, _):
        import_doc(db1, {"goals": doc_goals}, "json")
        first = export(db1)

        # nothing of the input is lost on the way in
        assert [g["key"] for g in first["goals"]] == [g["key"] for g in doc_goals]
        for given_goal, stored in zip(doc_goals, first["goals"], strict=True):
            assert stored["title"] == given_goal["title"].strip()
            assert stored["tags"] == list(
                dict.fromkeys(t.strip().lower() for t in given_goal.get("tags", []))
            )
            wanted_urls = {e["url"] for e in given_goal["evidence"]} | {
                e["url"] for ev in given_goal.get("events", []) for e in ev["evidence"]
            }
            assert {e["url"] for e in stored["evidence"]} == wanted_urls
            expected_events = len(given_goal.get("events", [])) or 1
            assert len(stored["events"]) == expected_events
            notes = sorted(
                e["note"].strip() for e in given_goal.get("events", [given_goal]) if e.get("note")
            )
            assert sorted(e["note"] for e in stored["events"] if e["note"]) == notes

        # the export re-imports to the same data, in a fresh database…
        with fresh(template) as (db2, _):
            result = import_doc(db2, first, fmt)
            assert result.created == len(doc_goals)
            assert export(db2) == first
        # …and into the same one, where it changes nothing
        again = import_doc(db1, first, fmt)
        assert (again.created, again.updated, again.events) == (0, 0, 0)
        assert export(db1) == first


OPS = st.lists(
    st.tuples(
        st.integers(0, 3),  # which goal
        st.integers(0, 700),  # days after its announcement
        st.none() | STATUS,
        st.none() | st.integers(0, 100),
        st.none() | DEADLINE_TEXT,
        st.lists(URL, max_size=2),
        st.none() | TEXT,  # a new owner (a field edit, recorded in `changes`)
    ),
    min_size=1,
    max_size=12,
)


def apply_ops(db: Database, announced: list[date], ops: list[tuple[Any, ...]]) -> None:
    """Goals made with `add`, changed with `update` on dates in any order (never before the
    announcement); every update records at least a note."""
    for i, day in enumerate(announced):
        services.add_goal(
            db,
            fields={"title": f"Goal {i}", "announced": day.isoformat()},
            key=f"g{i}",
            status="not_started" if i % 2 else "in_progress",
            deadline_text="2026-12-31" if i % 3 else None,
            today=TODAY,
            author="prop",
        )
    apply_updates(db, announced, ops)


def apply_updates(
    db: Database, announced: list[date], ops: list[tuple[Any, ...]], start: int = 0
) -> None:
    """The `update`s of apply_ops from ops[start:], on goals that already exist."""
    for n, (goal, offset, status, progress, deadline, urls, owner) in enumerate(ops[start:]):
        index = goal % len(announced)
        services.update_goal(
            db,
            ref=f"g{index}",
            on=announced[index] + timedelta(days=offset),
            status=status,
            progress=progress,
            deadline_text=deadline,
            evidence=[EvidenceIn(u) for u in urls],
            note=f"update {start + n}",
            fields={"owner": owner} if owner else {},
            author="prop",
        )


ANNOUNCED = st.lists(DAY, min_size=1, max_size=4)


@settings(SETTINGS, max_examples=40)
@given(announced=ANNOUNCED, ops=OPS, fmt=st.sampled_from(["json", "yaml"]))
def test_histories_made_by_commands_round_trip(
    template: Path, announced: list[date], ops: list[tuple[Any, ...]], fmt: str
) -> None:
    with fresh(template) as (db1, _):
        apply_ops(db1, announced, ops)
        first = export(db1)
        with fresh(template) as (db2, _):
            import_doc(db2, first, fmt)
            assert export(db2) == first
        again = import_doc(db1, first, fmt)
        assert (again.created, again.updated) == (0, 0)
        assert export(db1) == first


# --- status as of a date ------------------------------------------------------------------------------
def plain_fold(events: list[dict[str, Any]], day: date) -> tuple[Any, ...] | None:
    """(status, progress, deadline, original deadline) on `day`, by hand: events in date
    order, the later recorded first... last, each field from the latest event that set it."""
    state: dict[str, Any] = {"status": None, "progress": None, "deadline": None, "orig": None}
    for event in events:  # already in (date, recording) order
        if event["on"] > day.isoformat():
            break
        for name in ("status", "progress", "deadline"):
            if event[name] is not None:
                state[name] = event[name]
        if event["deadline"] is not None and state["orig"] is None:
            state["orig"] = event["deadline"]
    if state["status"] is None:
        return None  # not yet announced on that day: not listed
    return (state["status"], state["progress"], state["deadline"], state["orig"])


def by_path(db: Database, day: date, *, derived: bool | None) -> dict[str, tuple[Any, ...]]:
    if derived is None:  # the public path: cache or derivation, as goals_as_of chooses
        goals = history.goals_as_of(db, as_of=day)
    else:
        with mock.patch.object(history, "_uses_cache", return_value=not derived):
            goals = history.goals_as_of(db, as_of=day)
    return {g.key: (g.status, g.progress, g.deadline, g.original_deadline) for g in goals}


@settings(SETTINGS, max_examples=80)
@given(announced=ANNOUNCED, ops=OPS, probes=st.lists(DAY, max_size=4))
def test_status_as_of_is_the_latest_event(
    template: Path, announced: list[date], ops: list[tuple[Any, ...]], probes: list[date]
) -> None:
    with fresh(template) as (db, _):
        apply_ops(db, announced, ops)
        histories = {
            g["key"]: g["events"] for g in services.export_goals(db, as_of=TODAY)
        }  # each in (date, recording) order
        dates = {D.fromisoformat(e["on"]) for evs in histories.values() for e in evs}
        days = sorted(dates | {d - timedelta(days=1) for d in dates} | set(probes))
        latest = max(dates)
        for day in days:
            expected = {
                key: state
                for key, evs in histories.items()
                if (state := plain_fold(evs, day)) is not None
            }
            assert by_path(db, day, derived=True) == expected, day
            assert by_path(db, day, derived=None) == expected, day
            for key, evs in histories.items():  # the helper other tests rely on agrees
                assert status_as_of(evs, day) == (expected[key][0] if key in expected else None)
            if day >= latest:
                assert by_path(db, day, derived=False) == expected, day
            on = history.states_on(db, on=day)
            assert Counter(on.values()) == Counter((s[0], s[2]) for s in expected.values())


# --- quarterly and report never fail --------------------------------------------------------------------
def quarter_end_status(evs: list[dict[str, Any]], day: date) -> str | None:
    state = plain_fold(evs, day)
    return None if state is None else state[0]


@settings(SETTINGS, max_examples=30)
@given(announced=ANNOUNCED, ops=OPS, as_of=DAY, span=st.integers(0, 7))
def test_quarterly_and_report_never_fail(
    template: Path, announced: list[date], ops: list[tuple[Any, ...]], as_of: date, span: int
) -> None:
    with fresh(template) as (db, url):
        apply_ops(db, announced, ops)
        histories = {g["key"]: g["events"] for g in services.export_goals(db, as_of=TODAY)}
        cli = cli_for(url)
        first = quarter_of(min(announced))
        last = first
        for _ in range(span):
            last = last.next()
        window = ["--from", str(first), "--to", str(last), "--as-of", as_of.isoformat()]
        for fmt in ("table", "json", "csv", "markdown"):
            result = cli("quarterly", *window, "--format", fmt)
            assert result.exit_code == 0 and result.exception is None, (fmt, result.stderr)
        table = json.loads(cli("quarterly", *window, "--format", "json").stdout)
        for row in table["goals"]:
            for name, status in row["status_by_quarter"].items():
                quarter = next(q for q in quarter_range(first, last) if str(q) == name)
                if quarter.start > as_of:
                    assert status is None
                else:
                    day = min(quarter.end, as_of)
                    assert status == quarter_end_status(histories[row["key"]], day), (name, row)
        for fmt in ("markdown", "html", "json", "csv"):
            result = cli("report", "--as-of", as_of.isoformat(), "--format", fmt)
            assert result.exit_code == 0 and result.exception is None, (fmt, result.stderr)
        # The report's chart counts (no row per goal) are the quarterly table's summary.
        chart = json.loads(cli("report", "--as-of", as_of.isoformat(), "--format", "json").stdout)[
            "status_by_quarter"
        ]
        if chart["quarters"]:
            span_args = ["--from", chart["quarters"][0], "--to", chart["quarters"][-1]]
            same = cli("quarterly", *span_args, "--as-of", as_of.isoformat(), "--format", "json")
            assert chart["summary"] == json.loads(same.stdout)["summary"]


# --- search finds what it names ------------------------------------------------------------------------
@settings(SETTINGS, max_examples=80)
@given(
    title=TEXT,
    owner=TEXT,
    data=st.data(),
)
def test_any_substring_of_the_text_finds_the_goal(
    template: Path, title: str, owner: str, data: st.DataObject
) -> None:
    with fresh(template) as (db, _):
        key = services.add_goal(
            db,
            fields={"title": title, "owner": owner, "announced": "2026-01-21"},
            key="target",
            today=TODAY,
        )
        services.add_goal(
            db, fields={"title": "Unrelated", "announced": "2026-01-21"}, key="zz", today=TODAY
        )
        stored = services.goal_detail(db, ref=key, as_of=TODAY)
        for text, field in ((stored["title"], "search"), (stored["owner"], "owner")):
            start = data.draw(st.integers(0, len(text) - 1))
            end = data.draw(st.integers(start + 1, len(text)))
            term = text[start:end]
            if not term.strip():
                continue
            filters = history.Filters(**{field: term})
            found = [g.key for g in history.goals_as_of(db, as_of=TODAY, filters=filters)]
            assert key in found, (field, term)
            if field == "search" and term.strip().lower() not in "unrelated zz":
                assert "zz" not in found, term


# --- pure functions --------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",))).map(str.strip))
def test_csv_cells_round_trip(text: str) -> None:
    escaped = escape_cell(text)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert unescape_cell(escaped) == text


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), min_size=1, max_size=4
    )
)
def test_markdown_cells_stay_cells(cells: list[str]) -> None:
    from tests.test_exports_safe import render

    markdown = md_table([f"h{i}" for i in range(len(cells))], [cells])
    assert "<" not in markdown.replace("&lt;", "")
    table = render(markdown)
    assert table.tags <= {"table", "thead", "tbody", "tr", "th", "td", "em", "strong", "code", "s"}
    assert [len(row) for row in table.rows] == [len(cells), len(cells)]
