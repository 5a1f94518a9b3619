"""The progress report as one self-contained HTML file: inline CSS and SVG, no script, no fetch.

Every piece of data goes through Jinja2 with autoescape on (never `|safe`); the chart and the
timeline are computed here as numbers and code-chosen labels. No generation timestamp: the
same report gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import groupby, islice
from pathlib import Path
from typing import Any

from tracker.domain import FINAL_STATUSES, STATUSES
from tracker.render.report import (
    LABEL,
    batched,
    change_text,
    filters_text,
    recorded,
    safe_url,
    signed,
)
from tracker.reports import DUE_SOON_DAYS, Change, Report

TEMPLATES = Path(__file__).parent / "templates"
TIMELINE_GOALS = 12  # goals named per deadline on the timeline; the rest are counted
COLORS = {
    "not_started": "#9aa5b1",
    "in_progress": "#2f6fd6",
    "stalled": "#e08a1e",
    "achieved": "#1e8e4e",
    "partially_achieved": "#7cc79a",
    "missed": "#d64545",
    "dropped": "#8058b5",
}
# Text on a status colour: dark on the light fills, white on the dark ones.
INK = {
    s: ("#1b1f24" if s in ("not_started", "partially_achieved") else "#ffffff") for s in STATUSES
}


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # always: every value is data until proven otherwise
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


# --- the chart: stacked bars of status counts per quarter -----------------------------------
@dataclass
class Segment:
    status: str
    label: str
    count: int
    x: float
    y: float
    w: float
    h: float
    color: str
    ink: str
    show_count: bool

    @property
    def text_y(self) -> float:
        return round(self.y + self.h / 2 + 4, 1)


@dataclass
class Bar:
    quarter: str
    total: int
    x: float
    center: float
    top: float
    segments: list[Segment]

    @property
    def total_y(self) -> float:
        return round(self.top - 6, 1)


def _tick_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if top / step <= 5:
            return step
    return max(1, top // 5)


def chart_geometry(report: Report) -> dict[str, Any]:
    """Bars, ticks and sizes of the SVG chart (all numbers: nothing from data is text here)."""
    chart = report.chart
    n = max(1, len(chart.quarters))
    left, right, top_pad, bottom = 44.0, 12.0, 22.0, 34.0
    slot = max(88.0, 440.0 / n)  # a few quarters still make a chart of a readable size
    width = left + right + slot * n
    height = 260.0
    plot_h = height - top_pad - bottom
    totals = [sum(chart.summary[q].values()) for q in chart.quarters]
    step = _tick_step(max(totals, default=0) or 1)
    top = step * max(1, -(-max(totals, default=0) // step))
    scale = plot_h / top
    base = top_pad + plot_h
    ticks = [
        {"value": v, "y": round(base - v * scale, 1), "label_y": round(base - v * scale + 4, 1)}
        for v in range(0, top + 1, step)
    ]
    bar_w = min(72.0, slot * 0.6)
    bars = []
    for i, (quarter, total) in enumerate(zip(chart.quarters, totals, strict=True)):
        x = left + slot * i + (slot - bar_w) / 2
        y = base
        segments = []
        for status in STATUSES:
            count = chart.summary[quarter][status]
            if not count:
                continue
            h = count * scale
            y -= h
            segments.append(
                Segment(
                    status,
                    LABEL[status],
                    count,
                    round(x, 1),
                    round(y, 1),
                    bar_w,
                    round(h, 1),
                    COLORS[status],
                    INK[status],
                    h >= 14,
                )
            )
        bars.append(
            Bar(quarter, total, round(x, 1), round(x + bar_w / 2, 1), round(y, 1), segments)
        )
    used = [s for s in STATUSES if any(chart.summary[q][s] for q in chart.quarters)]
    return {
        "width": round(width, 1),
        "height": height,
        "left": left,
        "tick_x": left - 6,
        "label_y": base + 18,
        "right_edge": round(width - right, 1),
        "base": base,
        "ticks": ticks,
        "bars": bars,
        "legend": [{"status": s, "label": LABEL[s], "color": COLORS[s]} for s in used],
    }


# --- the timeline of upcoming deadlines -----------------------------------------------------
def timeline(report: Report) -> Iterator[dict[str, Any]]:
    """Open goals with a deadline on or after the as-of date, grouped by deadline (every goal is
    in the table of all goals; a date with very many names the first TIMELINE_GOALS). The goals
    come in deadline order, so each group is read whole before the next begins; only its first
    TIMELINE_GOALS are kept."""
    for deadline, goals in groupby(report.upcoming(), key=lambda g: g.deadline):
        assert deadline is not None
        group = goals  # read once: the first TIMELINE_GOALS kept, the rest counted
        named = list(islice(group, TIMELINE_GOALS))
        more = sum(1 for _ in group)
        days = (date.fromisoformat(deadline) - report.as_of).days
        yield {
            "deadline": deadline,
            "days": days,
            "when": "due today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}",
            "soon": days <= DUE_SOON_DAYS,
            "count": len(named) + more,
            "goals": named,
            "more": more,
        }


def _evidence(item: dict[str, Any] | None) -> dict[str, Any] | None:
    if not item:
        return None
    return {**item, "href": safe_url(item["url"])}


def _change(c: Change) -> dict[str, Any]:
    return {
        "on": c.on,
        "key": c.key,
        "title": c.title,
        "kind": c.kind,
        "text": change_text(c),
        "href": safe_url(c.after) if c.kind == "evidence" else None,
        "url": c.after if c.kind == "evidence" else None,
        "link_text": (c.detail or c.after) if c.kind == "evidence" else None,
        "note": c.note,
        "who": recorded(c),
    }


def report_html(report: Report) -> str:
    """Render the report; the template is templates/report.html.j2."""
    return "".join(report_html_chunks(report))


def report_html_chunks(report: Report) -> Iterator[str]:
    """The report as the template produces it, piece by piece (never one string), the goals
    and changes read from the database as their rows are written."""
    as_of = report.as_of.isoformat()
    cards = [
        {
            "status": s,
            "label": LABEL[s],
            "now": report.totals[s],
            "delta": signed(report.totals[s] - report.previous_totals[s]),
            "color": COLORS[s],
        }
        for s in STATUSES
    ]
    shown = [s for s in STATUSES if any(row[s] for row in report.areas.values())]
    context = {
        "r": report,
        "as_of": as_of,
        "labels": LABEL,
        "colors": COLORS,
        "inks": INK,
        "statuses": STATUSES,
        "final": sorted(FINAL_STATUSES),
        "cards": cards,
        "total_delta": signed(report.total - report.previous_total),
        "filters": filters_text(report.filters),
        "due_days": DUE_SOON_DAYS,
        "due_until": (report.as_of + timedelta(days=DUE_SOON_DAYS)).isoformat(),
        "chart": chart_geometry(report),
        "chart_used": [
            s for s in STATUSES if any(report.chart.summary[q][s] for q in report.chart.quarters)
        ],
        "overdue": report.overdue(),
        "due_soon": report.due_soon(),
        "timeline": timeline(report),
        "changes": (_change(c) for c in report.changes()),
        "area_statuses": shown,
        "goal_lines": (
            (line.goal, _evidence(line.latest_evidence)) for line in report.goal_lines()
        ),
    }
    template = _environment().get_template("report.html.j2")
    return batched(template.generate(**context))
