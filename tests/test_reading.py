"""tracker.reading: encodings, HTML reduced to its main text, titles, URLs, dates, folding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.errors import BadInputError
from tracker.reading import read_document
from tracker.reading.chinese import fold, to_simplified
from tracker.reading.dates import date_in_text, parse_meta_date
from tracker.reading.files import decode, expand, from_bytes
from tracker.reading.html import reduce_html

PAGE = """<!DOCTYPE html><html><head>
<meta charset="{charset}">
<title>工信部发布新版标准体系_某某网</title>
<meta property="og:title" content="工信部发布新版标准体系">
<link rel="canonical" href="https://news.example.cn/a/1.html">
<meta name="PubDate" content="2026-02-28 10:30">
<style>.nav {{ color: red }}</style>
<script>var hot = "6G技术试验";</script>
</head><body>
<header><a href="/">首页</a></header>
<ul class="nav"><li><a>人形机器人开源社区</a></li></ul>
<div class="crumb">当前位置：首页 &gt; 要闻</div>
<div class="article">
<h1>工信部发布新版标准体系</h1>
<div id="UCAP-CONTENT">
<p>2月28日，标准化技术委员会在北京
发布了2026版标准体系。</p>
<p>体系分为<b>六个</b>部分。</p>
</div></div>
<aside class="related"><a>第二阶段6G技术试验进展顺利</a></aside>
<footer>版权所有 2025</footer>
</body></html>"""


def test_utf8_page_main_text_title_url_and_date() -> None:
    doc = from_bytes(PAGE.format(charset="utf-8").encode("utf-8"), name="a.html")
    assert doc.is_html and doc.encoding == "utf-8"
    assert doc.title == "工信部发布新版标准体系"
    assert doc.url == "https://news.example.cn/a/1.html"
    assert doc.published == date(2026, 2, 28)
    # the article body (gov.cn's UCAP-CONTENT) is the text; a line break inside a Chinese
    # sentence is no space, and inline tags keep the sentence whole
    assert doc.text == "2月28日，标准化技术委员会在北京发布了2026版标准体系。\n体系分为六个部分。"
    for furniture in ("首页", "人形机器人开源社区", "6G", "版权所有", "当前位置", "color"):
        assert furniture not in doc.text


@pytest.mark.parametrize("charset", ["gbk", "gb2312", "GB18030"])
def test_declared_gbk_page(charset: str) -> None:
    data = PAGE.format(charset=charset).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = from_bytes(data, name="gbk.html")
    assert doc.encoding == "gb18030"
    assert "标准化技术委员会在北京发布了2026版标准体系" in doc.text


def test_undeclared_gbk_text_is_detected() -> None:
    text = (
        "工业和信息化部今天公布2025年通信业运行数据，全国5G基站达到483万个，"
        "万兆光网试点在多个城市推进，移动物联网终端用户继续增长。\n"
    ) * 3
    decoded, encoding = decode(text.encode("gbk"), name="plain.txt", html=False)
    assert decoded == text
    assert encoding == "gb18030"


def test_bad_bytes_and_binary_are_bad_input() -> None:
    with pytest.raises(BadInputError, match="binary"):
        from_bytes(b"\x00\x01\x02PNG", name="x.txt")
    with pytest.raises(BadInputError, match="utf-8"):
        from_bytes(b"\xef\xbb\xbfok \xff\xfe bad", name="bom.txt")


def test_traditional_folds_to_simplified_keeping_length() -> None:
    text = "大陸已啟動第二階段6G技術試驗，標準體系發佈"
    simple = to_simplified(text)
    assert simple == "大陆已启动第二阶段6G技术试验，标准体系发布"
    assert len(fold(text)) == len(text)
    assert fold("ＡＩ＋製造") == "ai+制造"


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2026-03-05T09:57:00+08:00", date(2026, 3, 5)),
        ("2026-01-30 08:30", date(2026, 1, 30)),
        ("20260228", date(2026, 2, 28)),
        ("2026/2/8", date(2026, 2, 8)),
        ("not a date", None),
        ("2026-02-30", None),
    ],
)
def test_metadata_dates(value: str, day: date | None) -> None:
    assert parse_meta_date(value) == day


def test_date_in_text_prefers_a_labelled_date() -> None:
    text = "会议回顾了2025年12月26日成立的委员会工作。\n发布时间：2026年3月6日 09:52"
    assert date_in_text(text) == date(2026, 3, 6)
    assert date_in_text("Beijing, March 5, 2026 — the report said") == date(2026, 3, 5)
    assert date_in_text("《工人日报》（2026年01月29日 03版）") == date(2026, 1, 29)
    assert date_in_text("no date here, only 2026") is None


@pytest.mark.parametrize(
    ("meta", "day"),
    [
        (
            '<meta property="article:published_time" content="2026-03-05T09:57:00+08:00">',
            "2026-03-05",
        ),
        ('<meta name="PubDate" content="2026-01-29 10:00">', "2026-01-29"),
        ('<meta name="publishdate" content="2026-04-01">', "2026-04-01"),
        ('<meta itemprop="datePublished" content="2026-04-02">', "2026-04-02"),
        (
            '<script type="application/ld+json">{"datePublished": "2026-04-03"}</script>',
            "2026-04-03",
        ),
        ("", "2026-04-04"),  # only the byline outside the article
    ],
)
def test_page_dates(meta: str, day: str) -> None:
    page = (
        f"<html><head>{meta}</head><body><div class='pages-date'>2026-04-04</div>"
        "<article><p>正文内容足够长，说明一项工作已经启动，并介绍了相关背景情况和下一步安排。</p>"
        "</article></body></html>"
    )
    assert reduce_html(page).published == date.fromisoformat(day)


def test_hostile_html_is_read_without_error() -> None:
    deep = "<div>" * 20000 + "深层文本" + "</div>" * 20000
    page = reduce_html(f"<html><body>{deep}<script>alert(1)</script><p>尾</p></body></html>")
    assert "深层文本" in page.text and "alert" not in page.text
    broken = reduce_html("<p>未闭合 <b>粗体 <i>斜体</p></div></span><<<>>>&bogus;&#xFFFFFF;")
    assert "未闭合" in broken.text
    assert reduce_html("").text == ""


def test_text_file_title_url_and_date(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "# 标题一行\n\n原文链接：https://example.com/x.html\n\n2026年2月10日 本报讯\n",
        encoding="utf-8",
    )
    doc = read_document(path)
    assert (doc.title, doc.url, doc.published) == (
        "标题一行",
        "https://example.com/x.html",
        date(2026, 2, 10),
    )
    assert doc.text.startswith("# 标题一行")


def test_expand_directories_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "b.html").write_text("<p>x</p>", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "skip.pdf").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    assert [Path(p).name for p in expand([str(tmp_path)])] == ["a.txt", "b.html"]
    with pytest.raises(BadInputError, match="no such file"):
        expand([str(tmp_path / "missing.txt")])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(BadInputError, match="no .txt"):
        expand([str(empty)])


def test_of_several_content_boxes_the_largest_is_the_article() -> None:
    page = reduce_html(
        "<html><body><div class='content'>热门推荐：人形机器人开源社区建设提速，第二阶段6G技术试验进展顺利，万兆光网试点名单公布，专精特新赋能中心首批试点</div>"
        "<div class='content'><p>正文第一段，介绍了工业和信息化部发布的指南及其主要内容和适用范围。</p>"
        "<p>正文第二段，说明了下一步的工作安排和各地的落实情况，以及相关配套措施。</p></div>"
        "</body></html>"
    )
    assert page.text.startswith("正文第一段") and "热门推荐" not in page.text
