"""Reading follow-up documents for `scan` and announcements for `extract`.

Files (text, Markdown, HTML; a directory of them; `-` for stdin) in UTF-8 or GBK/GB18030 become
a `Document`: the reduced main text that every offset indexes, with its title, URL and date.
Third-party libraries (selectolax, charset-normalizer, opencc) are imported inside the
functions that need them, so only `scan` and `extract` pay for them.
"""

from __future__ import annotations

from tracker.reading.files import Document, read_document, read_paths, read_stdin

__all__ = ["Document", "read_document", "read_paths", "read_stdin"]
