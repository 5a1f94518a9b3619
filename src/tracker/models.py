"""SQLModel tables: the definition of the schema. Alembic migrations are generated from these.

Dates are stored as ISO-8601 text (`YYYY-MM-DD`, timestamps `YYYY-MM-DDTHH:MM:SS.ffffffZ`) on
both backends so that one set of SQL statements behaves the same on SQLite and PostgreSQL and
comparisons are plain string comparisons. Commands read and write through `tracker.db` with
those statements; this module is imported only by migrations and tests (SQLModel is slow to
import and not needed to run a query).
"""

from __future__ import annotations

from sqlalchemy import Index, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

# Stable constraint names, so that migrations can alter them on SQLite (batch mode) and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata

ISO_DATE = 10
TIMESTAMP = 32


class Goal(SQLModel, table=True):
    """A commitment. Status, progress and deadline columns cache the latest events' values."""

    __table_args__ = (
        Index("ix_goal_status", "status"),
        Index("ix_goal_area", "area"),
        Index("ix_goal_deadline", "deadline"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    title: str
    title_original: str | None = None
    description: str | None = None
    owner: str | None = Field(default=None, max_length=500)
    area: str | None = Field(default=None, max_length=500)
    tags: str = Field(default="[]", description="JSON array of lower-case tags")
    source: str | None = None
    source_url: str | None = Field(default=None, max_length=2048)
    announced: str | None = Field(default=None, max_length=ISO_DATE)
    quote: str | None = None
    status: str = Field(default="not_started", max_length=24)
    progress: int | None = None
    deadline: str | None = Field(default=None, max_length=ISO_DATE)
    deadline_text: str | None = Field(default=None, max_length=500)
    deadline_precision: str | None = Field(default=None, max_length=10)
    original_deadline: str | None = Field(default=None, max_length=ISO_DATE)
    created_at: str = Field(max_length=TIMESTAMP)
    updated_at: str = Field(max_length=TIMESTAMP)


class Event(SQLModel, table=True):
    """One recorded change, effective on `on_date`. Append-only: never updated or deleted."""

    __table_args__ = (
        Index("ix_event_goal_on", "goal_id", "on_date", "id"),
        Index("ix_event_on", "on_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id")
    on_date: str = Field(max_length=ISO_DATE)
    recorded_at: str = Field(max_length=TIMESTAMP)
    author: str | None = Field(default=None, max_length=500)
    status: str | None = Field(default=None, max_length=24)
    progress: int | None = None
    deadline: str | None = Field(default=None, max_length=ISO_DATE)
    deadline_text: str | None = Field(default=None, max_length=500)
    deadline_precision: str | None = Field(default=None, max_length=10)
    note: str | None = None
    changes: str | None = Field(default=None, description="JSON object of edited fields")
    recorded_by: str | None = Field(default=None, max_length=500)


class Evidence(SQLModel, table=True):
    """A link supporting a goal's history, added by one event. A URL appears once among a
    goal's live (not retracted) events: the writer checks; a retracted event keeps its links."""

    __table_args__ = (UniqueConstraint("event_id", "url", name="uq_evidence_event_url"),)

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    url: str = Field(max_length=2048)
    title: str | None = None
    published: str | None = Field(default=None, max_length=ISO_DATE)
    kind: str | None = Field(default=None, max_length=16)


class Retraction(SQLModel, table=True):
    """An event declared wrong: it stays in the history, derived views skip it."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", unique=True)
    retracted_by: str | None = Field(default=None, max_length=500)
    retracted_at: str = Field(max_length=TIMESTAMP)
    note: str


class ImportLog(SQLModel, table=True):
    """One import run: who ran it, when, from which file, and what it added."""

    __tablename__ = "import_log"

    id: int | None = Field(default=None, primary_key=True)
    imported_at: str = Field(max_length=TIMESTAMP)
    imported_by: str | None = Field(default=None, max_length=500)
    source: str | None = None
    goals: int
    events: int
    kept_recorders: bool = Field(description="recorded_by taken from the file (owner import)")
