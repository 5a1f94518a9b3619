"""schema.py names every column once: models.py, the migrations and the readers agree with it."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

from tests.conftest import ROOT
from tracker import models, schema
from tracker.db import Database
from tracker.domain import Goal

SRC = ROOT / "src" / "tracker"


def test_models_define_the_schema_columns_in_order() -> None:
    for table in schema.TABLES:
        model = models.metadata.tables[table.name]
        assert tuple(c.name for c in model.columns) == table.columns, table.name
    assert {t.name for t in schema.TABLES} == set(models.metadata.tables)


def test_migrated_tables_have_the_schema_columns_in_order(db: Database) -> None:
    for table in schema.TABLES:
        if db.dialect == "sqlite":
            names = tuple(row[1] for row in db.all(f"PRAGMA table_info({table.name})"))
        else:
            names = tuple(
                str(row[0])
                for row in db.all(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = :t ORDER BY ordinal_position",
                    {"t": table.name},
                )
            )
        assert names == table.columns, table.name


def test_goal_reads_the_schema_fields_then_overdue() -> None:
    assert tuple(f.name for f in fields(Goal)) == (*schema.GOAL_READ, "overdue")
    assert ("id", "key", *schema.GOAL_FIELDS, *schema.GOAL_STATE) == schema.GOAL_READ
    assert schema.GOAL_STATE[: len(schema.EVENT_STATE)] == schema.EVENT_STATE


def test_insert_sql_names_every_column_but_the_id() -> None:
    sql = schema.EVIDENCE.insert_sql(returning=True)
    assert sql == (
        "INSERT INTO evidence (goal_id, event_id, url, title, published, kind) "
        "VALUES (:goal_id, :event_id, :url, :title, :published, :kind) RETURNING id"
    )


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_schema_imports_nothing_of_the_project() -> None:
    assert not {m for m in _imports(SRC / "schema.py") if m.startswith("tracker")}


def test_only_the_store_writes_goals_events_and_evidence() -> None:
    """One write path: no other module inserts into or updates the three tables."""
    writers = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for table in ("goal", "event", "evidence"):
            if f"INSERT INTO {table} " in text or f"UPDATE {table} SET" in text:
                writers.add(path.relative_to(SRC).as_posix())
    assert writers <= {"store.py", "schema.py"}, writers
