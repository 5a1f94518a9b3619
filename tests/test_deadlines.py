"""Deadline language -> (date, precision). No test depends on today's date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracker.deadlines import (
    ACCEPTED_FORMS,
    PRECISIONS,
    Deadline,
    parse_date,
    parse_deadline,
)
from tracker.errors import BadInputError

REF = dt.date(2026, 11, 22)  # a Sunday in Q4 / H2; the default reference below
REF_SPRING = dt.date(2027, 5, 10)  # Q2 / H1 of the next year, for relative words
D = dt.date

ABSOLUTE = [
    # exact days
    ("2026-06-30", D(2026, 6, 30), "day"),
    ("2026/6/30", D(2026, 6, 30), "day"),
    ("2026.06.30", D(2026, 6, 30), "day"),
    ("30 June 2026", D(2026, 6, 30), "day"),
    ("30th of June 2026", D(2026, 6, 30), "day"),
    ("June 30, 2026", D(2026, 6, 30), "day"),
    ("jun. 30 2026", D(2026, 6, 30), "day"),
    ("2026年6月30日", D(2026, 6, 30), "day"),
    ("2026年6月30号", D(2026, 6, 30), "day"),
    ("2026年六月三十日", D(2026, 6, 30), "day"),
    ("２０２６年６月３０日", D(2026, 6, 30), "day"),
    ("2026年12月31日前", D(2026, 12, 31), "day"),
    ("2028-02-29", D(2028, 2, 29), "day"),
    ("29 February 2028", D(2028, 2, 29), "day"),
    ("2000-02-29", D(2000, 2, 29), "day"),
    # months
    ("2026-06", D(2026, 6, 30), "month"),
    ("2026/06", D(2026, 6, 30), "month"),
    ("June 2026", D(2026, 6, 30), "month"),
    ("Jun 2026", D(2026, 6, 30), "month"),
    ("end of June 2026", D(2026, 6, 30), "month"),
    ("by September 2026", D(2026, 9, 30), "month"),
    ("2026年6月", D(2026, 6, 30), "month"),
    ("2026年6月底", D(2026, 6, 30), "month"),
    ("2026年6月末", D(2026, 6, 30), "month"),
    ("2026年十二月", D(2026, 12, 31), "month"),
    ("Feb 2026", D(2026, 2, 28), "month"),
    ("2028年2月底", D(2028, 2, 29), "month"),
    ("February 2100", D(2100, 2, 28), "month"),  # 2100 is not a leap year
    # quarters
    ("Q2 2026", D(2026, 6, 30), "quarter"),
    ("2026Q2", D(2026, 6, 30), "quarter"),
    ("2026-Q2", D(2026, 6, 30), "quarter"),
    ("2026 Q2", D(2026, 6, 30), "quarter"),
    ("2Q 2026", D(2026, 6, 30), "quarter"),
    ("q1 2026", D(2026, 3, 31), "quarter"),
    ("Q3 2026", D(2026, 9, 30), "quarter"),
    ("end of Q4 2026", D(2026, 12, 31), "quarter"),
    ("the fourth quarter of 2026", D(2026, 12, 31), "quarter"),
    ("2026年第二季度", D(2026, 6, 30), "quarter"),
    ("2026年二季度", D(2026, 6, 30), "quarter"),
    ("2026年第2季度", D(2026, 6, 30), "quarter"),
    ("2026年Q2", D(2026, 6, 30), "quarter"),
    ("2026年四季度末", D(2026, 12, 31), "quarter"),
    # halves
    ("H1 2026", D(2026, 6, 30), "half"),
    ("2026H1", D(2026, 6, 30), "half"),
    ("2026-H2", D(2026, 12, 31), "half"),
    ("1H 2026", D(2026, 6, 30), "half"),
    ("first half of 2026", D(2026, 6, 30), "half"),
    ("second half of 2026", D(2026, 12, 31), "half"),
    ("2026年上半年", D(2026, 6, 30), "half"),
    ("2026年下半年", D(2026, 12, 31), "half"),
    # years
    ("2026", D(2026, 12, 31), "year"),
    ("2026年", D(2026, 12, 31), "year"),
    ("end of 2026", D(2026, 12, 31), "year"),
    ("by 2026", D(2026, 12, 31), "year"),
    ("by end of 2026", D(2026, 12, 31), "year"),
    ("By the End of 2026.", D(2026, 12, 31), "year"),
    ("2026年底", D(2026, 12, 31), "year"),
    ("2026年末", D(2026, 12, 31), "year"),
    ("2026年年底", D(2026, 12, 31), "year"),
    ("2026年底前", D(2026, 12, 31), "year"),
    ("二〇二六年", D(2026, 12, 31), "year"),
    ("二零二六年", D(2026, 12, 31), "year"),
    ("1900", D(1900, 12, 31), "year"),
    ("2200", D(2200, 12, 31), "year"),
    # spans ending in a year
    ("2026-2027", D(2027, 12, 31), "year"),
    ("2026—2027年", D(2027, 12, 31), "year"),
    ("2026 – 2027", D(2027, 12, 31), "year"),
    ("2026至2027年", D(2027, 12, 31), "year"),
    ("2026年到2027年", D(2027, 12, 31), "year"),
    ("2026 to 2027", D(2027, 12, 31), "year"),
    ("到2027年", D(2027, 12, 31), "year"),
    ("至2027年", D(2027, 12, 31), "year"),
    ("by 2027", D(2027, 12, 31), "year"),
    ("2027年前", D(2027, 12, 31), "year"),
    ("2027年以前", D(2027, 12, 31), "year"),
    ("截至2027年底", D(2027, 12, 31), "year"),
    # Five-Year Plans: the Nth covers 1956+5(N-1) .. 1960+5(N-1)
    ("十五五", D(2030, 12, 31), "period"),
    ("“十五五”", D(2030, 12, 31), "period"),
    ('"十五五"期间', D(2030, 12, 31), "period"),
    ("十五五时期", D(2030, 12, 31), "period"),
    ("十五五末", D(2030, 12, 31), "period"),
    ("十五五规划", D(2030, 12, 31), "period"),
    ("第十五个五年规划期间", D(2030, 12, 31), "period"),
    ("15th Five-Year Plan", D(2030, 12, 31), "period"),
    ("the 15th Five-Year Plan period", D(2030, 12, 31), "period"),
    ("FYP15", D(2030, 12, 31), "period"),
    ("15th FYP", D(2030, 12, 31), "period"),
    ("十四五", D(2025, 12, 31), "period"),
    ("十六五", D(2035, 12, 31), "period"),
    ("十一五", D(2010, 12, 31), "period"),
    # surrounding whitespace, case, full-width forms
    ("  q2 2026\t", D(2026, 6, 30), "quarter"),
    ("２０２６Ｑ２", D(2026, 6, 30), "quarter"),
    ("2026 年 6 月", D(2026, 6, 30), "month"),
]


@pytest.mark.parametrize(("text", "date", "precision"), ABSOLUTE)
def test_absolute_forms(text: str, date: dt.date, precision: str) -> None:
    got = parse_deadline(text, reference=REF)
    assert (got.date, got.precision) == (date, precision)
    assert got.text == text.strip()


@pytest.mark.parametrize(("text", "date", "precision"), ABSOLUTE)
def test_absolute_forms_ignore_the_reference(text: str, date: dt.date, precision: str) -> None:
    got = parse_deadline(text, reference=REF_SPRING)
    assert (got.date, got.precision) == (date, precision)


# (text, deadline against REF = 2026-11-22, deadline against REF_SPRING = 2027-05-10, precision)
RELATIVE = [
    ("eoy", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("this year", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("end of the year", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("今年", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("年底", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("年末", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("今年底", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("今年年底", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("年内", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("next year", D(2027, 12, 31), D(2028, 12, 31), "year"),
    ("明年", D(2027, 12, 31), D(2028, 12, 31), "year"),
    ("明年底", D(2027, 12, 31), D(2028, 12, 31), "year"),
    ("后年", D(2028, 12, 31), D(2029, 12, 31), "year"),
    ("eoq", D(2026, 12, 31), D(2027, 6, 30), "quarter"),
    ("this quarter", D(2026, 12, 31), D(2027, 6, 30), "quarter"),
    ("本季度", D(2026, 12, 31), D(2027, 6, 30), "quarter"),
    ("季度末", D(2026, 12, 31), D(2027, 6, 30), "quarter"),
    ("next quarter", D(2027, 3, 31), D(2027, 9, 30), "quarter"),  # Q4 rolls into next year
    ("下季度", D(2027, 3, 31), D(2027, 9, 30), "quarter"),
    ("下个季度", D(2027, 3, 31), D(2027, 9, 30), "quarter"),
    ("eom", D(2026, 11, 30), D(2027, 5, 31), "month"),
    ("end of the month", D(2026, 11, 30), D(2027, 5, 31), "month"),
    ("本月", D(2026, 11, 30), D(2027, 5, 31), "month"),
    ("月底", D(2026, 11, 30), D(2027, 5, 31), "month"),
    ("next month", D(2026, 12, 31), D(2027, 6, 30), "month"),
    ("下个月", D(2026, 12, 31), D(2027, 6, 30), "month"),
    ("今年上半年", D(2026, 6, 30), D(2027, 6, 30), "half"),
    ("今年下半年", D(2026, 12, 31), D(2027, 12, 31), "half"),
    ("下半年", D(2026, 12, 31), D(2027, 12, 31), "half"),
    ("明年上半年", D(2027, 6, 30), D(2028, 6, 30), "half"),
    ("first half of next year", D(2027, 6, 30), D(2028, 6, 30), "half"),
    # within N years = N calendar years counting the reference year
    ("within 3 years", D(2028, 12, 31), D(2029, 12, 31), "year"),
    ("within three years", D(2028, 12, 31), D(2029, 12, 31), "year"),
    ("within a year", D(2026, 12, 31), D(2027, 12, 31), "year"),
    ("三年内", D(2028, 12, 31), D(2029, 12, 31), "year"),
    ("三年", D(2028, 12, 31), D(2029, 12, 31), "year"),
    ("3年内", D(2028, 12, 31), D(2029, 12, 31), "year"),
    ("两年内", D(2027, 12, 31), D(2028, 12, 31), "year"),
    ("未来五年", D(2030, 12, 31), D(2031, 12, 31), "year"),
    ("十年内", D(2035, 12, 31), D(2036, 12, 31), "year"),
]


@pytest.mark.parametrize(("text", "on_ref", "on_spring", "precision"), RELATIVE)
def test_relative_forms_follow_the_reference(
    text: str, on_ref: dt.date, on_spring: dt.date, precision: str
) -> None:
    first = parse_deadline(text, reference=REF)
    second = parse_deadline(text, reference=REF_SPRING)
    assert (first.date, first.precision) == (on_ref, precision)
    assert (second.date, second.precision) == (on_spring, precision)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        (D(2026, 11, 22), D(2026, 12, 31)),
        (D(2026, 3, 31), D(2026, 3, 31)),  # the last day of a quarter is its own end
        (D(2026, 1, 1), D(2026, 3, 31)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 12, 31), D(2026, 12, 31)),
    ],
)
def test_eoq(reference: dt.date, expected: dt.date) -> None:
    assert parse_deadline("eoq", reference=reference) == Deadline(expected, "quarter", "eoq")


def test_next_quarter_from_q4_rolls_into_january() -> None:
    assert parse_deadline("next quarter", reference=D(2026, 12, 31)).date == D(2027, 3, 31)


def test_next_month_from_january_ends_in_february() -> None:
    assert parse_deadline("next month", reference=D(2027, 1, 31)).date == D(2027, 2, 28)
    assert parse_deadline("next month", reference=D(2028, 1, 31)).date == D(2028, 2, 29)


def test_reference_datetime_gives_a_plain_date() -> None:
    got = parse_deadline("eom", reference=dt.datetime(2026, 11, 22, 15, 30))
    assert type(got.date) is dt.date
    assert got.date == D(2026, 11, 30)


def test_relative_words_beyond_2200_are_refused() -> None:
    with pytest.raises(BadInputError, match="unreadable deadline"):
        parse_deadline("next year", reference=D(2200, 6, 1))
    with pytest.raises(BadInputError, match="unreadable deadline"):
        parse_deadline("next quarter", reference=D(9999, 12, 31))


def test_every_precision_is_reachable() -> None:
    texts = ["2026-06-30", "June 2026", "Q2 2026", "H1 2026", "2026", "十五五"]
    got = [parse_deadline(t, reference=REF).precision for t in texts]
    assert tuple(got) == PRECISIONS


REJECTED = [
    "",
    "   ",
    "soon",
    "asap",
    "TBD",
    "next week",
    "2026-13-01",
    "2026-02-30",
    "2026-02-29",  # 2026 is not a leap year
    "2100-02-29",  # nor is 2100
    "2026年2月29日",
    "2026-00",
    "2026-13",
    "2026年13月",
    "Q5 2026",
    "Q0 2026",
    "2026年第五季度",
    "H3 2026",
    "2026H0",
    "1899",
    "2201",
    "12026",
    "26",
    "30/06/2026",  # day/month order is ambiguous: never guess
    "06/30/2026",
    "2026-06-30T00:00",
    "2027-2026",  # a span running backwards
    "十五",  # fifteen, not a plan
    "三年前",  # three years ago
    "2026年前后",  # around 2026
    "mid-2026",
    "十一年内",
    "within 0 years",
    "fyp50",  # would end in 2205
    "Smarch 2026",
    "32 June 2026",
    "\x00",
    "2026\x00",
    "🎉",
    "2026\n2027",
    "x" * 100_000,
    "2026 " + "0" * 100_000,
]


@pytest.mark.parametrize("text", REJECTED)
def test_rejected(text: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_deadline(text, reference=REF)
    message = str(info.value)
    assert "unreadable deadline" in message
    assert len(message.splitlines()) == 1
    assert ACCEPTED_FORMS in message
    assert info.value.exit_code == 2


def test_rejection_echoes_a_short_escaped_text() -> None:
    with pytest.raises(BadInputError) as info:
        parse_deadline("soon\r\nish\x00" + "y" * 500, reference=REF)
    message = str(info.value)
    assert message.startswith("unreadable deadline 'soon\\r\\nish\\x00yyy")
    assert "y" * 60 not in message
    assert "...'" in message


def test_accepted_forms_is_one_line() -> None:
    assert "\n" not in ACCEPTED_FORMS
    assert "2026-06-30" in ACCEPTED_FORMS and "十五五" in ACCEPTED_FORMS


PIECES = (
    "2026", "06", "30", "Q", "H", "年", "月", "日", "季度", "上", "下", "半年", "十", "五", "三",
    "底", "末", "前", "内", "-", "/", ".", " ", "June", "of", "end", "by", "next", "this", "eoq",
    "本", "明", "今", "plan", "five-year", "第", "个", "规划",
)  # fmt: skip
DATE_LIKE = st.one_of(
    st.from_regex(r"\A\d{1,5}[-/.年 ]\d{1,3}([-/.月 ]\d{1,3}[日号]?)?\Z"),
    st.from_regex(r"\A[qQhH]\d ?\d{4}\Z|\A\d{4}[-年 ]?[qQhH]\d\Z"),
    st.from_regex(r"\A(by |end of )?\d{3,5}(年[底末]?|-\d{4})?\Z"),
    st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(), DATE_LIKE), reference=st.dates())
@example(text="2026-02-29", reference=D(2026, 1, 1))
@example(text="next quarter", reference=D(9999, 12, 31))
@example(text="eoy", reference=D(1, 1, 1))
def test_any_text_gives_a_sane_deadline_or_bad_input(text: str, reference: dt.date) -> None:
    try:
        got = parse_deadline(text, reference=reference)
    except BadInputError as error:
        assert "unreadable deadline" in str(error)
        assert len(str(error).splitlines()) == 1
    else:
        assert 1900 <= got.date.year <= 2200
        assert got.precision in PRECISIONS
        assert got.text == text.strip()


# --- parse_date: strict ISO only -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-30", D(2026, 6, 30)),
        ("2028-02-29", D(2028, 2, 29)),
        ("  2026-01-01\n", D(2026, 1, 1)),
        ("1999-12-31", D(1999, 12, 31)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "2026-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026/06/30",
        "2026.06.30",
        "2026-6-30",
        "20260630",
        "30 June 2026",
        "2026-06-30T00:00:00",
        "２０２６-０６-３０",
        "",
        "soon",
        "2026-06-30\n2026-07-01",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(BadInputError) as info:
        parse_date(text, field="announced")
    message = str(info.value)
    assert message.startswith("unreadable announced '")
    assert message.endswith("': expected YYYY-MM-DD")
    assert len(message.splitlines()) == 1


def test_parse_date_default_field_name() -> None:
    with pytest.raises(BadInputError, match=r"^unreadable date '2026-02-30': expected YYYY-MM-DD$"):
        parse_date("2026-02-30")


@given(st.dates())
def test_parse_date_round_trips_isoformat(d: dt.date) -> None:
    assert parse_date(d.isoformat()) == d  # isoformat pads every year to four digits
