"""render.text.table against tabulate's "simple" layout, which it replaces for speed: the same
bytes for any cells a table can be given (text incl. CJK, ANSI colour, None, edge spaces)."""

from __future__ import annotations

import tabulate
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.render.text import paint, table, width

tabulate.WIDE_CHARS_MODE = True


def reference(rows: list[list[object]], headers: list[str]) -> str:
    return tabulate.tabulate(
        rows, headers=headers, tablefmt="simple", disable_numparse=True, missingval="—"
    )


# Printable text as cells reach table(): terminal_safe has already escaped control characters.
TEXT = st.text(
    st.characters(
        codec="utf-8",
        categories=("L", "N", "P", "S", "Zs"),
        exclude_characters="\u00ad\u2028\u2029",
    ),
    max_size=12,
) | st.sampled_from(["中文标题", "6G 频谱规划", "   ", "", "2026-12-31", "50%", "１２３"])


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[object]], list[str]]:
    n = draw(st.integers(1, 5))
    headers = draw(
        st.lists(st.text("IDKeyTitle中", min_size=1, max_size=6), min_size=n, max_size=n)
    )
    cell = TEXT | st.none() | TEXT.map(lambda t: paint(t, "32", True))
    rows = draw(st.lists(st.lists(cell, min_size=n, max_size=n), max_size=6))
    return rows, headers


@settings(max_examples=400, deadline=None)
@given(tables())
def test_table_is_tabulate_simple_byte_for_byte(case: tuple[list[list[object]], list[str]]) -> None:
    rows, headers = case
    assert table(rows, headers) == reference(rows, headers)


def test_layout_by_hand() -> None:
    out = table([["1", "中文", None], ["22", " a ", "\x1b[32mok\x1b[0m"]], ["ID", "Title", "S"])
    assert out.splitlines() == [
        "ID    Title    S",
        "----  -------  ---",
        "1     中文     —",
        "22    a        \x1b[32mok\x1b[0m",
    ]
    assert [width(line) for line in out.splitlines()[2:]] == [16, 17]


def test_headers_only() -> None:
    assert table([], ["ID", "Key"]) == "ID    Key\n----  -----"
