"""`import` and `export`: the interchange document (docs/FORMAT.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli import common
from tracker.cli.options import (
    AreaFilter,
    OwnerFilter,
    Search,
    StatusFilter,
    TagFilter,
    build_filters,
    format_option,
)
from tracker.cli.progress import Progress, progress
from tracker.errors import BadInputError

if TYPE_CHECKING:
    from tracker.history import Filters

EXPORT_FORMATS = ("json", "yaml", "csv", "ics")
# What `import` reads (tracker.importing checks it): the interchange formats.
IMPORT_FORMATS = ("json", "yaml", "csv")


def import_goals(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="JSON, YAML or CSV file (UTF-8).")],
    fmt: Annotated[
        str | None,
        format_option(IMPORT_FORMATS, "Input format", note=" (default: from the file name)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            metavar="DATE",
            help="Date for changes to goals that already exist (default today).",
        ),
    ] = None,
    author: Annotated[
        str | None, typer.Option(metavar="NAME", help="Who records this import.")
    ] = None,
) -> None:
    """Import goals (all or nothing); importing the same file twice changes nothing."""
    from tracker import importing

    effective = common.parse_day(on, "--on")
    with common.require_db() as db, progress(label="import") as bar:
        result = importing.import_file(
            db,
            file,
            fmt=fmt,
            dry_run=dry_run,
            on=effective,
            today=common.today(),
            author=common.author(author),
            on_progress=bar.step,
        )
    verb = "would import" if dry_run else "imported"
    common.note(
        f"{file}: {verb} {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged goals ({result.events} events, "
        f"{result.evidence} evidence links)"
    )


def export_goals(
    fmt: Annotated[
        str,
        format_option(
            EXPORT_FORMATS, help="Output format (ics: a calendar of open goals' deadlines)."
        ),
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (default stdout)."),
    ] = None,
    status: StatusFilter = None,
    area: AreaFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    search: Search = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only overdue goals (ics only).")
    ] = False,
    due_before: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Only deadlines before DATE (YYYY-MM-DD; ics only)."),
    ] = None,
    due_within: Annotated[
        str | None,
        typer.Option(metavar="DAYS", help="Only deadlines in the next DAYS days (ics only)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="ics: goals open on DATE (YYYY-MM-DD), as they stood then; default today.",
        ),
    ] = None,
) -> None:
    """Export goals with their full history and evidence (re-importable), or their deadlines as
    a calendar (--format ics)."""
    from tracker import services

    fmt = common.choice(fmt, EXPORT_FORMATS, "format")
    filters = build_filters(
        status=status,
        area=area,
        owner=owner,
        tag=tag,
        overdue=overdue,
        due_before=due_before,
        due_within=due_within,
        search=search,
    )
    if fmt == "ics":
        _export_ics(filters, common.parse_day(as_of, "--as-of") or common.today(), output)
        return
    used = [
        name
        for name, value in (
            ("--as-of", as_of),
            ("--overdue", overdue or None),
            ("--due-before", due_before),
            ("--due-within", due_within),
        )
        if value is not None
    ]
    if used:
        raise BadInputError(
            f"{', '.join(used)}: only with --format ics (the other formats export every goal's full history)"
        )
    to_stdout = output is None or str(output) == "-"
    # Goals stream from the database cursors to the writer, so the reading happens while the
    # output is written: inside the snapshot. A document scrolling on the terminal gets no bar
    # (it would be drawn into it); a file, `> file` or a pipe gets one counting the goals written.
    with common.require_db() as db, db.snapshot():
        today = common.today()
        goals = services.iter_export(db, as_of=today, filters=filters)
        if to_stdout and common.stdout_is_tty():
            common.write_output_chunks(_export_chunks(fmt, goals), output)
            return
        with progress(label="export") as bar:
            if bar.enabled:  # a terminal on stderr: count first, for the bar's total
                total = services.count_export(db, as_of=today, filters=filters)
                bar.step("writing", 0, total)
                goals = _counted(goals, bar, total)
            common.write_output_chunks(_export_chunks(fmt, goals), output)


def _export_chunks(fmt: str, goals: Iterable[dict[str, Any]]) -> Iterable[str | bytes]:
    from tracker.render import documents

    if fmt == "csv":
        return documents.goals_csv_chunks(goals)
    if fmt == "yaml":
        return documents.yaml_document_chunks("goals", goals)
    return documents.json_document_chunks("goals", goals)


def _counted(
    goals: Iterable[dict[str, Any]], bar: Progress, total: int
) -> Iterator[dict[str, Any]]:
    for done, goal in enumerate(goals, 1):
        yield goal
        if done % 100 == 0 or done == total:
            bar.step("writing", done, total)


def _export_ics(filters: Filters, as_of: date, output: Path | None) -> None:
    from tracker import services
    from tracker.render.ics import calendar_goals, goals_ics

    with common.require_db() as db, db.snapshot():
        goals = services.list_goals(db, as_of=as_of, filters=filters, sort="deadline")
        identity = services.database_identity(db)
    calendar = goals_ics(goals, as_of=as_of, database_id=identity)
    common.write_output_chunks((calendar,), output)
    if output is not None and str(output) != "-":
        n = len(calendar_goals(goals))
        common.note(
            f"{n} deadline{'s' if n != 1 else ''} of open goals on {as_of} written to {output}"
        )
