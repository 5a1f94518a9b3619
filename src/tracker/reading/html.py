"""A web page reduced to its main text with a real HTML parser (selectolax's lexbor).

Navigation, scripts, styles, headers, footers, asides, forms and menus go; the article (an
<article>, <main>, role=main or a common content container) is kept when the page has one.
Block elements end lines; whitespace inside a line collapses, and disappears between Chinese
characters (a source line break inside a Chinese sentence is not a space).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tracker.reading.dates import date_in_text, parse_meta_date

_DROP_TAGS = (
    "script, style, noscript, template, svg, iframe, object, embed, nav, header, footer, aside, "
    "form, button, select, textarea, menu, dialog, canvas, video, audio, map"
)
_DROP_ROLES = (
    "[role=navigation], [role=banner], [role=contentinfo], [role=complementary], [role=search], "
    "[role=menu], [role=menubar], [aria-hidden=true], [hidden]"
)
# class/id words of page furniture; a whole word of the attribute, so "article-nav" goes but
# "navigator-story" stays.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|menubar|breadcrumbs?|crumbs?|footer|foot|header|"
    r"topbar|sidebar|side|share|sharing|social|related|recommend|recommended|hot|copyright|"
    r"banner|toolbar|login|search|comments?|advert|ads?|pagination|pager|print|subscribe|"
    r"cookie|popup|modal|skip)(?:$|[\s_-])",
    re.I,
)
_MAIN = (
    "article",
    "main",
    "[role=main]",
    "[itemprop=articleBody]",
    "#UCAP-CONTENT",
    ".pages_content",
    ".TRS_Editor",
    "#zoom",
    ".article-content",
    ".article_content",
    ".article-body",
    ".content",
    "#content",
    ".article",
)
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "br",
        "caption",
        "center",
        "html",
    ]
)
_WHITESPACE = re.compile(r"[\s\xa0\u3000]+")
_WIDE = r"\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_SPACE_BETWEEN_WIDE = re.compile(rf"(?<=[{_WIDE}]) (?=[{_WIDE}])")
_DATE_META = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("name", "PubDate"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "publish_date"),
    ("name", "publication_date"),
    ("property", "og:published_time"),
    ("itemprop", "datePublished"),
    ("name", "DC.date.issued"),
    ("name", "dc.date"),
    ("name", "DC.date"),
    ("name", "date"),
    ("name", "firstpublishedtime"),
)


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    url: str | None
    published: date | None


def _meta(tree: Any, attr: str, value: str) -> str | None:
    for node in tree.css(f"meta[{attr}]"):
        if (node.attributes.get(attr) or "").lower() == value.lower():
            content = node.attributes.get("content")
            if content and content.strip():
                return str(content).strip()
    return None


def _ld_date(tree: Any) -> date | None:
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text() or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str):
                day = parse_meta_date(item["datePublished"])
                if day:
                    return day
    return None


def _published(tree: Any) -> date | None:
    for attr, value in _DATE_META:
        content = _meta(tree, attr, value)
        if content:
            day = parse_meta_date(content)
            if day:
                return day
    day = _ld_date(tree)
    if day:
        return day
    for node in tree.css("time[datetime]"):
        day = parse_meta_date(node.attributes.get("datetime") or "")
        if day:
            return day
    return None


def _text_of(root: Any) -> str:
    """The text under `root`, block elements on their own lines (an explicit stack: a page
    nested thousands of levels deep cannot exhaust Python's recursion)."""
    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            out.append("\n")
            continue
        if tag == "-text":
            # a line break in the page source is a space, not a new line
            out.append(_WHITESPACE.sub(" ", node.text_content or ""))
            continue
        if tag in ("-comment", "-doctype") or not isinstance(tag, str) or tag.startswith("-"):
            continue
        block = tag in _BLOCKS
        if block:
            out.append("\n")
            stack.append((node, True))
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    return tidy("".join(out))


def tidy(raw: str) -> str:
    """Lines trimmed and whitespace collapsed (none kept between two Chinese characters);
    empty lines dropped."""
    lines = []
    for line in raw.replace("\xa0", " ").replace("\u3000", " ").split("\n"):
        line = _SPACE_BETWEEN_WIDE.sub("", " ".join(line.split()))
        if line:
            lines.append(line)
    return "\n".join(lines)


def _drop_furniture(tree: Any) -> None:
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    for node in tree.css(_DROP_ROLES):
        node.decompose()
    for node in tree.css("[class], [id]"):
        marks = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _FURNITURE.search(marks) and node.tag not in ("body", "html", "article", "main"):
            node.decompose()


def reduce_html(source: str) -> Page:
    """The page's main text, title, canonical URL and publication date (None when absent)."""
    from selectolax.lexbor import LexborHTMLParser  # lazily: only scan and extract parse HTML

    tree = LexborHTMLParser(source)
    title = _meta(tree, "property", "og:title") or _meta(tree, "name", "og:title")
    if not title:
        node = tree.css_first("title")
        title = " ".join((node.text() or "").split()) if node is not None else None
    url = None
    for node in tree.css("link[rel][href]"):
        if "canonical" in (node.attributes.get("rel") or "").lower().split():
            url = (node.attributes.get("href") or "").strip() or None
            break
    url = url or _meta(tree, "property", "og:url") or _meta(tree, "name", "og:url")
    published = _published(tree)
    _drop_furniture(tree)
    # the first container kind the page uses (an <article>, gov.cn's UCAP-CONTENT…), and of
    # several such containers the one with the most text: a ".content" sidebar box loses
    root, size = None, 0
    for selector in _MAIN:
        for node in tree.css(selector):
            length = len((node.text() or "").strip())
            if length >= 40 and length > size:
                root, size = node, length
        if root is not None:
            break
    if root is None:
        root = tree.body or tree.root
    text = _text_of(root) if root is not None else ""
    if published is None:
        published = date_in_text(text)
    if published is None:
        # a date line (发布时间：…) may sit outside the article, in what was removed
        full = LexborHTMLParser(source)
        for node in full.css("script, style, noscript, template"):
            node.decompose()
        if full.body is not None:
            published = date_in_text(_text_of(full.body))
    return Page(text=text, title=title or None, url=url, published=published)
