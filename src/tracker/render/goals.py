"""Goals as a terminal table, JSON, CSV, Markdown; one goal with its history as text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import orjson

from tracker.csvsafe import escape_cell
from tracker.domain import Goal, slip_days
from tracker.render.markdown import md_table
from tracker.render.text import STATUS_COLORS, paint, table, terminal_safe, truncate, width
from tracker.schema import GOAL_READ

CSV_FIELDS = (*GOAL_READ, "overdue", "evidence")


_JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
# Items (goals, rows) rendered per piece by the *_chunks writers: one piece is in memory at a time.
CHUNK_ITEMS = 100


def to_json(data: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)` and a newline, byte for byte
    (tests/test_render_json.py), by orjson: the stdlib's indenting encoder is pure Python
    (bench/README.md)."""
    return orjson.dumps(data, option=_JSON_OPTIONS).decode() + "\n"


def json_document_chunks(
    key: str, items: Iterable[Any], batch: int | None = None
) -> Iterator[bytes]:
    """`to_json({key: items})` as UTF-8 in pieces, `batch` items at a time, without building
    the whole document: each batch is dumped as `{key: batch}` and cut out of its frame, so
    the items come out already indented for their place. The items' keys are text (an
    interchange document's are): orjson refuses any other, where to_json would convert it."""
    batch = batch or CHUNK_ITEMS
    head = b"{\n  " + orjson.dumps(key) + b": ["
    tail = b"\n  ]\n}"
    yield head
    iterator, empty = iter(items), True
    while group := list(islice(iterator, batch)):
        text = orjson.dumps({key: group}, option=orjson.OPT_INDENT_2)
        yield (b"\n" if empty else b",\n") + text[len(head) + 1 : -len(tail)]
        empty = False
    yield b"]\n}\n" if empty else tail + b"\n"


def json_list_chunks(items: Iterable[Any], batch: int | None = None) -> Iterator[bytes]:
    """`to_json(list(items))` as UTF-8 in pieces, `batch` items at a time (as
    json_document_chunks, for a document that is a list)."""
    batch = batch or CHUNK_ITEMS
    iterator, empty = iter(items), True
    yield b"["
    while group := list(islice(iterator, batch)):
        text = orjson.dumps(group, option=_JSON_OPTIONS)
        yield (b"" if empty else b",") + text[1:-2]
        empty = False
    yield b"]\n" if empty else b"\n]\n"


def _yaml_dumper() -> type:
    """Block-style YAML without anchors, by libyaml's emitter when PyYAML has it (the pure
    Python one is many times slower: bench/README.md)."""
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[valid-type, misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return Dumper


def to_yaml(data: Any) -> str:
    """Block-style YAML, keys in their order, no anchors: an evidence link listed under its
    event and under the goal is written out twice, not as `&id001` / `*id001`."""
    import yaml

    return yaml.dump(data, Dumper=_yaml_dumper(), allow_unicode=True, sort_keys=False, width=100)


def yaml_document_chunks(key: str, items: Iterable[Any], batch: int | None = None) -> Iterator[str]:
    """`to_yaml({key: list(items)})` in pieces, `batch` items at a time: a block sequence
    under a top-level key is not indented, so each batch dumped as a list is already in place."""
    import yaml

    dumper, batch = _yaml_dumper(), batch or CHUNK_ITEMS
    iterator, empty = iter(items), True
    while group := list(islice(iterator, batch)):
        if empty:
            yield f"{key}:\n"  # a plain word (goals)
            empty = False
        yield yaml.dump(group, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    if empty:
        yield to_yaml({key: []})


def goals_json(goals: Iterable[Goal]) -> str:
    return b"".join(goals_json_chunks(goals)).decode()


def goals_json_chunks(goals: Iterable[Goal], batch: int | None = None) -> Iterator[bytes]:
    """`list --format json` in pieces, as the goals come."""
    return json_list_chunks((g.to_dict() for g in goals), batch)


def csv_text(rows: Iterable[Mapping[str, Any]], fields: Sequence[str]) -> str:
    """CSV with every text cell neutralised against spreadsheet formulas."""
    return "".join(csv_chunks(rows, fields))


def csv_chunks(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], batch: int | None = None
) -> Iterator[str]:
    """csv_text in pieces: the header, then `batch` rows at a time."""
    batch = batch or CHUNK_ITEMS
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    for count, row in enumerate(rows, 1):
        cells = []
        for name in fields:
            value = row.get(name)
            if isinstance(value, list):
                value = (
                    ";".join(value)
                    if name == "tags"
                    else " ".join(v["url"] if isinstance(v, dict) else str(v) for v in value)
                )
            cells.append(escape_cell(value))
        writer.writerow(cells)
        if count % batch == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def goals_csv(goals: Iterable[Mapping[str, Any]]) -> str:
    return csv_text(goals, CSV_FIELDS)


def goals_csv_chunks(goals: Iterable[Mapping[str, Any]], batch: int | None = None) -> Iterator[str]:
    return csv_chunks(goals, CSV_FIELDS, batch)


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
    batch = batch or CHUNK_ITEMS
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
