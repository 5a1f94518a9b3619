"""Value types and validation shared by every layer. Light on imports: it is on every command's path."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from tracker.errors import BadInputError
from tracker.schema import GOAL_READ

STATUSES = (
    "not_started",
    "in_progress",
    "stalled",
    "achieved",
    "partially_achieved",
    "missed",
    "dropped",
)
FINAL_STATUSES = frozenset({"achieved", "partially_achieved", "missed", "dropped"})
EVIDENCE_KINDS = ("official", "news", "data")
MAX_TEXT = 10_000  # a title or note longer than this is pasted by mistake, not written
MAX_SHORT = 500  # keys, owners, areas, tags, URLs

# C0 and C1 controls (C1 \x9b is a terminal CSI); multi-line text keeps tab, LF and CR.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # undecodable bytes of a non-UTF-8 argument
_TAG_FORBIDDEN = re.compile(r'["\\\[\];]')  # keep tag matching and CSV's ';' join exact
_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def normalize_status(value: str) -> str:
    """`In progress`, ` in-progress ` → `in_progress`; anything else is bad input listing the statuses."""
    cleaned = re.sub(r"[\s-]+", "_", value.strip().lower())
    if cleaned in STATUSES:
        return cleaned
    raise BadInputError(f"unknown status {shorten(value)!s}: use one of {', '.join(STATUSES)}")


def is_final(status: str | None) -> bool:
    return status in FINAL_STATUSES


def shorten(text: str, limit: int = 60) -> str:
    """Quote user text for a one-line error: escaped control characters, cut to `limit`."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)


def clean_text(
    value: str | None,
    *,
    field_name: str,
    required: bool = False,
    limit: int = MAX_TEXT,
    multiline: bool = False,
) -> str | None:
    """Strip, refuse control characters and NUL, refuse over-long text; empty → None."""
    if value is None:
        if required:
            raise BadInputError(f"{field_name} is required")
        return None
    if not isinstance(value, str):
        raise BadInputError(f"{field_name} must be text, not {type(value).__name__}")
    text = value.strip()
    if _SURROGATE.search(text):
        raise BadInputError(f"{field_name} is not valid UTF-8 text: {shorten(text)}")
    if not text:
        if required:
            raise BadInputError(f"{field_name} must not be empty")
        return None
    if (_CONTROL if multiline else _CONTROL_LINE).search(text):
        raise BadInputError(f"{field_name} contains control characters: {shorten(text)}")
    if len(text) > limit:
        raise BadInputError(
            f"{field_name} is {len(text):,} characters long; the limit is {limit:,}"
        )
    return text


def validate_url(value: str, *, field_name: str = "URL") -> str:
    """An http(s) URL with a host and no spaces or control characters."""
    url = value.strip() if isinstance(value, str) else ""
    if not url:
        raise BadInputError(f"{field_name} must not be empty")
    bad = BadInputError(
        f"malformed {field_name} {shorten(url)}: use an http:// or https:// address with a host"
    )
    if len(url) > 2048 or re.search(r"[\s\x00-\x1f\x7f]", url):
        raise bad
    # Bidi overrides, zero-width and other format characters make a link show one address
    # and open another; RFC 3987 bars them from IRIs.
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in url):
        raise bad
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise bad
    return url


def validate_progress(value: object) -> int:
    if isinstance(value, bool):
        raise BadInputError("progress must be a whole number from 0 to 100")
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        if not re.fullmatch(r"[+-]?\d{1,4}", text):
            raise BadInputError(f"progress {shorten(value)} is not a whole number from 0 to 100")
        value = int(text)
    if not isinstance(value, int):
        raise BadInputError(f"progress {value!r} is not a whole number from 0 to 100")
    if not 0 <= value <= 100:
        raise BadInputError(f"progress {value!r} is outside 0–100")
    return value


def validate_key(value: str) -> str:
    key = value.strip().lower() if isinstance(value, str) else ""
    if not _KEY.match(key) or key.isdigit():
        raise BadInputError(
            f"bad key {shorten(str(value))}: use lowercase letters, digits, '-', '_' or '.', "
            "at most 80 characters, not only digits"
        )
    return key


def slugify(title: str) -> str:
    """ASCII slug of a title; empty when the title has no Latin letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 48:
            break
        slug = candidate
    return "" if slug.isdigit() else slug


def normalize_tags(values: list[str] | tuple[str, ...]) -> list[str]:
    """Lower-case, trimmed, spaces to '-', de-duplicated, order kept; commas split."""
    seen: list[str] = []
    for raw in values:
        if not isinstance(raw, str):
            raise BadInputError(f"tag {raw!r} must be text")
        for part in raw.split(","):
            tag = re.sub(r"\s+", "-", part.strip().lower())
            if not tag:
                continue
            clean_text(tag, field_name="tag", limit=60)
            if _TAG_FORBIDDEN.search(tag):
                raise BadInputError(
                    f"tag {shorten(tag)} contains a quote, backslash, bracket or ';': "
                    "use letters, digits and punctuation such as '-', '+' or '.'"
                )
            if tag not in seen:
                seen.append(tag)
    return seen


@dataclass
class EvidenceIn:
    url: str
    title: str | None = None
    published: str | None = None  # ISO date
    kind: str | None = None


def normalize_kind(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    kind = value.strip().lower()
    aliases = {
        "official document": "official",
        "document": "official",
        "doc": "official",
        "dataset": "data",
        "statistics": "data",
        "press": "news",
        "media": "news",
    }
    kind = aliases.get(kind, kind)
    if kind not in EVIDENCE_KINDS:
        raise BadInputError(
            f"unknown evidence kind {shorten(value)}: use one of {', '.join(EVIDENCE_KINDS)}"
        )
    return kind


@dataclass(slots=True)
class Goal:
    """A goal as read: stored fields plus state as of a date."""

    id: int
    key: str
    title: str
    title_original: str | None
    description: str | None
    owner: str | None
    area: str | None
    tags: list[str]
    source: str | None
    source_url: str | None
    announced: str | None
    quote: str | None
    status: str | None
    progress: int | None
    deadline: str | None
    deadline_text: str | None
    deadline_precision: str | None
    original_deadline: str | None
    overdue: bool = False

    def to_dict(self) -> dict[str, object]:
        """The stored fields in schema.GOAL_READ order, then `overdue` (the JSON shape)."""
        out: dict[str, object] = {name: getattr(self, name) for name in GOAL_READ}
        out["tags"] = list(self.tags)
        out["overdue"] = self.overdue
        return out


# --- the overdue rule: one function, and the SQL written from the same statuses ------------
def is_overdue(deadline: str | None, status: str | None, as_of: date) -> bool:
    """Deadline strictly before the as-of date and status not final (computed, never stored)."""
    return overdue_before(deadline, status, as_of.isoformat())


def overdue_before(deadline: str | None, status: str | None, bound: str) -> bool:
    """is_overdue against an ISO day `bound` (the as-of date), for loops over many goals."""
    return (
        deadline is not None
        and status is not None
        and deadline < bound
        and status not in FINAL_STATUSES
    )


def overdue_sql(alias: str, bound: str) -> str:
    """is_overdue as a SQL condition on table `alias` and the ISO-day expression `bound`
    (NULL deadline or status is never overdue, as in Python)."""
    finals = ", ".join(f"'{s}'" for s in sorted(FINAL_STATUSES))
    return f"{alias}.deadline < {bound} AND {alias}.status NOT IN ({finals})"


def slip_days(old: str, new: str) -> int:
    """Days a deadline moved, from ISO day `old` to `new` (negative: brought forward)."""
    return (date.fromisoformat(new) - date.fromisoformat(old)).days
