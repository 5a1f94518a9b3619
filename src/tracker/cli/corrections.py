"""`retract` and `undo`: correct the history without rewriting it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tracker.cli import common
from tracker.errors import BadInputError

Note = Annotated[str | None, typer.Option("--note", "-n", help="Why the event was wrong.")]


def retract(
    event: Annotated[str, typer.Argument(help="Id of the event (`tracker show GOAL` lists them).")],
    note: Note = None,
) -> None:
    """Mark an event as wrong: it stays in the history, every derived view ignores it."""
    from tracker import services
    from tracker.render.goals import event_line

    with common.require_db() as db:
        found = services.find_event(db, ref=event)
        done = services.retract_event(db, event_id=int(found["id"]), note=note)
    common.note(f"retracted {event_line(done)}")


def stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def undo(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before retracting.")] = False,
    note: Note = None,
) -> None:
    """Retract the last event you recorded (after showing it and asking)."""
    from tracker import services
    from tracker.render.goals import event_line

    with common.require_db() as db:
        event = services.last_event_of(db, recorder=db.session_user())
        if not yes and not stdin_is_tty():
            raise BadInputError(
                f"undo asks before retracting {event_line(event)}: run it in a terminal "
                "or pass --yes"
            )
        common.note(f"last event recorded by you: {event_line(event)}")
        if not yes and not typer.confirm("Retract it?", default=False, err=True):
            common.note("nothing retracted")
            return
        done = services.retract_event(
            db, event_id=int(event["id"]), note=note or "undone with `tracker undo`"
        )
    common.note(f"retracted event #{done['id']} of {done['key']}")
