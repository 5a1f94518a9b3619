"""Text folded for matching: simplified characters, half-width forms, lower case.

Folding keeps the length (one character in, one out), so an offset found in the folded text
is an offset in the text the reader sees: quotes are cut from the original.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from tracker.extract_lexicon import to_simplified as _table_simplified


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc  # lazily: only scan and extract convert characters

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def _one(ch: str) -> str:
    """One character, NFKC-folded (full-width Ａ１ → A1) when that keeps it one character."""
    folded = unicodedata.normalize("NFKC", ch)
    return folded.lower() if len(folded) == 1 else ch.lower()


def to_simplified(text: str) -> str:
    """Traditional → simplified with OpenCC's t2s tables, character for character.

    OpenCC converts phrases; when a phrase would change the length, each character is
    converted alone so offsets still hold."""
    if text.isascii():
        return text
    converted: str = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    out = []
    for ch in text:
        one: str = _converter().convert(ch)
        out.append(one if len(one) == 1 else _table_simplified(ch))
    return "".join(out)


def fold(text: str) -> str:
    """What matching compares: simplified, half-width, lower case; same length as `text`."""
    simple = to_simplified(text)
    if simple.isascii():
        return simple.lower()
    return "".join(_one(ch) if not ("\u4e00" <= ch <= "\u9fff") else ch for ch in simple)
