"""The quarterly status table as terminal text, Markdown, CSV and JSON."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

from tracker.domain import STATUSES
from tracker.quarters import parse_quarter
from tracker.render.documents import csv_text
from tracker.render.markdown import md_table, md_table_lines
from tracker.render.report import batched, json_list_member, json_member, md_text
from tracker.render.text import STATUS_COLORS, paint, terminal_safe, truncate, width
from tracker.render.text import table as text_table
from tracker.reports import QuarterlyRow, QuarterlyTable, QuarterRows

LABEL = {status: status.replace("_", " ") for status in STATUSES}
OVERDUE_MARK = "!"
OVERDUE_COLOR = "31;1"  # bold red
NOT_ANNOUNCED = "—"  # the quarter has begun but the goal did not exist yet
GAP = "  "


def _begun(table: QuarterRows) -> dict[str, bool]:
    return {q: parse_quarter(q).start <= table.as_of for q in table.quarters}


def _span(table: QuarterRows) -> str:
    if not table.quarters:
        return ""
    first, last = table.quarters[0], table.quarters[-1]
    return first if first == last else f"{first}–{last}"


def _used_statuses(table: QuarterRows) -> list[str]:
    """Statuses that occur in some quarter (all of them when none occur)."""
    used = [s for s in STATUSES if any(table.summary[q][s] for q in table.quarters)]
    return used or list(STATUSES)


# --- terminal -------------------------------------------------------------------------------
def _terminal_cell(row: QuarterlyRow, quarter: str, begun: bool, color: bool) -> str:
    """The status in words as Markdown writes it (`in progress !` when overdue), coloured if
    asked: a table pasted into a memo reads without a key to decode it."""
    status = row.status_by_quarter[quarter]
    if status is None:
        return NOT_ANNOUNCED if begun else ""
    label = paint(LABEL[status], STATUS_COLORS.get(status), color)
    if row.overdue_by_quarter[quarter]:
        label += " " + paint(OVERDUE_MARK, OVERDUE_COLOR, color)
    return label


def table_text(table: QuarterlyTable, *, columns: int, color: bool) -> str:
    """Terminal table: ID, key, a title cut to fit, the status in words per quarter, a summary.

    tabulate lays out the table; the quarter cells reach it as one pre-formatted column (each
    cell padded to the same width, two spaces apart): a cell is one of a few texts, padded
    once, and tabulate's per-cell work would otherwise be most of a 10k-goal table's time."""
    heading = f"Status by quarter, {_span(table)}, as of {table.as_of.isoformat()}\n\n"
    if not table.rows:
        return heading + "No goals match.\n"
    begun = _begun(table)
    texts: dict[tuple[str | None, bool, bool], str] = {}
    for row in table.rows:
        for q in table.quarters:
            shape = (row.status_by_quarter[q], row.overdue_by_quarter[q], begun[q])
            if shape not in texts:
                texts[shape] = _terminal_cell(row, q, begun[q], color)
    used = _used_statuses(table)
    overdue = table.overdue_counts()
    counts = [
        *([str(table.summary[q][s]) if begun[q] else "" for q in table.quarters] for s in used),
        [str(overdue[q]) if begun[q] else "" for q in table.quarters],
        [str(sum(table.summary[q].values())) if begun[q] else "" for q in table.quarters],
    ]
    quarter_w = max(
        *(width(t) for t in texts.values()),
        *(len(q) for q in table.quarters),
        *(len(c) for line in counts for c in line),
    )
    padded = {shape: _pad(text, quarter_w) for shape, text in texts.items()}

    def block(cells: Sequence[str]) -> str:
        return GAP.join(cells).rstrip()

    label_w = max(len("overdue (!)"), *(len(LABEL[s]) for s in used))
    ids = [str(r.goal.id) for r in table.rows]
    keys = [terminal_safe(r.goal.key) for r in table.rows]
    titles_full = [" ".join(terminal_safe(r.goal.title).split()) for r in table.rows]
    id_w = max(4, *(len(i) for i in ids))  # tabulate: a column is at least its header + 2
    quarters_w = len(table.quarters) * (quarter_w + len(GAP)) - len(GAP)
    room = columns - 1 - id_w - len(GAP) - quarters_w - len(GAP)
    longest_title = max(width(t) for t in titles_full)
    # Keys are shown whole or not at all (the ID names a goal too); titles get what is left.
    key_w = max(5, max(width(k) for k in keys))
    show_key = key_w <= 40 and room - key_w - len(GAP) >= min(24, longest_title)
    if show_key:
        room -= key_w + len(GAP)
    title_w = max(12, label_w, min(60, longest_title, room))
    titles = [truncate(t, title_w) for t in titles_full]

    def lead(*values: str) -> list[str]:
        return [values[0], *(values[1:2] if show_key else ()), values[2]]

    rows = [
        [
            *lead(id_, key, title),
            block(
                [
                    padded[(row.status_by_quarter[q], row.overdue_by_quarter[q], begun[q])]
                    for q in table.quarters
                ]
            ),
        ]
        for row, id_, key, title in zip(table.rows, ids, keys, titles, strict=True)
    ]
    labels = [LABEL[s] for s in used] + [f"overdue ({OVERDUE_MARK})", "goals"]
    summary = [
        [*lead("", "", label), block([_pad(c, quarter_w) for c in line])]
        for label, line in zip(labels, counts, strict=True)
    ]
    header = lead("ID", "Key", "Title") + [block([_pad(q, quarter_w) for q in table.quarters])]
    lines = text_table(rows + summary, header).split("\n")
    # One rule per quarter under the header, and the rule again above the counts.
    rule = _quarter_rule(lines[1], len(table.quarters), quarter_w)
    lines[1] = rule
    lines.insert(2 + len(rows), rule)
    notes = [
        f"{len(table.rows)} goal{'s' if len(table.rows) != 1 else ''}",
        f"{OVERDUE_MARK} overdue at the quarter's end",
        f"{NOT_ANNOUNCED} not yet announced",
    ]
    if not all(begun.values()):
        notes.append("blank: quarter not begun")
    return heading + "\n".join(lines) + "\n\n" + "; ".join(notes) + ".\n"


def _pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def _quarter_rule(rule: str, quarters: int, quarter_w: int) -> str:
    """tabulate's rule with its last run of dashes (the quarter block) cut into one per quarter."""
    start = rule.rstrip().rfind(" ") + 1
    return rule[:start] + GAP.join("-" * quarter_w for _ in range(quarters))


# --- markdown -------------------------------------------------------------------------------
def _md_status(row: QuarterlyRow, quarter: str, begun: bool) -> str:
    status = row.status_by_quarter[quarter]
    if status is None:
        return NOT_ANNOUNCED if begun else " "
    label = LABEL[status]
    return f"**{label} {OVERDUE_MARK}**" if row.overdue_by_quarter[quarter] else label


def table_markdown(table: QuarterRows) -> str:
    return "".join(table_markdown_chunks(table))


def table_markdown_chunks(table: QuarterRows) -> Iterator[str]:
    """A GFM table of goals × quarters, a summary table of counts and a legend; the goal rows
    are written as they are read, the counts (complete by then) after them."""
    begun = _begun(table)
    yield f"## Status by quarter, {_span(table)} (as of {table.as_of.isoformat()})\n\n"
    headers = ["Key", "Title", "Area", "Deadline", *table.quarters]
    count = 0

    def goal_rows() -> Iterator[list[str]]:
        nonlocal count
        for row in table.rows:
            count += 1
            goal = row.goal
            cells = [
                md_text(goal.key),
                md_text(goal.title),
                md_text(goal.area),
                md_text(goal.deadline),
            ]
            cells += [_md_status(row, q, begun[q]) for q in table.quarters]
            yield cells
        if not count:
            yield ["*No goals match.*", *[" "] * (len(headers) - 1)]

    yield from batched(md_table_lines(headers, goal_rows(), escape=False))
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
    summary_md = md_table(["Status", *table.quarters], summary_rows, escape=False)
    yield "\n" + summary_md + "\n" + legend + "\n"


# --- csv, json ------------------------------------------------------------------------------
CSV_BATCH = 500  # rows written at a time


def table_csv(table: QuarterRows) -> str:
    return "".join(table_csv_chunks(table))


def table_csv_chunks(table: QuarterRows) -> Iterator[str]:
    """One row per goal: key, title, area, deadline, then one status per quarter."""
    fields = ["key", "title", "area", "deadline", *table.quarters]
    header = csv_text((), fields)
    yield header
    rows = (_csv_row(row, table.quarters) for row in table.rows)
    while group := list(islice(rows, CSV_BATCH)):
        yield csv_text(group, fields)[len(header) :]


def _csv_row(row: QuarterlyRow, quarters: list[str]) -> dict[str, object]:
    item: dict[str, object] = {
        "key": row.goal.key,
        "title": row.goal.title,
        "area": row.goal.area,
        "deadline": row.goal.deadline,
    }
    for q in quarters:
        status = row.status_by_quarter[q]
        item[q] = (
            None if status is None else status + (" (overdue)" if row.overdue_by_quarter[q] else "")
        )
    return item


def table_json(table: QuarterRows) -> str:
    return b"".join(table_json_chunks(table)).decode()


def table_json_chunks(table: QuarterRows) -> Iterator[bytes]:
    """The JSON shape of PRODUCT.md, plus `as_of` and each goal's id, area and deadline: one
    object whose goals are streamed, its summary (complete by then) last."""
    goals = (
        {
            "id": row.goal.id,
            "key": row.goal.key,
            "title": row.goal.title,
            "area": row.goal.area,
            "deadline": row.goal.deadline,
            "status_by_quarter": row.status_by_quarter,
            "overdue_by_quarter": row.overdue_by_quarter,
        }
        for row in table.rows
    )
    yield b"{\n" + json_member("as_of", table.as_of.isoformat()) + b",\n"
    yield json_member("quarters", table.quarters) + b",\n"
    yield from json_list_member("goals", goals)
    yield b",\n" + json_member("summary", table.summary) + b"\n}\n"
