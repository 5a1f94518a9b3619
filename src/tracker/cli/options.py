"""Options shared by several commands, defined once (like sqlite-utils' output_options)."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.common import parse_day
from tracker.domain import normalize_status
from tracker.errors import BadInputError
from tracker.history import SORTS, Filters

StatusFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--status", "-s", help="Only these statuses (repeat or comma-separate).", show_default=False
    ),
]
AreaFilter = Annotated[str | None, typer.Option(help="Only this area (case-insensitive).")]
OwnerFilter = Annotated[str | None, typer.Option(help="Only owners containing this text.")]
TagFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--tag", "-t", help="Only goals with this tag (repeat: all must match).", show_default=False
    ),
]
OverdueFilter = Annotated[bool, typer.Option("--overdue", help="Only overdue goals.")]
DueBefore = Annotated[str | None, typer.Option(help="Only deadlines before DATE (YYYY-MM-DD).")]
DueWithin = Annotated[str | None, typer.Option(help="Only deadlines in the next DAYS days.")]
Search = Annotated[
    str | None, typer.Option(help="Text in key, titles, description, owner, area, quote or tags.")
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Date to report on (YYYY-MM-DD); default today.")
]
Sort = Annotated[str, typer.Option(help=f"Sort by {', '.join(SORTS)}; prefix '-' to reverse.")]
DbOption = Annotated[
    str | None, typer.Option("--db", envvar="TRACKER_DB", help="Database file or URL.")
]


def build_filters(
    *,
    status: list[str] | None,
    area: str | None,
    owner: str | None,
    tag: list[str] | None,
    overdue: bool,
    due_before: str | None,
    due_within: str | None,
    search: str | None,
) -> Filters:
    """Validated filters from the raw option values."""
    from tracker.domain import normalize_tags

    statuses = [
        normalize_status(part)
        for value in status or []
        for part in value.split(",")
        if part.strip()
    ]
    within = None
    if due_within is not None:
        if not due_within.strip().isdigit() or int(due_within) > 36_500:
            raise BadInputError(f"--due-within '{due_within}' is not a number of days (0–36500)")
        within = int(due_within)
    return Filters(
        statuses=statuses,
        area=_text_filter(area, "--area"),
        owner=_text_filter(owner, "--owner"),
        tags=normalize_tags(tag or []),
        overdue=overdue,
        due_before=parse_day(due_before, "--due-before"),
        due_within=within,
        search=_text_filter(search, "--search"),
    )


def _text_filter(value: str | None, option: str) -> str | None:
    """Filter text is data, checked like stored text: no control characters, NUL or
    undecodable bytes (PostgreSQL refuses NUL, SQLite LIKE refuses huge patterns)."""
    from tracker.domain import MAX_SHORT, clean_text

    return clean_text(value, field_name=option, limit=MAX_SHORT)


def check_sort(sort: str) -> str:
    if sort.lstrip("-") not in SORTS:
        raise BadInputError(
            f"unknown sort '{sort}': use one of {', '.join(SORTS)} (prefix '-' to reverse)"
        )
    return sort
