"""`quarterly` and `report`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from tracker.cli import common
from tracker.cli.options import (
    AreaFilter,
    AsOf,
    DueBefore,
    DueWithin,
    OverdueFilter,
    OwnerFilter,
    Search,
    Sort,
    StatusFilter,
    TagFilter,
    build_filters,
    check_sort,
    format_option,
)
from tracker.cli.progress import progress
from tracker.errors import BadInputError
from tracker.quarters import Quarter

QUARTERLY_FORMATS = ("table", "json", "csv", "markdown")
REPORT_FORMATS = ("markdown", "html", "json", "csv", "pdf")

Output = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
    ),
]


def _year(value: int) -> int:
    from tracker.quarters import MAX_YEAR, MIN_YEAR

    if not MIN_YEAR <= value <= MAX_YEAR:
        raise BadInputError(f"--year {value} is outside {MIN_YEAR}–{MAX_YEAR}")
    return value


def choose_quarters(
    year: int | None, first: str | None, last: str | None, as_of: date
) -> list[Quarter]:
    """The quarters asked for: --year, or --from/--to, else the four of the as-of year."""
    from tracker.quarters import parse_quarter, quarter_of, quarter_range, year_quarters

    if year is not None and (first or last):
        raise BadInputError("give either --year or --from/--to, not both")
    if year is not None:
        return list(year_quarters(_year(year)))
    if first is None and last is None:
        return list(year_quarters(as_of.year))
    start = parse_quarter(first) if first is not None else None
    end = parse_quarter(last) if last is not None else None
    if start is None:
        assert end is not None
        start = Quarter(end.year, 1)
    if end is None:
        end = max(start, quarter_of(as_of))
    return list(quarter_range(start, end))


def quarterly(
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", metavar="YEAR", help="The four quarters of YEAR."),
    ] = None,
    first: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="QUARTER",
            help="First quarter, e.g. 2026Q1 (to the as-of quarter by default).",
        ),
    ] = None,
    last: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="QUARTER",
            help="Last quarter, e.g. 2027Q4 (from Q1 of its year by default).",
        ),
    ] = None,
    as_of: AsOf = None,
    status: StatusFilter = None,
    area: AreaFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    overdue: OverdueFilter = False,
    due_before: DueBefore = None,
    due_within: DueWithin = None,
    search: Search = None,
    sort: Sort = "deadline",
    fmt: Annotated[str, format_option(QUARTERLY_FORMATS)] = "table",
    output: Output = None,
) -> None:
    """Goals × quarters: each goal's status at the end of each quarter, overdue cells marked."""
    from tracker import reports
    from tracker.render import quarterly as render

    fmt = common.choice(fmt, QUARTERLY_FORMATS, "format")
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
    day = common.parse_day(as_of, "--as-of") or common.today()
    quarters = choose_quarters(year, first, last, day)
    sort = check_sort(sort)
    # Steps: reading the goals, their status at each quarter's end. Every format but the
    # terminal table streams its rows from the database while it is written.
    with common.require_db() as db, db.snapshot():
        with progress(total=2, unit="steps", label="quarterly") as bar:
            stream = reports.quarterly_stream(
                db, quarters=quarters, as_of=day, filters=filters, sort=sort, progress=bar.stage
            )
            if fmt == "table":  # tabulate lays out every row at once
                table = reports.QuarterlyTable.of(stream)
            bar.report(2)
        chunks: Iterable[str | bytes]
        if fmt == "json":
            chunks = render.table_json_chunks(stream)
        elif fmt == "csv":
            chunks = render.table_csv_chunks(stream)
        elif fmt == "markdown":
            chunks = render.table_markdown_chunks(stream)
        else:
            from tracker.render.text import color_enabled, terminal_columns

            to_terminal = output is None and common.stdout_is_tty()
            chunks = (
                render.table_text(
                    table, columns=terminal_columns(), color=color_enabled(to_terminal)
                ),
            )
        common.write_output_chunks(chunks, output)
    if output is not None and str(output) != "-":
        common.note(f"quarterly table as of {day} written to {output}")


def report(
    as_of: AsOf = None,
    fmt: Annotated[
        str,
        format_option(
            REPORT_FORMATS,
            help="Output format (pdf: A4, binary: -o FILE or a pipe; the pdf extra).",
        ),
    ] = "markdown",
    output: Output = None,
    status: StatusFilter = None,
    area: AreaFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    overdue: OverdueFilter = False,
    due_before: DueBefore = None,
    due_within: DueWithin = None,
    search: Search = None,
) -> None:
    """Progress report as of a date: totals, overdue, due soon, changes, areas, every goal."""
    from tracker import reports

    fmt = common.choice(fmt, REPORT_FORMATS, "format")
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
    day = common.parse_day(as_of, "--as-of") or common.today()
    if fmt == "pdf":
        if (output is None or str(output) == "-") and common.stdout_is_tty():
            raise BadInputError("--format pdf is binary: give --output FILE or redirect stdout")
        from tracker.render.report_pdf import load_weasyprint

        load_weasyprint()  # before any work: without it, say how to install it and stop
    # Steps: the three stages of tracker.reports.build_report, then rendering. The report's
    # rows are read from the database while it is written: it stays open until then.
    to_file = output is not None and str(output) != "-"
    with common.require_db() as db, db.snapshot():
        with progress(total=4, unit="steps", label="report") as bar:
            result = reports.build_report(db, as_of=day, filters=filters, progress=bar.stage)
            bar.stage("rendering")
            chunks: Iterable[str | bytes]
            if fmt == "pdf":
                from tracker.render.report_pdf import report_pdf

                chunks = (report_pdf(result),)
            elif fmt == "html":
                from tracker.render.report_html import report_html_chunks

                chunks = report_html_chunks(result)
            else:
                from tracker.render import report as render

                if fmt == "json":
                    chunks = render.report_json_chunks(result)
                elif fmt == "csv":
                    chunks = render.report_csv_chunks(result)
                else:
                    chunks = render.report_markdown_chunks(result)
            if to_file:  # the report is rendered while it is written: work the bar shows
                common.write_output_chunks(chunks, output)
                bar.report(4)
        if not to_file:  # a terminal on stdout gets the report once the bar is gone
            common.write_output_chunks(chunks, output)
    if to_file:
        common.note(f"report as of {day} written to {output}")
