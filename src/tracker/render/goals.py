"""Goals as a terminal table and as Markdown; one goal with its history as text (the JSON,
YAML and CSV documents are render/documents.py's)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from tracker.domain import Goal, slip_days
from tracker.render import documents
from tracker.render.markdown import md_table
from tracker.render.text import STATUS_COLORS, paint, table, terminal_safe, truncate, width


def deadline_cell(goal: Goal) -> str:
    if not goal.deadline:
        return "—"
    return goal.deadline + (" !" if goal.overdue else "")


_MARKDOWN_HEADERS = ("Key", "Title", "Status", "Deadline", "Progress", "Area", "Owner")


def _markdown_row(g: Goal) -> tuple[object, ...]:
    return (
        g.key,
        g.title,
        g.status,
        (g.deadline or "") + (" (overdue)" if g.overdue else ""),
        "" if g.progress is None else f"{g.progress}%",
        g.area,
        g.owner,
    )


def goals_markdown(goals: Iterable[Goal]) -> str:
    return md_table(_MARKDOWN_HEADERS, [_markdown_row(g) for g in goals], tight_rule=True)


def goals_markdown_chunks(goals: Iterable[Goal], batch: int | None = None) -> Iterator[str]:
    """goals_markdown in pieces: md_table's header and rule, then `batch` rows at a time
    (each piece is md_table's own text for those rows, less its header)."""
    batch = batch or documents.CHUNK_ITEMS
    yield md_table(_MARKDOWN_HEADERS, [], tight_rule=True)
    iterator = iter(goals)
    while group := list(islice(iterator, batch)):
        text = md_table(_MARKDOWN_HEADERS, [_markdown_row(g) for g in group], tight_rule=True)
        yield text.split("\n", 2)[2]


def goals_table(goals: Sequence[Goal], *, columns: int, color: bool) -> str:
    """Terminal table; the title column takes what the terminal has left."""
    if not goals:
        return "No goals match.\n"
    headers = ("ID", "Key", "Title", "Status", "Deadline", "Prog", "Area")
    base = [
        (
            str(g.id),
            terminal_safe(g.key),
            terminal_safe(g.title),
            g.status or "",
            deadline_cell(g),
            "" if g.progress is None else f"{g.progress}%",
            truncate(terminal_safe(g.area or ""), 14),
        )
        for g in goals
    ]
    fixed = sum(max(width(r[i]) for r in base + [headers]) + 2 for i in (0, 1, 3, 4, 5, 6))
    title_room = max(20, min(70, columns - fixed - 2))
    rows = [
        (
            r[0],
            r[1],
            truncate(r[2], title_room),
            paint(r[3], STATUS_COLORS.get(r[3]), color),
            r[4],
            r[5],
            r[6],
        )
        for r in base
    ]
    overdue = sum(g.overdue for g in goals)
    footer = f"\n{len(goals)} goal{'s' if len(goals) != 1 else ''}"
    if overdue:
        footer += f", {overdue} overdue (!)"
    return table(rows, headers) + footer + "\n"


def _slip(previous: str | None, new: str) -> str:
    if not previous or previous == new:
        return ""
    days = slip_days(previous, new)
    word = "slipped" if days > 0 else "brought forward"
    return f" (was {previous}, {word} {abs(days)} days)"


def goal_text(detail: Mapping[str, Any], *, color: bool) -> str:
    """`show`: the goal, its state, its history with deadline slips, its evidence."""
    s = terminal_safe
    lines = [f"{s(detail['key'])} (#{detail['id']})  {s(detail['title'])}"]
    if detail.get("title_original"):
        lines.append(f"  Original:   {s(detail['title_original'])}")
    status = detail.get("status") or "—"
    lines.append(
        f"  Status:     {paint(status, STATUS_COLORS.get(status), color)}"
        + (f"   progress {detail['progress']}%" if detail.get("progress") is not None else "")
        + ("   OVERDUE" if detail.get("overdue") else "")
    )
    if detail.get("deadline"):
        original = detail.get("original_deadline")
        lines.append(
            f"  Deadline:   {detail['deadline']} ({s(detail.get('deadline_text') or '')}, "
            f"{detail.get('deadline_precision')})"
            + (f"; originally {original}" if original and original != detail["deadline"] else "")
        )
    else:
        lines.append("  Deadline:   —")
    for label, name in (
        ("Owner", "owner"),
        ("Area", "area"),
        ("Source", "source"),
        ("Source URL", "source_url"),
        ("Announced", "announced"),
    ):
        if detail.get(name):
            lines.append(f"  {label + ':':<12}{s(str(detail[name]))}")
    if detail.get("tags"):
        lines.append(f"  Tags:       {s(', '.join(detail['tags']))}")
    if detail.get("description"):
        lines.append(f"  About:      {s(detail['description'])}")
    if detail.get("quote"):
        lines.append(f"  Quote:      「{s(detail['quote'])}」")
    lines += ["", "History"]
    previous_deadline = None
    for event in detail.get("events", []):
        retraction = event.get("retracted")
        parts = ["RETRACTED"] if retraction else []
        if event.get("status"):
            parts.append(f"status {event['status']}")
        if event.get("progress") is not None:
            parts.append(f"progress {event['progress']}%")
        if event.get("deadline"):
            parts.append(
                f"deadline {event['deadline']} ({s(event.get('deadline_text') or '')})"
                + _slip(previous_deadline, event["deadline"])
            )
            if not retraction:
                previous_deadline = event["deadline"]
        for name, change in sorted((event.get("changes") or {}).items()):
            parts.append(
                f"{name}: {s(json.dumps(change.get('from'), ensure_ascii=False))} → "
                f"{s(json.dumps(change.get('to'), ensure_ascii=False))}"
            )
        for item in event.get("evidence", []):
            parts.append(f"evidence {s(item['url'])}")
        if event.get("note"):
            parts.append(f"note: {s(event['note'])}")
        who = f" [{s(recorded_by_text(event))}]"
        number = f" #{event['id']}" if event.get("id") is not None else ""
        lines.append(f"  {event['on']}  " + "; ".join(parts or ["(no change)"]) + who + number)
        if retraction:
            lines.append(
                f"      retracted {s(str(retraction['at']))} by {s(str(retraction['by']))}: "
                f"{s(str(retraction['note']))}"
            )
    lines += ["", "Evidence"]
    if not detail.get("evidence"):
        lines.append("  (none)")
    for item in detail.get("evidence", []):
        extra = ", ".join(x for x in (item.get("kind"), item.get("published")) if x)
        title = f"{s(item['title'])} " if item.get("title") else ""
        lines.append(f"  - {title}{s(item['url'])}" + (f" ({extra})" if extra else ""))
    return "\n".join(lines) + "\n"


def recorded_by_text(event: Mapping[str, Any]) -> str:
    """Who recorded an event, and when: "alice, 2026-03-01T09:30:00Z", with "on behalf of
    bob" when the author differs; an event from before recorders were kept says so."""
    recorder, author = event.get("recorded_by"), event.get("author")
    who = str(recorder) if recorder else "recorder unknown"
    if author and author != recorder:
        who += f" on behalf of {author}"
    when = event.get("recorded_at")
    return f"{who}, {when}" if when else who


def event_line(event: Mapping[str, Any]) -> str:
    """One event as `undo` and `retract` show it before and after acting on it."""
    parts = [f"event #{event['id']} of {event['key']} on {event['on_date']}"]
    for name in ("status", "progress", "deadline", "note"):
        if event.get(name) is not None:
            parts.append(f"{name} {event[name]}")
    return terminal_safe(", ".join(parts) + f" [{recorded_by_text(event)}]")
