"""`tracker scan`: the draft it writes, its rules, bad input, and scan → import end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURE, ROOT
from tests.helpers import Invoke, assert_one_line_error, export_snapshot
from tracker.reading import read_document

FOLLOWUPS = ROOT / "fixtures" / "followups"
Proc = Callable[..., subprocess.CompletedProcess[str]]

ACHIEVED_PAGE = """<html><head><meta charset="utf-8">
<title>人形机器人与具身智能综合标准化体系建设指南正式发布</title>
<link rel="canonical" href="https://news.example.cn/2026/0228/guide.html">
<meta property="article:published_time" content="2026-02-28T10:00:00+08:00">
</head><body><nav><a>6G技术试验</a><a>万兆光网</a></nav>
<article><p>2月28日，工业和信息化部正式发布《人形机器人与具身智能综合标准化体系建设指南》，
提出整机、部组件和安全伦理等方向的标准框架。</p></article>
<footer>版权所有</footer></body></html>"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def draft(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    doc = yaml.safe_load(result.stdout)
    assert isinstance(doc, dict)
    return doc


def events(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {g["key"]: g["events"] for g in doc["goals"]}


def test_achieved_page_becomes_one_event_with_evidence(loaded: Invoke, tmp_path: Path) -> None:
    page = write(tmp_path, "guide.html", ACHIEVED_PAGE)
    doc = draft(loaded("scan", str(page)))
    assert list(events(doc)) == ["humanoid-robot-standards-guide"]
    (event,) = events(doc)["humanoid-robot-standards-guide"]
    assert event["on"] == "2026-02-28"
    assert event["status"] == "achieved"
    assert "deadline" not in event
    assert event["evidence"] == [
        {
            "url": "https://news.example.cn/2026/0228/guide.html",
            "title": "人形机器人与具身智能综合标准化体系建设指南正式发布",
            "published": "2026-02-28",
            "kind": "news",
        }
    ]
    info = event["scan"]
    assert info["signal"] == "achieved" and 0 < info["confidence"] <= 1
    assert info["document"] == str(page)
    text = read_document(page).text
    assert text[info["offset"] : info["end"]] == info["quote"]
    assert "正式发布《人形机器人与具身智能综合标准化体系建设指南》" in info["quote"]


def test_formats_json_and_table(loaded: Invoke, tmp_path: Path) -> None:
    page = write(tmp_path, "guide.html", ACHIEVED_PAGE)
    as_yaml = draft(loaded("scan", str(page)))
    as_json = loaded("scan", str(page), "--format", "json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == as_yaml
    out = tmp_path / "d.json"
    assert loaded("scan", str(page), "--output", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == as_yaml
    table = loaded("scan", str(page), "--format", "table")
    assert table.exit_code == 0
    header, rule, row = table.stdout.splitlines()
    assert header.split() == ["goal", "signal", "status", "date", "conf", "quote"]
    assert row.split()[:4] == [
        "humanoid-robot-standards-guide",
        "achieved",
        "achieved",
        "2026-02-28",
    ]
    assert "1 proposed event for 1 goal from 1 document" in table.stderr


def test_plan_is_not_achievement_and_delay_proposes_deadline(
    loaded: Invoke, tmp_path: Path
) -> None:
    plan = write(
        tmp_path,
        "plan.txt",
        "2026年2月10日 本报讯\n工业和信息化部有关负责人表示，计划在今年内出台人形机器人与具身智能"
        "综合标准化体系建设指南。\n",
    )
    (event,) = events(draft(loaded("scan", str(plan))))["humanoid-robot-standards-guide"]
    assert event["scan"]["signal"] == "reaffirmed"
    assert "status" not in event
    delay = write(
        tmp_path,
        "delay.txt",
        "2026年8月19日 快讯\n据了解，优质企业梯度培育三年行动计划的印发时间推迟到明年上半年。\n",
    )
    (event,) = events(draft(loaded("scan", str(delay))))["quality-enterprise-3yr-action-plan"]
    assert event["scan"]["signal"] == "delayed"
    assert (event["deadline"], event["deadline_text"]) == ("2027-06-30", "明年上半年")
    assert "status" not in event
    # without a URL the note carries the quote and the file name, and there is no evidence
    assert "evidence" not in event
    assert "delay.txt" in event["note"] and "推迟到明年上半年" in event["note"]


def test_hold_stalls_a_goal_not_started(loaded: Invoke, tmp_path: Path) -> None:
    hold = write(
        tmp_path,
        "hold.md",
        "2026年5月20日\n\n原定今年试点的专精特新赋能中心建设目前已经暂缓，相关申报工作暂停受理。\n",
    )
    (event,) = events(draft(loaded("scan", str(hold))))["srdi-enablement-centres"]
    assert (event["scan"]["signal"], event["status"]) == ("stalled", "stalled")


def test_nothing_before_the_announcement_or_back_from_a_final_status(
    loaded: Invoke, tmp_path: Path
) -> None:
    early = ACHIEVED_PAGE.replace("2026-02-28T10:00:00", "2026-01-10T10:00:00")
    assert draft(loaded("scan", str(write(tmp_path, "early.html", early)))) == {"goals": []}
    assert (
        loaded(
            "update", "humanoid-robot-standards-guide", "--status", "achieved",
            "--on", "2026-02-20",
        ).exit_code
        == 0
    )  # fmt: skip
    page = ACHIEVED_PAGE.replace("guide.html", "other.html")
    (event,) = events(draft(loaded("scan", str(write(tmp_path, "again.html", page)))))[
        "humanoid-robot-standards-guide"
    ]
    assert "status" not in event  # already achieved as of 2026-02-28: nothing to change
    # judged as of the document's date: before 2026-02-20 the goal was still not started
    before = page.replace("2026-02-28T10:00:00", "2026-02-15T10:00:00")
    (event,) = events(draft(loaded("scan", str(write(tmp_path, "before.html", before)))))[
        "humanoid-robot-standards-guide"
    ]
    assert event["status"] == "achieved"


def test_one_shared_word_matches_nothing(loaded: Invoke, tmp_path: Path) -> None:
    doc = write(
        tmp_path,
        "stats.txt",
        "2026年1月28日\n全国5G基站达到483.8万个，5G移动电话用户12.04亿户，我国在6G方面的"
        "专利占比较高。\n宇树科技的人形机器人在春晚表演武术。\n",
    )
    assert draft(loaded("scan", str(doc))) == {"goals": []}


def test_scan_never_writes_the_database(loaded: Invoke, tmp_path: Path) -> None:
    before = export_snapshot(loaded)
    page = write(tmp_path, "guide.html", ACHIEVED_PAGE)
    assert loaded("scan", str(page), "--output", str(tmp_path / "d.yaml")).exit_code == 0
    assert export_snapshot(loaded) == before


def test_stdin_with_url_and_published(loaded: Invoke) -> None:
    text = "工业和信息化部正式发布《人形机器人与具身智能综合标准化体系建设指南》。"
    result = loaded(
        "scan", "-", "--url", "https://example.org/g", "--published", "2026-03-01", input=text
    )
    (event,) = events(draft(result))["humanoid-robot-standards-guide"]
    assert event["on"] == "2026-03-01"
    assert event["evidence"][0]["url"] == "https://example.org/g"
    assert event["scan"]["document"] == "-"


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--url", "https://x.org/", "{dir}"], ["single file"]),
        (["--published", "2026-03-01", "{page}", "{page}"], ["single file"]),
        (["{nodate}"], ["nodate.txt", "--published"]),
        (["{missing}"], ["missing.txt", "no such file"]),
        (["{binary}"], ["binary.txt", "binary"]),
        (["--published", "03/01/2026", "{page}"], ["--published"]),
        (["--url", "not a url", "{page}"], ["--url"]),
        (["--format", "xml", "{page}"], ["format"]),
    ],
)
def test_bad_input_exit_2_and_one_line(
    loaded: Invoke, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    names = {
        "dir": str(docs),
        "page": str(write(docs, "page.html", ACHIEVED_PAGE)),
        "nodate": str(write(tmp_path, "nodate.txt", "人形机器人标准化体系建设指南正式发布。")),
        "missing": str(tmp_path / "missing.txt"),
        "binary": str(tmp_path / "binary.txt"),
    }
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    before = export_snapshot(loaded)
    result = loaded("scan", *[a.format(**names) for a in args])
    assert_one_line_error(result, 2, *fragments)
    assert result.stdout == ""
    assert export_snapshot(loaded) == before


def test_hostile_html_is_scanned_safely(loaded: Invoke, tmp_path: Path) -> None:
    hostile = (
        "<html><head><meta charset=utf-8><meta name=PubDate content=2026-03-01></head><body>"
        + "<div>" * 5000
        + "<script>document.write('人形机器人与具身智能综合标准化体系建设指南发布')</script>"
        + "<p>\x1b[31m正文\u202e</p><<<>>>&bogus;"
        + "</div>" * 10
    )
    result = loaded("scan", str(write(tmp_path, "hostile.html", hostile)), "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "humanoid" not in result.stdout  # script text is not the page's text


def test_no_database_or_no_goals_exit_1(cli: Invoke, tmp_path: Path) -> None:
    page = write(tmp_path, "guide.html", ACHIEVED_PAGE)
    missing = tmp_path / "nowhere" / "t.db"
    from typer.testing import CliRunner

    from tracker.cli.main import app

    result = CliRunner().invoke(app, ["--db", str(missing), "scan", str(page)])
    assert_one_line_error(result, 1, "no database")
    assert not missing.exists()
    assert cli("list").exit_code == 0  # creates the empty database
    assert_one_line_error(cli("scan", str(page)), 1, "no goals")


def test_followups_scan_import_then_nothing_new(tracker_proc: Proc, tmp_path: Path) -> None:
    """The demo path as a new user runs it, as real processes."""
    assert tracker_proc("import", str(FIXTURE)).returncode == 0
    work = tmp_path / "work"
    shutil.copytree(FOLLOWUPS, work / "followups")
    out = work / "d.yaml"
    scan = tracker_proc("scan", str(work / "followups"), "--output", str(out))
    assert scan.returncode == 0, scan.stderr
    assert "Traceback" not in scan.stderr
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    got = {
        (g["key"], e["scan"]["signal"], e.get("status")) for g in doc["goals"] for e in g["events"]
    }
    assert ("humanoid-robot-standards-guide", "achieved", "achieved") in got
    assert ("srdi-sme-growth-mechanism", "reaffirmed", None) in got
    imported = tracker_proc("import", str(out))
    assert imported.returncode == 0, imported.stderr
    shown = json.loads(
        tracker_proc("show", "humanoid-robot-standards-guide", "--format", "json").stdout
    )
    assert shown["status"] == "achieved"
    assert shown["evidence"][-1]["url"].endswith("/bztx.html")
    # a reaffirmation records no status: the goal stays as it was
    restated = json.loads(
        tracker_proc("show", "srdi-sme-growth-mechanism", "--format", "json").stdout
    )
    assert restated["status"] == "in_progress"
    assert restated["events"][-1]["status"] is None
    again = tracker_proc("scan", str(work / "followups"))
    assert again.returncode == 0, again.stderr
    assert yaml.safe_load(again.stdout) == {"goals": []}


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["on", "key", "no", "a b", "1", "quote"]), inner, max_size=3
            )
        ),
        max_leaves=12,
    )
)
def test_draft_yaml_reads_back_as_the_same_data(value: Any) -> None:
    from tracker.scan import draft_yaml

    document = {"goals": [{"key": "k", "events": [{"on": "2026-03-01", "scan": value}]}]}
    assert yaml.safe_load(draft_yaml(document)) == document


@pytest.mark.parametrize("args", [["--help"], ["list"]])
def test_other_commands_do_not_import_scan_libraries(tmp_path: Path, args: list[str]) -> None:
    code = (
        "import sys\n"
        "from tracker.cli.main import app\n"
        f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
        "heavy = {'selectolax', 'opencc', 'charset_normalizer', 'tracker.reading', 'tracker.scan'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
    )
    env = {**os.environ, "TRACKER_DB": str(tmp_path / "t.db")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_scan_service_reports_progress_per_document(tmp_path: Path) -> None:
    from datetime import date

    from tracker import importing
    from tracker.migrations import open_database
    from tracker.reading.files import from_bytes
    from tracker.scan import scan_documents

    db = open_database(f"sqlite:///{tmp_path / 'p.db'}")
    assert db is not None
    try:
        importing.import_file(db, FIXTURE, today=date(2026, 1, 21))
        docs = [
            from_bytes(ACHIEVED_PAGE.encode(), name="a.html"),
            from_bytes("2026年3月1日\n无关的消息。".encode(), name="b.txt"),
        ]
        seen: list[tuple[int, int]] = []
        result = scan_documents(db=db, documents=docs, on_progress=lambda d, t: seen.append((d, t)))
        assert seen == [(1, 2), (2, 2)]
        assert [p.key for p in result.proposals] == ["humanoid-robot-standards-guide"]
    finally:
        db.close()


def test_a_date_line_is_not_part_of_the_quote_and_wrapped_lines_are() -> None:
    from tracker.scan import sentences

    text = (
        "March 3, 2026\n"
        "The ministry said the guide on humanoid robot standards would be issued\n"
        "later this year. Work has begun.\n"
        "- item one\n"
        "2026年9月1日\n"
        "據悉，指南的發佈時間推遲至2027年底。"
    )
    got = [text[a:b] for a, b, _ in sentences(text)]
    assert got == [
        "March 3, 2026",
        "The ministry said the guide on humanoid robot standards would be issued\nlater this year.",
        "Work has begun.",
        "- item one",
        "2026年9月1日",
        "據悉，指南的發佈時間推遲至2027年底。",
    ]


def test_english_delay_keeps_the_documents_words(loaded: Invoke, tmp_path: Path) -> None:
    doc = write(
        tmp_path,
        "delay-en.txt",
        "September 10, 2026\nChina has postponed the release of its 15th Five-Year Plan for "
        "promoting SME development to June 2027, officials said.\n",
    )
    (event,) = events(draft(loaded("scan", str(doc))))["sme-15th-fyp-plan"]
    assert event["scan"]["signal"] == "delayed"
    assert (event["deadline"], event["deadline_text"]) == ("2027-06-30", "June 2027")


TRIALS_PROMISE = "启动第二阶段6g技术试验 近期已启动第二阶段6g技术试验 carry out the second phase of 6g technology trials"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("工信部表示，第二阶段6g技术试验已全面完成。", "achieved"),
        ("miit said the second phase of 6g technology trials has been completed.", "achieved"),
        ("第一阶段6g技术试验已经完成，第二阶段6g技术试验正在进行。", "in_progress"),
        (
            "the first phase, now finished, chose the key technologies; phase two is under way.",
            "in_progress",
        ),
        (
            "miit said phase one of the 6g trials was completed and the second phase is under way.",
            "in_progress",
        ),
        ("第二阶段6g技术试验将于年底前完成。", "reaffirmed"),
    ],
)
def test_finished_trials_are_achieved_but_not_another_phases_news(
    sentence: str, expected: str
) -> None:
    """Trials are a thing that can be completed; news that one phase is done is not news that
    the phase the goal promises is (the nearest phase named before the cue decides)."""
    from tracker.scan import signal_of

    assert signal_of(sentence, promise=TRIALS_PROMISE)[0] == expected
