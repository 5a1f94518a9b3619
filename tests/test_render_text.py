"""render.text.table: columns line up on a terminal whatever the cells hold (CJK, colour, None,
control characters), and cells are shown as given, never reinterpreted."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.render.text import paint, table, width

# Printable text as cells reach table() from the renderers.
TEXT = st.text(
    st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "S", "Zs"),
        exclude_characters="\u00ad\u2028\u2029",
    ),
    max_size=12,
) | st.sampled_from(["中文标题", "6G 频谱规划", "   ", "", "2026-12-31", "50%", "１２３", "007"])


def column_starts(rule: str) -> list[int]:
    """Display offsets where each column begins, read off the dashed rule under the headers."""
    starts, previous = [], " "
    for i, ch in enumerate(rule):
        if ch == "-" and previous == " ":
            starts.append(i)
        previous = ch
    return starts


def shown_at(line: str, offset: int, cell: str) -> bool:
    """`cell` begins at display column `offset` of `line` (colour codes take no columns)."""
    return any(
        line[i:].startswith(cell) and width(line[:i]) == offset for i in range(len(line) + 1)
    )


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[object]], list[str]]:
    n = draw(st.integers(1, 5))
    headers = draw(
        st.lists(st.text("IDKeyTitle中", min_size=1, max_size=6), min_size=n, max_size=n)
    )
    cell = TEXT | st.none() | TEXT.map(lambda t: paint(t, "32", True))
    rows = draw(st.lists(st.lists(cell, min_size=n, max_size=n), max_size=6))
    return rows, headers


@settings(max_examples=300, deadline=None)
@given(tables())
def test_every_cell_starts_at_its_column(case: tuple[list[list[object]], list[str]]) -> None:
    rows, headers = case
    lines = table(rows, headers).split("\n")
    assert len(lines) == 2 + len(rows)  # header, rule, one line per row: no row split or lost
    starts = column_starts(lines[1])
    assert len(starts) == len(headers)
    for line, cells in zip([lines[0], *lines[2:]], [headers, *rows], strict=True):
        for start, cell in zip(starts, cells, strict=True):
            expected = "—" if cell is None else str(cell).strip()
            if not expected:
                continue  # an empty cell shows nothing (and lines are right-stripped)
            assert shown_at(line, start, expected), (line, start, expected)
        assert line == line.rstrip()


def test_cjk_counts_two_columns() -> None:
    out = table([["中文标题", "x"], ["ab", "y"]], ["Title", "S"])
    assert out.splitlines() == [
        "Title     S",
        "--------  ---",
        "中文标题  x",
        "ab        y",
    ]
    assert width(out.splitlines()[2]) == width(out.splitlines()[3])


def test_colour_takes_no_columns_and_is_kept() -> None:
    green = paint("done", "32", True)
    out = table([[green, "a"], ["in progress", "b"]], ["Status", "K"])
    lines = out.splitlines()
    assert lines[2] == "\x1b[32mdone\x1b[0m         a"
    assert width(lines[2]) == width(lines[3]) == len("in progress  b")


def test_none_is_a_dash_and_numbers_stay_as_written() -> None:
    out = table([[None, "007", "1e3", " 5 "]], ["A", "B", "C", "D"])
    assert out.splitlines()[2] == "—    007  1e3  5"


def test_hostile_text_cannot_break_rows_or_drive_the_terminal() -> None:
    rows = [["a\nb", "\x01"], ["\x01", "y"], ["\x1b[2Jwipe", "\u202eevil"]]
    out = table(rows, ["A", "B"])
    lines = out.splitlines()
    assert len(lines) == 5  # a newline does not split a row, \x01 is not a separator line
    assert lines[2:] == [
        "a\\u000ab       \\u0001",
        "\\u0001         y",
        "\\u001b[2Jwipe  \\u202eevil",
    ]
    assert "\x1b[2J" not in out and "\u202e" not in out


def test_headers_only() -> None:
    assert table([], ["ID", "Key"]) == "ID    Key\n----  -----"
