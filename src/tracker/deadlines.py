"""Deadline language -> (date, precision), in English and Chinese.

A deadline is the LAST day of the period the text names: "June 2026" is 2026-06-30, "Q4 2026"
is 2026-12-31, "十五五" (the 15th Five-Year Plan, 2026-2030) is 2030-12-31. The precision says
how wide that period is. Relative words ("next quarter", "明年", "eoq") count from `reference`,
the date the goal was announced or changed; they never depend on today's date.

Rules a reader might not guess:
- "within N years" / "N年内" / "N年" (N = 1..10) ends on Dec 31 of reference.year + N - 1:
  N calendar years counting the reference year itself, so "三年内" said in 2026 means 2028-12-31.
- A span ("2026-2027", "2026至2027年") ends with its last year; "2027年前" / "by 2027" mean the
  end of 2027, not the end of 2026.
- The Nth Five-Year Plan covers 1956+5(N-1) .. 1960+5(N-1); "十四五" = 2021-2025.
- Years outside 1900..2200 are refused. So is anything not listed: the parser never guesses.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from tracker.errors import BadInputError
from tracker.quarters import MAX_YEAR, MIN_YEAR, Quarter, echo, quarter_of

PRECISIONS = ("day", "month", "quarter", "half", "year", "period")

ACCEPTED_FORMS = (
    "a date (2026-06-30, 30 June 2026, 2026年6月30日), a month (June 2026, 2026-06, 2026年6月), "
    "a quarter (Q2 2026, 2026Q2, 2026年第二季度), a half (H1 2026, 2026年上半年), "
    "a year (2026, end of 2026, 2026年底), a span (2026-2027, 到2027年), "
    "within 3 years / 三年内, a relative word (eoq, next month, 明年) or a Five-Year Plan (十五五)"
)


@dataclass(frozen=True)
class Deadline:
    date: datetime.date  # the last day of the period named
    precision: str  # one of PRECISIONS
    text: str  # the original text, stripped


class _Unreadable(ValueError):
    """The text matched a form but names no real period (Q5, month 13, 2026-02-30...)."""


Groups = dict[str, str | None]
Handler = Callable[[Groups, datetime.date], tuple[datetime.date, str]]

_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_WORDS = {w: i for i, w in enumerate(_NUMBERS, start=1)} | {"a": 1, "上": 1, "下": 2}
_WORDS |= {w: i for i, w in enumerate(("first", "second", "third", "fourth"), start=1)}
_WORDS |= {w: i for i, w in enumerate(("1st", "2nd", "3rd", "4th"), start=1)}
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}
_OFFSETS = {"this": 0, "current": 0, "next": 1, "the following": 1}
_OFFSETS |= {"今": 0, "本": 0, "这": 0, "这个": 0, "当": 0, "明": 1, "后": 2}
_OFFSETS |= {"下": 1, "下个": 1, "下一": 1, "下一个": 1}


def _num(s: str | None) -> int:
    """An integer from ASCII digits, an English word or a Chinese numeral up to 99."""
    s = s or ""
    if s in _WORDS:
        return _WORDS[s]
    if s.isascii() and s.isdigit():
        return int(s)
    tens, ten, ones = s.partition("十")
    if not ten:
        if len(s) != 1 or s not in _CN_DIGITS:
            raise _Unreadable(s)
        return _CN_DIGITS[s]
    t = _CN_DIGITS.get(tens, -1) if tens else 1
    o = _CN_DIGITS.get(ones, -1) if ones else 0
    if t < 1 or o < 0:
        raise _Unreadable(s)
    return t * 10 + o


def _need(ok: bool) -> None:
    if not ok:
        raise _Unreadable("out of range")


def _year(s: str | None) -> int:
    year = _num(s)
    _need(MIN_YEAR <= year <= MAX_YEAR)
    return year


def _month_of(g: Groups) -> int:
    name = g.get("mon")
    return _MONTHS[name[:3]] if name else _num(g["m"])


def _month_end(year: int, month: int) -> datetime.date:
    # dateutil is imported where a deadline needs it: list and quarterly read no deadline text.
    from dateutil.relativedelta import relativedelta

    end: datetime.date = datetime.date(year, month, 1) + relativedelta(day=31)
    return end


def _day(g: Groups, ref: datetime.date) -> tuple[datetime.date, str]:
    return datetime.date(_year(g["y"]), _month_of(g), _num(g["d"])), "day"


def _month(g: Groups, ref: datetime.date) -> tuple[datetime.date, str]:
    month = _month_of(g)
    _need(1 <= month <= 12)
    return _month_end(_year(g["y"]), month), "month"


def _quarter(g: Groups, ref: datetime.date) -> tuple[datetime.date, str]:
    q = _num(g["q"])
    _need(1 <= q <= 4)
    return Quarter(_year(g["y"]), q).end, "quarter"


def _half(g: Groups, ref: datetime.date) -> tuple[datetime.date, str]:
    half = _num(g["h"])
    _need(half in (1, 2))
    return _month_end(_year(g["y"]), 6 * half), "half"


def _year_end(g: Groups, ref: datetime.date) -> tuple[datetime.date, str]:
    year = _year(g["y"])
    if g.get("y1"):  # a span: its first year must come first
        _need(_year(g["y1"]) <= year)
    return datetime.date(year, 12, 31), "year"


def _within(g: Groups, ref: datetime.date) -> tuple[datetime.date, str]:
    n = _num(g["n"])
    _need(1 <= n <= 10)
    return datetime.date(ref.year + n - 1, 12, 31), "year"


def _plan(g: Groups, ref: datetime.date) -> tuple[datetime.date, str]:
    n = _num(g["n"])
    _need(n >= 1)
    return datetime.date(1960 + 5 * (n - 1), 12, 31), "period"


def _relative(unit: str) -> Handler:
    """A handler for "this/next <unit>"; the prefix word (group p) gives the offset."""

    def handler(g: Groups, ref: datetime.date) -> tuple[datetime.date, str]:
        off = _OFFSETS[g.get("p") or "this"]
        if unit == "year":
            return datetime.date(ref.year + off, 12, 31), "year"
        if unit == "half":
            return _month_end(ref.year + off, 6 * _num(g["h"])), "half"
        if unit == "quarter":
            quarter = quarter_of(ref)
            for _ in range(off):
                quarter = quarter.next()
            return quarter.end, "quarter"
        from dateutil.relativedelta import relativedelta

        return ref + relativedelta(months=off, day=31), "month"

    return handler


Y = r"(?P<y>\d{4})"
Y_END = r"(?:年(?:年?[底末])?)?"  # 2026, 2026年, 2026年底, 2026年年末
ORD = r"(?:st|nd|rd|th)?"
MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
CN = r"\d{1,2}|[〇零一二两三四五六七八九十]{1,3}"  # a small number, digits or Chinese
EN_N = r"\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten"
THIS = r"本|这个?|当"
NEXT = r"下一?个?"
PLAN_END = r"(?:规划|计划)?(?:期间|时期|期末|末期?|内)?"

_FORMS: list[tuple[str, Handler]] = [
    # days
    (rf"{Y}(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})", _day),
    (rf"(?P<d>\d{{1,2}}){ORD} (?:of )?{MON},? {Y}", _day),
    (rf"{MON} (?P<d>\d{{1,2}}){ORD},? {Y}", _day),
    (rf"{Y}年(?P<m>{CN})月(?P<d>{CN})[日号]", _day),
    # months
    (rf"{Y}[-/.](?P<m>\d{{1,2}})", _month),
    (rf"{MON},? {Y}", _month),
    (rf"{Y}年(?P<m>{CN})月份?[底末]?", _month),
    # quarters
    (rf"q(?P<q>\d)[ -]?(?:of )?{Y}", _quarter),
    (rf"{Y}(?:[ -]|年)?q(?P<q>\d)[底末]?", _quarter),
    (rf"(?P<q>\d)q[ -]?{Y}", _quarter),
    (rf"(?:the )?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of)?,? {Y}", _quarter),
    (rf"{Y}年第?(?P<q>{CN})季度?[底末]?", _quarter),
    # halves
    (rf"h(?P<h>\d)[ -]?(?:of )?{Y}", _half),
    (rf"{Y}(?:[ -]|年)?h(?P<h>\d)", _half),
    (rf"(?P<h>\d)h[ -]?{Y}", _half),
    (rf"(?:the )?(?P<h>first|second|1st|2nd) half(?: of)?,? {Y}", _half),
    (rf"{Y}年(?P<h>[上下])半年[底末]?", _half),
    # years and spans of years
    (rf"{Y}{Y_END}", _year_end),
    (rf"(?P<y1>\d{{4}})年?(?:-|至|到| ?(?:to|through) ?){Y}{Y_END}", _year_end),
    (rf"(?:within|within the next|the next) (?P<n>{EN_N}) years?", _within),
    (rf"(?:未来)?(?P<n>{CN})年(?:内|以内|之内)?", _within),
    # Five-Year Plans
    (rf"第?(?P<n>十[一二三四五六七八九])五{PLAN_END}", _plan),
    (rf"第(?P<n>[一二三四五六七八九十]{{1,3}})个五年(?:规划|计划){PLAN_END}", _plan),
    (rf"(?:the )?(?P<n>\d{{1,2}}){ORD} five[- ]year plan(?: period)?", _plan),
    (r"fyp[ -]?(?P<n>\d{1,2})|(?P<n2>\d{1,2})(?:st|nd|rd|th)? fyp", _plan),
    # relative to the reference date
    (r"(?P<p>this|current|next|the following) year|eoy|year[ -]?end", _relative("year")),
    (r"(?P<p>this|current|next|the following) quarter|eoq|quarter[ -]?end", _relative("quarter")),
    (r"(?P<p>this|current|next|the following) month|eom|month[ -]?end", _relative("month")),
    (r"(?:the )?(?P<h>first|second|1st|2nd) half of (?P<p>this|next) year", _relative("half")),
    (r"(?P<p>[今本明后])年(?:年?[底末]|内)?|年[底末内]", _relative("year")),
    (r"(?:(?P<p>[今本明后])年)?(?P<h>[上下])半年[底末]?", _relative("half")),
    (rf"(?P<p>{THIS}|{NEXT})季度?[底末]?|季度?[底末]", _relative("quarter")),
    (rf"(?P<p>{THIS}|{NEXT})月份?[底末]?|月[底末]", _relative("month")),
]


@cache
def _compiled() -> list[tuple[re.Pattern[str], Handler]]:
    """The forms, compiled on the first deadline read (not by every command that imports this)."""
    return [(re.compile(pattern, re.ASCII), handler) for pattern, handler in _FORMS]


_LEAD = re.compile(
    r"(?:by|no later than|not later than|in|(?P<end>(?:the )?end of)(?: the)?) "
    r"|到|至|截至|截止到?|于|在|最迟|不晚于"
)
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』《》")
_DASHES = re.compile(r" ?[-‐‑‒–—―−~〜]+ ?")
_CJK_SPACE = re.compile(r" ?([\u3007\u4e00-\u9fff]) ?")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")


def _normalise(text: str) -> str:
    """Lower case, NFKC, quotes gone, dashes as '-', Chinese years as digits, prefixes cut."""
    s = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    s = " ".join(s.split())
    s = _CJK_SPACE.sub(r"\1", _DASHES.sub("-", s)).rstrip(".,;:!?。")
    s = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group()), s)
    ended = False
    while lead := _LEAD.match(s):
        ended = ended or bool(lead["end"])
        s = s[lead.end() :]
    if re.match(r"\d{4}", s):  # "2027年前", "2026年底之前": before the end of
        s = re.sub(r"(?:以前|之前|前)$", "", s)
    if ended and s in ("year", "quarter", "month"):  # "end of the year"
        s = "this " + s
    return s


def parse_deadline(text: str, *, reference: datetime.date) -> Deadline:
    """Read deadline language; relative words count from `reference`. See the module doc."""
    original = text.strip()
    if isinstance(reference, datetime.datetime):
        reference = reference.date()
    s = _normalise(original) if len(original) <= 200 else ""
    for pattern, handler in _compiled():
        m = pattern.fullmatch(s)
        if not m:
            continue
        groups: Groups = m.groupdict()
        groups["n"] = groups.get("n") or groups.get("n2")
        try:
            date, precision = handler(groups, reference)
        except (ValueError, OverflowError, BadInputError):
            break  # a known shape naming no real period: Q5, 2026-02-30, 2201
        if MIN_YEAR <= date.year <= MAX_YEAR:
            return Deadline(date=date, precision=precision, text=original)
        break
    raise BadInputError(f"unreadable deadline '{echo(original)}': use {ACCEPTED_FORMS}")


def parse_date(text: str, *, field: str = "date") -> datetime.date:
    """Read a strict ISO date, YYYY-MM-DD (surrounding whitespace allowed)."""
    stripped = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stripped, re.ASCII):
        try:
            return datetime.date.fromisoformat(stripped)
        except ValueError:
            pass
    raise BadInputError(f"unreadable {field} '{echo(stripped)}': expected YYYY-MM-DD")
