"""Quarter maths. No test depends on today's date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.errors import BadInputError
from tracker.quarters import (
    MAX_RANGE,
    Quarter,
    parse_quarter,
    quarter_of,
    quarter_range,
    year_quarters,
)

D = dt.date


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (Quarter(2026, 1), D(2026, 1, 1), D(2026, 3, 31)),
        (Quarter(2026, 2), D(2026, 4, 1), D(2026, 6, 30)),
        (Quarter(2026, 3), D(2026, 7, 1), D(2026, 9, 30)),
        (Quarter(2026, 4), D(2026, 10, 1), D(2026, 12, 31)),
        (Quarter(2028, 1), D(2028, 1, 1), D(2028, 3, 31)),
    ],
)
def test_start_and_end(quarter: Quarter, start: dt.date, end: dt.date) -> None:
    assert (quarter.start, quarter.end) == (start, end)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 1), Quarter(2026, 1)),
        (D(2026, 3, 31), Quarter(2026, 1)),
        (D(2026, 4, 1), Quarter(2026, 2)),
        (D(2026, 6, 30), Quarter(2026, 2)),
        (D(2026, 7, 1), Quarter(2026, 3)),
        (D(2026, 9, 30), Quarter(2026, 3)),
        (D(2026, 10, 1), Quarter(2026, 4)),
        (D(2026, 12, 31), Quarter(2026, 4)),
        (D(2028, 2, 29), Quarter(2028, 1)),
    ],
)
def test_quarter_of_boundaries(day: dt.date, expected: Quarter) -> None:
    assert quarter_of(day) == expected


def test_quarter_of_a_datetime() -> None:
    assert quarter_of(dt.datetime(2026, 11, 22, 23, 59)) == Quarter(2026, 4)


def test_str_and_order() -> None:
    assert str(Quarter(2026, 1)) == "2026Q1"
    assert Quarter(2025, 4) < Quarter(2026, 1) < Quarter(2026, 2)
    assert sorted([Quarter(2026, 3), Quarter(2025, 4), Quarter(2026, 1)]) == [
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 3),
    ]


def test_next() -> None:
    assert Quarter(2026, 1).next() == Quarter(2026, 2)
    assert Quarter(2026, 3).next() == Quarter(2026, 4)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)


def test_quarters_are_frozen_and_hashable() -> None:
    quarter = Quarter(2026, 1)
    with pytest.raises(AttributeError):
        quarter.q = 2  # type: ignore[misc]
    assert {quarter, Quarter(2026, 1)} == {quarter}


@pytest.mark.parametrize(("year", "q"), [(2026, 0), (2026, 5), (2026, -1), (0, 1), (10_000, 1)])
def test_impossible_quarter(year: int, q: int) -> None:
    with pytest.raises(BadInputError, match="no such quarter"):
        Quarter(year, q)


def test_year_quarters() -> None:
    assert year_quarters(2026) == [Quarter(2026, q) for q in (1, 2, 3, 4)]
    assert year_quarters(2026)[0].start == D(2026, 1, 1)
    assert year_quarters(2026)[-1].end == D(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026Q1", Quarter(2026, 1)),
        ("2026q1", Quarter(2026, 1)),
        ("2026-Q1", Quarter(2026, 1)),
        ("2026 Q4", Quarter(2026, 4)),
        ("Q1 2026", Quarter(2026, 1)),
        ("q3 2026", Quarter(2026, 3)),
        ("  2026Q2\n", Quarter(2026, 2)),
        ("２０２６Ｑ２", Quarter(2026, 2)),
    ],
)
def test_parse_quarter(text: str, expected: Quarter) -> None:
    assert parse_quarter(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "2026", "2026Q0", "2026Q5", "Q5 2026", "26Q1", "2026Q12", "2026H1", "1899Q4", "2201Q1",
     "2026 Q1 extra", "Q 2026", "\x00", "2026Q1" + "x" * 10_000],
)  # fmt: skip
def test_parse_quarter_rejects(text: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_quarter(text)
    message = str(info.value)
    assert message.startswith("unreadable quarter '")
    assert message.endswith("': expected YYYYQn, e.g. 2026Q1")
    assert len(message.splitlines()) == 1
    assert len(message) < 150


def test_round_trip_through_str() -> None:
    for quarter in quarter_range(Quarter(2020, 1), Quarter(2030, 4)):
        assert parse_quarter(str(quarter)) == quarter


def test_quarter_range() -> None:
    assert quarter_range(Quarter(2025, 3), Quarter(2026, 2)) == [
        Quarter(2025, 3),
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 2),
    ]
    assert quarter_range(Quarter(2026, 1), Quarter(2026, 1)) == [Quarter(2026, 1)]


def test_quarter_range_limit() -> None:
    longest = quarter_range(Quarter(2001, 1), Quarter(2050, 4))
    assert len(longest) == MAX_RANGE == 200
    with pytest.raises(BadInputError, match="201 quarters; the most is 200"):
        quarter_range(Quarter(2001, 1), Quarter(2051, 1))


def test_quarter_range_backwards() -> None:
    with pytest.raises(BadInputError, match=r"2026Q2\.\.2026Q1 runs backwards"):
        quarter_range(Quarter(2026, 2), Quarter(2026, 1))


@given(st.dates(max_value=D(9998, 12, 31)))
def test_a_date_lies_in_its_quarter(day: dt.date) -> None:
    quarter = quarter_of(day)
    assert quarter.start <= day <= quarter.end
    assert quarter.next().start == quarter.end + dt.timedelta(days=1)


@given(st.integers(1, 9998), st.integers(1, 4))
def test_next_steps_one_quarter(year: int, q: int) -> None:
    quarter = Quarter(year, q)
    following = quarter.next()
    assert following > quarter
    assert following == (Quarter(year + 1, 1) if q == 4 else Quarter(year, q + 1))
    assert quarter_range(quarter, following) == [quarter, following]
