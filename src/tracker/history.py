"""State as of a date, derived from the event history in SQL.

Every event may set status, progress and/or a deadline; the state of a goal on day D is, per
field, the latest event on or before D that set it (ties broken by the order of recording).
The goal row caches the state after its latest event, so when D is on or after every event
in the database the cache *is* the derived state and the per-event lookups are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from sys import intern
from typing import Any

from tracker import schema
from tracker.db import Database
from tracker.domain import Goal, overdue_before, overdue_sql
from tracker.schema import EVENT_STATE, GOAL_READ

GOAL_FIELDS = ("id", "key", *schema.GOAL_FIELDS)
STATE_FIELDS = schema.GOAL_STATE
_TAGS = GOAL_READ.index("tags")  # stored as a JSON list
# Columns whose values repeat across goals (statuses, areas, dates …): interned as they are
# read, so a report on 100k goals stays within its memory budget (bench/README.md).
_REPEATED = tuple(
    GOAL_READ.index(name)
    for name in (
        "owner",
        "area",
        "source",
        "source_url",
        "announced",
        "status",
        "deadline",
        "deadline_text",
        "deadline_precision",
        "original_deadline",
    )
)
# A retracted event stays in the history and counts for nothing: every derived view reads
# events (alias `e`) and evidence (alias `ev`) through these conditions.
LIVE_EVENT = "NOT EXISTS (SELECT 1 FROM retraction r WHERE r.event_id = e.id)"
LIVE_EVIDENCE = "NOT EXISTS (SELECT 1 FROM retraction r WHERE r.event_id = ev.event_id)"

_GOAL_COLS = ", ".join(f"g.{name}" for name in GOAL_FIELDS)

_CACHED = f"""SELECT {_GOAL_COLS}, {", ".join(f"g.{name}" for name in STATE_FIELDS)} FROM goal g"""


def _latest(field: str, first: bool = False) -> str:
    """The id of the goal's latest event on or before :as_of that set `field` (its first, with
    `first`): one backward step down ix_event_goal_on (goal_id, on_date, id) per goal."""
    order = "" if first else " DESC"
    return (
        f"(SELECT e.id FROM event e WHERE e.goal_id = g.id AND e.{field} IS NOT NULL"
        f" AND e.on_date <= :as_of AND {LIVE_EVENT} ORDER BY e.on_date{order}, e.id{order} LIMIT 1)"
    )


# Each field from the event that last set it; goals with no event on or before :as_of drop out
# (the inner join). Per-goal index lookups: a filtered list touches only its goals' events,
# and a whole list is faster than ranking every event with window functions (bench/README.md).
_DERIVED_BASE = f"""SELECT {_GOAL_COLS}, st.status, pr.progress, dl.deadline, dl.deadline_text,
  dl.deadline_precision, od.deadline AS original_deadline
FROM goal g
JOIN event st ON st.id = {_latest("status")}
LEFT JOIN event pr ON pr.id = {_latest("progress")}
LEFT JOIN event dl ON dl.id = {_latest("deadline")}
LEFT JOIN event od ON od.id = {_latest("deadline", first=True)}"""


def _derived(goal_clauses: Sequence[str]) -> str:
    """The derived state, limited to the goals matching `goal_clauses` (on `g.` columns)."""
    if not goal_clauses:
        return _DERIVED_BASE
    return _DERIVED_BASE + "\nWHERE " + " AND ".join(goal_clauses)


def _cached(goal_clauses: Sequence[str]) -> str:
    if not goal_clauses:
        return _CACHED
    return _CACHED + " WHERE " + " AND ".join(goal_clauses)


_DERIVED = _derived(())


@dataclass
class Filters:
    """The `list` filters, shared by list, quarterly, report and export."""

    statuses: Sequence[str] = ()
    area: str | None = None
    owner: str | None = None
    tags: Sequence[str] = ()
    overdue: bool = False
    due_before: date | None = None
    due_within: int | None = None
    search: str | None = None
    keys: Sequence[str] = ()


SORTS = {
    "deadline": "(s.deadline IS NULL), s.deadline",
    "id": "s.id",
    "key": "s.key",
    "title": "s.title",
    "status": "s.status",
    "progress": "(s.progress IS NULL), s.progress",
    "area": "(s.area IS NULL), s.area",
    "owner": "(s.owner IS NULL), s.owner",
    "announced": "(s.announced IS NULL), s.announced",
}


_NOT_IN_TAGS = re.compile(r'[\s"\\\[\],;]')


def like_escape(text: str) -> str:
    """Make `%`, `_` and `\\` in user text match themselves in `LIKE … ESCAPE '\\'`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _state_where(filters: Filters, as_of: date, params: dict[str, Any]) -> list[str]:
    """The filters on the state as of the date (status, overdue, due), on the derived row `s`."""
    clauses = ["s.status IS NOT NULL"]
    if filters.statuses:
        names = []
        for i, status in enumerate(filters.statuses):
            params[f"st{i}"] = status
            names.append(f":st{i}")
        clauses.append(f"s.status IN ({', '.join(names)})")
    if filters.overdue:
        clauses.append(overdue_sql("s", ":as_of"))
    if filters.due_before:
        params["due_before"] = filters.due_before.isoformat()
        clauses.append("s.deadline < :due_before")
    if filters.due_within is not None:
        from datetime import timedelta

        params["due_until"] = (as_of + timedelta(days=filters.due_within)).isoformat()
        clauses.append("s.deadline >= :as_of AND s.deadline <= :due_until")
    return clauses


def _goal_where(filters: Filters, params: dict[str, Any], alias: str) -> list[str]:
    """The filters on goal columns (area, owner, tags, search, keys), on table `alias`."""
    clauses: list[str] = []
    # Each text filter matches case-insensitively (LOWER) and also as typed: SQLite's LOWER
    # folds ASCII only, so "ÉNERGIE" must still find "ÉNERGIE" there.
    if filters.area:
        params["area"] = filters.area.strip().lower()
        params["area_raw"] = filters.area.strip()
        clauses.append(f"(LOWER({alias}.area) = :area OR {alias}.area = :area_raw)")
    if filters.owner:
        params["owner"] = "%" + like_escape(filters.owner.strip().lower()) + "%"
        params["owner_raw"] = "%" + like_escape(filters.owner.strip()) + "%"
        clauses.append(
            f"(LOWER({alias}.owner) LIKE :owner ESCAPE '\\' OR {alias}.owner LIKE :owner_raw ESCAPE '\\')"
        )
    for i, tag in enumerate(filters.tags):
        params[f"tag{i}"] = "%" + like_escape(json.dumps(tag, ensure_ascii=False)) + "%"
        clauses.append(f"{alias}.tags LIKE :tag{i} ESCAPE '\\'")
    if filters.search:
        term = filters.search.strip()
        params["search"] = "%" + like_escape(term.lower()) + "%"
        params["search_raw"] = "%" + like_escape(term) + "%"
        fields = ("key", "title", "title_original", "description", "owner", "area", "quote")
        tests = [
            f"LOWER({alias}.{f}) LIKE :search ESCAPE '\\' OR {alias}.{f} LIKE :search_raw ESCAPE '\\'"
            for f in fields
        ]
        # Tags are stored as a JSON list and are lower case, without spaces, quotes,
        # backslashes, brackets, ',' or ';' (domain.normalize_tags). A term without those
        # characters can only match inside one tag; a term with them matches no tag, and
        # must not match the list's own punctuation.
        if not _NOT_IN_TAGS.search(term.lower()):
            tests.append(f"{alias}.tags LIKE :search ESCAPE '\\'")
        clauses.append("(" + " OR ".join(tests) + ")")
    if filters.keys:
        names = []
        for i, key in enumerate(filters.keys):
            params[f"k{i}"] = key
            names.append(f":k{i}")
        clauses.append(f"{alias}.key IN ({', '.join(names)})")
    return clauses


def _uses_cache(db: Database, as_of: date) -> bool:
    latest = db.scalar("SELECT MAX(on_date) FROM event")
    return latest is None or str(latest) <= as_of.isoformat()


def goals_query(
    *,
    as_of: date,
    filters: Filters,
    sort: str,
    cached: bool,
    columns: Sequence[str] = ("*",),
    joins: str = "",
    where: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of goals_as_of; `cached` reads the goal rows' cached state.
    `columns` (on the goal row `s` and `joins`) and `where` (with `params`) narrow it."""
    descending = sort.startswith("-")
    order = SORTS[sort.lstrip("-")]
    if descending:
        order = ", ".join(f"{part} DESC" for part in order.split(", "))
    args: dict[str, Any] = {"as_of": as_of.isoformat(), **(params or {})}
    inner = (_cached if cached else _derived)(_goal_where(filters, args, "g"))
    clauses = " AND ".join([*_state_where(filters, as_of, args), *where])
    sql = (
        f"SELECT {', '.join(columns)} FROM ({inner}) s {joins} WHERE {clauses}"
        f" ORDER BY {order}, s.id"
    )
    return sql, args


def goals_as_of(
    db: Database, *, as_of: date, filters: Filters | None = None, sort: str = "deadline"
) -> list[Goal]:
    """Goals matching `filters` with their state on `as_of` (goals with no event yet are left out)."""
    sql, params = goals_query(
        as_of=as_of, filters=filters or Filters(), sort=sort, cached=_uses_cache(db, as_of)
    )
    bound = as_of.isoformat()
    return [_goal(row, bound) for row in db.all(sql, params)]


def iter_goals_as_of(
    db: Database, *, as_of: date, filters: Filters | None = None, sort: str = "deadline"
) -> Iterator[Goal]:
    """goals_as_of one goal at a time, as the database cursor gives the rows."""
    bound = as_of.isoformat()
    for row in goal_rows(db, as_of=as_of, columns=("*",), filters=filters, sort=sort):
        yield _goal(row, bound)


def states_on(db: Database, *, on: date) -> dict[int, tuple[str, str | None]]:
    """goal id → (status, deadline) on a day, for every goal that existed then."""
    params = {"as_of": on.isoformat()}
    inner = _CACHED if _uses_cache(db, on) else _DERIVED
    return {
        row[0]: (row[1], row[2])
        for row in db.all(
            f"SELECT s.id, s.status, s.deadline FROM ({inner}) s WHERE s.status IS NOT NULL", params
        )
    }


def row_to_goal(row: Sequence[Any], as_of: date) -> Goal:
    """A goal from a row of the columns schema.GOAL_READ (tags decoded, overdue computed)."""
    return _goal(row, as_of.isoformat())


def _goal(row: Sequence[Any], bound: str) -> Goal:
    """row_to_goal with the as-of day as ISO text (computed once per query, not per row).

    The row holds the columns named by schema.GOAL_READ, which are Goal's fields in the same
    order (tests/test_schema.py), so it is passed as it stands: building a dict per row to
    pass them by keyword doubled the time `list` spends per goal (bench/README.md)."""
    values = list(row)
    for i in _REPEATED:  # one object per distinct value: 100k goals hold a few hundred
        if values[i] is not None:
            values[i] = intern(values[i])
    tags = values[_TAGS]
    values[_TAGS] = [intern(tag) for tag in json.loads(tags)] if tags and tags != "[]" else []
    goal = Goal(*values)
    goal.overdue = overdue_before(goal.deadline, goal.status, bound)
    return goal


@dataclass(slots=True)
class FoldedState:
    """A goal's state after some of its events: the one rule of "state as of a date".

    Each field is the value of the latest event (in date, then recording, order) that set it;
    `original_deadline` is the first deadline ever set. The SQL of this module
    (`_DERIVED`) and the quarterly scan (reports.py) give the same answer; tests/test_history.py
    holds them to it."""

    status: str | None = None
    progress: int | None = None
    deadline: str | None = None
    deadline_text: str | None = None
    deadline_precision: str | None = None
    original_deadline: str | None = None

    def apply(
        self,
        status: str | None,
        progress: int | None = None,
        deadline: str | None = None,
        deadline_text: str | None = None,
        deadline_precision: str | None = None,
    ) -> None:
        """One more event (its schema.EVENT_STATE values; None: not set by it)."""
        if status is not None:
            self.status = status
        if progress is not None:
            self.progress = progress
        if deadline is not None:
            self.deadline = deadline
            self.deadline_text = deadline_text
            self.deadline_precision = deadline_precision
            if self.original_deadline is None:
                self.original_deadline = deadline


def fold_events(events: Iterable[Mapping[str, Any]]) -> FoldedState:
    """The state after `events` (given in (on, recording) order)."""
    state = FoldedState()
    for event in events:
        state.apply(*(event.get(name) for name in EVENT_STATE))
    return state


# --- streamed reads (reports): rows straight from the cursor (Database.stream) --------------
def goal_stream(
    db: Database,
    *,
    as_of: date,
    filters: Filters | None = None,
    sort: str = "deadline",
    where: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
    joins: str = "",
    columns: Sequence[str] = (),
) -> Iterator[tuple[Goal, tuple[Any, ...]]]:
    """goals_as_of as a stream: each goal with the values of `columns` (SQL on the derived
    row `s` and on `joins`), limited further by `where` (on `s`, with `params`)."""
    bound = as_of.isoformat()
    width = len(GOAL_READ)
    rows = goal_rows(
        db,
        as_of=as_of,
        filters=filters,
        sort=sort,
        where=where,
        params=params,
        joins=joins,
        columns=("s.*", *columns),
    )
    for row in rows:
        yield _goal(row[:width], bound), tuple(row[width:])


def goal_rows(
    db: Database,
    *,
    as_of: date,
    columns: Sequence[str],
    filters: Filters | None = None,
    sort: str = "deadline",
    where: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
    joins: str = "",
) -> Iterator[Any]:
    """The rows of goal_stream as the cursor gives them, only `columns` (no Goal is built)."""
    sql, args = goals_query(
        as_of=as_of,
        filters=filters or Filters(),
        sort=sort,
        cached=_uses_cache(db, as_of),
        columns=columns,
        joins=joins,
        where=where,
        params=params,
    )
    return db.stream(sql, args)
