"""`extract`: draft an import document from an announcement's text (never writes the database)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli import common
from tracker.cli.options import format_option
from tracker.cli.progress import progress

FORMATS = ("yaml", "json", "table")
DEFAULT_MIN_CONFIDENCE = 0.5


def extract(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="The announcement: text, Markdown or HTML, UTF-8 or GBK."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the import document to FILE (default stdout).",
        ),
    ] = None,
    fmt: Annotated[
        str,
        format_option(
            FORMATS,
            "yaml or json (an import document), or table (a quick look; with --output the "
            "file still gets the YAML document).",
        ),
    ] = "yaml",
    announced: Annotated[
        str | None,
        typer.Option(
            metavar="DATE",
            help="Announcement date (YYYY-MM-DD), written into every goal; relative deadlines "
            "count from it (without it, from the page's publication date, else the first full "
            "date in the text).",
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Announcement name for every goal.")
    ] = None,
    source_url: Annotated[
        str | None, typer.Option("--source-url", metavar="URL", help="URL of the announcement.")
    ] = None,
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence",
            min=0.0,
            max=1.0,
            metavar="SCORE",
            help="Leave out candidates scored below this.",
        ),
    ] = DEFAULT_MIN_CONFIDENCE,
    include_tracked: Annotated[
        bool,
        typer.Option(
            "--include-tracked", help="Also list candidates that match goals already tracked."
        ),
    ] = False,
) -> None:
    """Draft candidate goals from an announcement for review, then `tracker import`."""
    from tracker import extract as ex
    from tracker.domain import clean_text, validate_url

    fmt = common.choice(fmt, FORMATS, "format")
    day = common.parse_day(announced, "--announced")
    url = validate_url(source_url, field_name="--source-url") if source_url else None
    name = clean_text(source, field_name="--source", limit=1000)
    from tracker.reading import read_document

    with progress(total=3, unit="steps", label="extract") as bar:
        bar.stage("reading")
        doc = read_document(file)  # the reading scan uses: offsets index this reduced text
        bar.stage("goals tracked")
        tracked_goals = _tracked_goals()
        bar.stage("candidates")
        found = ex.extract_candidates(
            doc.text, announced=day or doc.published, existing=tracked_goals
        )
        bar.report(3)
    kept = [c for c in found if c.confidence >= min_confidence]
    tracked = sum(1 for c in kept if c.tracked_as)
    shown = kept if include_tracked else [c for c in kept if not c.tracked_as]
    document = ex.candidates_document(shown, source=name, source_url=url, announced=day)

    if fmt == "table":
        common.emit(_table(shown))
        if output is not None:
            file_format = "json" if output.suffix.lower() == ".json" else "yaml"
            common.write_output(_dump(document, file_format), output)
    else:
        common.write_output(_dump(document, fmt), output)
    where = f"written to {output}" if output is not None else "shown"
    left_out = "" if include_tracked else ", left out"
    common.note(f"{len(shown)} candidates ({tracked} already tracked{left_out}) {where}")


def _tracked_goals() -> list[dict[str, str | None]]:
    """What is tracked already; no database yet means nothing is (extract never creates one)."""
    from tracker import services

    with common.open_db(create=False) as db:
        if db is None:
            return []
        return list(services.tracked_texts(db=db))


def _dump(document: Mapping[str, Any], fmt: str) -> str:
    from tracker.render.documents import to_json, to_yaml

    return to_json(document) if fmt == "json" else to_yaml(dict(document))


def _table(cands: Sequence[Any]) -> str:
    from tracker.render.text import table, terminal_safe, truncate

    rows = [
        (
            f"{c.confidence:.2f}",
            c.key,
            c.area or "",
            c.deadline_text or "",
            c.status,
            c.tracked_as or "",
            truncate(terminal_safe(c.title), 40),
            truncate(terminal_safe(c.quote), 50),
        )
        for c in cands
    ]
    headers = ("conf", "key", "area", "deadline", "status", "tracked as", "title", "quote")
    return table(rows, headers) + "\n"
