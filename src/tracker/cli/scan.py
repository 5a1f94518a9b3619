"""`scan`: propose status updates from follow-up documents (never writes the database)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli import common
from tracker.cli.options import format_option
from tracker.cli.progress import progress

FORMATS = ("yaml", "json", "table")


def scan(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Follow-up documents: .txt, .md or .html files, directories of them, or - "
            "for stdin.",
            show_default=False,
            metavar="PATH",
        ),
    ],
    url: Annotated[
        str | None,
        typer.Option(
            metavar="URL", help="URL of the document (a single file only; pages carry their own)."
        ),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Publication date YYYY-MM-DD (a single file only; else read from the page).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the draft to FILE (.json gives JSON; default stdout).",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        format_option(
            FORMATS,
            help="yaml or json (an import document), or table (a review list; with --output "
            "the file still gets the draft).",
            note=" Default: yaml (json for an --output ending in .json).",
        ),
    ] = None,
) -> None:
    """Propose status updates from follow-up documents, for review then `tracker import`."""
    from tracker import scan as sc
    from tracker.domain import validate_url
    from tracker.errors import TrackerError

    chosen = common.choice(fmt, FORMATS, "format") if fmt is not None else None
    day = common.parse_day(published, "--published")
    link = validate_url(url, field_name="--url") if url is not None else None
    with common.open_db(create=False) as db:
        if db is None:
            raise TrackerError(
                "no database yet: import the goals first (tracker import FILE); scan reads "
                "goals and never creates a database"
            )
        with progress(unit="documents", label="scan") as bar:
            result = sc.scan_paths(
                db=db, paths=paths, url=link, published=day, on_progress=bar.report
            )
    document = sc.draft_document(result.proposals)
    file_format = "json" if output is not None and output.suffix.lower() == ".json" else "yaml"
    if chosen == "table":
        common.emit(_table(result.proposals))
        if output is not None:
            common.write_output(_dump(document, file_format), output)
    else:
        common.write_output(_dump(document, chosen or file_format), output)
    where = f"written to {output}" if output is not None else "shown"
    goals = len({p.key for p in result.proposals})
    common.note(
        f"{_count(len(result.proposals), 'proposed event')} for {_count(goals, 'goal')} from "
        f"{_count(result.documents, 'document')} {where}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _dump(document: Mapping[str, Any], fmt: str) -> str:
    from tracker.render.documents import to_json
    from tracker.scan import draft_yaml

    return to_json(document) if fmt == "json" else draft_yaml(document)


def _table(proposals: Sequence[Any]) -> str:
    from tracker.render.text import table, terminal_safe, truncate

    rows = [
        (
            p.key,
            p.signal,
            p.status or "",
            p.on.isoformat(),
            f"{p.confidence:.2f}",
            truncate(terminal_safe(" ".join(p.quote.split())), 60),
        )
        for p in proposals
    ]
    headers = ("goal", "signal", "status", "date", "conf", "quote")
    return table(rows, headers) + "\n"
