"""Quarterly status tables and progress reports, computed from the event history.

Quarter cells: a quarter that has not begun on the as-of date is empty; a finished quarter
(as-of on or after its last day) shows the status at the end of its last day, overdue when
the deadline known then falls on or before that day and the status is not final; the quarter
in progress shows the status on the as-of date, overdue by the `list` rule (deadline before
the as-of date). A goal not yet announced at a cell's date has an empty cell.

Everything is read with a handful of queries (one for the cells of all quarters, a few more
for the report), never one per goal; nothing here depends on the clock, so the same database and
as-of date always give the same result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from sys import intern
from typing import Any

from tracker import history
from tracker.db import Database
from tracker.domain import FINAL_STATUSES, STATUSES, Goal, overdue_before, slip_days
from tracker.quarters import Quarter, quarter_of

Progress = Callable[[str], None]
DUE_SOON_DAYS = 90
MAX_CHART_QUARTERS = 8
NO_AREA = "(no area)"


def _quiet(_: str) -> None:
    return None


# --- quarterly table ------------------------------------------------------------------------
@dataclass
class QuarterlyRow:
    goal: Goal
    status_by_quarter: dict[str, str | None]
    overdue_by_quarter: dict[str, bool]


@dataclass
class StatusCounts:
    """Quarter → status → how many goals had it at the quarter's end (the report's chart)."""

    quarters: list[str]
    summary: dict[str, dict[str, int]]


@dataclass
class QuarterlyTable:
    as_of: date
    quarters: list[str]
    rows: list[QuarterlyRow]
    summary: dict[str, dict[str, int]]

    def overdue_counts(self) -> dict[str, int]:
        """Quarter → how many goals were overdue in it."""
        return {q: sum(row.overdue_by_quarter[q] for row in self.rows) for q in self.quarters}

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of PRODUCT.md, plus `as_of` and each goal's id, area and deadline."""
        return {
            "as_of": self.as_of.isoformat(),
            "quarters": self.quarters,
            "goals": [
                {
                    "id": row.goal.id,
                    "key": row.goal.key,
                    "title": row.goal.title,
                    "area": row.goal.area,
                    "deadline": row.goal.deadline,
                    "status_by_quarter": row.status_by_quarter,
                    "overdue_by_quarter": row.overdue_by_quarter,
                }
                for row in self.rows
            ],
            "summary": self.summary,
        }


def cell_day(quarter: Quarter, as_of: date) -> date | None:
    """The day a quarter's cell describes, or None when the quarter has not begun."""
    if quarter.start > as_of:
        return None
    return quarter.end if as_of >= quarter.end else as_of


@dataclass(frozen=True, slots=True)
class QuarterCell:
    """A quarter's column on one as-of date: its day and the bound a deadline is checked
    against, computed once per quarter rather than once per cell."""

    day: date | None  # cell_day(quarter, as_of)
    bound: str  # ISO day a deadline must be before to be overdue (domain.is_overdue's as-of)

    @classmethod
    def of(cls, quarter: Quarter, as_of: date) -> QuarterCell:
        day = cell_day(quarter, as_of)
        # A quarter that is over counts a deadline on its last day as missed: the bound is
        # the next day. The quarter in progress follows `list`: the as-of date.
        ended = day is not None and day == quarter.end
        return cls(day, (quarter.end + timedelta(days=1) if ended else as_of).isoformat())

    def overdue(self, status: str | None, deadline: str | None) -> bool:
        """Whether a cell is overdue (see the module docstring)."""
        return self.day is not None and overdue_before(deadline, status, self.bound)


def quarterly(
    db: Database,
    *,
    quarters: Sequence[Quarter],
    as_of: date,
    filters: history.Filters | None = None,
    sort: str = "deadline",
    progress: Progress = _quiet,
) -> QuarterlyTable:
    """Goals (matching filters as of `as_of`) × quarters: two queries, none per goal."""
    progress("goals")
    goals = history.goals_as_of(db, as_of=as_of, filters=filters, sort=sort)
    return quarterly_for(db, goals=goals, quarters=quarters, as_of=as_of, progress=progress)


def _states_by_day(
    db: Database, bounds: Sequence[str]
) -> Iterator[tuple[int, int, str, str | None]]:
    """(index into `bounds`, goal id, status, deadline) for every goal that existed on each
    day of `bounds` (ISO days, ascending).

    One scan of the status and deadline events in (goal, date, recording) order, each goal's
    folded with history.FoldedState (the one rule of state-as-of), its state given as the scan
    passes each day. Faster than an interval join of LEAD windows in SQL (bench/README.md),
    and streamed from the cursor: nothing per event is kept."""
    rows = db.execute(
        "SELECT goal_id, on_date, status, deadline FROM event"
        " WHERE on_date <= :last AND (status IS NOT NULL OR deadline IS NOT NULL)"
        " ORDER BY goal_id, on_date, id",
        {"last": bounds[-1]},
    )
    goal, state, k = 0, history.FoldedState(), 0  # k: the first day not yet given for `goal`
    for goal_id, on_date, event_status, event_deadline in rows:
        if goal_id != goal:
            if state.status is not None:
                yield from ((i, goal, state.status, state.deadline) for i in range(k, len(bounds)))
            goal, state, k = goal_id, history.FoldedState(), 0
        while k < len(bounds) and str(on_date) > bounds[k]:
            if state.status is not None:
                yield k, goal, state.status, state.deadline
            k += 1
        state.apply(event_status, None, event_deadline)
    if state.status is not None:
        yield from ((i, goal, state.status, state.deadline) for i in range(k, len(bounds)))


def states_on_days(
    db: Database, days: Sequence[date]
) -> dict[date, dict[int, tuple[str, str | None]]]:
    """Day → goal id → (status, deadline) on that day, for every goal that existed then."""
    wanted = sorted(set(days))
    out: dict[date, dict[int, tuple[str, str | None]]] = {day: {} for day in wanted}
    if wanted:
        cells = [out[day] for day in wanted]
        for k, goal_id, status, deadline in _states_by_day(db, [d.isoformat() for d in wanted]):
            cells[k][goal_id] = (status, deadline)
    return out


def status_counts(
    db: Database, *, quarters: Sequence[Quarter], as_of: date, ids: set[int], states_on: date
) -> tuple[StatusCounts, dict[int, tuple[str, str | None]]]:
    """How many of the goals `ids` had each status at each quarter's end (as of `as_of`): the
    summary of quarterly_for without a row per goal, for the report's chart. With it, from the
    same scan, each of those goals' (status, deadline) on the day `states_on`."""
    names = [str(q) for q in quarters]
    days = {
        name: day for name, q in zip(names, quarters, strict=True) if (day := cell_day(q, as_of))
    }
    wanted = sorted({*days.values(), states_on})
    tallies = [dict.fromkeys(STATUSES, 0) for _ in wanted]
    kept, keep = {}, wanted.index(states_on)
    for k, goal_id, status, deadline in _states_by_day(db, [d.isoformat() for d in wanted]):
        if goal_id in ids:
            tallies[k][status] += 1
            if k == keep:
                kept[goal_id] = (status, deadline)
    summary = {
        name: tallies[wanted.index(days[name])] if name in days else dict.fromkeys(STATUSES, 0)
        for name in names
    }
    return StatusCounts(names, summary), kept


def quarterly_for(
    db: Database,
    *,
    goals: Sequence[Goal],
    quarters: Sequence[Quarter],
    as_of: date,
    progress: Progress = _quiet,
    states: dict[date, dict[int, tuple[str, str | None]]] | None = None,
) -> QuarterlyTable:
    """The table for given goals: the states on every quarter's day come from one query
    (or from `states`, when the caller has read them already)."""
    names = [str(q) for q in quarters]
    specs = {name: QuarterCell.of(q, as_of) for name, q in zip(names, quarters, strict=True)}
    days = {name: spec.day for name, spec in specs.items()}
    needed = [d for d in days.values() if d is not None]
    if states is None or not set(needed) <= set(states):
        progress(f"status at the end of {len(quarters)} quarter{'s' if len(quarters) != 1 else ''}")
        states = states_on_days(db, needed)
    summary = {name: dict.fromkeys(STATUSES, 0) for name in names}
    columns = [
        (name, {} if day is None else states[day], specs[name], summary[name])
        for name, day in days.items()
    ]
    rows = []
    for goal in goals:
        by_quarter: dict[str, str | None] = {}
        overdue: dict[str, bool] = {}
        for name, cells, spec, counts in columns:
            status, deadline = cells.get(goal.id, (None, None))
            by_quarter[name] = status
            overdue[name] = spec.overdue(status, deadline)
            if status is not None:
                counts[status] += 1
        rows.append(QuarterlyRow(goal, by_quarter, overdue))
    return QuarterlyTable(as_of, names, rows, summary)


# --- progress report ------------------------------------------------------------------------
CHANGE_KINDS = ("new", "status", "progress", "deadline", "evidence", "note")


@dataclass
class Change:
    """One thing that happened to a goal in the report's period (one event may give several)."""

    on: str
    key: str
    title: str
    kind: str  # one of CHANGE_KINDS
    before: str | None = None
    after: str | None = None
    detail: str | None = None  # a deadline slip ("+181 days"), an evidence title
    note: str | None = None  # the note of the event, on the first change it gave


@dataclass
class Report:
    as_of: date
    period_start: date
    period_label: str
    previous_end: date
    goals: list[Goal]
    totals: dict[str, int]
    previous_totals: dict[str, int]
    overdue: list[Goal]
    due_soon: list[Goal]
    changes: list[Change]
    areas: dict[str, dict[str, int]]
    latest_evidence: dict[int, dict[str, Any]]
    chart: StatusCounts
    upcoming: list[Goal] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    previous_status: dict[int, str] = field(default_factory=dict)  # at the previous quarter's end

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def previous_total(self) -> int:
        return sum(self.previous_totals.values())

    def days_late(self, goal: Goal) -> int:
        """Days since the deadline passed (positive for overdue goals)."""
        assert goal.deadline is not None
        return (self.as_of - date.fromisoformat(goal.deadline)).days

    def days_left(self, goal: Goal) -> int:
        """Days from the as-of date to the deadline (0 = due that day)."""
        assert goal.deadline is not None
        return (date.fromisoformat(goal.deadline) - self.as_of).days

    def to_dict(self) -> dict[str, Any]:
        """Everything the other formats show, for scripts."""

        def goal_dict(goal: Goal) -> dict[str, Any]:
            item: dict[str, Any] = goal.to_dict()
            item["previous_quarter_status"] = self.previous_status.get(goal.id)
            item["latest_evidence"] = self.latest_evidence.get(goal.id)
            return item

        def brief(goal: Goal, days: str, value: int) -> dict[str, Any]:
            return {
                "key": goal.key,
                "title": goal.title,
                "status": goal.status,
                "deadline": goal.deadline,
                days: value,
            }

        return {
            "as_of": self.as_of.isoformat(),
            "filters": self.filters,
            "period": {
                "label": self.period_label,
                "start": self.period_start.isoformat(),
                "end": self.as_of.isoformat(),
            },
            "previous_quarter_end": self.previous_end.isoformat(),
            "total": self.total,
            "previous_total": self.previous_total,
            "totals": self.totals,
            "previous_totals": self.previous_totals,
            "overdue": [brief(g, "days_overdue", self.days_late(g)) for g in self.overdue],
            "due_soon_days": DUE_SOON_DAYS,
            "due_soon": [brief(g, "days_left", self.days_left(g)) for g in self.due_soon],
            "upcoming": [brief(g, "days_left", self.days_left(g)) for g in self.upcoming],
            "changes": [asdict(c) for c in self.changes],
            "areas": self.areas,
            "status_by_quarter": {
                "quarters": self.chart.quarters,
                "summary": self.chart.summary,
            },
            "goals": [goal_dict(g) for g in self.goals],
        }


def describe_filters(filters: history.Filters | None) -> dict[str, Any]:
    """The filters that narrow a report, as a small JSON-able dict (empty when none)."""
    if filters is None:
        return {}
    out: dict[str, Any] = {}
    if filters.statuses:
        out["status"] = list(filters.statuses)
    for name in ("area", "owner", "search"):
        if getattr(filters, name):
            out[name] = getattr(filters, name)
    if filters.tags:
        out["tag"] = list(filters.tags)
    if filters.overdue:
        out["overdue"] = True
    if filters.due_before:
        out["due_before"] = filters.due_before.isoformat()
    if filters.due_within is not None:
        out["due_within"] = filters.due_within
    if filters.keys:
        out["key"] = list(filters.keys)
    return out


def build_report(
    db: Database,
    *,
    as_of: date,
    filters: history.Filters | None = None,
    progress: Progress = _quiet,
) -> Report:
    """The progress report as of a date, for the goals matching `filters` on that date."""
    progress("goals")
    goals = history.goals_as_of(db, as_of=as_of, filters=filters, sort="deadline")
    ids = {g.id for g in goals}
    current = quarter_of(as_of)
    period_start = current.start
    previous_end = period_start - timedelta(days=1)

    first = _first_quarter(db, ids, as_of)
    chart_quarters = [current]
    while len(chart_quarters) < MAX_CHART_QUARTERS and chart_quarters[0] > first:
        chart_quarters.insert(0, quarter_of(chart_quarters[0].start - timedelta(days=1)))
    progress("status by quarter")
    chart, before = status_counts(
        db, quarters=chart_quarters, as_of=as_of, ids=ids, states_on=previous_end
    )
    totals = dict.fromkeys(STATUSES, 0)
    for goal in goals:
        totals[goal.status or "not_started"] += 1
    previous_totals = dict.fromkeys(STATUSES, 0)
    for status, _deadline in before.values():
        previous_totals[status] += 1

    progress("changes in the period")
    changes = _changes(db, goals, before, start=period_start, end=as_of)
    progress("evidence")
    latest = _latest_evidence(db, as_of=as_of, ids=ids)

    areas: dict[str, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((*STATUSES, "overdue", "total"), 0)
    )
    for goal in goals:
        row = areas[goal.area or NO_AREA]
        row[goal.status or "not_started"] += 1
        row["total"] += 1
        row["overdue"] += goal.overdue
    today = as_of.isoformat()
    soon_until = (as_of + timedelta(days=DUE_SOON_DAYS)).isoformat()
    open_goals = [g for g in goals if g.status not in FINAL_STATUSES and g.deadline]
    due_soon = [g for g in open_goals if g.deadline and today <= g.deadline <= soon_until]
    upcoming = [g for g in open_goals if g.deadline and g.deadline >= today]

    return Report(
        as_of=as_of,
        period_start=period_start,
        period_label=str(current),
        previous_end=previous_end,
        goals=goals,
        totals=totals,
        previous_totals=previous_totals,
        overdue=[g for g in goals if g.overdue],
        due_soon=due_soon,
        changes=changes,
        areas=dict(sorted(areas.items(), key=lambda kv: (kv[0] == NO_AREA, kv[0].lower(), kv[0]))),
        latest_evidence=latest,
        chart=chart,
        upcoming=upcoming,
        filters=describe_filters(filters),
        previous_status={gid: st for gid, (st, _dl) in before.items()},
    )


def _first_quarter(db: Database, ids: set[int], as_of: date) -> Quarter:
    """The quarter of the earliest event (on or before `as_of`) of the report's goals."""
    rows = db.all(
        "SELECT goal_id, MIN(on_date) FROM event WHERE on_date <= :d GROUP BY goal_id",
        {"d": as_of.isoformat()},
    )
    firsts = [str(first) for gid, first in rows if gid in ids and first]
    return quarter_of(date.fromisoformat(min(firsts))) if firsts else quarter_of(as_of)


def _changes(
    db: Database,
    goals: Sequence[Goal],
    before: dict[int, tuple[str, str | None]],
    *,
    start: date,
    end: date,
) -> list[Change]:
    """New goals, status/progress changes, deadline slips, evidence and notes in [start, end]."""
    by_id = {g.id: g for g in goals}
    params = {"s": start.isoformat(), "e": end.isoformat()}
    evidence: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for event_id, url, title in db.all(
        "SELECT ev.event_id, ev.url, ev.title FROM evidence ev "
        "JOIN event e ON e.id = ev.event_id WHERE e.on_date >= :s AND e.on_date <= :e "
        "ORDER BY ev.id",
        params,
    ):
        evidence[event_id].append((url, title))
    # The state just before the period, per field, for every goal of the report.
    status = {gid: st for gid, (st, _) in before.items()}
    deadline = {gid: dl for gid, (_, dl) in before.items()}
    progress_before = {
        gid: pr
        for gid, pr in db.all(
            "SELECT goal_id, progress FROM (SELECT goal_id, progress, ROW_NUMBER() OVER "
            "(PARTITION BY goal_id ORDER BY on_date DESC, id DESC) AS rn FROM event "
            "WHERE progress IS NOT NULL AND on_date < :s) x WHERE rn = 1",
            params,
        )
    }
    out: list[tuple[str, str, int, int, Change]] = []
    seen: set[int] = set(before)
    for eid, gid, on, new_status, new_progress, new_deadline, note in db.all(
        "SELECT id, goal_id, on_date, status, progress, deadline, note FROM event "
        "WHERE on_date >= :s AND on_date <= :e ORDER BY on_date, id",
        params,
    ):
        goal = by_id.get(gid)
        if goal is None:
            continue
        on = intern(on)  # a day is shared by many changes
        found: list[Change] = []
        if gid not in seen:
            seen.add(gid)
            found.append(Change(on, goal.key, goal.title, "new", after=new_status))
        else:
            if new_status is not None and new_status != status.get(gid):
                found.append(
                    Change(on, goal.key, goal.title, "status", status.get(gid), new_status)
                )
            if new_progress is not None and new_progress != progress_before.get(gid):
                old = progress_before.get(gid)
                found.append(
                    Change(
                        on,
                        goal.key,
                        goal.title,
                        "progress",
                        None if old is None else f"{old}%",
                        f"{new_progress}%",
                    )
                )
            if new_deadline is not None and new_deadline != deadline.get(gid):
                old = deadline.get(gid)
                found.append(
                    Change(
                        on,
                        goal.key,
                        goal.title,
                        "deadline",
                        old,
                        new_deadline,
                        f"{slip_days(old, new_deadline):+d} days" if old else None,
                    )
                )
        for url, title in evidence.get(eid, []):
            found.append(Change(on, goal.key, goal.title, "evidence", after=url, detail=title))
        if note and not found:
            found.append(Change(on, goal.key, goal.title, "note"))
        if found and note:
            found[0].note = note
        if new_status is not None:
            status[gid] = new_status
        if new_progress is not None:
            progress_before[gid] = new_progress
        if new_deadline is not None:
            deadline[gid] = new_deadline
        out += [(on, goal.key, eid, i, change) for i, change in enumerate(found)]
    out.sort(key=lambda item: item[:4])
    return [item[4] for item in out]


def _latest_evidence(db: Database, *, as_of: date, ids: set[int]) -> dict[int, dict[str, Any]]:
    """Goal id → its most recent evidence link on or before `as_of` (one query)."""
    rows = db.all(
        "SELECT goal_id, url, title, published, kind, on_date FROM ("
        " SELECT ev.goal_id, ev.url, ev.title, ev.published, ev.kind, e.on_date,"
        " ROW_NUMBER() OVER (PARTITION BY ev.goal_id ORDER BY e.on_date DESC, ev.id DESC) AS rn"
        " FROM evidence ev JOIN event e ON e.id = ev.event_id WHERE e.on_date <= :d) x"
        " WHERE rn = 1",
        {"d": as_of.isoformat()},
    )
    return {
        gid: {"url": url, "title": title, "published": published, "kind": kind, "on": on}
        for gid, url, title, published, kind, on in rows
        if gid in ids
    }
