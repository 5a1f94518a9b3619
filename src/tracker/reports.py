"""Quarterly status tables and progress reports, computed from the event history.

Quarter cells: a quarter that has not begun on the as-of date is empty; a finished quarter
(as-of on or after its last day) shows the status at the end of its last day, overdue when
the deadline known then falls on or before that day and the status is not final; the quarter
in progress shows the status on the as-of date, overdue by the `list` rule (deadline before
the as-of date). A goal not yet announced at a cell's date has an empty cell.

Everything is read with a handful of queries, never one per goal, and streamed: rows go from
the cursor to the writer. What is kept per goal is a few bytes in arrays indexed by goal id
(its status codes per quarter, the report's state before the period), never the goals, their
text or the rendered document; a section whose count comes before its rows reads its rows
again. Nothing here depends on the clock, so the same database and as-of date always give the
same result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from sys import intern
from typing import Any, Protocol

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


def _goal_id_bound(db: Database) -> int:
    """One more than the largest goal id: the size of the arrays indexed by goal id."""
    return int(db.scalar("SELECT MAX(id) FROM goal") or 0) + 1


# A status as one byte: 0 none, else its place in STATUSES + 1; OVERDUE_BIT marks a cell overdue.
_CODE = {status: i + 1 for i, status in enumerate(STATUSES)}
OVERDUE_BIT = 0x80


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


class QuarterRows(Protocol):
    """What the quarterly renderers read: the rows (once, in order), then the counts."""

    as_of: date
    quarters: list[str]

    @property
    def rows(self) -> Iterable[QuarterlyRow]: ...

    @property
    def summary(self) -> dict[str, dict[str, int]]: ...

    def overdue_counts(self) -> dict[str, int]: ...


@dataclass
class QuarterlyTable:
    """The table with every row in memory (the terminal table lays them out at once)."""

    as_of: date
    quarters: list[str]
    rows: list[QuarterlyRow]
    summary: dict[str, dict[str, int]]

    def overdue_counts(self) -> dict[str, int]:
        """Quarter → how many goals were overdue in it."""
        return {q: sum(row.overdue_by_quarter[q] for row in self.rows) for q in self.quarters}

    @classmethod
    def of(cls, stream: QuarterlyStream) -> QuarterlyTable:
        """A stream read whole (its summary is complete once its rows are)."""
        rows = list(stream.rows)
        return cls(stream.as_of, stream.quarters, rows, stream.summary)


class QuarterlyStream:
    """The table as a stream: `rows` can be read once, and `summary` / `overdue_counts()` are
    complete once it has been (the renderers write the counts after the rows)."""

    def __init__(self, as_of: date, quarters: list[str], rows: Iterator[QuarterlyRow]) -> None:
        self.as_of = as_of
        self.quarters = quarters
        self._rows = rows
        self.summary = {q: dict.fromkeys(STATUSES, 0) for q in quarters}
        self._overdue = dict.fromkeys(quarters, 0)

    @property
    def rows(self) -> Iterator[QuarterlyRow]:
        summary, overdue = self.summary, self._overdue
        for row in self._rows:
            for q, status in row.status_by_quarter.items():
                if status is not None:
                    summary[q][status] += 1
                overdue[q] += row.overdue_by_quarter[q]
            yield row

    def overdue_counts(self) -> dict[str, int]:
        return dict(self._overdue)


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
    """Goals (matching filters as of `as_of`) × quarters, every row in memory."""
    return QuarterlyTable.of(
        quarterly_stream(
            db, quarters=quarters, as_of=as_of, filters=filters, sort=sort, progress=progress
        )
    )


def quarterly_stream(
    db: Database,
    *,
    quarters: Sequence[Quarter],
    as_of: date,
    filters: history.Filters | None = None,
    sort: str = "deadline",
    progress: Progress = _quiet,
) -> QuarterlyStream:
    """Goals × quarters, streamed: one scan of the events gives each goal's cell codes (a byte
    per goal and quarter), then the goals stream in order and each row is made from them."""
    names = [str(q) for q in quarters]
    specs = [QuarterCell.of(q, as_of) for q in quarters]
    progress("goals")
    size, width = _goal_id_bound(db), len(specs)
    cells = bytearray(size * width)
    wanted = sorted({spec.day for spec in specs if spec.day is not None})
    progress(f"status at the end of {len(quarters)} quarter{'s' if len(quarters) != 1 else ''}")
    if wanted:
        columns = [[i for i, spec in enumerate(specs) if spec.day == day] for day in wanted]
        for k, goal_id, status, deadline in _states_by_day(db, [d.isoformat() for d in wanted]):
            if goal_id < size:
                for i in columns[k]:
                    overdue = OVERDUE_BIT if specs[i].overdue(status, deadline) else 0
                    cells[goal_id * width + i] = _CODE[status] | overdue

    def rows() -> Iterator[QuarterlyRow]:
        empty = bytes(width)
        for goal, _ in history.goal_stream(db, as_of=as_of, filters=filters, sort=sort):
            start = goal.id * width
            codes = cells[start : start + width] if goal.id < size else empty
            by_quarter: dict[str, str | None] = {}
            overdue: dict[str, bool] = {}
            for name, code in zip(names, codes, strict=True):
                by_quarter[name] = STATUSES[(code & ~OVERDUE_BIT) - 1] if code else None
                overdue[name] = bool(code & OVERDUE_BIT)
            yield QuarterlyRow(goal, by_quarter, overdue)

    return QuarterlyStream(as_of, names, rows())


def _states_by_day(
    db: Database, bounds: Sequence[str]
) -> Iterator[tuple[int, int, str, str | None]]:
    """(index into `bounds`, goal id, status, deadline) for every goal that existed on each
    day of `bounds` (ISO days, ascending).

    One scan of the status and deadline events in (goal, date, recording) order, each goal's
    folded with history.FoldedState (the one rule of state-as-of), its state given as the scan
    passes each day. Faster than an interval join of LEAD windows in SQL (bench/README.md),
    and streamed from the cursor: nothing per event is kept."""
    rows = db.stream(
        "SELECT e.goal_id, e.on_date, e.status, e.deadline FROM event e"
        " WHERE e.on_date <= :last AND (e.status IS NOT NULL OR e.deadline IS NOT NULL)"
        f" AND {history.LIVE_EVENT} ORDER BY e.goal_id, e.on_date, e.id",
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
    recorded_by: str | None = None  # who wrote the event down (None: before 0002, unknown)
    author: str | None = None  # who it was recorded for
    recorded_at: str | None = None  # when it was written down (UTC timestamp)


@dataclass
class GoalLine:
    """A goal in the report's table of all goals: its state on the as-of date, its status at
    the end of the previous quarter and its latest evidence link (None: none yet)."""

    goal: Goal
    previous_status: str | None
    latest_evidence: dict[str, Any] | None


# The latest evidence link of each goal on or before :as_of: one backward step per goal down
# ix_evidence_goal_id, as history._latest does for the state.
_LATEST_EVIDENCE = (
    "LEFT JOIN evidence lev ON lev.id = (SELECT ev.id FROM evidence ev"
    " JOIN event e ON e.id = ev.event_id WHERE ev.goal_id = s.id AND e.on_date <= :as_of"
    f" AND {history.LIVE_EVENT} ORDER BY e.on_date DESC, ev.id DESC LIMIT 1)"
    " LEFT JOIN event lee ON lee.id = lev.event_id"
)
_EVIDENCE_COLUMNS = ("lev.id", "lev.url", "lev.title", "lev.published", "lev.kind", "lee.on_date")


@dataclass
class Report:
    """The report as of a date. The counts are computed; the goals, the lists of goals and the
    changes are read from the database as a renderer iterates them, so the database must stay
    open while the report is written."""

    db: Database
    as_of: date
    period_start: date
    period_label: str
    previous_end: date
    totals: dict[str, int]
    previous_totals: dict[str, int]
    overdue_count: int
    due_soon_count: int
    upcoming_count: int
    change_count: int
    areas: dict[str, dict[str, int]]
    chart: StatusCounts
    filters: dict[str, Any] = field(default_factory=dict)
    query: history.Filters | None = None
    # Per goal id: membership of the report, and the state just before the period.
    member: bytearray = field(default_factory=bytearray)
    before_status: list[str | None] = field(default_factory=list)
    before_deadline: list[str | None] = field(default_factory=list)
    before_progress: list[int | None] = field(default_factory=list)

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

    # --- the goals, streamed in deadline order -----------------------------------------
    def _goals(self, where: Sequence[str] = (), **params: Any) -> Iterator[Goal]:
        for goal, _ in history.goal_stream(
            self.db, as_of=self.as_of, filters=self.query, where=where, params=params
        ):
            yield goal

    def goals(self) -> Iterator[Goal]:
        return self._goals()

    def overdue(self) -> Iterator[Goal]:
        """The goals overdue on the as-of date."""
        return (g for g in self._goals(["s.deadline < :as_of"]) if g.overdue)

    def due_soon(self) -> Iterator[Goal]:
        """Open goals due within DUE_SOON_DAYS of the as-of date (that day included)."""
        until = (self.as_of + timedelta(days=DUE_SOON_DAYS)).isoformat()
        where = ["s.deadline >= :as_of", "s.deadline <= :soon_until"]
        return (g for g in self._goals(where, soon_until=until) if g.status not in FINAL_STATUSES)

    def upcoming(self) -> Iterator[Goal]:
        """Open goals with a deadline on or after the as-of date."""
        goals = self._goals(["s.deadline >= :as_of"])
        return (g for g in goals if g.status not in FINAL_STATUSES)

    def goal_lines(self) -> Iterator[GoalLine]:
        """Every goal with its previous quarter's status and latest evidence."""
        before = self.before_status
        for goal, extra in history.goal_stream(
            self.db,
            as_of=self.as_of,
            filters=self.query,
            joins=_LATEST_EVIDENCE,
            columns=_EVIDENCE_COLUMNS,
        ):
            evidence_id, url, title, published, kind, on = extra
            evidence = (
                None
                if evidence_id is None
                else {"url": url, "title": title, "published": published, "kind": kind, "on": on}
            )
            previous = before[goal.id] if goal.id < len(before) else None
            yield GoalLine(goal, previous, evidence)

    # --- what changed in the period ----------------------------------------------------
    def changes(self) -> Iterator[Change]:
        """New goals, status/progress changes, deadline slips, evidence and notes in the period,
        in (day, key, recording) order."""
        return (change for change, _ in _changes_of_goals(self))

    def change_kinds(self) -> list[str | None]:
        """Per goal id: the kinds of its changes in the period, `;`-separated, in the order they
        first occur (None: no change)."""
        kinds: list[str | None] = [None] * len(self.member)
        for change, goal_id in _changes_of_goals(self):
            known = kinds[goal_id]
            if known is None:
                kinds[goal_id] = change.kind
            elif change.kind not in known.split(";"):
                kinds[goal_id] = intern(f"{known};{change.kind}")
        return kinds


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
    """The progress report as of a date, for the goals matching `filters` on that date: its
    counts, and what its sections need to read their rows while they are written."""
    progress("goals")
    size = _goal_id_bound(db)
    member = bytearray(size)
    totals = dict.fromkeys(STATUSES, 0)
    areas: dict[str, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((*STATUSES, "overdue", "total"), 0)
    )
    today = as_of.isoformat()
    soon_until = (as_of + timedelta(days=DUE_SOON_DAYS)).isoformat()
    overdue = due_soon = upcoming = 0
    # The counts come first in every format: one pass over the goals' state, no Goal built.
    for goal_id, area, goal_status, deadline in history.goal_rows(
        db, as_of=as_of, filters=filters, columns=("s.id", "s.area", "s.status", "s.deadline")
    ):
        if goal_id < size:
            member[goal_id] = 1
        status = goal_status or "not_started"
        late = overdue_before(deadline, goal_status, today)
        totals[status] += 1
        row = areas[area or NO_AREA]
        row[status] += 1
        row["total"] += 1
        row["overdue"] += late
        overdue += late
        if goal_status not in FINAL_STATUSES and deadline and deadline >= today:
            upcoming += 1
            due_soon += deadline <= soon_until

    current = quarter_of(as_of)
    period_start = current.start
    previous_end = period_start - timedelta(days=1)
    first = _first_quarter(db, member, as_of)
    chart_quarters = [current]
    while len(chart_quarters) < MAX_CHART_QUARTERS and chart_quarters[0] > first:
        chart_quarters.insert(0, quarter_of(chart_quarters[0].start - timedelta(days=1)))
    progress("status by quarter")
    report = Report(
        db=db,
        as_of=as_of,
        period_start=period_start,
        period_label=str(current),
        previous_end=previous_end,
        totals=totals,
        previous_totals=dict.fromkeys(STATUSES, 0),
        overdue_count=overdue,
        due_soon_count=due_soon,
        upcoming_count=upcoming,
        change_count=0,
        areas=dict(sorted(areas.items(), key=lambda kv: (kv[0] == NO_AREA, kv[0].lower(), kv[0]))),
        chart=StatusCounts([], {}),
        filters=describe_filters(filters),
        query=filters,
        member=member,
        before_status=[None] * size,
        before_deadline=[None] * size,
        before_progress=[None] * size,
    )
    _status_counts(report, chart_quarters)
    progress("changes in the period")
    _count_changes(report)
    return report


def _first_quarter(db: Database, member: bytearray, as_of: date) -> Quarter:
    """The quarter of the earliest event (on or before `as_of`) of the report's goals."""
    first: str | None = None
    for goal_id, earliest in db.stream(
        "SELECT e.goal_id, MIN(e.on_date) FROM event e WHERE e.on_date <= :d"
        f" AND {history.LIVE_EVENT} GROUP BY e.goal_id",
        {"d": as_of.isoformat()},
    ):
        if earliest and goal_id < len(member) and member[goal_id]:
            day = str(earliest)
            first = day if first is None or day < first else first
    return quarter_of(date.fromisoformat(first)) if first else quarter_of(as_of)


def _status_counts(report: Report, quarters: Sequence[Quarter]) -> None:
    """The chart (how many of the report's goals had each status at each quarter's end) and,
    from the same scan, each goal's status and deadline at the end of the previous quarter."""
    as_of, member = report.as_of, report.member
    names = [str(q) for q in quarters]
    days = {
        name: day for name, q in zip(names, quarters, strict=True) if (day := cell_day(q, as_of))
    }
    wanted = sorted({*days.values(), report.previous_end})
    tallies = [dict.fromkeys(STATUSES, 0) for _ in wanted]
    keep = wanted.index(report.previous_end)
    status_before, deadline_before = report.before_status, report.before_deadline
    db = report.db
    for k, goal_id, status, deadline in _states_by_day(db, [d.isoformat() for d in wanted]):
        if goal_id < len(member) and member[goal_id]:
            tallies[k][status] += 1
            if k == keep:
                status_before[goal_id] = status
                deadline_before[goal_id] = None if deadline is None else intern(deadline)
    report.chart = StatusCounts(
        names,
        {
            name: tallies[wanted.index(days[name])] if name in days else dict.fromkeys(STATUSES, 0)
            for name in names
        },
    )
    report.previous_totals = tallies[keep]
    progress_before = report.before_progress
    for goal_id, value in db.stream(
        "SELECT goal_id, progress FROM (SELECT goal_id, progress, ROW_NUMBER() OVER "
        "(PARTITION BY goal_id ORDER BY on_date DESC, id DESC) AS rn FROM event e "
        f"WHERE progress IS NOT NULL AND on_date < :s AND {history.LIVE_EVENT}) x "
        "WHERE rn = 1",
        {"s": report.period_start.isoformat()},
    ):
        if goal_id < len(member) and member[goal_id]:
            progress_before[goal_id] = value


def _count_changes(report: Report) -> None:
    """How many changes the period holds (its heading comes before its rows)."""
    report.change_count = sum(1 for _ in _changes_of_goals(report))


def _changes_of_goals(report: Report) -> Iterator[tuple[Change, int]]:
    """The period's changes in (day, key, recording) order, each with its goal's id: the events
    of the period with their evidence, each compared with the goal's state just before it."""
    member = report.member
    status = list(report.before_status)
    deadline = list(report.before_deadline)
    progress_before = list(report.before_progress)
    seen = bytearray(st is not None for st in report.before_status)
    # Keys sort as Python sorts text (code points): PostgreSQL's default collation may not.
    collate = ' COLLATE "C"' if report.db.dialect == "postgresql" else ""
    rows = report.db.stream(
        "SELECT e.id, e.goal_id, e.on_date, e.status, e.progress, e.deadline, e.note,"
        " e.recorded_by, e.author, e.recorded_at, g.key, g.title, ev.url, ev.title"
        " FROM event e JOIN goal g ON g.id = e.goal_id"
        " LEFT JOIN evidence ev ON ev.event_id = e.id"
        f" WHERE e.on_date >= :s AND e.on_date <= :e AND {history.LIVE_EVENT}"
        f" ORDER BY e.on_date, g.key{collate}, e.id, ev.id",
        {"s": report.period_start.isoformat(), "e": report.as_of.isoformat()},
    )
    event: tuple[Any, ...] | None = None
    evidence: list[tuple[str, str | None]] = []
    for row in rows:
        if event is not None and row[0] != event[0]:
            yield from _event_changes(event, evidence, status, deadline, progress_before, seen)
            event, evidence = None, []
        gid = row[1]
        if gid >= len(member) or not member[gid]:
            continue
        event = row
        if row[12] is not None:
            evidence.append((row[12], row[13]))
    if event is not None:
        yield from _event_changes(event, evidence, status, deadline, progress_before, seen)


def _event_changes(
    event: tuple[Any, ...],
    evidence: list[tuple[str, str | None]],
    status: list[str | None],
    deadline: list[str | None],
    progress_before: list[int | None],
    seen: bytearray,
) -> Iterator[tuple[Change, int]]:
    """The changes one event gives, and the goal's state moved past it."""
    _eid, gid, on, new_status, new_progress, new_deadline, note, by, author, at, key, title = event[
        :12
    ]
    on = intern(str(on))  # a day is shared by many changes
    found: list[Change] = []
    if not seen[gid]:
        seen[gid] = 1
        found.append(Change(on, key, title, "new", after=new_status))
    else:
        if new_status is not None and new_status != status[gid]:
            found.append(Change(on, key, title, "status", status[gid], new_status))
        old_progress = progress_before[gid]
        if new_progress is not None and new_progress != old_progress:
            found.append(
                Change(
                    on,
                    key,
                    title,
                    "progress",
                    None if old_progress is None else f"{old_progress}%",
                    f"{new_progress}%",
                )
            )
        old = deadline[gid]
        if new_deadline is not None and new_deadline != old:
            slip = f"{slip_days(old, new_deadline):+d} days" if old else None
            found.append(Change(on, key, title, "deadline", old, new_deadline, slip))
    for url, evidence_title in evidence:
        found.append(Change(on, key, title, "evidence", after=url, detail=evidence_title))
    if note and not found:
        found.append(Change(on, key, title, "note"))
    if found and note:
        found[0].note = note
    for change in found:
        change.recorded_by, change.author, change.recorded_at = by, author, at
    if new_status is not None:
        status[gid] = intern(new_status)
    if new_progress is not None:
        progress_before[gid] = new_progress
    if new_deadline is not None:
        deadline[gid] = intern(new_deadline)
    for change in found:
        yield change, gid
