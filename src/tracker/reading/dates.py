"""Publication dates: from page metadata, else a full date written in the text."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
# A full date: 2026-02-28, 2026/2/28, 2026.02.28, 2026年2月28日, March 5, 2026, 5 March 2026.
FULL_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*(?:(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?!\d)"
    r"|年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*[日号])"
    rf"|\b(?P<mon>{_MON})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y3>(?:19|20)\d\d)\b"
    rf"|\b(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon4>{_MON})\.?,?\s+(?P<y4>(?:19|20)\d\d)\b",
    re.I,
)
# A date said to be the publication's: 发布时间：…, Published: …
_LABELLED = re.compile(
    r"(?:发布时间|发布日期|发表时间|发表日期|发文日期|成文日期|日期|时间|published(?: on)?|date|posted(?: on)?)"
    r"\s*[:：]?\s*",
    re.I,
)


def _to_date(m: re.Match[str]) -> date | None:
    g = m.groupdict()
    try:
        if g["y"]:
            return date(int(g["y"]), int(g["m"] or g["m2"]), int(g["d"] or g["d2"]))
        if g["y3"]:
            return date(int(g["y3"]), _MONTHS[g["mon"].lower()], int(g["d3"]))
        return date(int(g["y4"]), _MONTHS[g["mon4"].lower()], int(g["d4"]))
    except (ValueError, KeyError):
        return None


def parse_meta_date(value: str) -> date | None:
    """A metadata value: ISO 8601 (with a time and zone or not), or any full date form."""
    m = FULL_DATE.search(value.strip()[:200])
    if m and m.start() <= 3:
        return _to_date(m)
    compact = re.match(r"\s*((?:19|20)\d\d)(\d\d)(\d\d)\b", value)
    if compact:
        try:
            return date(int(compact[1]), int(compact[2]), int(compact[3]))
        except ValueError:
            return None
    return None


def date_in_text(text: str) -> date | None:
    """The date a text gives itself: one labelled as its publication date (发布时间：…),
    else the first full date in it."""
    head = text[:20000]
    first: date | None = None
    for m in FULL_DATE.finditer(head):
        day = _to_date(m)
        if day is None:
            continue
        lead = head[max(0, m.start() - 12) : m.start()]
        if re.search(_LABELLED.pattern + r"$", lead, re.I):
            return day
        if first is None:
            first = day
    return first
