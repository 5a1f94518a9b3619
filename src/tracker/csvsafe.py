"""Spreadsheet-safe CSV cells (OWASP CSV injection): escape on export, undo on import."""

from __future__ import annotations

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "'")


def escape_cell(value: object) -> str:
    """Text that a spreadsheet would read as a formula gets a leading `'` (as does a leading `'`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, str) and text.startswith(_TRIGGERS):
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """Inverse of escape_cell for text cells."""
    if text.startswith("'") and len(text) > 1 and text[1:].startswith(_TRIGGERS):
        return text[1:]
    return text
