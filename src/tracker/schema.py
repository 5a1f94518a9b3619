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
EVENT = Table(
    "event", ("id", "goal_id", "on_date", "recorded_at", "author", *EVENT_STATE, "note", "changes")
)
EVIDENCE = Table("evidence", ("id", "goal_id", "event_id", "url", "title", "published", "kind"))
TABLES = (GOAL, EVENT, EVIDENCE)
