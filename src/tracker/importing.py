"""Import documents (JSON, YAML, CSV): read, validate every row, then write all or nothing.

JSON and CSV are read as a stream (ijson's events, the csv module's rows), a goal at a time:
the checked goals wait in a temporary file until the whole file is known to be good, then
are written a batch at a time in one transaction. Memory holds a batch and the keys seen,
not the document. YAML is parsed whole (PyYAML has no incremental loader that keeps its
duplicate-key check).

A goal is identified by its key. A goal without `events` becomes one initial event (or, when
it exists already, one event recording whatever differs); a goal with `events` is replayed,
and events already stored (same date and content) are not added again — so importing the same
file twice changes nothing.
"""

from __future__ import annotations

import csv
import functools
import json
import pickle
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tracker import services, store
from tracker.csvsafe import unescape_cell
from tracker.db import Database
from tracker.deadlines import PRECISIONS
from tracker.domain import (
    MAX_SHORT,
    EvidenceIn,
    clean_text,
    normalize_status,
    shorten,
    validate_key,
    validate_progress,
)
from tracker.errors import BadInputError, ImportFileError
from tracker.schema import EVENT_STATE
from tracker.store import Recorder

FORMATS = ("json", "yaml", "csv")
MAX_FILE_BYTES = 512 * 1024 * 1024


# --- reading files --------------------------------------------------------------------------
_CHUNK = 1 << 20
# A file up to this size that does not parse is parsed again whole by the json module, whose
# messages give a line and a column (the streaming parser only says what went wrong).
_REPARSE_BYTES = 16 << 20


@dataclass(frozen=True)
class Source:
    """A checked import file: UTF-8 (its BOM skipped at `start`), no NUL, a known format."""

    path: Path
    fmt: str
    start: int
    size: int


def open_document(path: Path, fmt: str | None = None) -> Source:
    """Check a file without holding it: readable, UTF-8 throughout (one pass in chunks), no
    NUL bytes, and its format (from `fmt`, else the name, else the first character)."""
    head = b""
    offset = start = 0
    carry = b""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                if offset == 0 and chunk.startswith(b"\xef\xbb\xbf"):
                    start = 3
                data = carry + chunk
                base = offset - len(carry)
                offset += len(chunk)
                try:
                    data.decode("utf-8")
                    carry = b""
                except UnicodeDecodeError as exc:
                    if exc.reason != "unexpected end of data" or len(data) - exc.start > 3:
                        raise _NotUtf8(base + exc.start) from None
                    carry = data[exc.start :]  # a character cut by the chunk's end
                    data = data[: exc.start]
                if b"\x00" in data:
                    raise BadInputError(f"{path}: contains NUL bytes; not a text document")
                if not head:  # the first characters that are not space (or the BOM)
                    head = data.lstrip(b" \t\r\n\xef\xbb\xbf")[:16]
            if carry:
                raise _NotUtf8(offset - len(carry))
    except FileNotFoundError:
        raise BadInputError(f"import file {path} does not exist") from None
    except IsADirectoryError:
        raise BadInputError(f"import file {path} is a directory") from None
    except _NotUtf8 as exc:
        raise BadInputError(
            f"{path}: not UTF-8 text (byte {exc.at}): save the file as UTF-8 and try again"
        ) from None
    except OSError as exc:
        raise BadInputError(f"cannot read import file {path}: {exc.strerror}") from None
    fmt = (fmt or guess_format(path, head.decode("utf-8", "replace"))).lower()
    if fmt not in FORMATS:
        raise BadInputError(f"unknown import format '{fmt}': use one of {', '.join(FORMATS)}")
    return Source(path, fmt, start, offset)


class _NotUtf8(Exception):
    def __init__(self, at: int) -> None:
        self.at = at


def read_items(source: Source) -> Iterator[tuple[Any, str]]:
    """The goal items of a checked file one at a time, each with a label (its line or index)
    for error messages. JSON and CSV are read incrementally; YAML is parsed whole."""
    if source.fmt == "csv":
        yield from _csv_items(source)
    elif source.fmt == "json":
        for i, item in enumerate(_json_items(source)):
            yield item, f"goal {i + 1}"
    else:
        for i, item in enumerate(_yaml_items(source)):
            yield item, f"goal {i + 1}"


def _not_a_document(path: Path) -> BadInputError:
    return BadInputError(f'{path}: expected a document {{"goals": [...]}} or a list of goals')


def _yaml_items(source: Source) -> list[Any]:
    import yaml

    path = source.path
    text = path.read_bytes().decode("utf-8-sig")
    try:
        doc = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise BadInputError(f"{path}: not valid YAML: {where}{problem}") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # explicit tags the safe loader cannot build, e.g. `!!timestamp 2026-02-30`
        raise BadInputError(f"{path}: not valid YAML: {exc or type(exc).__name__}") from None
    goals = doc.get("goals") if isinstance(doc, dict) else doc
    if not isinstance(goals, list):
        raise _not_a_document(path)
    return goals


def _json_items(source: Source) -> Iterator[Any]:
    """The items of `{"goals": [...]}` or `[...]`, each built from the parser's events as it
    ends; a field twice in any object (the document's own included) is an error."""
    import ijson

    path = source.path
    with path.open("rb") as fh:
        fh.seek(source.start)
        # Decimal for non-integers (floats would refuse 1e400, which json reads as inf)
        events = ijson.basic_parse(fh, use_float=False)
        try:
            kind, value = next(events, ("end", None))
            if kind == "start_array":
                yield from _array_items(events)
            elif kind == "start_map":
                found = False
                seen: set[str] = set()
                for kind, value in events:
                    if kind == "end_map":
                        break
                    if value in seen:
                        raise _DuplicateField(f"field {shorten(value)} appears twice in one object")
                    seen.add(value)
                    kind, first = next(events, ("end", None))
                    if kind == "end":
                        raise _Ended
                    if value == "goals" and kind == "start_array":
                        found = True
                        yield from _array_items(events)
                    else:
                        _build(kind, first, events)
                if not found:
                    raise _not_a_document(path)
            elif kind != "end":
                _build(kind, value, events)
                raise _not_a_document(path)
            for _ in events:  # trailing content is an error too
                pass
        except _DuplicateField as exc:
            raise BadInputError(f"{path}: not valid JSON: {exc}") from None
        except (ijson.JSONError, _Ended) as exc:
            raise BadInputError(f"{path}: not valid JSON: {_json_problem(source, exc)}") from None


def _array_items(events: Iterator[tuple[str, Any]]) -> Iterator[Any]:
    for kind, value in events:
        if kind == "end_array":
            return
        yield _build(kind, value, events)


def _build(kind: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """One JSON value from its first event on (iteratively: depth costs no recursion)."""
    if kind == "start_map":
        root: Any = {}
    elif kind == "start_array":
        root = []
    else:
        return float(value) if kind == "number" and value.__class__ is not int else value
    stack: list[Any] = [root]
    keys: list[Any] = [None]
    for kind, value in events:
        top = stack[-1]
        if kind == "map_key":
            if value in top:
                raise _DuplicateField(f"field {shorten(value)} appears twice in one object")
            keys[-1] = value
            continue
        if kind == "end_map" or kind == "end_array":
            stack.pop()
            keys.pop()
            if not stack:
                return root
            continue
        if kind == "start_map":
            new: Any = {}
        elif kind == "start_array":
            new = []
        elif kind == "number" and value.__class__ is not int:
            new = float(value)  # as the json module reads it
        else:
            new = value
        if top.__class__ is dict:
            top[keys[-1]] = new
        else:
            top.append(new)
        if kind == "start_map" or kind == "start_array":
            stack.append(new)
            keys.append(None)
    raise _Ended  # the parser stopped inside the value


def _json_problem(source: Source, exc: Exception) -> str:
    """Where and what: the json module's line and column for a file small enough to parse
    again whole, else the streaming parser's own words."""
    if source.size <= _REPARSE_BYTES:
        try:
            json.loads(source.path.read_bytes().decode("utf-8-sig"))
        except json.JSONDecodeError as err:
            return f"line {err.lineno} column {err.colno}: {err.msg}"
        except RecursionError:
            return "nested too deeply"
    words = str(exc).strip().splitlines()
    return words[0] if words else "the document ends too early"


def _csv_items(source: Source) -> Iterator[tuple[Any, str]]:
    path = source.path
    with path.open(encoding="utf-8-sig", newline="") as fh:
        # strict: a quoted cell that never closes (a truncated file) is an error, not a value
        reader = csv.DictReader(fh, strict=True)
        try:
            if not reader.fieldnames or not ({"title", "key"} & set(reader.fieldnames)):
                raise BadInputError(
                    f"{path}: CSV needs a header row with at least a 'title' or 'key' column"
                )
            for row in reader:
                yield _csv_item(row), f"line {reader.line_num}"
        except csv.Error as exc:
            # the failing record starts on the line after the last one read whole
            raise BadInputError(
                f"{path}: broken CSV at line {reader.line_num + 1}: {exc}"
            ) from None


def _csv_item(row: dict[str | Any, Any]) -> dict[str, Any]:
    if None in row:
        return {"__error__": "more cells than header columns"}
    item: dict[str, Any] = {}
    for name, cell in row.items():
        if cell is None:
            continue
        value = unescape_cell(cell.strip())
        if value == "" or name in ("id", "overdue", "original_deadline"):
            continue
        if name == "tags":
            item[name] = [t for t in value.split(";") if t.strip()]
        elif name == "evidence":
            item[name] = [{"url": u} for u in value.split()]
        else:
            item[name] = value
    return item


class _DuplicateField(ValueError):
    pass


class _Ended(ValueError):
    """The events stopped inside a value (a plain exception: StopIteration would not pass
    through the generators that read them)."""


@functools.cache
def _yaml_loader() -> type:
    """PyYAML's SafeLoader with YAML 1.2 plain scalars: dates stay text and only true/false
    are booleans. Dates are then validated per row (2026-02-30 is one bad row, not a crash),
    and a hand-written `on: 2026-03-01` keeps its key instead of becoming `True`."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            """A mapping key given twice is an error (YAML requires unique keys)."""
            if isinstance(node, yaml.MappingNode):
                self.flatten_mapping(node)
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    key = self.construct_object(key_node, deep=deep)
                    if isinstance(key, Hashable) and key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"found duplicate key {key!r}", key_node.start_mark
                        )
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

    dropped = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return Loader


def guess_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("yaml", "yml"):
        return "yaml"
    if suffix in FORMATS:
        return suffix
    stripped = text.lstrip()
    return "json" if stripped.startswith(("{", "[")) else "yaml"


# --- validation -------------------------------------------------------------------------------
@dataclass
class PlannedGoal:
    label: str
    key: str | None
    fields: dict[str, Any]
    events: list[dict[str, Any]]  # validated, in replay order; each has an "evidence" list
    simple: bool  # no events in the file: state fields describe the goal as it stands


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    evidence: int = 0
    keys: list[str] = field(default_factory=list)


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def check(self, label: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BadInputError as exc:
            self.items.append(f"{label}: {exc}")
            return None


def _evidence_list(raw: Any, label: str, problems: _Problems) -> list[EvidenceIn]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        problems.items.append(f"{label}: evidence must be a list")
        return []
    items = []
    for j, entry in enumerate(raw):
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            problems.items.append(f"{label}: evidence {j + 1} needs a url")
            continue
        items.append(
            EvidenceIn(
                url=entry["url"],
                title=entry.get("title"),
                published=_as_text(entry.get("published")),
                kind=entry.get("kind"),
            )
        )
    checked = problems.check(label, services.read_evidence, items)
    return checked or []


def _as_text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _deadline(
    raw: dict[str, Any], reference: date, label: str, problems: _Problems
) -> dict[str, Any]:
    """Deadline fields of a goal or event: a stored ISO date is kept, text alone is parsed."""
    iso, text, precision = (
        _as_text(raw.get("deadline")),
        raw.get("deadline_text"),
        raw.get("deadline_precision"),
    )
    if iso in (None, "") and text in (None, ""):
        return {}
    if iso not in (None, ""):
        day = problems.check(label, services.iso_date, iso, "deadline")
        if precision not in (None, "") and precision not in PRECISIONS:
            problems.items.append(
                f"{label}: unknown deadline precision {shorten(str(precision))}: "
                f"use one of {', '.join(PRECISIONS)}"
            )
        shown = problems.check(label, clean_text, text, field_name="deadline text", limit=MAX_SHORT)
        if precision in (None, "") and shown:
            # The words say how wide the period is ('2027年6月底' is a month); a reader of the
            # date alone would take it for one day.
            precision = _precision_of(shown, reference, label, problems)
        return {
            "deadline": day,
            "deadline_text": shown or day,
            "deadline_precision": precision or "day",
        }
    if not isinstance(text, str | int):
        problems.items.append(f"{label}: deadline_text must be text")
        return {}
    parsed = problems.check(label, services.read_deadline, str(text), reference=reference)
    if parsed is None:
        return {}
    return {
        "deadline": parsed.date.isoformat(),
        "deadline_text": parsed.text,
        "deadline_precision": parsed.precision,
    }


def _precision_of(text: str, reference: date, label: str, problems: _Problems) -> str | None:
    """The precision the deadline words name, or a problem asking for it."""
    try:
        return services.read_deadline(text, reference=reference).precision
    except BadInputError:
        problems.items.append(
            f"{label}: cannot tell the precision of deadline_text {shorten(text)}: "
            f"give deadline_precision ({', '.join(PRECISIONS)})"
        )
        return None


def _event(
    raw: Any,
    label: str,
    announced: str | None,
    problems: _Problems,
    *,
    not_before: str | None = None,
) -> dict[str, Any] | None:
    """One event; `announced` is the reference of relative deadline words, `not_before` (the
    announced date, from the file or the stored goal) the earliest date an event may carry."""
    if not isinstance(raw, dict):
        problems.items.append(f"{label}: an event must be a mapping")
        return None
    on = problems.check(label, services.iso_date, _as_text(raw.get("on")), "event date 'on'")
    if on is None:
        return None
    floor = not_before or announced
    if floor and on < floor:
        problems.items.append(
            f"{label}: event dated {on} is before the goal was announced ({floor})"
        )
    event: dict[str, Any] = {"on_date": on}
    if raw.get("status") not in (None, ""):
        event["status"] = problems.check(label, normalize_status, str(raw["status"]))
    if raw.get("progress") not in (None, ""):
        event["progress"] = problems.check(label, validate_progress, raw["progress"])
    event.update(_deadline(raw, date.fromisoformat(announced or on), label, problems))
    event["note"] = problems.check(
        label, clean_text, raw.get("note"), field_name="note", multiline=True
    )
    event["author"] = problems.check(
        label, clean_text, raw.get("author"), field_name="author", limit=MAX_SHORT
    )
    event["recorded_at"] = _recorded_at(raw.get("recorded_at"), label, problems)
    if "recorded_by" in raw:  # kept only when the database owner imports (store.Recorder)
        event["recorded_by"] = problems.check(
            label, clean_text, raw.get("recorded_by"), field_name="recorded_by", limit=MAX_SHORT
        )
    retracted = _retracted(raw.get("retracted"), label, problems)
    if retracted is not None:
        event["retracted"] = retracted
    changes = raw.get("changes")
    if changes is not None and not isinstance(changes, dict):
        problems.items.append(f"{label}: changes must be a mapping")
    event["changes"] = changes or None
    event["evidence"] = _evidence_list(raw.get("evidence"), label, problems)
    return event


def _retracted(value: Any, label: str, problems: _Problems) -> dict[str, Any] | None:
    """An event's retraction: null, or {by, at, note} (`at` a timestamp, `note` required)."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"by", "at", "note"}:
        problems.items.append(f"{label}: retracted must be null or a mapping of by, at and note")
        return None
    at = _recorded_at(value.get("at"), f"{label} retracted", problems)
    if at is None and value.get("at") in (None, ""):
        problems.items.append(f"{label}: retracted needs 'at', when it was retracted")
    note = problems.check(
        label, clean_text, value.get("note"), field_name="retraction note", multiline=True
    )
    if note is None and not problems.items:
        problems.items.append(f"{label}: retracted needs a 'note' saying why")
    by = problems.check(
        label, clean_text, value.get("by"), field_name="retracted by", limit=MAX_SHORT
    )
    return {"by": by, "at": at, "note": note}


def _recorded_at(value: Any, label: str, problems: _Problems) -> str | None:
    """When an event was written down: an ISO-8601 timestamp, kept as given."""
    if value in (None, ""):
        return None
    text = value.isoformat() if isinstance(value, date) else value
    if isinstance(text, str):
        try:
            datetime.fromisoformat(text.strip())
            return text.strip()
        except ValueError:
            pass
    problems.items.append(
        f"{label}: recorded_at {shorten(str(value))} is not an ISO-8601 timestamp "
        "(e.g. 2026-03-01T09:30:00Z)"
    )
    return None


class Planner:
    """Checks goal items one at a time, gathering every problem; remembers only the keys seen
    (a key twice in the file is a problem), so a file of any size can be checked as it streams.

    With `existing` (the keys already stored, each with its announced date), a row that names
    a new goal without a title is a problem too, and an event of a stored goal may not be
    dated before the goal was announced.
    """

    def __init__(
        self, *, on: date | None, today: date, existing: Mapping[str, str | None] | None = None
    ) -> None:
        self.on, self.today, self.existing = on, today, existing
        self.problems = _Problems()
        self.seen: dict[str, str] = {}

    def raise_problems(self) -> None:
        if self.problems.items:
            raise ImportFileError(self.problems.items)

    def plan(self, raw: Any, label: str) -> PlannedGoal | None:
        """The goal an item describes, or None (its problems noted)."""
        problems, seen, existing, on, today = (
            self.problems,
            self.seen,
            self.existing,
            self.on,
            self.today,
        )
        if not isinstance(raw, dict):
            problems.items.append(f"{label}: a goal must be a mapping of fields")
            return None
        if "__error__" in raw:
            problems.items.append(f"{label}: {raw['__error__']}")
            return None
        key = raw.get("key")
        if key not in (None, ""):
            key = problems.check(label, validate_key, str(key))
            label = f"{label} ({key})" if key else label
            if key and key in seen:
                problems.items.append(f"{label}: key '{key}' appears twice (also {seen[key]})")
            elif key:
                seen[key] = label
        else:
            key = None
        fields_raw = {name: _as_text(raw[name]) for name in services.EDITABLE_FIELDS if name in raw}
        if key is None and "title" not in fields_raw:
            problems.items.append(f"{label}: needs a title (and preferably a key)")
            return None
        fields = (
            problems.check(
                label, services.validate_fields, fields_raw, partial="title" not in fields_raw
            )
            or {}
        )
        if "title" not in fields_raw and key is None:
            return None
        if "title" not in fields_raw and existing is not None and key not in existing:
            problems.items.append(
                f"{label}: goal '{key}' is not tracked (no goal with that key is stored yet); "
                "a new goal needs a title"
            )
            return None
        stored = existing is not None and key is not None and key in existing
        announced = fields.get("announced")
        # A stored goal keeps its announced date unless the file changes it.
        not_before = (
            existing[str(key)]
            if stored and existing is not None and "announced" not in fields
            else announced
        )
        raw_events = raw.get("events")
        if raw_events == []:  # an empty history is no history: record the initial event
            raw_events = None
        if raw_events is not None:
            if not isinstance(raw_events, list):
                problems.items.append(f"{label}: events must be a list")
                return None
            checked = [
                _event(item, f"{label} event {j + 1}", announced, problems, not_before=not_before)
                for j, item in enumerate(raw_events)
            ]
            events = [e for e in checked if e is not None]
            if raw_events and not events:
                return None
            events.sort(key=lambda e: e["on_date"])  # stable: file order within a day
            if events and events[0].get("status") is None and not stored:
                # Every goal has a status from its first event on, as `add` records it; the
                # status-as-of queries and the cached state then agree on every day. A stored
                # goal has its status already: an event records only what it names.
                events[0]["status"] = "not_started"
            extra = _evidence_list(raw.get("evidence"), label, problems)
            if extra and events:
                have = {item.url for e in events for item in e["evidence"]}
                events[0]["evidence"] = events[0]["evidence"] + [
                    i for i in extra if i.url not in have
                ]
            return PlannedGoal(label, key, fields, events, simple=False)
        effective = (on.isoformat() if on else None) or announced or today.isoformat()
        if on and announced and on.isoformat() < announced:
            effective = announced
        state = {
            "on": effective,
            **{k: raw.get(k) for k in (*EVENT_STATE, "note", "evidence")},
        }
        if state["status"] in (None, "") and not stored:
            state["status"] = "not_started"
        event = _event(state, label, announced, problems)
        if event is None:
            return None
        return PlannedGoal(label, key, fields, [event], simple=True)


# --- writing ----------------------------------------------------------------------------------
def _fingerprint(event: dict[str, Any]) -> tuple[Any, ...]:
    changes = event.get("changes")
    return (
        event.get("on_date") or event.get("on"),
        event.get("status"),
        event.get("progress"),
        event.get("deadline"),
        event.get("note"),
        json.dumps(changes, sort_keys=True, ensure_ascii=False) if changes else None,
    )


BATCH = 1000  # goals written per round of statements: memory stays flat, round trips few


def apply(
    db: Database,
    plan: Iterable[PlannedGoal],
    *,
    on: date | None,
    today: date,
    author: str | None,
    source: str | None = None,
    on_written: Callable[[int], None] | None = None,
) -> ImportResult:
    """Write the plan in the caller's transaction, through the store, a batch of goals at a
    time, and log the run. The database owner's import keeps the file's recorders; anyone
    else's records its own. `on_written(n)` hears of each batch written."""
    result = ImportResult()
    stamp = services.now_stamp()
    by = store.recorder(db, keep_file=True)
    existing = {str(k): int(i) for k, i in db.all("SELECT key, id FROM goal")}
    for batch in _batches(plan, BATCH):
        new_goals = [p for p in batch if p.key is None or p.key not in existing]
        written = store.create_goals(
            db,
            (store.NewGoal(fields=p.fields, events=p.events, key=p.key) for p in new_goals),
            stamp=stamp,
            author=author,
            by=by,
        )
        result.created += len(new_goals)
        result.events += written.events
        result.evidence += written.evidence_count
        result.keys.extend(written.keys)
        for goal in batch:
            if goal.key is not None and goal.key in existing:
                _merge(
                    db,
                    goal,
                    existing[goal.key],
                    on=on or today,
                    stamp=stamp,
                    author=author,
                    result=result,
                    by=by,
                )
        if on_written is not None:
            on_written(len(batch))
    store.log_import(
        db, stamp=stamp, source=source, goals=result.created, events=result.events, by=by
    )
    return result


def _batches(items: Iterable[PlannedGoal], size: int) -> Iterator[list[PlannedGoal]]:
    batch: list[PlannedGoal] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _merge(
    db: Database,
    goal: PlannedGoal,
    goal_id: int,
    *,
    on: date,
    stamp: str,
    author: str | None,
    result: ImportResult,
    by: Recorder,
) -> None:
    """Bring an existing goal in line with the file, recording only what differs."""
    current = store.read_goal(db, goal_id)
    have_urls = current["evidence_urls"]
    to_add: list[dict[str, Any]] = []
    retract: list[tuple[int, dict[str, Any]]] = []  # stored events the file says are retracted
    if goal.simple:
        wanted = goal.events[0]
        delta: dict[str, Any] = {"on_date": max(on.isoformat(), wanted["on_date"])}
        for name in ("status", "progress"):
            if wanted.get(name) is not None and wanted[name] != current[name]:
                delta[name] = wanted[name]
        if wanted.get("deadline") and wanted["deadline"] != current["deadline"]:
            delta.update(
                {k: wanted[k] for k in ("deadline", "deadline_text", "deadline_precision")}
            )
        delta["evidence"] = [i for i in wanted["evidence"] if i.url not in have_urls]
        if len(delta) > 2 or delta["evidence"]:
            delta["note"] = wanted.get("note") if len(delta) > 2 else None
            to_add.append(delta)
    else:
        stored: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
        for e in current["events"]:
            stored[_fingerprint(e)].append(e)
        # A history whose first event named no status was stored starting `not_started`;
        # importing the file again must find that event, not add it a second time.
        first = _fingerprint(current["events"][0]) if current["events"] else None
        for event in goal.events:
            fp = _fingerprint(event)
            if not stored[fp] and event.get("status") is None:
                defaulted = _fingerprint({**event, "status": "not_started"})
                if defaulted == first:
                    fp = defaulted
            if stored[fp]:
                match = stored[fp].pop(0)
                if event.get("retracted") and not match["retracted"]:
                    retract.append((int(match["id"]), event["retracted"]))
                continue
            to_add.append(event)
    changes = store.changed_fields(current, goal.fields)
    if changes:
        store.update_fields(db, goal_id, {name: c["to"] for name, c in changes.items()})
        if to_add:
            to_add[-1]["changes"] = {**(to_add[-1].get("changes") or {}), **changes}
        else:
            to_add.append({"on_date": on.isoformat(), "changes": changes, "evidence": []})
    written = store.append_events(db, goal_id, to_add, stamp=stamp, author=author, by=by)
    for event_id, retraction in retract:
        store.retract(
            db,
            event_id,
            note=retraction["note"],
            stamp=stamp,
            at=retraction["at"] if by.keep_file else None,
            by=Recorder(retraction["by"], keep_file=True) if by.keep_file else by,
        )
    result.events += written.events
    result.evidence += written.evidence_count
    if to_add or retract:
        result.updated += 1
    else:
        result.unchanged += 1
    result.keys.append(current["key"])


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        self.result = result


def import_file(
    db: Database,
    path: Path,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    on: date | None = None,
    today: date,
    author: str | None = None,
    on_progress: Callable[[str, int, int | None], None] | None = None,
) -> ImportResult:
    """Read and check the whole file, then write it in one transaction (dry_run rolls it
    back). The file is read as a stream and the checked goals wait in a private temporary
    file, a batch at a time, so memory does not grow with the file and nothing is checked
    twice. `on_progress(stage, done, total)` hears of the goals checked (the total unknown
    until the end), then of those written."""
    source = open_document(path, fmt)
    # goals are never deleted: every key stored now is still stored when the plan is written
    existing = {str(k): announced for k, announced in db.all("SELECT key, announced FROM goal")}
    planner = Planner(on=on, today=today, existing=existing)
    with tempfile.TemporaryFile(prefix="tracker-import-") as spool:
        count = batches = 0
        batch: list[PlannedGoal] = []
        for raw, label in read_items(source):
            goal = planner.plan(raw, label)
            count += 1
            if goal is not None and not planner.problems.items:  # once a problem, only check
                batch.append(goal)
                if len(batch) == BATCH:
                    pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
                    batches, batch = batches + 1, []
            if on_progress is not None and count % 100 == 0:
                on_progress("checking", count, None)
        if on_progress is not None:
            on_progress("checking", count, count)
        try:
            planner.raise_problems()
        except ImportFileError as exc:
            raise ImportFileError(exc.problems, source=str(path)) from None
        if batch:
            pickle.dump(batch, spool, protocol=pickle.HIGHEST_PROTOCOL)
            batches += 1
        del batch, planner

        def planned() -> Iterator[PlannedGoal]:
            spool.seek(0)  # from the start on every attempt of the transaction
            for _ in range(batches):
                # our own file, written above by this process: nothing else to trust
                yield from pickle.load(spool)  # noqa: S301

        def work(tx: Database) -> ImportResult:
            done = 0

            def written(n: int) -> None:
                nonlocal done
                done += n
                if on_progress is not None:
                    on_progress("writing", done, count)

            written(0)
            result = apply(
                tx,
                planned(),
                on=on,
                today=today,
                author=author,
                source=path.name,
                on_written=written,
            )
            if dry_run:
                raise _DryRun(result)
            return result

        try:
            return db.write(work)
        except _DryRun as done:
            return done.result
