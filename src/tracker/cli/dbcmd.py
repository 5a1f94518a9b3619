"""`tracker db upgrade|status|grant|roles`: the schema, where the data lives, who may use it."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli import common
from tracker.errors import BadInputError

app = typer.Typer(
    help="Database schema and location.",
    epilog="\b\nExamples:\n  tracker db status\n"
    "  tracker --db postgresql+psycopg://me@localhost/goals db upgrade",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command(epilog="\b\nExamples:\n  tracker db upgrade\n  tracker --db archive.db db upgrade")
def upgrade() -> None:
    """Create the schema or upgrade it to the newest revision (safe to run concurrently)."""
    from tracker.migrations import HEAD, ensure_schema

    with common.open_db(migrate=False) as db:
        assert db is not None
        before = ensure_schema(db)  # as found when it was this run's turn to upgrade
    if before == HEAD:
        common.note(f"already at {HEAD}")
    else:
        common.note(f"upgraded {before or 'empty database'} → {HEAD}")


@app.command(epilog="\b\nExamples:\n  tracker db status\n  TRACKER_DB=db/demo.db tracker db status")
def status() -> None:
    """Show the database URL (never a password), its schema revision and what it holds."""
    from tracker.db import display_url, resolve_url
    from tracker.migrations import HEAD, schema_revision

    shown = display_url(resolve_url(common.state.db_option))
    with common.open_db(create=False, migrate=False) as db:
        if db is None:
            common.emit(f"database: {shown}\nschema:   none yet (created on first use)\n")
            return
        revision = schema_revision(db)
        lines = [
            f"database: {shown}",
            f"schema:   {revision or 'none'} (head {HEAD})"
            + ("" if revision == HEAD else " — run `tracker db upgrade`"),
        ]
        if revision is not None:
            with db.snapshot():
                goals = db.scalar("SELECT count(*) FROM goal")
                events = db.scalar("SELECT count(*) FROM event")
                evidence = db.scalar("SELECT count(*) FROM evidence")
                retracted = imports = last = None
                if db.table_exists("retraction"):
                    retracted = db.scalar("SELECT count(*) FROM retraction")
                    imports = db.scalar("SELECT count(*) FROM import_log")
                    last = db.one(
                        "SELECT imported_at, imported_by, source, goals, events FROM import_log "
                        "ORDER BY id DESC LIMIT 1"
                    )
            lines.append(
                f"contents: {goals} goals, {events} events, {evidence} evidence links"
                + (f", {retracted} retracted events" if retracted else "")
            )
            if imports:
                at, by, source, new_goals, new_events = last  # type: ignore[misc]
                lines.append(
                    f"imports:  {imports} (last {at} by {by or 'unknown'}: "
                    f"{source or 'a file'}, {new_goals} new goals, {new_events} events)"
                )
    common.emit("\n".join(lines) + "\n")


@app.command(
    epilog="\b\nExamples:\n  tracker db grant --editor ahmed --editor lin\n"
    "  tracker db grant --reader sam"
)
def grant(
    reader: Annotated[
        list[str] | None, typer.Option("--reader", help="Role that may only read.")
    ] = None,
    editor: Annotated[
        list[str] | None,
        typer.Option("--editor", help="Role that may add goals and record events and retractions."),
    ] = None,
) -> None:
    """Give PostgreSQL roles read or edit access (database owner only; least privilege)."""
    from tracker import roles as access

    if not reader and not editor:
        raise BadInputError("name a role: --reader ROLE or --editor ROLE")
    with common.require_db() as db:
        for name in reader or []:
            access.grant(db, role=name, access="reader")
            common.note(f"{name}: reader")
        for name in editor or []:
            access.grant(db, role=name, access="editor")
            common.note(f"{name}: editor")


@app.command(epilog="\b\nExamples:\n  tracker db roles")
def roles() -> None:
    """List the PostgreSQL roles that can use the tracker, and how."""
    from tracker import roles as access
    from tracker.render.text import table

    with common.require_db() as db:
        found = access.list_roles(db)
    common.emit(table([[name, access] for name, access in found], ["Role", "Access"]) + "\n")
