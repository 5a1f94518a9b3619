"""Who may use a shared PostgreSQL database, and how: readers read; editors add goals and
record events, evidence and retractions. Nobody but the owner updates or deletes history:
the privileges granted here never include it, and the trigger of migration 0002 refuses it
whatever else a role is given.
"""

from __future__ import annotations

from tracker.db import Database
from tracker.errors import BadInputError, NotFoundError, TrackerError
from tracker.schema import GOAL

READ_TABLES = ("goal", "event", "evidence", "retraction", "import_log", "alembic_version")
# Editors insert history rows and keep the goal rows (fields and the cached state) up to date;
# a goal's id, key and creation time are never updated.
_GOAL_UPDATED = ", ".join(c for c in GOAL.columns if c not in ("id", "key", "created_at"))
EDITOR_WRITES = {
    "goal": f"INSERT, UPDATE ({_GOAL_UPDATED})",
    "event": "INSERT",
    "evidence": "INSERT",
    "retraction": "INSERT",
    "import_log": "INSERT",
}
SERIAL_TABLES = ("goal", "event", "evidence", "retraction", "import_log")
ACCESS = ("reader", "editor")


def _postgres_only(db: Database) -> None:
    if db.dialect != "postgresql":
        raise TrackerError(
            "roles are a PostgreSQL feature: a SQLite database is one file, and its file "
            "permissions (0600 when the tracker creates it) decide who reads or writes it"
        )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant(db: Database, *, role: str, access: str) -> None:
    """Give `role` exactly the rights of `access` (replacing what it had on the tracker)."""
    _postgres_only(db)
    if access not in ACCESS:
        raise BadInputError(f"unknown access {access!r}: reader or editor")
    name = role.strip()
    if not name or "\x00" in name or len(name) > 63:
        raise BadInputError(f"not a role name: {role!r}")

    def work(tx: Database) -> None:
        if not tx.is_owner():
            owner = tx.scalar(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
            )
            raise TrackerError(
                f"only the database owner ({owner}) can grant access; you are {tx.session_user()}"
            )
        row = tx.one(
            "SELECT r.rolsuper, pg_has_role(r.oid, d.datdba, 'MEMBER') FROM pg_roles r, "
            "pg_database d WHERE r.rolname = :r AND d.datname = current_database()",
            {"r": name},
        )
        if row is None:
            raise NotFoundError(
                f"role '{name}' does not exist: create it first (createuser {name}, "
                f"or CREATE ROLE {_quote(name)} LOGIN)"
            )
        if row[0] or row[1]:
            raise TrackerError(
                f"role '{name}' owns the database or is a superuser: it can do everything already"
            )
        who = _quote(name)
        tables = ", ".join(READ_TABLES)
        sequences = [
            str(s)
            for (s,) in tx.all(
                "SELECT pg_get_serial_sequence(t, 'id') FROM unnest(CAST(:t AS text[])) AS t",
                {"t": list(SERIAL_TABLES)},
            )
            if s
        ]
        database = _quote(str(tx.scalar("SELECT current_database()")))
        schema = _quote(str(tx.scalar("SELECT current_schema()")))
        tx.execute(f"REVOKE ALL ON {tables} FROM {who}")
        if sequences:
            tx.execute(f"REVOKE ALL ON SEQUENCE {', '.join(sequences)} FROM {who}")
        tx.execute(f"GRANT CONNECT ON DATABASE {database} TO {who}")
        tx.execute(f"GRANT USAGE ON SCHEMA {schema} TO {who}")
        tx.execute(f"GRANT SELECT ON {tables} TO {who}")
        if access == "editor":
            for table, privileges in EDITOR_WRITES.items():
                tx.execute(f"GRANT {privileges} ON {table} TO {who}")
            if sequences:
                tx.execute(f"GRANT USAGE ON SEQUENCE {', '.join(sequences)} TO {who}")

    db.write(work)


def list_roles(db: Database) -> list[tuple[str, str]]:
    """(role, owner|superuser|editor|reader) for every role that can use the tracker."""
    _postgres_only(db)
    out = []
    for name, is_owner, is_super, can_insert, can_read in db.all(
        "SELECT r.rolname, r.oid = d.datdba, r.rolsuper, "
        "has_table_privilege(r.oid, 'event', 'INSERT'), "
        "has_table_privilege(r.oid, 'event', 'SELECT') "
        "FROM pg_roles r, pg_database d WHERE d.datname = current_database() "
        "AND r.rolname NOT LIKE 'pg\\_%' ORDER BY r.rolname"
    ):
        if is_owner:
            access = "owner"
        elif is_super:
            access = "superuser"
        elif can_insert:
            access = "editor"
        elif can_read:
            access = "reader"
        else:
            continue
        out.append((str(name), access))
    return sorted(
        out, key=lambda item: (("owner", "superuser", "editor", "reader").index(item[1]), item[0])
    )
