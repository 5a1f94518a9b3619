"""The quarterly status table as terminal text, Markdown, CSV and JSON."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.domain import STATUSES
from tracker.quarters import parse_quarter
from tracker.render.goals import csv_text, to_json
from tracker.render.markdown import md_table
from tracker.render.report import md_text
from tracker.render.text import STATUS_COLORS, paint, terminal_safe, truncate, width
from tracker.reports import QuarterlyRow, QuarterlyTable

SHORT = {
    "not_started": "not st",
    "in_progress": "in prog",
    "stalled": "stalled",
    "achieved": "done",
    "partially_achieved": "partial",
    "missed": "missed",
    "dropped": "dropped",
}
LABEL = {status: status.replace("_", " ") for status in STATUSES}
OVERDUE_MARK = "!"
OVERDUE_COLOR = "31;1"  # bold red
NOT_ANNOUNCED = "—"  # the quarter has begun but the goal did not exist yet
GAP = "  "


def _begun(table: QuarterlyTable) -> dict[str, bool]:
    return {q: parse_quarter(q).start <= table.as_of for q in table.quarters}


def _span(table: QuarterlyTable) -> str:
    if not table.quarters:
        return ""
    first, last = table.quarters[0], table.quarters[-1]
    return first if first == last else f"{first}–{last}"


def _used_statuses(table: QuarterlyTable) -> list[str]:
    """Statuses that occur in some quarter (all of them when none occur)."""
    used = [s for s in STATUSES if any(table.summary[q][s] for q in table.quarters)]
    return used or list(STATUSES)


# --- terminal -------------------------------------------------------------------------------
def _pad(text: str, size: int, right: bool = False) -> str:
    fill = " " * max(0, size - width(text))
    return fill + text if right else text + fill


def _terminal_cell(row: QuarterlyRow, quarter: str, begun: bool, color: bool) -> str:
    status = row.status_by_quarter[quarter]
    if status is None:
        return NOT_ANNOUNCED if begun else ""
    label = paint(SHORT[status], STATUS_COLORS.get(status), color)
    if row.overdue_by_quarter[quarter]:
        label += paint(OVERDUE_MARK, OVERDUE_COLOR, color)
    return label


def _summary_label(status: str, room: int) -> str:
    """`in progress (in prog)` where it fits and says more than the short label, else short."""
    long = f"{LABEL[status]} ({SHORT[status]})"
    return long if LABEL[status] != SHORT[status] and width(long) <= room else SHORT[status]


def table_text(table: QuarterlyTable, *, columns: int, color: bool) -> str:
    """Terminal table: ID, key, a title cut to fit, one short status per quarter, a summary."""
    heading = f"Status by quarter, {_span(table)}, as of {table.as_of.isoformat()}\n\n"
    if not table.rows:
        return heading + "No goals match.\n"
    begun = _begun(table)
    quarter_width = max(len(SHORT["in_progress"]) + len(OVERDUE_MARK), 6)
    ids = [str(r.goal.id) for r in table.rows]
    keys = [terminal_safe(r.goal.key) for r in table.rows]
    titles_full = [" ".join(terminal_safe(r.goal.title).split()) for r in table.rows]
    id_w = max(2, *(len(i) for i in ids))
    room = columns - 1 - id_w - len(table.quarters) * (quarter_width + len(GAP)) - len(GAP)
    longest_title = max(width(t) for t in titles_full)
    # Keys are shown whole or not at all (the ID names a goal too); titles get what is left.
    key_w = max(3, max(width(k) for k in keys))
    show_key = key_w <= 40 and room - key_w - len(GAP) >= min(24, longest_title)
    if show_key:
        room -= key_w + len(GAP)
    title_w = max(12, min(60, longest_title, room))
    titles = [truncate(t, title_w) for t in titles_full]
    widths = [id_w, *([key_w] if show_key else []), title_w] + [quarter_width] * len(table.quarters)

    def line(cells: Sequence[str]) -> str:
        parts = [
            _pad(c, w, right=(i == 0)) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return GAP.join(parts).rstrip()

    def body(id_: str, key: str, title: str, cells: Sequence[str]) -> str:
        return line([id_, *([key] if show_key else []), title, *cells])

    out = [body("ID", "Key", "Title", table.quarters)]
    rule = GAP.join("-" * w for w in widths)
    out.append(rule)
    # A quarter cell is one of a few texts (status × overdue × begun): pad each once.
    padded: dict[tuple[str | None, bool, bool], str] = {}

    def cell(row: QuarterlyRow, quarter: str) -> str:
        shape = (row.status_by_quarter[quarter], row.overdue_by_quarter[quarter], begun[quarter])
        text = padded.get(shape)
        if text is None:
            text = _pad(_terminal_cell(row, quarter, begun[quarter], color), quarter_width)
            padded[shape] = text
        return text

    for row, id_, key, title in zip(table.rows, ids, keys, titles, strict=True):
        lead = [_pad(id_, id_w, right=True), *([_pad(key, key_w)] if show_key else [])]
        lead.append(_pad(title, title_w))
        out.append(GAP.join(lead + [cell(row, q) for q in table.quarters]).rstrip())
    out.append(rule)
    overdue = table.overdue_counts()
    for status in _used_statuses(table):
        counts = [str(table.summary[q][status]) if begun[q] else "" for q in table.quarters]
        out.append(body("", "", _summary_label(status, title_w), counts))
    late = [str(overdue[q]) if begun[q] else "" for q in table.quarters]
    out.append(body("", "", f"overdue ({OVERDUE_MARK})", late))
    totals = [str(sum(table.summary[q].values())) if begun[q] else "" for q in table.quarters]
    out.append(body("", "", "goals", totals))
    notes = [
        f"{len(table.rows)} goal{'s' if len(table.rows) != 1 else ''}",
        f"{OVERDUE_MARK} overdue at the quarter's end",
        f"{NOT_ANNOUNCED} not yet announced",
    ]
    if not all(begun.values()):
        notes.append("blank: quarter not begun")
    return heading + "\n".join(out) + "\n\n" + "; ".join(notes) + ".\n"


# --- markdown -------------------------------------------------------------------------------
def _md_status(row: QuarterlyRow, quarter: str, begun: bool) -> str:
    status = row.status_by_quarter[quarter]
    if status is None:
        return NOT_ANNOUNCED if begun else " "
    label = LABEL[status]
    return f"**{label} {OVERDUE_MARK}**" if row.overdue_by_quarter[quarter] else label


def table_markdown(table: QuarterlyTable) -> str:
    """A GFM table of goals × quarters, a summary table of counts and a legend."""
    begun = _begun(table)
    title = f"## Status by quarter, {_span(table)} (as of {table.as_of.isoformat()})\n\n"
    headers = ["Key", "Title", "Area", "Deadline", *table.quarters]
    goal_rows = []
    for row in table.rows:
        goal = row.goal
        cells = [md_text(goal.key), md_text(goal.title), md_text(goal.area), md_text(goal.deadline)]
        cells += [_md_status(row, q, begun[q]) for q in table.quarters]
        goal_rows.append(cells)
    if not table.rows:
        goal_rows.append(["*No goals match.*", *[" "] * (len(headers) - 1)])
    summary_rows = []
    overdue = table.overdue_counts()
    for status in _used_statuses(table):
        counts = [str(table.summary[q][status]) if begun[q] else " " for q in table.quarters]
        summary_rows.append([LABEL[status], *counts])
    summary_rows.append(
        ["overdue", *[str(overdue[q]) if begun[q] else " " for q in table.quarters]]
    )
    totals = [f"**{sum(table.summary[q].values())}**" if begun[q] else " " for q in table.quarters]
    summary_rows.append(["**goals**", *totals])
    legend = (
        f"Each cell is the goal's status at the end of the quarter (for the quarter in progress, "
        f"on {table.as_of.isoformat()}). **{OVERDUE_MARK}** overdue: the deadline fell on or "
        f"before the quarter's end and the goal was not done. {NOT_ANNOUNCED} not yet announced"
        + ("; blank: quarter not begun." if not all(begun.values()) else ".")
    )
    goals_md = md_table(headers, goal_rows, escape=False)
    summary_md = md_table(["Status", *table.quarters], summary_rows, escape=False)
    return title + goals_md + "\n" + summary_md + "\n" + legend + "\n"


# --- csv, json ------------------------------------------------------------------------------
def table_csv(table: QuarterlyTable) -> str:
    """One row per goal: key, title, area, deadline, then one status per quarter."""
    fields = ["key", "title", "area", "deadline", *table.quarters]
    rows = []
    for row in table.rows:
        item: dict[str, object] = {
            "key": row.goal.key,
            "title": row.goal.title,
            "area": row.goal.area,
            "deadline": row.goal.deadline,
        }
        for q in table.quarters:
            status = row.status_by_quarter[q]
            item[q] = (
                None
                if status is None
                else status + (" (overdue)" if row.overdue_by_quarter[q] else "")
            )
        rows.append(item)
    return csv_text(rows, fields)


def table_json(table: QuarterlyTable) -> str:
    return to_json(table.to_dict())
