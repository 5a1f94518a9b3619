"""Files in: bytes → text (UTF-8, GBK/GB18030 declared or detected) → a `Document`."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.errors import BadInputError
from tracker.reading.dates import date_in_text

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml")
MAX_BYTES = 20_000_000  # a follow-up document, not a data dump
_HTML_SNIFF = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|article|p|div)\b", re.I)
_TAGS = re.compile(rb"</?(?:p|div|br|span|strong|h[1-6]|li|table|tr|td)\b[^<>]{0,200}>", re.I)
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312", "gb_2312-80"}
_URL_LINE = re.compile(
    r"^\s*(?:[-*>]\s*)?(?:url|link|source url|原文链接|原文地址|链接|网址|来源链接)\s*[:：]\s*"
    r"<?(https?://[^\s<>\"'）)]+)",
    re.I | re.M,
)


@dataclass(frozen=True)
class Document:
    """A document as scan and extract read it: `text` is what every offset indexes."""

    path: str  # as given on the command line ("-" for stdin)
    text: str
    title: str | None
    url: str | None
    published: date | None
    encoding: str
    is_html: bool


def decode(data: bytes, *, name: str, html: bool) -> tuple[str, str]:
    """(text, encoding): a BOM or a declared charset first, then strict UTF-8, then detection
    (charset-normalizer); GBK and GB2312 are read as GB18030, their superset."""
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInputError(f"{name}: binary file, expected text or HTML")
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", name), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name).removeprefix("\ufeff"), "utf-16"
    declared = None
    if html:
        m = _CHARSET.search(data[:4096])
        declared = m.group(1).decode("ascii").lower() if m else None
    if declared in _GB:
        return _strict(data, "gb18030", name), "gb18030"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes  # lazily: only non-UTF-8 files need detection

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise BadInputError(f"{name}: cannot tell the text encoding (expected UTF-8 or GBK)")
    encoding = best.encoding.lower().replace("_", "-")
    if encoding in _GB or encoding.startswith("gb") or encoding in ("big5", "cp950"):
        # detection on short Chinese text often says big5 or gb2312 for GBK bytes: GB18030
        # decodes every GBK byte sequence, so it is tried first
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    return str(best), encoding


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BadInputError(
            f"{name}: not valid {encoding} text (bad byte at offset {exc.start})"
        ) from None


def is_html(name: str, data: bytes) -> bool:
    """By the name's suffix; a .txt (or stdin) that is markup all the same — a saved page, a
    copied article with <p> tags — is read as HTML."""
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return True
    if suffix in (".md", ".markdown"):
        return False
    return bool(_HTML_SNIFF.search(data[:2048])) or len(_TAGS.findall(data[:20000])) >= 3


def from_bytes(data: bytes, *, name: str) -> Document:
    """A document from its bytes; `name` is how messages refer to it."""
    html = is_html(name, data)
    raw, encoding = decode(data, name=name, html=html)
    if html:
        from tracker.reading.html import reduce_html

        page = reduce_html(raw)
        return Document(name, page.text, page.title, page.url, page.published, encoding, True)
    text = raw.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    title = next(
        (line.strip().lstrip("#").strip() for line in text.split("\n") if line.strip()), None
    )
    m = _URL_LINE.search(text[:5000])
    url = m.group(1).rstrip(".,;，。；") if m else None
    return Document(name, text, title, url, date_in_text(text), encoding, False)


def read_document(path: Path) -> Document:
    """One file; BadInputError naming it when it cannot be read."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise BadInputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise BadInputError(f"{name}: is a directory") from None
    except OSError as exc:
        raise BadInputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise BadInputError(f"{name}: larger than {MAX_BYTES // 1_000_000} MB, not a document")
    return from_bytes(data, name=name)


def read_stdin() -> Document:
    data = sys.stdin.buffer.read(MAX_BYTES + 1) if hasattr(sys.stdin, "buffer") else b""
    if not data and not hasattr(sys.stdin, "buffer"):
        data = sys.stdin.read().encode("utf-8")
    if len(data) > MAX_BYTES:
        raise BadInputError(f"-: larger than {MAX_BYTES // 1_000_000} MB, not a document")
    return from_bytes(data, name="-")


def expand(paths: list[str]) -> list[Path | str]:
    """The files to read, in order: a directory gives its documents (sorted, recursively,
    hidden files skipped); '-' is stdin. BadInputError for a path that does not exist."""
    out: list[Path | str] = []
    for raw in paths:
        if raw == "-":
            out.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise BadInputError(f"{raw}: no .txt, .md or .html documents in this directory")
            out.extend(found)
        elif path.exists() or path.is_symlink():
            out.append(path)
        else:
            raise BadInputError(f"{raw}: no such file or directory")
    return out


def read_paths(paths: list[str]) -> list[Document]:
    return [read_stdin() if p == "-" else read_document(Path(p)) for p in expand(paths)]
