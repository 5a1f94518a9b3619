"""Status as of a date: the SQL derivation in history.py, the cached state, the Python fold."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest

from tests.helpers import status_as_of
from tracker import history, services
from tracker.db import Database
from tracker.history import Filters, fold_events

D = date


def add(db: Database, key: str, announced: str = "2026-01-21", **kwargs: Any) -> str:
    return services.add_goal(
        db,
        fields={"title": key.title(), "announced": announced},
        key=key,
        today=D(2026, 1, 21),
        **kwargs,
    )


def update(db: Database, key: str, on: date, **kwargs: Any) -> None:
    services.update_goal(db, ref=key, on=on, **kwargs)


def state(db: Database, day: date, *, derived: bool) -> dict[str, tuple[Any, ...]]:
    """key → (status, progress, deadline, original deadline) as of `day`, by either path."""
    with mock.patch.object(history, "_uses_cache", return_value=not derived):
        goals = history.goals_as_of(db, as_of=day)
    return {
        g.key: (g.status, g.progress, g.deadline, g.original_deadline, g.overdue) for g in goals
    }


@pytest.fixture
def story(db: Database) -> Database:
    """One goal with a history written out of date order, two on the same day."""
    add(db, "six-g", deadline_text="2026-06-30")
    update(db, "six-g", D(2026, 4, 1), status="in_progress", progress=30)
    update(db, "six-g", D(2026, 2, 10), progress=10, note="recorded late, effective earlier")
    update(db, "six-g", D(2026, 6, 15), deadline_text="2026-12-31")
    update(db, "six-g", D(2026, 9, 1), status="stalled")
    update(db, "six-g", D(2026, 9, 1), status="in_progress", note="same day, recorded later")
    update(db, "six-g", D(2026, 11, 30), status="achieved", progress=100)
    return db


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 20), None),  # before the announcement: not listed
        (D(2026, 1, 21), ("not_started", None, "2026-06-30", "2026-06-30", False)),
        (D(2026, 2, 10), ("not_started", 10, "2026-06-30", "2026-06-30", False)),
        (D(2026, 4, 1), ("in_progress", 30, "2026-06-30", "2026-06-30", False)),
        (D(2026, 6, 30), ("in_progress", 30, "2026-12-31", "2026-06-30", False)),
        (D(2026, 9, 1), ("in_progress", 30, "2026-12-31", "2026-06-30", False)),
        (D(2026, 11, 29), ("in_progress", 30, "2026-12-31", "2026-06-30", False)),
        (D(2026, 11, 30), ("achieved", 100, "2026-12-31", "2026-06-30", False)),
        (D(2027, 1, 1), ("achieved", 100, "2026-12-31", "2026-06-30", False)),
    ],
)
def test_state_as_of_each_day(story: Database, day: date, expected: tuple[Any, ...] | None) -> None:
    derived = state(story, day, derived=True)
    assert derived.get("six-g") == expected
    if day >= D(2026, 11, 30):  # on or after every event the cache is the same state
        assert state(story, day, derived=False) == derived


def test_the_public_path_picks_cache_or_derivation_correctly(story: Database) -> None:
    for day in (D(2026, 1, 21), D(2026, 6, 30), D(2026, 11, 30), D(2030, 1, 1)):
        public = {g.key: g.status for g in history.goals_as_of(story, as_of=day)}
        assert public == {k: v[0] for k, v in state(story, day, derived=True).items()}


def test_the_derivation_equals_the_python_fold(story: Database) -> None:
    events = services.goal_detail(story, ref="six-g", as_of=D(2030, 1, 1))["events"]
    day = D(2026, 1, 15)
    while day < D(2027, 1, 15):
        derived = state(story, day, derived=True).get("six-g")
        assert (derived[0] if derived else None) == status_as_of(events, day), day
        day += timedelta(days=11)


def test_overdue_as_of(db: Database) -> None:
    add(db, "due", deadline_text="2026-06-30", status="in_progress")
    add(db, "done", deadline_text="2026-03-31")
    update(db, "done", D(2026, 5, 1), status="missed")
    for day, overdue in ((D(2026, 6, 30), set()), (D(2026, 7, 1), {"due"})):
        for derived in (True, False):
            assert {k for k, v in state(db, day, derived=derived).items() if v[4]} == overdue
    # The "done" goal was overdue in April, before it was marked missed.
    assert state(db, D(2026, 4, 15), derived=True)["done"][4] is True


def test_announced_in_progress_counts_for_its_quarter(db: Database) -> None:
    """PRODUCT: a goal announced on 2026-01-21 as in_progress is in_progress in 2026Q1."""
    add(db, "q1", status="in_progress")
    assert history.states_on(db, on=D(2026, 3, 31)) == {1: ("in_progress", None)}
    assert history.states_on(db, on=D(2025, 12, 31)) == {}


def test_states_on_matches_goals_as_of(story: Database) -> None:
    add(story, "other", announced="2026-05-01", deadline_text="2027")
    for day in (D(2026, 1, 21), D(2026, 5, 1), D(2026, 9, 1), D(2027, 1, 1)):
        by_id = {g.id: (g.status, g.deadline) for g in history.goals_as_of(story, as_of=day)}
        assert history.states_on(story, on=day) == by_id


def test_filters_apply_to_the_state_as_of_the_date(story: Database) -> None:
    stalled = Filters(statuses=["stalled"])
    assert history.goals_as_of(story, as_of=D(2026, 9, 1), filters=stalled) == []
    in_progress = history.goals_as_of(
        story, as_of=D(2026, 5, 1), filters=Filters(statuses=["in_progress"])
    )
    assert [g.key for g in in_progress] == ["six-g"]
    overdue = history.goals_as_of(story, as_of=D(2026, 7, 1), filters=Filters(overdue=True))
    assert overdue == []  # the deadline slipped to 2026-12-31 on 2026-06-15


def test_fold_events() -> None:
    folded = fold_events(
        [
            {"status": "not_started", "deadline": "2026-06-30", "deadline_text": "H1 2026"},
            {"progress": 50},
            {"status": "in_progress", "deadline": "2026-12-31", "deadline_precision": "year"},
            {"status": None, "progress": None, "deadline": None},
        ]
    )
    assert folded == history.FoldedState(
        status="in_progress",
        progress=50,
        deadline="2026-12-31",
        deadline_text=None,
        deadline_precision="year",
        original_deadline="2026-06-30",
    )
    assert fold_events([]) == history.FoldedState()


def test_reference_fold_helper() -> None:
    """The plain-Python reference used by the property tests: later recording wins a tie."""
    events = [
        {"on": "2026-03-01", "status": "stalled"},
        {"on": "2026-02-01", "status": "in_progress"},
        {"on": "2026-03-01", "status": "achieved"},
        {"on": "2026-04-01", "status": None},
    ]
    assert status_as_of(events, D(2026, 1, 31)) is None
    assert status_as_of(events, D(2026, 2, 28)) == "in_progress"
    assert status_as_of(events, D(2026, 4, 2)) == "achieved"


def test_goal_rows_are_mapped_by_column_name() -> None:
    """row_to_goal reads a row of schema.GOAL_READ by name (tags decoded, overdue computed)."""
    from tracker.schema import GOAL_READ

    values = {name: f"v-{name}" for name in GOAL_READ}
    values.update(tags='["a", "b"]', status="in_progress", deadline="2025-12-31")
    goal = history.row_to_goal(tuple(values[n] for n in GOAL_READ), date(2026, 1, 1))
    assert (goal.id, goal.area, goal.tags, goal.source, goal.original_deadline) == (
        "v-id", "v-area", ["a", "b"], "v-source", "v-original_deadline",
    )  # fmt: skip
    assert goal.overdue


# --- one rule each: the SQL and the scan against the Python fold and overdue function ----------
HISTORIES = {
    "plain": [
        ("2026-01-21", "not_started", None, "2026-06-30"),
        ("2026-03-01", "in_progress", 20, None),
        ("2026-06-15", None, None, "2026-12-31"),
        ("2026-09-01", "achieved", 100, None),
    ],
    "same-day": [
        ("2026-02-01", "in_progress", None, "2026-03-31"),
        ("2026-02-01", "stalled", 5, None),
        ("2026-04-01", None, 10, "2027-03-31"),
        ("2026-04-01", None, None, "2026-12-31"),
    ],
    "late-start": [
        ("2026-05-10", "not_started", None, None),
        ("2026-07-01", "missed", None, "2026-06-30"),
    ],
}
DAYS = [
    date(2026, 1, 20), date(2026, 2, 1), date(2026, 3, 31), date(2026, 4, 1),
    date(2026, 6, 30), date(2026, 7, 1), date(2026, 12, 31),
]  # fmt: skip


def _store_histories(db: Database) -> dict[str, list[dict[str, object]]]:
    from tracker import store

    events: dict[str, list[dict[str, object]]] = {}
    goals = []
    for key, rows in HISTORIES.items():
        events[key] = [
            {"on_date": on, "status": st, "progress": pr, "deadline": dl,
             "deadline_text": dl, "deadline_precision": "day" if dl else None}
            for on, st, pr, dl in rows
        ]  # fmt: skip
        goals.append(store.NewGoal(fields={"title": key}, events=events[key], key=key))
    db.write(lambda tx: store.create_goals(tx, goals, stamp="2026-01-01T00:00:00.000000Z"))
    return events


def test_state_as_of_in_sql_and_in_the_scan_is_the_fold(db: Database) -> None:
    from tracker import reports

    events = _store_histories(db)
    ids = {g.key: g.id for g in history.goals_as_of(db, as_of=date(2030, 1, 1))}
    scanned = reports.states_on_days(db, DAYS)
    for day in DAYS:
        derived = {g.key: g for g in history.goals_as_of(db, as_of=day)}  # the SQL path
        for key, history_rows in events.items():
            fold = fold_events(e for e in history_rows if str(e["on_date"]) <= day.isoformat())
            if fold.status is None:
                assert key not in derived and ids[key] not in scanned[day], (key, day)
                continue
            goal = derived[key]
            got = (goal.status, goal.progress, goal.deadline, goal.original_deadline)
            want = (fold.status, fold.progress, fold.deadline, fold.original_deadline)
            assert got == want, (key, day)
            assert scanned[day][ids[key]] == (fold.status, fold.deadline), (key, day)


def test_overdue_sql_is_the_overdue_function(db: Database) -> None:
    from tracker.domain import is_overdue

    _store_histories(db)
    for day in DAYS:
        listed = {g.key: g.overdue for g in history.goals_as_of(db, as_of=day)}
        filtered = {
            g.key for g in history.goals_as_of(db, as_of=day, filters=Filters(overdue=True))
        }
        assert filtered == {k for k, overdue in listed.items() if overdue}, day
        for goal in history.goals_as_of(db, as_of=day):
            assert goal.overdue == is_overdue(goal.deadline, goal.status, day)
    # the rule itself: strictly before the day, final statuses never, no deadline never
    assert is_overdue("2026-06-29", "in_progress", date(2026, 6, 30))
    assert not is_overdue("2026-06-30", "in_progress", date(2026, 6, 30))
    assert not is_overdue("2026-06-29", "achieved", date(2026, 6, 30))
    assert not is_overdue(None, "stalled", date(2026, 6, 30))
    assert not is_overdue("2026-06-29", None, date(2026, 6, 30))
