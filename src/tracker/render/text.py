"""Terminal text: display width of CJK text, truncation, colour only where it is wanted."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence

from wcwidth import wcswidth, wcwidth

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

STATUS_COLORS = {
    "not_started": "2",  # dim
    "in_progress": "36",  # cyan
    "stalled": "33",  # yellow
    "achieved": "32",  # green
    "partially_achieved": "32;2",
    "missed": "31",  # red
    "dropped": "35",  # magenta
}


def color_enabled(stream_isatty: bool) -> bool:
    """Colour on a terminal unless NO_COLOR is set (https://no-color.org) or TERM is dumb."""
    if os.environ.get("NO_COLOR") is not None:
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    return stream_isatty


def paint(text: str, code: str | None, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled and code else text


def terminal_safe(text: str) -> str:
    """Control and bidi-override characters shown as visible escapes: data cannot drive the terminal."""
    if text.isprintable():  # every character _UNSAFE matches is non-printable
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def width(text: str) -> int:
    """Columns `text` takes in a terminal (CJK counts two)."""
    if text.isascii() and text.isprintable():  # no escape codes, one column per character
        return len(text)
    plain = _ANSI.sub("", text)
    n = wcswidth(plain)
    return n if n >= 0 else sum(max(wcwidth(c), 0) for c in plain)


def truncate(text: str, limit: int) -> str:
    """Cut to at most `limit` columns, ending in … when cut; never splits a wide character."""
    text = " ".join(text.split())
    if limit <= 0:
        return ""
    if text.isascii() and text.isprintable():
        return text if len(text) <= limit else text[: limit - 1] + "…"
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def terminal_columns(default: int = 120) -> int:
    return shutil.get_terminal_size((default, 24)).columns


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """A plain aligned table: tabulate's "simple" layout with no number parsing, byte for byte
    (tests/test_render_text.py holds it to tabulate). Written out because tabulate's per-cell
    type detection took ~0.24 s of a 10k-row `list`; this takes a tenth of that.

    Cells are stripped, None shows as —, columns are as wide as their widest cell or their
    header plus two, two spaces apart, left-aligned, lines right-stripped."""
    lines = [[str(h).strip() for h in headers]]
    lines += [["—" if c is None else str(c).strip() for c in row] for row in rows]
    sizes = [[width(cell) for cell in cells] for cells in lines]  # measured once, used twice
    widths = [max(*column, column[0] + 2) for column in zip(*sizes, strict=True)]  # [0]: header

    def line(cells: Sequence[str], size: Sequence[int]) -> str:
        padded = (c + " " * (w - n) for c, n, w in zip(cells, size, widths, strict=True))
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    text = [line(cells, size) for cells, size in zip(lines, sizes, strict=True)]
    return "\n".join([text[0], rule, *text[1:]])
