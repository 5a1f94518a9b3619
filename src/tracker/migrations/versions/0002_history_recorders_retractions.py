"""recorders, retractions, import log; history append-only on PostgreSQL

Revision ID: 0002_history
Revises: 0001_initial

Events recorded before this revision keep their author; their recorder is unknown (NULL),
so their author reads as "on behalf of" an unknown recorder.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # autogenerate renders sqlmodel.sql.sqltypes.AutoString
from alembic import op

revision: str = "0002_history"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY_TABLES = ("event", "evidence", "retraction", "import_log")

# Privileges cannot say "insert, but only as yourself", nor protect the history from a role
# granted too much by hand: this trigger does. Anyone but the database owner (or a superuser)
# may only INSERT into the history tables, and the recorder columns become the connected
# role whatever the row says; UPDATE and DELETE are refused.
GUARD = """
CREATE OR REPLACE FUNCTION tracker_is_owner() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, d.datdba, 'MEMBER')
  FROM pg_database d WHERE d.datname = current_database()
$$;
CREATE OR REPLACE FUNCTION tracker_guard_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF tracker_is_owner() THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'the tracker history is append-only: only the database owner may % % rows',
      TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_TABLE_NAME = 'event' THEN
    NEW.recorded_by := session_user;
  ELSIF TG_TABLE_NAME = 'retraction' THEN
    NEW.retracted_by := session_user;
  ELSIF TG_TABLE_NAME = 'import_log' THEN
    NEW.imported_by := session_user;
    NEW.kept_recorders := false;
  END IF;
  RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint("uq_evidence_goal_url", type_="unique")
        batch_op.create_unique_constraint("uq_evidence_event_url", ["event_id", "url"])

    op.create_table(
        "retraction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("retracted_by", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("retracted_at", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_retraction_event_id_event")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retraction")),
        sa.UniqueConstraint("event_id", name=op.f("uq_retraction_event_id")),
    )
    op.create_table(
        "import_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("imported_by", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("goals", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("kept_recorders", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_log")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD)
        for table in HISTORY_TABLES:
            op.execute(
                f"CREATE TRIGGER tracker_guard_{table} BEFORE INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION tracker_guard_history()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in HISTORY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS tracker_guard_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS tracker_guard_history()")
        op.execute("DROP FUNCTION IF EXISTS tracker_is_owner()")
    op.drop_table("import_log")
    op.drop_table("retraction")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint("uq_evidence_event_url", type_="unique")
        batch_op.create_unique_constraint("uq_evidence_goal_url", ["goal_id", "url"])
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("recorded_by")
