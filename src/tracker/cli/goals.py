"""`add`, `update`, `list`, `show`."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli import common
from tracker.cli.options import (
    AreaFilter,
    AsOf,
    DueBefore,
    DueWithin,
    GoalRef,
    OverdueFilter,
    OwnerFilter,
    Search,
    Sort,
    StatusFilter,
    TagFilter,
    build_filters,
    check_sort,
    choice_option,
    complete_areas,
    complete_owners,
    complete_tags,
    format_option,
    status_option,
)
from tracker.domain import EVIDENCE_KINDS, EvidenceIn
from tracker.errors import BadInputError

LIST_FORMATS = ("table", "json", "csv", "markdown")
SHOW_FORMATS = ("text", "json")

Evidence = Annotated[
    list[str] | None,
    typer.Option(
        "--evidence",
        "-e",
        metavar="URL",
        help="Evidence URL (http/https); repeat for several.",
        show_default=False,
    ),
]
EvidenceTitle = Annotated[
    list[str] | None,
    typer.Option(
        "--evidence-title",
        metavar="TEXT",
        help="Title of the evidence, in the order of --evidence.",
        show_default=False,
    ),
]
EvidenceKind = Annotated[
    str | None, choice_option(EVIDENCE_KINDS, "Evidence kind.", "--evidence-kind")
]
EvidencePublished = Annotated[
    str | None,
    typer.Option(metavar="DATE", help="When the evidence was published (YYYY-MM-DD)."),
]
Note = Annotated[
    str | None, typer.Option("--note", "-n", metavar="TEXT", help="A note on this change.")
]
On = Annotated[
    str | None,
    typer.Option("--on", metavar="DATE", help="Date the change took effect (YYYY-MM-DD)."),
]
Author = Annotated[
    str | None,
    typer.Option(metavar="NAME", help="Who records this (default $TRACKER_AUTHOR or user)."),
]
Progress = Annotated[str | None, typer.Option(metavar="PERCENT", help="Progress 0–100.")]
Deadline = Annotated[
    str | None,
    typer.Option(
        metavar="DEADLINE",
        help="Deadline as the source says it: 2026-06-30, Q2 2026, 2026年底, 十五五 …",
    ),
]
Owner = Annotated[
    str | None,
    typer.Option(
        metavar="OWNER", help="Responsible body, e.g. MIIT.", autocompletion=complete_owners
    ),
]
Area = Annotated[
    str | None,
    typer.Option(
        metavar="AREA", help="Policy area, e.g. ICT, SMEs, Robotics.", autocompletion=complete_areas
    ),
]


def _evidence(
    urls: list[str] | None, titles: list[str] | None, kind: str | None, published: str | None
) -> list[EvidenceIn]:
    urls, titles = urls or [], titles or []
    if len(titles) > len(urls):
        raise BadInputError("--evidence-title given without a matching --evidence URL")
    if (kind or published) and not urls:
        raise BadInputError("--evidence-kind/--evidence-published need an --evidence URL")
    return [
        EvidenceIn(
            url=url, title=titles[i] if i < len(titles) else None, kind=kind, published=published
        )
        for i, url in enumerate(urls)
    ]


def add(
    title: Annotated[
        str, typer.Argument(metavar="TITLE", help="What was promised, in a few words.")
    ],
    key: Annotated[
        str | None,
        typer.Option(metavar="KEY", help="Short unique key (derived from the title if absent)."),
    ] = None,
    deadline: Deadline = None,
    status: Annotated[
        str | None, status_option("Initial status (default not_started).", "--status")
    ] = None,
    progress: Progress = None,
    owner: Owner = None,
    area: Area = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            "-t",
            metavar="TAG",
            help="Tag; repeat for several.",
            show_default=False,
            autocompletion=complete_tags,
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Announcement the commitment comes from.")
    ] = None,
    source_url: Annotated[
        str | None, typer.Option(metavar="URL", help="URL of the announcement.")
    ] = None,
    announced: Annotated[
        str | None, typer.Option(metavar="DATE", help="Date of the announcement (YYYY-MM-DD).")
    ] = None,
    quote: Annotated[str | None, typer.Option(metavar="TEXT", help="Short original text.")] = None,
    title_original: Annotated[
        str | None, typer.Option(metavar="TEXT", help="The title in the source language.")
    ] = None,
    description: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Longer description.")
    ] = None,
    evidence: Evidence = None,
    evidence_title: EvidenceTitle = None,
    evidence_kind: EvidenceKind = None,
    evidence_published: EvidencePublished = None,
    note: Note = None,
    on: On = None,
    author: Author = None,
) -> None:
    """Create a goal; prints its key."""
    from tracker import services

    fields = {
        "title": title,
        "title_original": title_original,
        "description": description,
        "owner": owner,
        "area": area,
        "tags": tag or [],
        "source": source,
        "source_url": source_url,
        "announced": announced,
        "quote": quote,
    }
    items = _evidence(evidence, evidence_title, evidence_kind, evidence_published)
    effective = common.parse_day(on, "--on")
    with common.require_db() as db:
        new_key = services.add_goal(
            db,
            fields=fields,
            key=key,
            status=status,
            progress=progress,
            deadline_text=deadline,
            evidence=items,
            note=note,
            on=effective,
            today=common.today(),
            author=common.author(author),
        )
    common.emit(new_key + "\n")


def update(
    goal: GoalRef,
    status: Annotated[str | None, status_option("New status.", "--status")] = None,
    progress: Progress = None,
    deadline: Annotated[
        str | None,
        typer.Option(metavar="DEADLINE", help="New deadline (the old one is kept in history)."),
    ] = None,
    evidence: Evidence = None,
    evidence_title: EvidenceTitle = None,
    evidence_kind: EvidenceKind = None,
    evidence_published: EvidencePublished = None,
    note: Note = None,
    on: On = None,
    title: Annotated[str | None, typer.Option(metavar="TEXT", help="New title.")] = None,
    title_original: Annotated[
        str | None, typer.Option(metavar="TEXT", help="New original-language title.")
    ] = None,
    description: Annotated[
        str | None, typer.Option(metavar="TEXT", help="New description.")
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(metavar="OWNER", help="New owner.", autocompletion=complete_owners),
    ] = None,
    area: Annotated[
        str | None, typer.Option(metavar="AREA", help="New area.", autocompletion=complete_areas)
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option(
            "--tag",
            "-t",
            metavar="TAG",
            help="Replace the tags (repeat).",
            show_default=False,
            autocompletion=complete_tags,
        ),
    ] = None,
    add_tag: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TAG", help="Add a tag.", show_default=False, autocompletion=complete_tags
        ),
    ] = None,
    remove_tag: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TAG", help="Remove a tag.", show_default=False, autocompletion=complete_tags
        ),
    ] = None,
    source: Annotated[str | None, typer.Option(metavar="TEXT", help="New source.")] = None,
    source_url: Annotated[str | None, typer.Option(metavar="URL", help="New source URL.")] = None,
    announced: Annotated[
        str | None, typer.Option(metavar="DATE", help="New announcement date.")
    ] = None,
    quote: Annotated[str | None, typer.Option(metavar="TEXT", help="New quote.")] = None,
    author: Author = None,
) -> None:
    """Record one event on a goal: status, progress, deadline, evidence, note or field edits."""
    from tracker import services

    edits = {
        name: value
        for name, value in (
            ("title", title),
            ("title_original", title_original),
            ("description", description),
            ("owner", owner),
            ("area", area),
            ("tags", tag),
            ("source", source),
            ("source_url", source_url),
            ("announced", announced),
            ("quote", quote),
        )
        if value is not None
    }
    items = _evidence(evidence, evidence_title, evidence_kind, evidence_published)
    effective = common.parse_day(on, "--on") or common.today()
    with common.require_db() as db:
        result = services.update_goal(
            db,
            ref=goal,
            status=status,
            progress=progress,
            deadline_text=deadline,
            evidence=items,
            note=note,
            fields=edits,
            add_tags=add_tag or [],
            remove_tags=remove_tag or [],
            on=effective,
            author=common.author(author),
        )
    skipped = len(items) - len(result.evidence_added)
    message = f"{result.key}: recorded on {effective}"
    if skipped:
        message += f" ({skipped} evidence URL{'s' if skipped > 1 else ''} already attached)"
    common.note(message)


def list_goals(
    status: StatusFilter = None,
    area: AreaFilter = None,
    owner: OwnerFilter = None,
    tag: TagFilter = None,
    overdue: OverdueFilter = False,
    due_before: DueBefore = None,
    due_within: DueWithin = None,
    search: Search = None,
    sort: Sort = "deadline",
    as_of: AsOf = None,
    fmt: Annotated[str, format_option(LIST_FORMATS)] = "table",
) -> None:
    """List goals with their status as of a date."""
    from tracker import services

    fmt = common.choice(fmt, LIST_FORMATS, "format")
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
    order = check_sort(sort)
    if fmt != "table":  # rows go from the cursor to stdout; the table lays out all at once
        with common.require_db() as db, db.snapshot():
            rows = services.iter_goals(db, as_of=day, filters=filters, sort=order)
            from tracker.render import documents

            if fmt == "json":
                common.emit_chunks(documents.goals_json_chunks(rows))
            elif fmt == "csv":
                common.emit_chunks(documents.goals_csv_chunks(g.to_dict() for g in rows))
            else:
                from tracker.render import goals as render

                common.emit_chunks(render.goals_markdown_chunks(rows))
        return
    with common.require_db() as db:
        goals = services.list_goals(db, as_of=day, filters=filters, sort=order)
    from tracker.render import goals as render
    from tracker.render.text import color_enabled, terminal_columns

    common.emit(
        render.goals_table(
            goals, columns=terminal_columns(), color=color_enabled(common.stdout_is_tty())
        )
    )


def show(
    goal: GoalRef,
    as_of: AsOf = None,
    fmt: Annotated[str, format_option(SHOW_FORMATS)] = "text",
) -> None:
    """One goal with its full history and evidence."""
    from tracker import services

    fmt = common.choice(fmt, SHOW_FORMATS, "format")
    day = common.parse_day(as_of, "--as-of") or common.today()
    with common.require_db() as db, db.snapshot():
        detail = services.goal_detail(db, ref=goal, as_of=day)
    if fmt == "json":
        from tracker.render.documents import to_json

        common.emit(to_json(detail))
    else:
        from tracker.render import goals as render
        from tracker.render.text import color_enabled

        common.emit(render.goal_text(detail, color=color_enabled(common.stdout_is_tty())))
