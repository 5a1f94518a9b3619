"""The progress report as Markdown (GFM tables), CSV (one row per goal) and JSON."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import orjson

from tracker.domain import STATUSES, Goal
from tracker.render.documents import csv_text
from tracker.render.markdown import md_cell, md_table_lines
from tracker.reports import DUE_SOON_DAYS, Change, GoalLine, Report

LABEL = {status: status.replace("_", " ") for status in STATUSES}


_URL_SAFE = "!$&'()*+,;=:@-._~%"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a link (characters URLs may not hold percent-encoded), else None.

    Only web links are ever made clickable; the host is kept as it is.
    """
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            quote(parts.path, safe="/" + _URL_SAFE),
            quote(parts.query, safe="/?" + _URL_SAFE),
            quote(parts.fragment, safe="/?" + _URL_SAFE),
        )
    )


def signed(n: int) -> str:
    """+2, −1, 0 (a real minus sign)."""
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "0")


def deadline_note(goal: Goal) -> str:
    """`2027-06-30 (was 2026-12-31)` when the deadline slipped, else the deadline, else ''."""
    if not goal.deadline:
        return ""
    if goal.original_deadline and goal.original_deadline != goal.deadline:
        return f"{goal.deadline} (was {goal.original_deadline})"
    return goal.deadline


def who(change: Change) -> str:
    """Who recorded a change: "lin", or "lin on behalf of the desk" when the author differs."""
    recorder = change.recorded_by or "unknown"
    if change.author and change.author != change.recorded_by:
        return f"{recorder} on behalf of {change.author}"
    return recorder


def recorded(change: Change) -> str:
    """Who recorded a change and when, to the minute in UTC: "lin, 2026-07-01 09:30 UTC"."""
    return f"{who(change)}, {utc_minute(change.recorded_at)}" if change.recorded_at else who(change)


def utc_minute(stamp: str) -> str:
    """A stored timestamp (ISO 8601; without an offset it is UTC) as "2026-07-01 09:30 UTC"."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def change_text(change: Change) -> str:
    """What changed, in words (without the evidence link itself)."""
    if change.kind == "new":
        return f"new goal ({LABEL.get(change.after or '', change.after or '')})"
    if change.kind == "status":
        before = LABEL.get(change.before or "", change.before or "none")
        return f"status: {before} → {LABEL.get(change.after or '', change.after or '')}"
    if change.kind == "progress":
        return f"progress: {change.before or 'none'} → {change.after}"
    if change.kind == "deadline":
        if not change.before:
            return f"deadline set: {change.after}"
        days = change.detail or ""
        word = "slipped" if days.startswith("+") else "brought forward"
        return f"deadline {word}: {change.before} → {change.after} ({days.lstrip('+-')})"
    if change.kind == "evidence":
        return "evidence"
    return "note"


def filters_text(filters: dict[str, Any]) -> str:
    parts = []
    for name, value in filters.items():
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{name.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


# --- markdown -------------------------------------------------------------------------------


md_text = md_cell  # one escaper for every Markdown table cell


_URL_UNSAFE = "()<>[]|\\`\"' *_"


def md_link(text: str | None, url: str | None) -> str:
    """A Markdown link whose text is escaped and whose URL cannot break out of the cell."""
    link = safe_url(url)
    if link is None:
        return md_text(text or url)
    target = "".join(quote(c, safe="") if c in _URL_UNSAFE else c for c in link)
    return f"[{md_text(text or url)}]({target})"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """Cells are already Markdown (escaped with md_text or built from safe parts)."""
    return md_table_lines(headers, rows, escape=False)


def _progress(goal: Goal) -> str:
    return "—" if goal.progress is None else f"{goal.progress}%"


def _evidence_md(item: dict[str, Any] | None) -> str:
    if not item:
        return "—"
    return md_link(item.get("title"), item["url"]) + f" ({item['on']})"


Piece = str | Iterable[str]


def _joined(pieces: Iterable[Piece]) -> Iterator[str]:
    """`"\\n".join(pieces)` as a stream; a piece may itself be a stream of text."""
    first = True
    for piece in pieces:
        if not first:
            yield "\n"
        first = False
        if isinstance(piece, str):
            yield piece
        else:
            yield from piece


def batched(chunks: Iterable[str], size: int = 2048) -> Iterator[str]:
    """Small pieces of text joined `size` at a time: fewer, larger writes."""
    iterator = iter(chunks)
    while group := list(islice(iterator, size)):
        yield "".join(group)


def report_markdown(report: Report) -> str:
    return "".join(report_markdown_chunks(report))


def report_markdown_chunks(report: Report) -> Iterator[str]:
    """The report as GitHub-flavoured Markdown: headings, short paragraphs and tables, written
    while the goals and changes are read."""
    return batched(_joined(_markdown_pieces(report)))


def _markdown_pieces(report: Report) -> Iterator[Piece]:
    as_of = report.as_of.isoformat()
    yield from (f"# Progress report as of {as_of}", "")
    intro = (
        f"{report.total} goal{'s' if report.total != 1 else ''} tracked. "
        f"Period: {report.period_label} ({report.period_start.isoformat()} to {as_of}); "
        f"compared with the end of the previous quarter ({report.previous_end.isoformat()})."
    )
    yield from (md_text(intro), "")
    if report.filters:
        yield from (f"Filters: {md_text(filters_text(report.filters))}", "")

    yield from ("## Totals by status", "")
    rows = []
    for status in STATUSES:
        now, then = report.totals[status], report.previous_totals[status]
        rows.append([LABEL[status], str(then), str(now), signed(now - then)])
    rows.append(
        [
            "**total**",
            f"**{report.previous_total}**",
            f"**{report.total}**",
            f"**{signed(report.total - report.previous_total)}**",
        ]
    )
    yield _table(["Status", report.previous_end.isoformat(), as_of, "Change"], rows)
    yield (
        f"Overdue: **{report.overdue_count}**. Due in the next {DUE_SOON_DAYS} days: "
        f"**{report.due_soon_count}**.\n"
    )

    yield from (f"## Overdue ({report.overdue_count})", "")
    if report.overdue_count:
        overdue = (
            [
                md_text(g.deadline),
                str(report.days_late(g)),
                md_text(g.key),
                md_text(g.title),
                LABEL.get(g.status or "", "—"),
                md_text(g.owner),
            ]
            for g in report.overdue()
        )
        yield _table(["Deadline", "Days overdue", "Key", "Title", "Status", "Owner"], overdue)
    else:
        yield f"No goal is overdue on {as_of}.\n"

    until = (report.as_of + timedelta(days=DUE_SOON_DAYS)).isoformat()
    yield from (f"## Due in the next {DUE_SOON_DAYS} days ({report.due_soon_count})", "")
    if report.due_soon_count:
        due = (
            [
                md_text(g.deadline),
                str(report.days_left(g)),
                md_text(g.key),
                md_text(g.title),
                LABEL.get(g.status or "", "—"),
                _progress(g),
            ]
            for g in report.due_soon()
        )
        yield _table(["Deadline", "Days left", "Key", "Title", "Status", "Progress"], due)
    else:
        yield f"No open goal is due between {as_of} and {until}.\n"

    yield from (f"## What changed in {report.period_label} ({report.change_count})", "")
    if report.change_count:
        yield _table(
            ["Date", "Key", "Title", "Change", "Note", "Recorded"],
            (_change_cells(c) for c in report.changes()),
        )
    else:
        yield f"Nothing was recorded between {report.period_start.isoformat()} and {as_of}.\n"

    yield from ("## By area", "")
    shown = [s for s in STATUSES if any(row[s] for row in report.areas.values())]
    area_rows = [
        [md_text(area), str(row["total"]), *(str(row[s]) for s in shown), str(row["overdue"])]
        for area, row in report.areas.items()
    ]
    yield _table(["Area", "Goals", *(LABEL[s] for s in shown), "Overdue"], area_rows)

    chart = report.chart
    yield from ("## Status by quarter", "")
    used = [s for s in STATUSES if any(chart.summary[q][s] for q in chart.quarters)]
    rows = [[LABEL[s], *(str(chart.summary[q][s]) for q in chart.quarters)] for s in used]
    rows.append(["**goals**", *(f"**{sum(chart.summary[q].values())}**" for q in chart.quarters)])
    yield _table(["Status", *chart.quarters], rows)
    yield f"Status at the end of each quarter ({report.period_label}: on {as_of}).\n"

    yield from (f"## All goals ({report.total})", "")
    goals = (
        [
            md_text(line.goal.key),
            md_text(line.goal.title),
            LABEL.get(line.goal.status or "", "—")
            + (" **(overdue)**" if line.goal.overdue else ""),
            md_text(deadline_note(line.goal)),
            _progress(line.goal),
            md_text(line.goal.area),
            md_text(line.goal.owner),
            _evidence_md(line.latest_evidence),
        ]
        for line in report.goal_lines()
    )
    headers = ["Key", "Title", "Status", "Deadline", "Progress", "Area", "Owner", "Latest evidence"]
    yield _table(headers, goals) if report.total else "No goals match.\n"


def _change_cells(c: Change) -> list[str]:
    if c.kind == "evidence":
        what = "evidence: " + md_link(c.detail, c.after)
    else:
        what = md_text(change_text(c))
    return [c.on, md_text(c.key), md_text(c.title), what, md_text(c.note), md_text(recorded(c))]


# --- csv, json ------------------------------------------------------------------------------
CSV_FIELDS = (
    "key",
    "title",
    "title_original",
    "area",
    "owner",
    "tags",
    "status",
    "previous_quarter_status",
    "progress",
    "deadline",
    "deadline_text",
    "original_deadline",
    "overdue",
    "days_to_deadline",
    "changes_in_period",
    "latest_evidence_url",
    "latest_evidence_title",
    "latest_evidence_on",
)
CSV_BATCH = 500  # rows written at a time


def report_csv(report: Report) -> str:
    return "".join(report_csv_chunks(report))


def report_csv_chunks(report: Report) -> Iterator[str]:
    """One row per goal (formula-safe): state on the as-of date, what changed, latest evidence."""
    kinds = report.change_kinds()
    header = csv_text((), CSV_FIELDS)
    yield header
    rows = (_csv_row(report, line, kinds) for line in report.goal_lines())
    while group := list(islice(rows, CSV_BATCH)):
        yield csv_text(group, CSV_FIELDS)[len(header) :]


def _csv_row(report: Report, line: GoalLine, kinds: list[str | None]) -> dict[str, Any]:
    g, evidence = line.goal, line.latest_evidence or {}
    return {
        "key": g.key,
        "title": g.title,
        "title_original": g.title_original,
        "area": g.area,
        "owner": g.owner,
        "tags": g.tags,
        "status": g.status,
        "previous_quarter_status": line.previous_status,
        "progress": g.progress,
        "deadline": g.deadline,
        "deadline_text": g.deadline_text,
        "original_deadline": g.original_deadline,
        "overdue": g.overdue,
        "days_to_deadline": report.days_left(g) if g.deadline else None,
        "changes_in_period": (kinds[g.id] if g.id < len(kinds) else None) or "",
        "latest_evidence_url": evidence.get("url"),
        "latest_evidence_title": evidence.get("title"),
        "latest_evidence_on": evidence.get("on"),
    }


_JSON = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
JSON_BATCH = 500  # list items dumped at a time


def json_member(key: str, value: Any) -> bytes:
    """`"key": value` as it stands inside the report's top-level object (indented for it)."""
    text = orjson.dumps({key: value}, option=_JSON)
    return text[2:-2]  # without the frame `{\n` … `\n}`


def json_list_member(key: str, items: Iterable[Any]) -> Iterator[bytes]:
    """`"key": [items]` inside the top-level object, `JSON_BATCH` items dumped at a time and
    cut out of their frame, so they come out already indented for their place."""
    head = b"  " + orjson.dumps(key) + b": ["
    iterator, empty = iter(items), True
    yield head
    while group := list(islice(iterator, JSON_BATCH)):
        text = orjson.dumps({key: group}, option=_JSON)
        yield (b"\n" if empty else b",\n") + text[len(head) + 3 : -len(b"\n  ]\n}")]
        empty = False
    yield b"]" if empty else b"\n  ]"


def report_json(report: Report) -> str:
    return b"".join(report_json_chunks(report)).decode()


def report_json_chunks(report: Report) -> Iterator[bytes]:
    """Everything the other formats show, for scripts: `json.dumps(…, indent=2)` of one object,
    written member by member with the long lists streamed."""

    def brief(goal: Goal, days: str, value: int) -> dict[str, Any]:
        return {
            "key": goal.key,
            "title": goal.title,
            "status": goal.status,
            "deadline": goal.deadline,
            days: value,
        }

    def goal_dict(line: GoalLine) -> dict[str, Any]:
        item: dict[str, Any] = line.goal.to_dict()
        item["previous_quarter_status"] = line.previous_status
        item["latest_evidence"] = line.latest_evidence
        return item

    members: list[bytes | Iterator[bytes]] = [
        json_member("as_of", report.as_of.isoformat()),
        json_member("filters", report.filters),
        json_member(
            "period",
            {
                "label": report.period_label,
                "start": report.period_start.isoformat(),
                "end": report.as_of.isoformat(),
            },
        ),
        json_member("previous_quarter_end", report.previous_end.isoformat()),
        json_member("total", report.total),
        json_member("previous_total", report.previous_total),
        json_member("totals", report.totals),
        json_member("previous_totals", report.previous_totals),
        json_list_member(
            "overdue", (brief(g, "days_overdue", report.days_late(g)) for g in report.overdue())
        ),
        json_member("due_soon_days", DUE_SOON_DAYS),
        json_list_member(
            "due_soon", (brief(g, "days_left", report.days_left(g)) for g in report.due_soon())
        ),
        json_list_member(
            "upcoming", (brief(g, "days_left", report.days_left(g)) for g in report.upcoming())
        ),
        json_list_member("changes", (asdict(c) for c in report.changes())),
        json_member("areas", report.areas),
        json_member(
            "status_by_quarter",
            {"quarters": report.chart.quarters, "summary": report.chart.summary},
        ),
        json_list_member("goals", (goal_dict(line) for line in report.goal_lines())),
    ]
    yield b"{\n"
    for i, member in enumerate(members):
        if i:
            yield b",\n"
        if isinstance(member, bytes):
            yield member
        else:
            yield from member
    yield b"\n}\n"
