"""`import` and `export`: the interchange document (docs/FORMAT.md)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common
from tracker.cli.options import (
    AreaFilter,
    OwnerFilter,
    Search,
    StatusFilter,
    TagFilter,
    build_filters,
)

EXPORT_FORMATS = ("json", "yaml", "csv")


def import_goals(
    file: Annotated[Path, typer.Argument(help="JSON, YAML or CSV file (UTF-8).")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="json, yaml or csv (default: from the file name)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report; write nothing.")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Date for changes to goals that already exist (default today)."),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Who records this import.")] = None,
) -> None:
    """Import goals (all or nothing); importing the same file twice changes nothing."""
    from tracker import importing

    effective = common.parse_day(on, "--on")
    with common.require_db() as db:
        result = importing.import_file(
            db,
            file,
            fmt=fmt,
            dry_run=dry_run,
            on=effective,
            today=common.today(),
            author=common.author(author),
        )
    verb = "would import" if dry_run else "imported"
    common.note(
        f"{file}: {verb} {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged goals ({result.events} events, "
        f"{result.evidence} evidence links)"
    )


def export_goals(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, yaml or csv.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (default stdout).")
    ] = None,
    status: StatusFilter = None,
    area: AreaFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    search: Search = None,
) -> None:
    """Export goals with their full history and evidence (re-importable)."""
    from tracker import services
    from tracker.render import goals as render

    fmt = common.choice(fmt, EXPORT_FORMATS, "format")
    filters = build_filters(
        status=status,
        area=area,
        owner=owner,
        tag=tag,
        overdue=False,
        due_before=None,
        due_within=None,
        search=search,
    )
    with common.require_db() as db, db.snapshot():
        goals = services.export_goals(db, as_of=common.today(), filters=filters)
    if fmt == "csv":
        chunks: Iterable[str | bytes] = (render.goals_csv(goals),)
    elif fmt == "yaml":
        chunks = (render.to_yaml({"goals": goals}),)
    else:
        chunks = render.json_document_chunks("goals", goals)
    common.write_output_chunks(chunks, output)
