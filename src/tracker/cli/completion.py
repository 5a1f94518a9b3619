"""Completion values from the database: keys (and ids), areas, owners, tags.

A shell asks on every Tab, so this is a fast path: one read-only query through the DB-API
driver, none of the ORM, the migrations or the schema check, and never a write (a missing
database completes nothing rather than being created). Any failure completes nothing: a
completion must never print an error into the user's command line.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MAX_CANDIDATES = 200
KINDS = ("key", "area", "owner", "tag")


def database_values(
    kind: str, incomplete: str, *, db_option: str | None = None
) -> list[tuple[str, str]]:
    """(value, help) pairs of `kind` starting with `incomplete`, sorted, at most 200."""
    if kind not in KINDS:
        raise ValueError(f"unknown completion kind {kind!r}")
    try:
        from tracker.db import resolve_url

        rows = _query(resolve_url(db_option), kind, incomplete)
        return _candidates(kind, incomplete, rows)
    except Exception:  # noqa: BLE001 - a broken or locked database completes nothing
        return []


def _sql(kind: str, incomplete: str) -> tuple[str, tuple[str, ...]]:
    """The query (with `?` placeholders) for one kind; prefix matching is done in Python so
    that it is the same (case-sensitive) on both backends."""
    if kind == "key":
        if incomplete.isdigit():
            return "SELECT CAST(id AS TEXT), key FROM goal ORDER BY id", ()
        return "SELECT key, title FROM goal ORDER BY key", ()
    if kind == "tag":
        return "SELECT DISTINCT tags FROM goal", ()
    column = "area" if kind == "area" else "owner"
    return f"SELECT DISTINCT {column}, '' FROM goal WHERE {column} IS NOT NULL", ()


def _query(url: str, kind: str, incomplete: str) -> list[tuple[Any, ...]]:
    sql, params = _sql(kind, incomplete)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if not path or path == ":memory:" or not Path(path).is_file():
            return []
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=0.1)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()
    import psycopg

    conninfo = "postgresql://" + url.split("://", 1)[1]
    with psycopg.connect(conninfo, connect_timeout=2) as pg:
        pg.read_only = True
        return list(pg.execute(sql.replace("?", "%s"), params).fetchall())


def _candidates(
    kind: str, incomplete: str, rows: Iterable[tuple[Any, ...]]
) -> list[tuple[str, str]]:
    if kind == "tag":
        tags: set[str] = set()
        for (text,) in rows:
            tags.update(t for t in json.loads(text or "[]") if isinstance(t, str))
        pairs = [(t, "") for t in sorted(tags)]
    else:
        pairs = [(str(value), str(help or "")) for value, help in rows]
        if kind != "key":
            pairs.sort()
    return [p for p in pairs if p[0].startswith(incomplete)][:MAX_CANDIDATES]
