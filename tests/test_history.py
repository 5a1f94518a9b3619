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


def test_goal_rows_are_in_goal_field_order() -> None:
    """row_to_goal builds Goal positionally from GOAL_FIELDS + STATE_FIELDS."""
    from dataclasses import fields

    from tracker.domain import Goal

    names = [f.name for f in fields(Goal)]
    assert names[: len(history.GOAL_FIELDS + history.STATE_FIELDS)] == list(
        history.GOAL_FIELDS + history.STATE_FIELDS
    )
    row = tuple(f"v{i}" for i in range(18))
    row = row[:7] + ('["a", "b"]',) + row[8:]
    goal = history.row_to_goal(row, date(2026, 1, 1))
    assert (goal.id, goal.area, goal.tags, goal.source, goal.original_deadline) == (
        "v0", "v6", ["a", "b"], "v8", "v17",
    )  # fmt: skip
