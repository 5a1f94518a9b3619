"""The columns of the three tables, named once. Imports nothing: every layer may use it.

models.py (and so the migrations) define the same tables for SQLAlchemy; tests/test_schema.py
holds both to these tuples, so a column added here and not there (or the other way) fails.
Rows are read and written by these names, never by position in a hand-written list.
"""

from __future__ import annotations

from dataclasses import dataclass

# What a user edits on a goal (add's options, update's field edits, an import row's fields).
GOAL_FIELDS = (
    "title",
    "title_original",
    "description",
    "owner",
    "area",
    "tags",  # a JSON list of lower-case tags
    "source",
    "source_url",
    "announced",
    "quote",
)
# What an event may set; the state of a goal on a day is folded from these.
EVENT_STATE = ("status", "progress", "deadline", "deadline_text", "deadline_precision")
# The goal row caches the state after its latest event, and the first deadline it had.
GOAL_STATE = (*EVENT_STATE, "original_deadline")
# A goal as read (domain.Goal's stored fields, in this order): identity, fields, state.
GOAL_READ = ("id", "key", *GOAL_FIELDS, *GOAL_STATE)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # in the order of the table's definition

    @property
    def written(self) -> tuple[str, ...]:
        """The columns an INSERT names: all but the generated id."""
        return tuple(c for c in self.columns if c != "id")

    def insert_sql(self, returning: bool = False) -> str:
        cols = self.written
        sql = (
            f"INSERT INTO {self.name} ({', '.join(cols)}) "
            f"VALUES ({', '.join(':' + c for c in cols)})"
        )
        return sql + " RETURNING id" if returning else sql


GOAL = Table("goal", (*GOAL_READ, "created_at", "updated_at"))
# `author` is who the change is for (--author, $TRACKER_AUTHOR, else the recorder);
# `recorded_by` is who wrote it: PostgreSQL's session_user, SQLite's login name (NULL for
# events recorded before revision 0002, whose recorder nobody knows).
EVENT = Table(
    "event",
    (
        "id",
        "goal_id",
        "on_date",
        "recorded_at",
        "author",
        *EVENT_STATE,
        "note",
        "changes",
        "recorded_by",
    ),
)
EVIDENCE = Table("evidence", ("id", "goal_id", "event_id", "url", "title", "published", "kind"))
# A retracted event stays in the history; every derived view skips it (one per event).
RETRACTION = Table("retraction", ("id", "event_id", "retracted_by", "retracted_at", "note"))
# Who imported what, and when: a summary per import run (`tracker db status`).
IMPORT_LOG = Table(
    "import_log",
    ("id", "imported_at", "imported_by", "source", "goals", "events", "kept_recorders"),
)
TABLES = (GOAL, EVENT, EVIDENCE, RETRACTION, IMPORT_LOG)
# The tables holding history: append-only for everyone but the database owner.
HISTORY_TABLES = ("event", "evidence", "retraction", "import_log")
