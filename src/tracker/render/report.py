"""The progress report as Markdown (GFM tables), CSV (one row per goal) and JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from tracker.domain import STATUSES, Goal
from tracker.render.goals import csv_text, to_json
from tracker.render.markdown import md_cell, md_table
from tracker.reports import DUE_SOON_DAYS, Change, Report

LABEL = {status: status.replace("_", " ") for status in STATUSES}


_URL_SAFE = "!$&'()*+,;=:@-._~%"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a link (characters URLs may not hold percent-encoded), else None.

    Only web links are ever made clickable; the host is kept as it is.
    """
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            quote(parts.path, safe="/" + _URL_SAFE),
            quote(parts.query, safe="/?" + _URL_SAFE),
            quote(parts.fragment, safe="/?" + _URL_SAFE),
        )
    )


def signed(n: int) -> str:
    """+2, −1, 0 (a real minus sign)."""
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "0")


def deadline_note(goal: Goal) -> str:
    """`2027-06-30 (was 2026-12-31)` when the deadline slipped, else the deadline, else ''."""
    if not goal.deadline:
        return ""
    if goal.original_deadline and goal.original_deadline != goal.deadline:
        return f"{goal.deadline} (was {goal.original_deadline})"
    return goal.deadline


def change_text(change: Change) -> str:
    """What changed, in words (without the evidence link itself)."""
    if change.kind == "new":
        return f"new goal ({LABEL.get(change.after or '', change.after or '')})"
    if change.kind == "status":
        before = LABEL.get(change.before or "", change.before or "none")
        return f"status: {before} → {LABEL.get(change.after or '', change.after or '')}"
    if change.kind == "progress":
        return f"progress: {change.before or 'none'} → {change.after}"
    if change.kind == "deadline":
        if not change.before:
            return f"deadline set: {change.after}"
        days = change.detail or ""
        word = "slipped" if days.startswith("+") else "brought forward"
        return f"deadline {word}: {change.before} → {change.after} ({days.lstrip('+-')})"
    if change.kind == "evidence":
        return "evidence"
    return "note"


def filters_text(filters: dict[str, Any]) -> str:
    parts = []
    for name, value in filters.items():
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{name.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


# --- markdown -------------------------------------------------------------------------------


md_text = md_cell  # one escaper for every Markdown table cell


_URL_UNSAFE = "()<>[]|\\`\"' *_"


def md_link(text: str | None, url: str | None) -> str:
    """A Markdown link whose text is escaped and whose URL cannot break out of the cell."""
    link = safe_url(url)
    if link is None:
        return md_text(text or url)
    target = "".join(quote(c, safe="") if c in _URL_UNSAFE else c for c in link)
    return f"[{md_text(text or url)}]({target})"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Cells are already Markdown (escaped with md_text or built from safe parts)."""
    return md_table(headers, rows, escape=False)


def _progress(goal: Goal) -> str:
    return "—" if goal.progress is None else f"{goal.progress}%"


def _evidence_md(report: Report, goal: Goal) -> str:
    item = report.latest_evidence.get(goal.id)
    if not item:
        return "—"
    return md_link(item.get("title"), item["url"]) + f" ({item['on']})"


def report_markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown: headings, short paragraphs and tables."""
    as_of = report.as_of.isoformat()
    out = [f"# Progress report as of {as_of}", ""]
    intro = (
        f"{report.total} goal{'s' if report.total != 1 else ''} tracked. "
        f"Period: {report.period_label} ({report.period_start.isoformat()} to {as_of}); "
        f"compared with the end of the previous quarter ({report.previous_end.isoformat()})."
    )
    out += [md_text(intro), ""]
    if report.filters:
        out += [f"Filters: {md_text(filters_text(report.filters))}", ""]

    out += ["## Totals by status", ""]
    rows = []
    for status in STATUSES:
        now, then = report.totals[status], report.previous_totals[status]
        rows.append([LABEL[status], str(then), str(now), signed(now - then)])
    rows.append(
        [
            "**total**",
            f"**{report.previous_total}**",
            f"**{report.total}**",
            f"**{signed(report.total - report.previous_total)}**",
        ]
    )
    out.append(_table(["Status", report.previous_end.isoformat(), as_of, "Change"], rows))
    out.append(
        f"Overdue: **{len(report.overdue)}**. Due in the next {DUE_SOON_DAYS} days: "
        f"**{len(report.due_soon)}**.\n"
    )

    out += [f"## Overdue ({len(report.overdue)})", ""]
    if report.overdue:
        rows = [
            [
                md_text(g.deadline),
                str(report.days_late(g)),
                md_text(g.key),
                md_text(g.title),
                LABEL.get(g.status or "", "—"),
                md_text(g.owner),
            ]
            for g in report.overdue
        ]
        out.append(_table(["Deadline", "Days overdue", "Key", "Title", "Status", "Owner"], rows))
    else:
        out.append(f"No goal is overdue on {as_of}.\n")

    until = (report.as_of + timedelta(days=DUE_SOON_DAYS)).isoformat()
    out += [f"## Due in the next {DUE_SOON_DAYS} days ({len(report.due_soon)})", ""]
    if report.due_soon:
        rows = [
            [
                md_text(g.deadline),
                str(report.days_left(g)),
                md_text(g.key),
                md_text(g.title),
                LABEL.get(g.status or "", "—"),
                _progress(g),
            ]
            for g in report.due_soon
        ]
        out.append(_table(["Deadline", "Days left", "Key", "Title", "Status", "Progress"], rows))
    else:
        out.append(f"No open goal is due between {as_of} and {until}.\n")

    out += [f"## What changed in {report.period_label} ({len(report.changes)})", ""]
    if report.changes:
        rows = []
        for c in report.changes:
            what = change_text(c)
            if c.kind == "evidence":
                what = "evidence: " + md_link(c.detail, c.after)
            else:
                what = md_text(what)
            rows.append([c.on, md_text(c.key), md_text(c.title), what, md_text(c.note)])
        out.append(_table(["Date", "Key", "Title", "Change", "Note"], rows))
    else:
        out.append(f"Nothing was recorded between {report.period_start.isoformat()} and {as_of}.\n")

    out += ["## By area", ""]
    shown = [s for s in STATUSES if any(row[s] for row in report.areas.values())]
    rows = [
        [md_text(area), str(row["total"]), *(str(row[s]) for s in shown), str(row["overdue"])]
        for area, row in report.areas.items()
    ]
    out.append(_table(["Area", "Goals", *(LABEL[s] for s in shown), "Overdue"], rows))

    chart = report.chart
    out += ["## Status by quarter", ""]
    used = [s for s in STATUSES if any(chart.summary[q][s] for q in chart.quarters)]
    rows = [[LABEL[s], *(str(chart.summary[q][s]) for q in chart.quarters)] for s in used]
    rows.append(["**goals**", *(f"**{sum(chart.summary[q].values())}**" for q in chart.quarters)])
    out.append(_table(["Status", *chart.quarters], rows))
    out.append(f"Status at the end of each quarter ({report.period_label}: on {as_of}).\n")

    out += [f"## All goals ({report.total})", ""]
    rows = [
        [
            md_text(g.key),
            md_text(g.title),
            LABEL.get(g.status or "", "—") + (" **(overdue)**" if g.overdue else ""),
            md_text(deadline_note(g)),
            _progress(g),
            md_text(g.area),
            md_text(g.owner),
            _evidence_md(report, g),
        ]
        for g in report.goals
    ]
    headers = ["Key", "Title", "Status", "Deadline", "Progress", "Area", "Owner", "Latest evidence"]
    out.append(_table(headers, rows) if rows else "No goals match.\n")
    return "\n".join(out)


# --- csv, json ------------------------------------------------------------------------------
CSV_FIELDS = (
    "key",
    "title",
    "title_original",
    "area",
    "owner",
    "tags",
    "status",
    "previous_quarter_status",
    "progress",
    "deadline",
    "deadline_text",
    "original_deadline",
    "overdue",
    "days_to_deadline",
    "changes_in_period",
    "latest_evidence_url",
    "latest_evidence_title",
    "latest_evidence_on",
)


def report_csv(report: Report) -> str:
    """One row per goal (formula-safe): state on the as-of date, what changed, latest evidence."""
    changed: dict[str, list[str]] = {}
    for c in report.changes:
        kinds = changed.setdefault(c.key, [])
        if c.kind not in kinds:
            kinds.append(c.kind)
    rows = []
    for g in report.goals:
        evidence = report.latest_evidence.get(g.id) or {}
        rows.append(
            {
                "key": g.key,
                "title": g.title,
                "title_original": g.title_original,
                "area": g.area,
                "owner": g.owner,
                "tags": g.tags,
                "status": g.status,
                "previous_quarter_status": report.previous_status.get(g.id),
                "progress": g.progress,
                "deadline": g.deadline,
                "deadline_text": g.deadline_text,
                "original_deadline": g.original_deadline,
                "overdue": g.overdue,
                "days_to_deadline": report.days_left(g) if g.deadline else None,
                "changes_in_period": ";".join(changed.get(g.key, [])),
                "latest_evidence_url": evidence.get("url"),
                "latest_evidence_title": evidence.get("title"),
                "latest_evidence_on": evidence.get("on"),
            }
        )
    return csv_text(rows, CSV_FIELDS)


def report_json(report: Report) -> str:
    return to_json(report.to_dict())
