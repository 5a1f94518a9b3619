"""`tracker db upgrade|status`: the schema and where the data lives."""

from __future__ import annotations

import typer

from tracker.cli import common

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
            lines.append(f"contents: {goals} goals, {events} events, {evidence} evidence links")
    common.emit("\n".join(lines) + "\n")
