"""Options shared by several commands, defined once (like sqlite-utils' output_options)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer import Context

from tracker.cli.common import parse_day
from tracker.domain import STATUSES, normalize_status
from tracker.errors import BadInputError
from tracker.history import SORTS, Filters

# --- value types: help says what a value is, completion offers it, input stays forgiving ---


def closed_set(choices: tuple[str, ...]) -> str:
    """The metavar of a closed set, e.g. `[table|json|csv|markdown]`."""
    return "[" + "|".join(choices) + "]"


def lenient_choice(value: str) -> str:
    """` JSON ` reads as `json`; whether it is one of the choices is the command's check, so a
    wrong value gets the command's own message (listing the choices) and exit code."""
    return value.strip().lower()


def complete_from(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [c for c in choices if c.startswith(incomplete.lower())]

    return complete


def choice_option(choices: tuple[str, ...], help: str, *names: str, default_note: str = "") -> Any:
    """An option over a closed set: listed in help and completed; typed case and spaces forgiven.
    `choices` is the tuple the command checks against, so a value added there shows up here."""
    return typer.Option(
        *names,
        metavar=closed_set(choices),
        parser=lenient_choice,
        autocompletion=complete_from(choices),
        help=help + default_note,
        show_default=not default_note,
    )


def format_option(choices: tuple[str, ...], help: str = "Output format.", note: str = "") -> Any:
    return choice_option(choices, help, "--format", "-f", default_note=note)


def lenient_status(value: str) -> str:
    """`In progress,stalled` → `in_progress,stalled`; a part that is no status is left as typed
    for the command's check, which names it and lists the statuses."""
    parts = []
    for part in value.split(","):
        try:
            parts.append(normalize_status(part) if part.strip() else part)
        except BadInputError:
            parts.append(part)
    return ",".join(parts)


def complete_statuses(incomplete: str) -> list[str]:
    from tracker.cli.completion import statuses

    return statuses(incomplete)


STATUS_LIST = ", ".join(STATUSES)


def status_option(help: str, *names: str, **extra: Any) -> Any:
    return typer.Option(
        *names,
        metavar="STATUS",
        parser=lenient_status,
        autocompletion=complete_statuses,
        help=f"{help} One of {STATUS_LIST}.",
        **extra,
    )


def _database_values(kind: str) -> Callable[[Context, str], list[tuple[str, str]]]:
    """Completion from the database (keys, areas, owners, tags) through the fast path."""

    def complete(ctx: Context, incomplete: str) -> list[tuple[str, str]]:
        import os

        from tracker.cli.completion import bash_quote, database_values

        items = database_values(kind, incomplete, db_option=ctx.find_root().params.get("db"))
        if "bash" in os.environ.get("_TRACKER_COMPLETE", ""):  # as the fast path answers bash
            return [(bash_quote(value), help_text) for value, help_text in items]
        return items

    return complete


complete_keys = _database_values("key")
complete_areas = _database_values("area")
complete_owners = _database_values("owner")
complete_tags = _database_values("tag")

GoalRef = Annotated[
    str,
    typer.Argument(metavar="KEY", help="Key or id of the goal.", autocompletion=complete_keys),
]
StatusFilter = Annotated[
    list[str] | None,
    status_option(
        "Only these statuses (repeat or comma-separate).",
        "--status",
        "-s",
        show_default=False,
    ),
]
AreaFilter = Annotated[
    str | None,
    typer.Option(
        metavar="AREA", help="Only this area (case-insensitive).", autocompletion=complete_areas
    ),
]
OwnerFilter = Annotated[
    str | None,
    typer.Option(
        metavar="TEXT", help="Only owners containing this text.", autocompletion=complete_owners
    ),
]
TagFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        "-t",
        metavar="TAG",
        help="Only goals with this tag (repeat: all must match).",
        show_default=False,
        autocompletion=complete_tags,
    ),
]
OverdueFilter = Annotated[bool, typer.Option("--overdue", help="Only overdue goals.")]
DueBefore = Annotated[
    str | None, typer.Option(metavar="DATE", help="Only deadlines before DATE (YYYY-MM-DD).")
]
DueWithin = Annotated[
    str | None, typer.Option(metavar="DAYS", help="Only deadlines in the next DAYS days.")
]
Search = Annotated[
    str | None,
    typer.Option(
        metavar="TEXT", help="Text in key, titles, description, owner, area, quote or tags."
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Date to report on (YYYY-MM-DD); default today."),
]


def complete_sorts(incomplete: str) -> list[str]:
    from tracker.cli.completion import sorts

    return sorts(incomplete)


Sort = Annotated[
    str,
    typer.Option(
        metavar=closed_set(SORTS),
        autocompletion=complete_sorts,
        help="Sort order; prefix '-' to reverse.",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="TRACKER_DB", metavar="FILE|URL", help="Database file or URL."),
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
