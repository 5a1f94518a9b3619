"""The one writer of goals, events and evidence.

`add`, `update` and `import` validate their input and decide what to record; this module
writes it, in the caller's transaction. Writers take iterables, so one goal and a file of
100k go through the same code (executemany, no round trip per row); keys are allocated
and the goal row's cached state is computed here, from history.fold_events, and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker.db import Database
from tracker.domain import EvidenceIn, slugify
from tracker.errors import ConflictError
from tracker.history import LIVE_EVENT, LIVE_EVIDENCE, fold_events
from tracker.schema import (
    EVENT,
    EVENT_STATE,
    EVIDENCE,
    GOAL,
    GOAL_FIELDS,
    GOAL_STATE,
    IMPORT_LOG,
    RETRACTION,
    Table,
)

# Above this many goals needing a key, one read of every key beats a lookup per candidate.
_BULK_KEYS = 64


@dataclass
class NewGoal:
    """A goal to create: validated fields, its events in replay order (each a mapping of
    event columns plus an `evidence` list of EvidenceIn), and its key (None: derive one)."""

    fields: Mapping[str, Any]
    events: Sequence[Mapping[str, Any]]
    key: str | None = None


@dataclass
class Written:
    """What a write added: keys of new goals, how many events, the evidence URLs per event."""

    keys: list[str] = field(default_factory=list)
    events: int = 0
    evidence: list[list[str]] = field(default_factory=list)  # per event, in order
    event_ids: list[int] = field(default_factory=list)

    @property
    def evidence_count(self) -> int:
        return sum(len(urls) for urls in self.evidence)


def _encode_tags(tags: Any) -> str:
    return json.dumps(list(tags or []), ensure_ascii=False)


def _encode_changes(changes: Any) -> str | None:
    if not changes:
        return None
    if isinstance(changes, str):
        return changes
    return json.dumps(changes, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Recorder:
    """Who writes: `name` is the connected role (PostgreSQL's session_user) or the login name
    (SQLite). With `keep_file` (the database owner importing a file) an event's own
    `recorded_by`/`retracted.by` is kept, so moving a database keeps its history."""

    name: str | None
    keep_file: bool = False


def recorder(db: Database, *, keep_file: bool = False) -> Recorder:
    """The recorder of this connection; `keep_file` holds only for the database owner."""
    return Recorder(db.session_user(), keep_file=keep_file and db.is_owner())


def event_row(
    goal_id: int,
    event: Mapping[str, Any],
    *,
    stamp: str,
    author: str | None,
    by: Recorder,
) -> dict[str, Any]:
    """The event table's row for an event mapping (missing columns are NULL). The author is
    the event's, else the command's, else the recorder."""
    row = {name: event.get(name) for name in EVENT.written}
    row["goal_id"] = goal_id
    row["recorded_at"] = event.get("recorded_at") or stamp
    row["recorded_by"] = event.get("recorded_by") if by.keep_file else by.name
    if by.keep_file and "recorded_by" not in event:
        row["recorded_by"] = by.name
    row["author"] = event.get("author") or author or row["recorded_by"]
    row["changes"] = _encode_changes(event.get("changes"))
    return row


def _retraction_row(
    event_id: int, retracted: Mapping[str, Any], by: Recorder, stamp: str
) -> dict[str, Any]:
    """A retraction from a file: who and when as the file says for the owner, else now, by
    the importer."""
    return {
        "event_id": event_id,
        "retracted_by": retracted.get("by") if by.keep_file else by.name,
        "retracted_at": (retracted.get("at") or stamp) if by.keep_file else stamp,
        "note": retracted["note"],
    }


def free_keys(db: Database, titles: Sequence[str], *, taken: Iterable[str] = ()) -> list[str]:
    """A key per title, from its slug ('goal' without one), numbered `-2`, `-3`… past the
    keys stored and those in `taken` (and each other)."""
    reserved = set(taken)
    stored: set[str] | None = None
    if len(titles) > _BULK_KEYS:
        stored = {str(k) for (k,) in db.all("SELECT key FROM goal")}

    def used(key: str) -> bool:
        if key in reserved:
            return True
        if stored is not None:
            return key in stored
        return db.one("SELECT 1 FROM goal WHERE key = :key", {"key": key}) is not None

    keys = []
    for title in titles:
        base = slugify(title) or "goal"
        key, n = base, 2
        while used(key):
            key, n = f"{base}-{n}", n + 1
        reserved.add(key)
        keys.append(key)
    return keys


def create_goals(
    db: Database,
    goals: Iterable[NewGoal],
    *,
    stamp: str,
    author: str | None = None,
    by: Recorder | None = None,
) -> Written:
    """New goals with their events and evidence: goal rows (their state folded from the
    events not retracted), then events, then evidence, then retractions, each with one
    executemany."""
    goals = list(goals)
    written = Written()
    if not goals:
        return written
    by = by or recorder(db)
    derived = iter(free_keys(db, [g.fields["title"] for g in goals if g.key is None]))
    keys = [g.key if g.key is not None else next(derived) for g in goals]
    rows = []
    for key, goal in zip(keys, goals, strict=True):
        state = fold_events(e for e in goal.events if not e.get("retracted"))
        row = {name: goal.fields.get(name) for name in GOAL_FIELDS}
        row["tags"] = _encode_tags(goal.fields.get("tags"))
        row.update({name: getattr(state, name) for name in GOAL_STATE})
        row.update(key=key, created_at=stamp, updated_at=stamp)
        row["status"] = state.status or "not_started"
        rows.append(row)
    bulk = db.dialect == "postgresql"
    try:
        if bulk:
            ids = dict(zip(keys, _copy_rows(db, GOAL, rows), strict=True))
        else:
            before = db.scalar("SELECT COALESCE(MAX(id), 0) FROM goal")
            db.executemany(GOAL.insert_sql(), rows)
            ids = _ids_of(db, keys, after=int(before))
    except Exception as exc:
        if db.is_unique_violation(exc):
            raise ConflictError(
                f"a goal with key '{keys[0] if len(keys) == 1 else '…'}' already exists: "
                "choose another --key"
            ) from None
        raise
    event_rows = [
        event_row(ids[key], event, stamp=stamp, author=author, by=by)
        for key, goal in zip(keys, goals, strict=True)
        for event in goal.events
    ]
    event_ids: dict[int, list[int]] = {}
    if bulk:
        for event_id, row in zip(_copy_rows(db, EVENT, event_rows), event_rows, strict=True):
            event_ids.setdefault(row["goal_id"], []).append(event_id)
    else:
        before = db.scalar("SELECT COALESCE(MAX(id), 0) FROM event")
        db.executemany(EVENT.insert_sql(), event_rows)
        new_ids = set(ids.values())
        for event_id, goal_id in db.all(
            "SELECT id, goal_id FROM event WHERE id > :b ORDER BY id", {"b": before}
        ):
            if goal_id in new_ids:
                event_ids.setdefault(goal_id, []).append(event_id)
    evidence_rows: list[dict[str, Any]] = []
    retraction_rows: list[dict[str, Any]] = []
    for key, goal in zip(keys, goals, strict=True):
        seen: set[str] = set()  # a URL once among the live events; a retracted one keeps its own
        for event_id, event in zip(event_ids.get(ids[key], []), goal.events, strict=True):
            urls = []
            retracted = event.get("retracted")
            mine: set[str] = set()
            for item in event.get("evidence") or ():
                if item.url in mine or (not retracted and item.url in seen):
                    continue
                mine.add(item.url)
                urls.append(item.url)
                evidence_rows.append(_evidence_row(ids[key], event_id, item))
            if retracted:
                retraction_rows.append(_retraction_row(event_id, retracted, by, stamp))
            else:
                seen |= mine
            written.evidence.append(urls)
            written.event_ids.append(event_id)
    if bulk:
        _copy_rows(db, EVIDENCE, evidence_rows, ids=False)
        _copy_rows(db, RETRACTION, retraction_rows, ids=False)
    else:
        db.executemany(EVIDENCE.insert_sql(), evidence_rows)
        db.executemany(RETRACTION.insert_sql(), retraction_rows)
    written.keys = keys
    written.events = len(event_rows)
    return written


def _ids_of(db: Database, keys: Sequence[str], *, after: int) -> dict[str, int]:
    """The ids of goals just inserted (all above `after`, the largest id before them)."""
    wanted = set(keys)
    return {
        str(k): int(i)
        for k, i in db.all("SELECT key, id FROM goal WHERE id > :a", {"a": after})
        if k in wanted
    }


def _copy_rows(
    db: Database, table: Table, rows: Sequence[Mapping[str, Any]], *, ids: bool = True
) -> list[int]:
    """PostgreSQL's bulk path: rows sent with one COPY instead of a statement each. With
    `ids`, their ids are taken from the table's sequence first (one query), so the caller
    knows them without reading the rows back; returns them in the order of `rows`."""
    if not rows:
        return []
    columns = table.written
    new_ids: list[int] = []
    if ids:
        new_ids = [
            int(i)
            for (i,) in db.all(
                f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                "FROM generate_series(1, :n)",
                {"n": len(rows)},
            )
        ]
        columns = ("id", *columns)
    with (
        db.raw.cursor() as cur,
        cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        if ids:
            for new_id, row in zip(new_ids, rows, strict=True):
                copy.write_row((new_id, *(row[c] for c in table.written)))
        else:
            for row in rows:
                copy.write_row(tuple(row[c] for c in table.written))
    return new_ids


def _evidence_row(goal_id: int, event_id: int, item: EvidenceIn) -> dict[str, Any]:
    return {
        "goal_id": goal_id,
        "event_id": event_id,
        "url": item.url,
        "title": item.title,
        "published": item.published,
        "kind": item.kind,
    }


def lock_goal(db: Database, goal_id: int, *, stamp: str) -> None:
    """Take the goal row's write lock before reading it (PostgreSQL serialises writers of
    one goal on it; SQLite's BEGIN IMMEDIATE already does)."""
    db.execute("UPDATE goal SET updated_at = :s WHERE id = :g", {"s": stamp, "g": goal_id})


def changed_fields(
    current: Mapping[str, Any], wanted: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """`{name: {"from": stored, "to": new}}` for the wanted fields that differ: what an event's
    `changes` records and update_fields then writes."""
    return {
        name: {"from": current[name], "to": value}
        for name, value in wanted.items()
        if value != current[name]
    }


def update_fields(db: Database, goal_id: int, values: Mapping[str, Any]) -> None:
    """Set descriptive fields (GOAL_FIELDS) of a goal to new values."""
    if not values:
        return
    unknown = set(values) - set(GOAL_FIELDS)
    if unknown:
        raise ValueError(f"not editable goal fields: {sorted(unknown)}")
    encoded = {n: (_encode_tags(v) if n == "tags" else v) for n, v in values.items()}
    sets = ", ".join(f"{name} = :{name}" for name in encoded)
    db.execute(f"UPDATE goal SET {sets} WHERE id = :g", {**encoded, "g": goal_id})


def append_events(
    db: Database,
    goal_id: int,
    events: Iterable[Mapping[str, Any]],
    *,
    stamp: str,
    author: str | None = None,
    by: Recorder | None = None,
) -> Written:
    """Events for a stored goal, each with the evidence the goal's live events do not have
    yet (a URL of a retracted event attaches to the new one); then the goal row's cached
    state refreshed once."""
    written = Written()
    by = by or recorder(db)
    have = live_urls(db, goal_id)
    for event in events:
        event_id = db.insert(
            EVENT.insert_sql(returning=True),
            event_row(goal_id, event, stamp=stamp, author=author, by=by),
        )
        rows = []
        retracted = event.get("retracted")
        mine: set[str] = set()
        for item in event.get("evidence") or ():
            if item.url not in mine and (retracted or item.url not in have):
                mine.add(item.url)
                rows.append(_evidence_row(goal_id, event_id, item))
        if retracted:
            db.execute(RETRACTION.insert_sql(), _retraction_row(event_id, retracted, by, stamp))
        else:
            have |= mine
        db.executemany(EVIDENCE.insert_sql(), rows)
        written.events += 1
        written.event_ids.append(event_id)
        written.evidence.append([row["url"] for row in rows])
    if written.events:
        refresh_state(db, goal_id, stamp=stamp)
    return written


def refresh_state(db: Database, goal_id: int, *, stamp: str) -> None:
    """Recompute the goal row's cached state from all its events."""
    lock_goal(db, goal_id, stamp=stamp)  # before reading: a concurrent writer's events are seen
    rows = db.all(
        f"SELECT {', '.join(EVENT_STATE)} FROM event e WHERE e.goal_id = :g AND {LIVE_EVENT}"
        " ORDER BY e.on_date, e.id",
        {"g": goal_id},
    )
    state = fold_events(dict(zip(EVENT_STATE, row, strict=True)) for row in rows)
    values = {name: getattr(state, name) for name in GOAL_STATE}
    values["status"] = state.status or "not_started"
    sets = ", ".join(f"{name} = :{name}" for name in GOAL_STATE)
    db.execute(
        f"UPDATE goal SET {sets}, updated_at = :stamp WHERE id = :g",
        {**values, "stamp": stamp, "g": goal_id},
    )


def read_fields(
    db: Database, goal_id: int, columns: Sequence[str] = ("key", *GOAL_FIELDS)
) -> dict[str, Any]:
    """Columns of a stored goal's row by name (tags decoded)."""
    row = db.one(f"SELECT {', '.join(columns)} FROM goal WHERE id = :g", {"g": goal_id})
    if row is None:
        raise LookupError(goal_id)
    goal = dict(zip(columns, row, strict=True))
    if "tags" in goal:
        goal["tags"] = json.loads(goal["tags"] or "[]")
    return goal


def read_goal(db: Database, goal_id: int) -> dict[str, Any]:
    """A stored goal as its row (tags decoded) with `events` (rows, changes decoded, in
    replay order, each with `retracted`: True or False) and `evidence_urls` (of the live
    events): what a writer compares new input with."""
    goal = read_fields(db, goal_id, GOAL.columns)
    events = []
    for values in db.all(
        f"SELECT {', '.join('e.' + c for c in EVENT.columns)}, r.id FROM event e "
        "LEFT JOIN retraction r ON r.event_id = e.id WHERE e.goal_id = :g "
        "ORDER BY e.on_date, e.id",
        {"g": goal_id},
    ):
        event = dict(zip(EVENT.columns, values, strict=False))
        event["changes"] = json.loads(event["changes"]) if event["changes"] else None
        event["retracted"] = values[-1] is not None
        events.append(event)
    goal["events"] = events
    goal["evidence_urls"] = live_urls(db, goal_id)
    return goal


def live_urls(db: Database, goal_id: int) -> set[str]:
    """The evidence URLs of a goal's events that are not retracted."""
    return {
        str(u)
        for (u,) in db.all(
            f"SELECT ev.url FROM evidence ev WHERE ev.goal_id = :g AND {LIVE_EVIDENCE}",
            {"g": goal_id},
        )
    }


def retract(
    db: Database,
    event_id: int,
    *,
    note: str,
    stamp: str,
    at: str | None = None,
    by: Recorder | None = None,
) -> int:
    """Record that an event was wrong (the caller has checked it may be), then refresh its
    goal's cached state without it. `at` (an owner's import) keeps the file's time. Returns
    the goal id."""
    goal_id = int(db.scalar("SELECT goal_id FROM event WHERE id = :e", {"e": event_id}))
    lock_goal(db, goal_id, stamp=stamp)
    by = by or recorder(db)
    db.execute(
        RETRACTION.insert_sql(),
        {"event_id": event_id, "retracted_by": by.name, "retracted_at": at or stamp, "note": note},
    )
    refresh_state(db, goal_id, stamp=stamp)
    return goal_id


def log_import(
    db: Database, *, stamp: str, source: str | None, goals: int, events: int, by: Recorder
) -> None:
    """One row per import run: who, when, which file, what it added."""
    db.execute(
        IMPORT_LOG.insert_sql(),
        {
            "imported_at": stamp,
            "imported_by": by.name,
            "source": source,
            "goals": goals,
            "events": events,
            "kept_recorders": by.keep_file,
        },
    )
