"""Open goals' deadlines as an RFC 5545 calendar (`export --format ics`), via icalendar.

The same database and as-of date give the same bytes: UIDs come from the database's identity
and the goal key (a re-export updates a subscribed calendar instead of adding copies), and
DTSTAMP is the as-of date, not the moment of export."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from tracker.domain import Goal, is_final

PRODID = "-//tracker//goal deadlines//EN"
UID_DOMAIN = "tracker.invalid"  # RFC 5545 suggests uid@domain; .invalid never resolves


def event_uid(database_id: str, key: str) -> str:
    digest = hashlib.sha256(f"{database_id}\n{key}".encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def calendar_goals(goals: Sequence[Goal]) -> list[Goal]:
    """Goals that get an event: a deadline and a status that is not final; by date, then key."""
    open_goals = [g for g in goals if g.deadline is not None and not is_final(g.status)]
    return sorted(open_goals, key=lambda g: (g.deadline or "", g.key))


def _description(goal: Goal, as_of: date) -> str:
    status = (goal.status or "not_started").replace("_", " ")
    lines = [
        f"Key: {goal.key}",
        f"Status on {as_of.isoformat()}: {status}"
        + (f", {goal.progress}%" if goal.progress is not None else ""),
    ]
    written = goal.deadline_text or goal.deadline
    precision = goal.deadline_precision or "day"
    lines.append(f"Deadline as announced: {written} (precision: {precision})")
    if goal.original_deadline and goal.original_deadline != goal.deadline:
        lines.append(f"First announced deadline: {goal.original_deadline}")
    if goal.title_original:
        lines.append(f"Original title: {goal.title_original}")
    for label, value in (("Area", goal.area), ("Owner", goal.owner), ("Source", goal.source)):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def goals_ics(goals: Sequence[Goal], *, as_of: date, database_id: str) -> bytes:
    """One all-day VEVENT per open goal's deadline (see calendar_goals)."""
    from icalendar import Calendar, Event

    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "tracker: deadlines of open goals")
    for goal in calendar_goals(goals):
        assert goal.deadline is not None  # calendar_goals keeps only goals with one
        day = date.fromisoformat(goal.deadline)
        event = Event()
        event.add("uid", event_uid(database_id, goal.key))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)  # a DATE value: an all-day event
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", f"Deadline: {goal.title}")
        event.add("description", _description(goal, as_of))
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        if goal.area:
            event.add("categories", [goal.area])
        if goal.source_url:
            event.add("url", goal.source_url)
        # The same facts for programs reading the feed back.
        event.add("x-tracker-key", goal.key)
        event.add("x-tracker-status", goal.status or "not_started")
        event.add("x-tracker-deadline-text", goal.deadline_text or goal.deadline)
        event.add("x-tracker-deadline-precision", goal.deadline_precision or "day")
        cal.add_component(event)
    return bytes(cal.to_ical())
