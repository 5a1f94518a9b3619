"""Terminal text: display width of CJK text, truncation, colour only where it is wanted."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence

from wcwidth import wcswidth, wcwidth

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_BUT_COLOUR = re.compile(r"(\x1b\[[0-9;]*m)|" + _UNSAFE.pattern)

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


def _cell(value: object) -> object:
    """A cell as one line: colour codes kept, any other control character escaped (a newline
    would split the row, and tabulate reads a cell of \\x01 as its separating-line marker)."""
    if value is None:
        return None
    text = str(value)
    if text.isprintable():
        return text
    return _UNSAFE_BUT_COLOUR.sub(lambda m: m.group(1) or f"\\u{ord(m.group()):04x}", text)


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """A plain aligned table in tabulate's "simple" layout: columns left-aligned, two spaces
    apart, None shown as —. Cells arrive formatted by the caller, so number parsing is off:
    "007" and "1e3" stay as written. Widths count CJK as two columns (tabulate measures with
    wcwidth, a dependency of ours) and ignore ANSI colour."""
    from tabulate import tabulate

    return tabulate(
        # One isprintable() per row: the common case, a row with nothing to escape, goes as is.
        [row if "".join(map(str, row)).isprintable() else [_cell(c) for c in row] for row in rows],
        headers=[str(_cell(h)) for h in headers],
        tablefmt="simple",
        disable_numparse=True,
        missingval="—",
    )
