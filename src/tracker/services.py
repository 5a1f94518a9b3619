"""The domain operations: add, update, show, list, export. Keyword-only, no printing.

Writers take a `Database` and do their work inside `db.write(...)`, so each command is one
transaction that either lands whole or changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import orjson

from tracker import history, store
from tracker.db import Database
from tracker.domain import (
    MAX_SHORT,
    EvidenceIn,
    Goal,
    clean_text,
    normalize_kind,
    normalize_status,
    normalize_tags,
    overdue_before,
    shorten,
    validate_key,
    validate_progress,
    validate_url,
)
from tracker.errors import BadInputError, ConflictError, NotFoundError, TrackerError
from tracker.schema import EVENT, EVENT_STATE, GOAL_FIELDS, GOAL_READ

if TYPE_CHECKING:  # the deadline reader is loaded by the commands that read one
    from tracker.deadlines import Deadline

EDITABLE_FIELDS = GOAL_FIELDS
_EVENT_KEYS = ("on", *EVENT.columns[3:])  # an event in the interchange format: on_date is `on`


_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def now_stamp() -> str:
    """When a change was recorded: UTC, microseconds, `Z`."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- validation of user-supplied fields --------------------------------------------------
def validate_fields(raw: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check and normalise descriptive fields; with partial=True only those present."""
    out: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if name not in raw:
            if not partial and name == "title":
                raise BadInputError("title is required")
            continue
        value = raw[name]
        if name == "title":
            out[name] = clean_text(value, field_name="title", required=True, limit=1000)
        elif name in ("title_original", "source"):
            out[name] = clean_text(value, field_name=name, limit=1000)
        elif name in ("description", "quote"):
            out[name] = clean_text(value, field_name=name, multiline=True)
        elif name in ("owner", "area"):
            out[name] = clean_text(value, field_name=name, limit=MAX_SHORT)
        elif name == "tags":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list | tuple):
                raise BadInputError("tags must be a list of text")
            out[name] = normalize_tags(list(value))
        elif name == "source_url":
            out[name] = (
                None if value in (None, "") else validate_url(value, field_name="source URL")
            )
        elif name == "announced":
            out[name] = None if value in (None, "") else iso_date(value, "announced date")
    return out


def iso_date(value: Any, what: str) -> str:
    """A date given as `date` or `YYYY-MM-DD` text, back as ISO text."""
    from tracker.deadlines import parse_date

    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise BadInputError(f"unreadable {what} {value!r}: expected YYYY-MM-DD")
    return parse_date(value, field=what).isoformat()


def read_deadline(text: str, *, reference: date) -> Deadline:
    cleaned = clean_text(text, field_name="deadline", limit=500)
    if cleaned is None:
        raise BadInputError("deadline must not be empty")
    from tracker.deadlines import parse_deadline

    return parse_deadline(cleaned, reference=reference)


def read_evidence(items: Sequence[EvidenceIn]) -> list[EvidenceIn]:
    out: list[EvidenceIn] = []
    for item in items:
        out.append(
            EvidenceIn(
                url=validate_url(item.url, field_name="evidence URL"),
                title=clean_text(item.title, field_name="evidence title", limit=1000),
                published=None
                if not item.published
                else iso_date(item.published, "evidence published date"),
                kind=normalize_kind(item.kind),
            )
        )
    return out


# --- finding goals ------------------------------------------------------------------------
def find_goal_id(db: Database, ref: str) -> int:
    """A goal by key or id; unknown is NotFoundError (exit 1)."""
    text = ref.strip()
    if not text or _UNSTORABLE.search(text):  # no stored key has these; PostgreSQL refuses NUL
        raise NotFoundError(f"unknown goal {shorten(ref)}: give a key or id from `tracker list`")
    row = None
    if text.isdigit() and len(text) < 19:
        row = db.one("SELECT id FROM goal WHERE id = :id", {"id": int(text)})
    if row is None:
        row = db.one("SELECT id FROM goal WHERE key = :key", {"key": text.lower()})
    if row is None:
        raise NotFoundError(f"unknown goal {shorten(ref)}: give a key or id from `tracker list`")
    return int(row[0])


def add_goal(
    db: Database,
    *,
    fields: dict[str, Any],
    key: str | None = None,
    status: str | None = None,
    progress: Any = None,
    deadline_text: str | None = None,
    evidence: Sequence[EvidenceIn] = (),
    note: str | None = None,
    on: date | None = None,
    today: date,
    author: str | None = None,
) -> str:
    """Create a goal and its initial event (effective on `on`, else announced, else today)."""
    clean = validate_fields(fields)
    wanted_key = validate_key(key) if key is not None else None
    announced = date.fromisoformat(clean["announced"]) if clean.get("announced") else None
    effective = on or announced or today
    if on is not None and announced is not None and on < announced:
        raise BadInputError(f"--on {on} is before the goal was announced ({announced})")
    event: dict[str, Any] = {
        "on_date": effective.isoformat(),
        "author": clean_text(author, field_name="author", limit=MAX_SHORT),
        "status": normalize_status(status) if status is not None else "not_started",
        "progress": validate_progress(progress) if progress is not None else None,
        "note": clean_text(note, field_name="note", multiline=True),
    }
    if deadline_text is not None:
        parsed = read_deadline(deadline_text, reference=announced or effective)
        event.update(
            deadline=parsed.date.isoformat(),
            deadline_text=parsed.text,
            deadline_precision=parsed.precision,
        )
    event["evidence"] = read_evidence(evidence)

    def work(tx: Database) -> str:
        new = store.NewGoal(fields=clean, events=[event], key=wanted_key)
        return store.create_goals(tx, [new], stamp=now_stamp()).keys[0]

    return db.write(work)


@dataclass
class UpdateResult:
    key: str
    event_id: int
    evidence_added: list[str]
    changed_fields: list[str]


def update_goal(
    db: Database,
    *,
    ref: str,
    status: str | None = None,
    progress: Any = None,
    deadline_text: str | None = None,
    evidence: Sequence[EvidenceIn] = (),
    note: str | None = None,
    fields: dict[str, Any] | None = None,
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
    on: date,
    author: str | None = None,
) -> UpdateResult:
    """Record one event on a goal: status, progress, deadline, evidence, note, field edits."""
    new_status = normalize_status(status) if status is not None else None
    new_progress = validate_progress(progress) if progress is not None else None
    clean_note = clean_text(note, field_name="note", multiline=True)
    edits = validate_fields(fields or {}, partial=True)
    plus, minus = normalize_tags(list(add_tags)), normalize_tags(list(remove_tags))
    items = read_evidence(evidence)
    clean_author = clean_text(author, field_name="author", limit=MAX_SHORT)
    # What the event records whatever the goal holds now; field and tag edits count only if
    # they change something (known inside the transaction).
    records_news = bool(
        new_status is not None
        or new_progress is not None
        or deadline_text is not None
        or items
        or clean_note is not None
    )
    if not (records_news or edits or plus or minus):
        raise BadInputError(
            "nothing to record: give --status, --progress, --deadline, --evidence, --note "
            "or a field to edit"
        )

    def work(tx: Database) -> UpdateResult:
        goal_id = find_goal_id(tx, ref)
        # Taking the row lock first serialises writers of one goal on PostgreSQL too.
        stamp = now_stamp()
        store.lock_goal(tx, goal_id, stamp=stamp)
        current = store.read_fields(tx, goal_id)
        announced = current["announced"]
        if announced and on.isoformat() < announced:
            raise BadInputError(f"--on {on} is before the goal was announced ({announced})")
        event: dict[str, Any] = {
            "on_date": on.isoformat(),
            "recorded_at": stamp,
            "author": clean_author,
            "status": new_status,
            "progress": new_progress,
            "note": clean_note,
            "evidence": items,
        }
        if deadline_text is not None:
            reference = date.fromisoformat(announced) if announced else on
            parsed = read_deadline(deadline_text, reference=reference)
            event.update(
                deadline=parsed.date.isoformat(),
                deadline_text=parsed.text,
                deadline_precision=parsed.precision,
            )
        if plus or minus:
            tags = edits.get("tags", current["tags"])
            edits["tags"] = [t for t in tags if t not in minus] + [t for t in plus if t not in tags]
        changes = store.changed_fields(current, edits)
        if not changes and not records_news:
            # Only field edits were asked for, and the goal already has those values: an
            # event saying "(no change)" would add noise to the history, not a fact.
            raise TrackerError(
                f"nothing to record: {current['key']} already has the values given"
                + (" (the tags to remove are not on it)" if minus and not plus else "")
            )
        if changes:
            if "announced" in changes and changes["announced"]["to"]:
                first = tx.scalar(
                    "SELECT MIN(on_date) FROM event WHERE goal_id = :g", {"g": goal_id}
                )
                if first and changes["announced"]["to"] > first:
                    raise BadInputError(
                        f"announced {changes['announced']['to']} is after the goal's first "
                        f"recorded event ({first})"
                    )
            event["changes"] = changes
            store.update_fields(tx, goal_id, {name: c["to"] for name, c in changes.items()})
        written = store.append_events(tx, goal_id, [event], stamp=stamp)
        return UpdateResult(
            current["key"], written.event_ids[0], written.evidence[0], sorted(changes)
        )

    return db.write(work)


# --- reading ------------------------------------------------------------------------------
def list_goals(
    db: Database, *, as_of: date, filters: history.Filters | None = None, sort: str = "deadline"
) -> list[Goal]:
    return history.goals_as_of(db, as_of=as_of, filters=filters, sort=sort)


def iter_goals(
    db: Database, *, as_of: date, filters: history.Filters | None = None, sort: str = "deadline"
) -> Iterator[Goal]:
    """list_goals one goal at a time, from the database cursor (memory flat in the count)."""
    return history.iter_goals_as_of(db, as_of=as_of, filters=filters, sort=sort)


# The event's columns from on_date on (named as the interchange format names them: on_date is
# `on`), then its id and goal id, then its retraction (NULLs when it stands).
_EVENT_SQL = (
    f"SELECT {', '.join('e.' + c for c in EVENT.columns[2:])}, e.id, e.goal_id, "
    "r.retracted_by, r.retracted_at, r.note FROM event e LEFT JOIN retraction r ON r.event_id = e.id"
)
# With no retraction in the database the join is skipped (bench/README.md).
_EVENT_SQL_UNRETRACTED = (
    f"SELECT {', '.join('e.' + c for c in EVENT.columns[2:])}, e.id, e.goal_id, "
    "NULL, NULL, NULL FROM event e"
)
_ID, _GOAL, _RETRACTED = len(EVENT.columns) - 2, len(EVENT.columns) - 1, len(EVENT.columns)
_CHANGES = _EVENT_KEYS.index("changes")


def iter_histories(
    db: Database, goal_id: int | None = None, *, with_ids: bool = False
) -> Iterator[tuple[int, list[dict[str, Any]], list[dict[str, Any]]]]:
    """(goal id, events, evidence) of every goal with events (or of `goal_id`), in goal id
    order: events in date order, each with its evidence and `retracted` ({by, at, note} or
    None); evidence of the goal's live events in the order of those events. Two ordered
    scans (events, evidence) merged goal by goal: memory holds one goal's history at a time.
    `with_ids` puts each event's id first."""
    # The two streams must share one transaction (on PostgreSQL a server-side cursor lives
    # only as long as the transaction that declared it).
    with db.snapshot():
        yield from _histories(db, goal_id, with_ids)


def _histories(
    db: Database, goal_id: int | None, with_ids: bool
) -> Iterator[tuple[int, list[dict[str, Any]], list[dict[str, Any]]]]:
    where, params = "", {}
    if goal_id is not None:
        where, params = " WHERE goal_id = :g", {"g": goal_id}
    retractions = db.scalar("SELECT 1 FROM retraction LIMIT 1") is not None
    events = groupby(
        db.stream(
            (_EVENT_SQL if retractions else _EVENT_SQL_UNRETRACTED)
            + where.replace("goal_id", "e.goal_id")
            + " ORDER BY e.goal_id, e.on_date, e.id",
            params,
        ),
        itemgetter(_GOAL),
    )
    evidence_groups = groupby(
        db.stream(
            f"SELECT goal_id, event_id, url, title, published, kind FROM evidence{where} "
            "ORDER BY goal_id, id",
            params,
        ),
        itemgetter(0),
    )
    pending = next(evidence_groups, None)
    no_evidence: list[dict[str, Any]] = []
    # Names bound locally: the loop below runs once per event, and a local is read faster
    # than a module global (bench/README.md, export).
    keys, loads, changes_at, id_at, retracted_at = (
        _EVENT_KEYS,
        orjson.loads,
        _CHANGES,
        _ID,
        _RETRACTED,
    )
    for gid, rows in events:
        by_event: dict[int, list[dict[str, Any]]] = {}
        while pending is not None and pending[0] < gid:
            pending = next(evidence_groups, None)
        if pending is not None and pending[0] == gid:
            for _, event_id, url, title, published, kind in pending[1]:
                link = {"url": url, "title": title, "published": published, "kind": kind}
                if event_id in by_event:
                    by_event[event_id].append(link)
                else:
                    by_event[event_id] = [link]
            pending = next(evidence_groups, None)
        items: list[dict[str, Any]] = []
        # A goal's evidence in the order of the events that added it (as `events` lists
        # them), not of recording: an import replays events by date, so only this order
        # survives a round trip.
        evidence: list[dict[str, Any]] = []
        for row in rows:
            # zip stops at the names: the dict is built in C, by name (bench/README.md).
            item = dict(zip(keys, row, strict=False))
            if with_ids:
                item = {"id": row[id_at], **item}
            changes = row[changes_at]
            if changes is not None:
                item["changes"] = loads(changes) if changes else None
            links = by_event.get(row[id_at], no_evidence) if by_event else no_evidence
            item["evidence"] = links
            if row[retracted_at] is None:
                if links:
                    evidence += links
                item["retracted"] = None
            else:
                item["retracted"] = {
                    "by": row[retracted_at],
                    "at": row[retracted_at + 1],
                    "note": row[retracted_at + 2],
                }
            items.append(item)
        yield gid, items, evidence


def events_and_evidence(
    db: Database, goal_ids: Sequence[int] | None = None, *, with_ids: bool = False
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[dict[str, Any]]]]:
    """iter_histories gathered by goal id (of one goal when `goal_ids` holds one id)."""
    one = goal_ids[0] if goal_ids is not None and len(goal_ids) == 1 else None
    events: dict[int, list[dict[str, Any]]] = {}
    evidence: dict[int, list[dict[str, Any]]] = {}
    for gid, items, links in iter_histories(db, one, with_ids=with_ids):
        events[gid] = items
        if links:
            evidence[gid] = links
    return events, evidence


def goal_detail(db: Database, *, ref: str, as_of: date) -> dict[str, Any]:
    """One goal (state as of `as_of`) with its whole history and evidence."""
    goal_id = find_goal_id(db, ref)
    goals = history.goals_as_of(
        db,
        as_of=as_of,
        filters=history.Filters(
            keys=[str(db.scalar("SELECT key FROM goal WHERE id = :g", {"g": goal_id}))]
        ),
    )
    if not goals:  # not yet announced on that date: show the stored goal, state empty
        goals = history.goals_as_of(
            db,
            as_of=date.max,
            filters=history.Filters(
                keys=[str(db.scalar("SELECT key FROM goal WHERE id = :g", {"g": goal_id}))]
            ),
        )
        goals[0].status = None
        goals[0].overdue = False
    detail = goals[0].to_dict()
    detail["events"], detail["evidence"] = [], []
    for _, items, links in iter_histories(db, goal_id, with_ids=True):
        detail["events"], detail["evidence"] = items, links
    return detail


def _export_query(
    db: Database, as_of: date, filters: history.Filters | None
) -> tuple[str, dict[str, Any]]:
    # Every event is in the past of the latest one: the goal rows' cached state is the state.
    return history.goals_query(
        as_of=max(as_of, latest_event_date(db)),
        filters=filters or history.Filters(),
        sort="id",
        cached=True,
    )


def count_export(db: Database, *, as_of: date, filters: history.Filters | None = None) -> int:
    """How many goals export_goals gives."""
    sql, params = _export_query(db, as_of, filters)
    return int(db.scalar(f"SELECT count(*) FROM ({sql}) n", params))


def iter_export(
    db: Database, *, as_of: date, filters: history.Filters | None = None
) -> Iterator[dict[str, Any]]:
    """export_goals one goal at a time: the goals cursor (in id order) merged with the
    ordered scans of events and evidence, so memory holds one goal, not the document."""
    with db.snapshot():  # one transaction for the three cursors (see iter_histories)
        yield from _export(db, as_of, filters)


def _export(db: Database, as_of: date, filters: history.Filters | None) -> Iterator[dict[str, Any]]:
    sql, params = _export_query(db, as_of, filters)
    bound = as_of.isoformat()
    histories = iter_histories(db)
    pending = next(histories, None)
    no_items: list[dict[str, Any]] = []
    # Bound locally for the loop, once per goal (as in _histories).
    names, loads, overdue, tags_at, deadline_at, status_at = (
        GOAL_READ,
        orjson.loads,
        overdue_before,
        GOAL_READ.index("tags"),
        GOAL_READ.index("deadline"),
        GOAL_READ.index("status"),
    )
    for row in db.stream(sql, params):
        item = dict(zip(names, row, strict=True))
        tags = row[tags_at]
        item["tags"] = loads(tags) if tags and tags != "[]" else []
        item["overdue"] = overdue(row[deadline_at], row[status_at], bound)
        gid = row[0]
        while pending is not None and pending[0] < gid:
            pending = next(histories, None)
        if pending is not None and pending[0] == gid:
            item["events"], item["evidence"] = pending[1], pending[2]
            pending = next(histories, None)
        else:
            item["events"], item["evidence"] = no_items, no_items
        yield item


def export_goals(
    db: Database, *, as_of: date, filters: history.Filters | None = None
) -> list[dict[str, Any]]:
    """Every goal (or those matching filters) with events and evidence: the interchange
    document's items (iter_export gives them one at a time)."""
    return list(iter_export(db, as_of=as_of, filters=filters))


def latest_event_date(db: Database) -> date:
    value = db.scalar("SELECT MAX(on_date) FROM event")
    return date.fromisoformat(value) if value else date.min


def tracked_texts(db: Database) -> list[dict[str, str | None]]:
    """Key, titles and quote of every goal: what `extract` compares candidates with."""
    return [
        {"key": k, "title": t, "title_original": o, "quote": q}
        for k, t, o, q in db.all("SELECT key, title, title_original, quote FROM goal ORDER BY id")
    ]


def database_identity(db: Database) -> str:
    """What tells this database from another that holds the same keys: the stamp of its first
    goal (goals are never deleted, so it never changes). Calendar UIDs are built from it."""
    first = db.scalar("SELECT MIN(created_at) FROM goal")
    return str(first) if first else "empty"


# --- corrections --------------------------------------------------------------------------
_EVENT_SHOWN = ("id", "goal_id", "on_date", "recorded_at", "recorded_by", "author", *EVENT_STATE)


def _event_summary(db: Database, where: str, params: dict[str, Any]) -> dict[str, Any] | None:
    row = db.one(
        f"SELECT {', '.join('e.' + c for c in _EVENT_SHOWN)}, e.note, g.key, r.id FROM event e "
        "JOIN goal g ON g.id = e.goal_id LEFT JOIN retraction r ON r.event_id = e.id "
        f"WHERE {where} ORDER BY e.id DESC LIMIT 1",
        params,
    )
    if row is None:
        return None
    event = dict(zip((*_EVENT_SHOWN, "note", "key"), row, strict=False))
    event["retracted"] = row[-1] is not None
    return event


def find_event(db: Database, *, ref: str) -> dict[str, Any]:
    """An event by id (as `show` lists them); unknown is NotFoundError (exit 1)."""
    text = ref.strip()
    if not (text.isdigit() and len(text) < 19):
        raise BadInputError(f"event id must be a number, not {shorten(ref)}")
    event = _event_summary(db, "e.id = :e", {"e": int(text)})
    if event is None:
        raise NotFoundError(f"unknown event {text}: `tracker show GOAL` lists event ids")
    return event


def last_event_of(db: Database, *, recorder: str | None) -> dict[str, Any]:
    """The last event (in recording order) recorded by `recorder` and not retracted."""
    event = (
        None
        if recorder is None
        else _event_summary(db, f"e.recorded_by = :me AND {history.LIVE_EVENT}", {"me": recorder})
    )
    if event is None:
        raise NotFoundError(f"nothing to undo: no event recorded by {recorder or 'you'} stands")
    return event


def retract_event(db: Database, *, event_id: int, note: str | None) -> dict[str, Any]:
    """Retract an event: it stays in the history, marked, and derived views skip it.

    Refused (exit 1) for an event already retracted, and for a goal's only remaining event
    that sets its status (without one the goal would vanish from every view)."""
    why = clean_text(note, field_name="note", multiline=True)
    if why is None:
        raise BadInputError("a retraction needs --note saying why the event was wrong")

    def work(tx: Database) -> dict[str, Any]:
        event = find_event(tx, ref=str(event_id))
        stamp = now_stamp()
        store.lock_goal(tx, event["goal_id"], stamp=stamp)
        if tx.scalar("SELECT 1 FROM retraction WHERE event_id = :e", {"e": event_id}):
            raise ConflictError(f"event {event_id} is already retracted")
        if event["status"] is not None:
            others = tx.scalar(
                "SELECT count(*) FROM event e WHERE e.goal_id = :g AND e.id <> :e "
                f"AND e.status IS NOT NULL AND {history.LIVE_EVENT}",
                {"g": event["goal_id"], "e": event_id},
            )
            if not others:
                raise ConflictError(
                    f"event {event_id} is the only remaining initial event of {event['key']} "
                    "(no other sets its status): record the right status with "
                    "`tracker update` first, then retract it"
                )
        store.retract(tx, event_id, note=why, stamp=stamp)
        return {**event, "retracted": True, "retracted_at": stamp, "note_why": why}

    return db.write(work)
