"""Markdown tables: one cell escaper and one table writer for list, quarterly and report."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_ENTITY_AMP = re.compile(r"&(?=[#A-Za-z0-9]+;)")  # a bare `&` (R&D) renders as itself
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def md_cell(value: object) -> str:
    """Markdown table cell: pipes escaped, no raw HTML, no line breaks."""
    if value is None or value == "":
        return "—"
    text = " ".join(str(value).split())
    for ch in ("\\", "|", "`", "*", "[", "]", "~"):
        text = text.replace(ch, "\\" + ch)
    text = _EMPHASIS_UNDERSCORE.sub(r"\\_", text)
    text = _ENTITY_AMP.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    # Bidi overrides and isolates cannot be contained by Markdown: shown as visible escapes.
    return _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def md_table(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    escape: bool = True,
    tight_rule: bool = False,
) -> str:
    """A GFM table, one line per row and a newline at the end. With escape=False the cells are
    Markdown already (escaped with md_cell or built from safe parts, such as **bold** counts).
    tight_rule writes the header rule as `|---|---|` (list) instead of `| --- | --- |`."""
    return "".join(md_table_lines(headers, rows, escape=escape, tight_rule=tight_rule))


def md_table_lines(
    headers: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    escape: bool = True,
    tight_rule: bool = False,
) -> Iterator[str]:
    """md_table line by line (each with its newline), reading `rows` as it goes."""
    cell = md_cell if escape else str
    rule = (
        "|" + "|".join("---" for _ in headers) + "|" if tight_rule else _row(["---"] * len(headers))
    )
    yield _row(cell(h) for h in headers) + "\n"
    yield rule + "\n"
    for row in rows:
        yield _row(cell(c) for c in row) + "\n"
