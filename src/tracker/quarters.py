"""Calendar quarters: Q1 = Jan-Mar, Q2 = Apr-Jun, Q3 = Jul-Sep, Q4 = Oct-Dec."""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

from tracker.errors import BadInputError

MIN_YEAR = 1900  # the years the tracker accepts when it reads them from text
MAX_YEAR = 2200
MAX_RANGE = 200  # most quarters quarter_range will list (50 years)

_QUARTER_FORMS = (
    re.compile(r"(?P<y>\d{4}) ?-? ?q(?P<q>\d)", re.ASCII),  # 2026Q1, 2026-q1, 2026 Q1
    re.compile(r"q(?P<q>\d) ?-? ?(?P<y>\d{4})", re.ASCII),  # Q1 2026
)


def echo(text: str, limit: int = 60) -> str:
    """`text` made safe to quote in a one-line message: cut to `limit`, control chars escaped."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:limit])
    return shown + ("..." if len(text) > limit else "")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; orders by (year, q)."""

    year: int
    q: int

    def __post_init__(self) -> None:
        if not (1 <= self.q <= 4 and datetime.MINYEAR <= self.year <= datetime.MAXYEAR):
            raise BadInputError(f"no such quarter: year {self.year}, quarter {self.q}")

    @property
    def start(self) -> datetime.date:
        """The first day of the quarter."""
        return datetime.date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the quarter (Mar 31, Jun 30, Sep 30 or Dec 31)."""
        month = 3 * self.q
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}Q{self.q}"

    def next(self) -> Quarter:
        """The quarter after this one (Q4 is followed by next year's Q1)."""
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)


def quarter_of(d: datetime.date) -> Quarter:
    """The quarter that contains `d`."""
    return Quarter(d.year, (d.month - 1) // 3 + 1)


def parse_quarter(text: str) -> Quarter:
    """Read "2026Q1", "2026q1", "2026-Q1", "2026 Q1" or "Q1 2026" (years 1900..2200)."""
    stripped = text.strip()
    cleaned = unicodedata.normalize("NFKC", stripped).lower() if len(stripped) <= 40 else ""
    for form in _QUARTER_FORMS:
        m = form.fullmatch(cleaned)
        if m and 1 <= int(m["q"]) <= 4 and MIN_YEAR <= int(m["y"]) <= MAX_YEAR:
            return Quarter(int(m["y"]), int(m["q"]))
    raise BadInputError(f"unreadable quarter '{echo(stripped)}': expected YYYYQn, e.g. 2026Q1")


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from `first` to `last`, both included, oldest first."""
    if first > last:
        raise BadInputError(f"quarter range {first}..{last} runs backwards")
    count = (last.year - first.year) * 4 + (last.q - first.q) + 1
    if count > MAX_RANGE:
        raise BadInputError(
            f"quarter range {first}..{last} has {count} quarters; the most is {MAX_RANGE}"
        )
    quarters = [first]
    while quarters[-1] != last:
        quarters.append(quarters[-1].next())
    return quarters


def year_quarters(year: int) -> list[Quarter]:
    """The four quarters of `year`."""
    return [Quarter(year, q) for q in (1, 2, 3, 4)]
