"""Floors: what the same work costs in plain Python with stdlib sqlite3 and json only.

Run as whole processes by bench/run.py, next to the tracker commands they bound:

    python bench/floors.py list DB QUERY.json     # tracker list's own query, rows printed
    python bench/floors.py quarterly DB YEAR      # status at 4 quarter ends from one event scan
    python bench/floors.py export DB              # goals + events + evidence, json.dumps(indent=2)
    python bench/floors.py export-json1 DB        # the same document built by SQLite, streamed
    python bench/floors.py export-orjson DB [MODULE ...]  # tracker's bytes, by sqlite3 + orjson
    python bench/floors.py import DB FILE         # import file → executemany, one transaction

QUERY.json holds tracker's own state-as-of query and parameters (run.py writes it from
tracker.history), so the list floor runs the same SQL as `tracker list`. Nothing from tracker
is imported here: a floor is the interpreter, sqlite3 and the work, nothing else — and, for
export-orjson, orjson (the JSON writer tracker names as a dependency) and any MODULEs given
(typer.main: the start-up every tracker command pays for its CLI framework).
"""

from __future__ import annotations

import gc
import importlib
import json
import sqlite3
import sys
from datetime import UTC, date, datetime
from itertools import groupby, islice
from operator import itemgetter
from typing import TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from collections.abc import Iterator

PRAGMAS = ("busy_timeout=30000", "journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON")


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute("PRAGMA " + pragma)
    return conn


def _out(rows: list[tuple[object, ...]]) -> None:
    write = sys.stdout.write
    for row in rows:
        write("  ".join("—" if v is None else str(v) for v in row) + "\n")


def _query(query_file: str) -> tuple[str, dict[str, object]]:
    with open(query_file, encoding="utf-8") as fh:
        spec = json.load(fh)
    return spec["sql"], spec["params"]


def floor_list(db: str, query_file: str) -> None:
    """The query `tracker list` runs (SQL and parameters written by run.py), rows printed."""
    sql, params = _query(query_file)
    conn = connect(db)
    conn.execute("SELECT MAX(on_date) FROM event").fetchone()
    _out(conn.execute(sql, params).fetchall())


def floor_quarterly(db: str, year: str) -> None:
    """Status (and overdue mark) of every goal at each quarter's end, one table out: one ordered
    scan of the status/deadline events up to the last quarter's end, folded per goal."""
    conn = connect(db)
    ends = [f"{year}-03-31", f"{year}-06-30", f"{year}-09-30", f"{year}-12-31"]
    final = ("achieved", "partially_achieved", "missed", "dropped")
    titles = {
        gid: (key, title) for gid, key, title in conn.execute("SELECT id, key, title FROM goal")
    }
    rows: list[tuple[object, ...]] = []
    gid_now, events = None, []

    def fold(gid: int, evs: list[tuple[str, str | None, str | None]]) -> None:
        cells, status, deadline, i = [], None, None, 0
        for end in ends:
            while i < len(evs) and evs[i][0] <= end:
                status = evs[i][1] or status
                deadline = evs[i][2] or deadline
                i += 1
            late = status and deadline and status not in final and deadline <= end
            cells.append(f"{status}{' !' if late else ''}" if status else "·")
        rows.append((gid, *titles[gid], *cells))

    for gid, on, status, deadline in conn.execute(
        "SELECT goal_id, on_date, status, deadline FROM event WHERE on_date <= :last "
        "AND (status IS NOT NULL OR deadline IS NOT NULL) ORDER BY goal_id, on_date, id",
        {"last": ends[-1]},
    ):
        if gid != gid_now:
            if gid_now is not None:
                fold(gid_now, events)
            gid_now, events = gid, []
        events.append((on, status, deadline))
    if gid_now is not None:
        fold(gid_now, events)
    _out(rows)


def floor_export(db: str) -> None:
    conn = connect(db)
    cols = [
        "id", "key", "title", "title_original", "description", "owner", "area", "tags",
        "source", "source_url", "announced", "quote", "status", "progress", "deadline",
        "deadline_text", "deadline_precision", "original_deadline",
    ]  # fmt: skip
    ecols = [
        "id", "goal_id", "on_date", "recorded_at", "author", "status", "progress", "deadline",
        "deadline_text", "deadline_precision", "note", "changes",
    ]  # fmt: skip
    ev_by_event: dict[int, list[dict[str, object]]] = {}
    ev_by_goal: dict[int, list[dict[str, object]]] = {}
    for gid, eid, url, title, published, kind in conn.execute(
        "SELECT goal_id, event_id, url, title, published, kind FROM evidence ORDER BY id"
    ):
        item = {"url": url, "title": title, "published": published, "kind": kind}
        ev_by_event.setdefault(eid, []).append(item)
        ev_by_goal.setdefault(gid, []).append(item)
    events: dict[int, list[dict[str, object]]] = {}
    for row in conn.execute(f"SELECT {', '.join(ecols)} FROM event ORDER BY goal_id, on_date, id"):
        e = dict(zip(ecols, row, strict=True))
        events.setdefault(e["goal_id"], []).append(
            {
                "on": e["on_date"],
                "recorded_at": e["recorded_at"],
                "author": e["author"],
                "status": e["status"],
                "progress": e["progress"],
                "deadline": e["deadline"],
                "deadline_text": e["deadline_text"],
                "deadline_precision": e["deadline_precision"],
                "note": e["note"],
                "changes": json.loads(e["changes"]) if e["changes"] else None,
                "evidence": ev_by_event.get(e["id"], []),
            }
        )
    goals = []
    for row in conn.execute(f"SELECT {', '.join(cols)} FROM goal ORDER BY id"):
        g = dict(zip(cols, row, strict=True))
        g["tags"] = json.loads(g["tags"] or "[]")
        g["events"] = events.get(g["id"], [])
        g["evidence"] = ev_by_goal.get(g["id"], [])
        goals.append(g)
    sys.stdout.write(json.dumps({"goals": goals}, ensure_ascii=False, indent=2) + "\n")


# The interchange document built by SQLite itself (json_object / json_group_array), written one
# compact goal per line as it is read: what `export` can cost when Python never builds the dicts.
EXPORT_JSON1 = """
SELECT json_object(
 'id', g.id, 'key', g.key, 'title', g.title, 'title_original', g.title_original,
 'description', g.description, 'owner', g.owner, 'area', g.area, 'tags', json(g.tags),
 'source', g.source, 'source_url', g.source_url, 'announced', g.announced, 'quote', g.quote,
 'status', g.status, 'progress', g.progress, 'deadline', g.deadline,
 'deadline_text', g.deadline_text, 'deadline_precision', g.deadline_precision,
 'original_deadline', g.original_deadline,
 'overdue', json(CASE WHEN g.deadline < :today AND g.status NOT IN
   ('achieved', 'partially_achieved', 'missed', 'dropped') THEN 'true' ELSE 'false' END),
 'events', (SELECT json_group_array(json(ej)) FROM (
    SELECT json_object('on', e.on_date, 'recorded_at', e.recorded_at, 'author', e.author,
      'status', e.status, 'progress', e.progress, 'deadline', e.deadline,
      'deadline_text', e.deadline_text, 'deadline_precision', e.deadline_precision,
      'note', e.note, 'changes', json(e.changes),
      'evidence', (SELECT json_group_array(json_object('url', v.url, 'title', v.title,
                     'published', v.published, 'kind', v.kind))
                   FROM evidence v WHERE v.event_id = e.id)) AS ej
    FROM event e WHERE e.goal_id = g.id ORDER BY e.on_date, e.id)),
 'evidence', (SELECT json_group_array(json_object('url', v.url, 'title', v.title,
                'published', v.published, 'kind', v.kind))
              FROM (SELECT * FROM evidence v WHERE v.goal_id = g.id ORDER BY v.id) v)
) FROM goal g ORDER BY g.id
"""


def floor_export_json1(db: str) -> None:
    conn = connect(db)
    write = sys.stdout.write
    write('{"goals": [\n')
    first = True
    for (text,) in conn.execute(EXPORT_JSON1, {"today": datetime.now(UTC).date().isoformat()}):
        write(text if first else ",\n" + text)
        first = False
    write("\n]}\n")


GOAL_COLUMNS = (
    "id", "key", "title", "title_original", "description", "owner", "area", "tags", "source",
    "source_url", "announced", "quote", "status", "progress", "deadline", "deadline_text",
    "deadline_precision", "original_deadline",
)  # fmt: skip
EVENT_KEYS = (
    "on", "recorded_at", "author", "status", "progress", "deadline", "deadline_text",
    "deadline_precision", "note", "changes", "recorded_by",
)  # fmt: skip
FINAL = frozenset(("achieved", "partially_achieved", "missed", "dropped"))


def floor_export_orjson(db: str, *modules: str) -> None:
    """`tracker export --format json`'s very bytes (run.py checks them) with nothing of
    tracker's: three ordered scans merged goal by goal, dicts built by zip, orjson writing 100
    goals a time, the collector off. The least the interpreter can do for this document."""
    for module in modules:
        importlib.import_module(module)
    gc.disable()
    conn = connect(db)
    if conn.execute("SELECT 1 FROM retraction LIMIT 1").fetchone():
        sys.exit("export-orjson: the database has retractions; this floor writes none")
    today = date.today().isoformat()  # as tracker's default --as-of
    events = groupby(
        conn.execute(
            "SELECT on_date, recorded_at, author, status, progress, deadline, deadline_text, "
            "deadline_precision, note, changes, recorded_by, id, goal_id FROM event "
            "ORDER BY goal_id, on_date, id"
        ),
        itemgetter(12),
    )
    evidence = groupby(
        conn.execute(
            "SELECT goal_id, event_id, url, title, published, kind FROM evidence "
            "ORDER BY goal_id, id"
        ),
        itemgetter(0),
    )
    next_events, next_evidence = next(events, None), next(evidence, None)
    loads = orjson.loads

    def goals() -> Iterator[dict[str, object]]:
        nonlocal next_events, next_evidence
        for row in conn.execute(
            f"SELECT {', '.join(GOAL_COLUMNS)} FROM goal WHERE status IS NOT NULL ORDER BY id"
        ):
            goal = dict(zip(GOAL_COLUMNS, row, strict=True))
            tags, deadline = row[7], row[14]
            goal["tags"] = loads(tags) if tags and tags != "[]" else []
            goal["overdue"] = deadline is not None and deadline < today and row[12] not in FINAL
            gid, items, links = row[0], [], []
            while next_evidence is not None and next_evidence[0] < gid:
                next_evidence = next(evidence, None)
            by_event: dict[int, list[dict[str, object]]] = {}
            if next_evidence is not None and next_evidence[0] == gid:
                for _, event_id, url, title, published, kind in next_evidence[1]:
                    link = {"url": url, "title": title, "published": published, "kind": kind}
                    by_event.setdefault(event_id, []).append(link)
                next_evidence = next(evidence, None)
            while next_events is not None and next_events[0] < gid:
                next_events = next(events, None)
            if next_events is not None and next_events[0] == gid:
                for event in next_events[1]:
                    item = dict(zip(EVENT_KEYS, event, strict=False))
                    if event[9] is not None:
                        item["changes"] = loads(event[9]) if event[9] else None
                    item["evidence"] = by_event.get(event[11], [])
                    links += item["evidence"]
                    item["retracted"] = None
                    items.append(item)
                next_events = next(events, None)
            goal["events"], goal["evidence"] = items, links
            yield goal

    out = sys.stdout.buffer
    head, tail = b'{\n  "goals": [', b"\n  ]\n}"
    out.write(head)
    iterator, first = goals(), True
    while group := list(islice(iterator, 100)):
        text = orjson.dumps({"goals": group}, option=orjson.OPT_INDENT_2)
        out.write((b"\n" if first else b",\n") + text[len(head) + 1 : -len(tail)])
        first = False
    out.write(b"]\n}\n" if first else tail + b"\n")


def floor_import(db: str, path: str) -> None:
    """The rows tracker import writes for new goals, inserted with executemany in one transaction."""
    with open(path, encoding="utf-8-sig") as fh:
        doc = json.load(fh)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    goal_rows, event_rows, evidence_rows = [], [], []
    event_id = evidence_id = 0
    for gid, g in enumerate(doc["goals"], start=1):
        status = progress = deadline = text = precision = original = None
        seen: set[str] = set()
        for e in sorted(g.get("events") or [], key=lambda e: e["on"]):
            event_id += 1
            if e.get("status") is not None:
                status = e["status"]
            if e.get("progress") is not None:
                progress = e["progress"]
            if e.get("deadline") is not None:
                deadline, text, precision = (
                    e["deadline"],
                    e.get("deadline_text"),
                    e.get("deadline_precision"),
                )
                original = original or deadline
            event_rows.append(
                (
                    event_id,
                    gid,
                    e["on"],
                    e.get("recorded_at") or stamp,
                    e.get("author"),
                    e.get("status"),
                    e.get("progress"),
                    e.get("deadline"),
                    e.get("deadline_text"),
                    e.get("deadline_precision"),
                    e.get("note"),
                    json.dumps(e["changes"], ensure_ascii=False, sort_keys=True)
                    if e.get("changes")
                    else None,
                )  # fmt: skip
            )
            for item in e.get("evidence") or []:
                if item["url"] in seen:
                    continue
                seen.add(item["url"])
                evidence_id += 1
                evidence_rows.append(
                    (
                        evidence_id,
                        gid,
                        event_id,
                        item["url"],
                        item.get("title"),
                        item.get("published"),
                        item.get("kind"),
                    )  # fmt: skip
                )
        goal_rows.append(
            (
                gid,
                g["key"],
                g["title"],
                g.get("title_original"),
                g.get("description"),
                g.get("owner"),
                g.get("area"),
                json.dumps(g.get("tags") or [], ensure_ascii=False),
                g.get("source"),
                g.get("source_url"),
                g.get("announced"),
                g.get("quote"),
                status or "not_started",
                progress,
                deadline,
                text,
                precision,
                original,
                stamp,
                stamp,
            )  # fmt: skip
        )
    conn = connect(db)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO goal (id, key, title, title_original, description, owner, area, tags, "
        "source, source_url, announced, quote, status, progress, deadline, deadline_text, "
        "deadline_precision, original_deadline, created_at, updated_at) "
        "VALUES (" + ", ".join("?" * 20) + ")",
        goal_rows,
    )
    conn.executemany(
        "INSERT INTO event (id, goal_id, on_date, recorded_at, author, status, progress, "
        "deadline, deadline_text, deadline_precision, note, changes) "
        "VALUES (" + ", ".join("?" * 12) + ")",
        event_rows,
    )
    conn.executemany(
        "INSERT INTO evidence (id, goal_id, event_id, url, title, published, kind) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        evidence_rows,
    )
    conn.execute("COMMIT")
    conn.close()
    sys.stderr.write(
        f"{len(goal_rows)} goals, {len(event_rows)} events, {len(evidence_rows)} evidence\n"
    )


def main(argv: list[str]) -> int:
    kind, args = argv[0], argv[1:]
    {
        "list": floor_list,
        "quarterly": floor_quarterly,
        "export": floor_export,
        "export-json1": floor_export_json1,
        "export-orjson": floor_export_orjson,
        "import": floor_import,
    }[kind](*args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
