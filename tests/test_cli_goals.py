"""`add`, `update`, `list`, `show` through typer's runner, on both backends."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.conftest import Invoke
from tests.helpers import add, assert_one_line_error, json_out, ok

LIST_FIELDS = {
    "id",
    "key",
    "title",
    "status",
    "deadline",
    "deadline_text",
    "owner",
    "area",
    "tags",
    "progress",
    "announced",
    "overdue",
}


# --- the done-check commands of issue 2 --------------------------------------------------------
def test_done_check_add_update_list_show(cli: Invoke) -> None:
    result = cli(
        "add", "Publish the 6G spectrum plan", "--deadline", "2026年底", "--announced", "2026-01-21"
    )
    ok(result)
    key = result.stdout.strip()
    assert result.stdout == key + "\n"
    assert key == "publish-the-6g-spectrum-plan"

    result = cli(
        "update",
        key,
        "--status",
        "in_progress",
        "--evidence",
        "https://www.miit.gov.cn/notice",
        "--on",
        "2026-03-01",
    )
    ok(result)
    assert result.stdout == ""  # data on stdout only; the note goes to stderr
    assert result.stderr == f"{key}: recorded on 2026-03-01\n"

    goals = json_out(cli("list", "--format", "json", "--as-of", "2026-03-01"))
    assert isinstance(goals, list) and len(goals) == 1
    goal = goals[0]
    assert set(goal) >= LIST_FIELDS
    assert goal["key"] == key
    assert goal["status"] == "in_progress"
    assert goal["deadline"] == "2026-12-31"
    assert goal["deadline_text"] == "2026年底"
    assert goal["announced"] == "2026-01-21"
    assert goal["overdue"] is False and goal["tags"] == [] and goal["progress"] is None

    shown = json_out(cli("show", key, "--format", "json", "--as-of", "2026-03-01"))
    assert {k: shown[k] for k in goal} == goal  # the goal object of `list`…
    assert [e["on"] for e in shown["events"]] == ["2026-01-21", "2026-03-01"]  # …plus history
    for event in shown["events"]:
        assert {"on", "status", "progress", "note", "evidence"} <= set(event)
    assert shown["events"][1]["status"] == "in_progress"
    assert shown["events"][1]["evidence"] == [
        {"url": "https://www.miit.gov.cn/notice", "title": None, "published": None, "kind": None}
    ]
    assert shown["evidence"] == shown["events"][1]["evidence"]


def test_status_as_of_before_and_after_the_update(cli: Invoke) -> None:
    key = add(cli, "Goal", "--status", "In progress", "--on", "2026-01-21")
    ok(cli("update", key, "--status", "achieved", "--on", "2026-03-01"))
    by_day = {
        day: json_out(cli("list", "--format", "json", "--as-of", day))
        for day in ("2026-01-20", "2026-02-28", "2026-03-01")
    }
    assert by_day["2026-01-20"] == []  # not yet announced
    assert by_day["2026-02-28"][0]["status"] == "in_progress"
    assert by_day["2026-03-01"][0]["status"] == "achieved"


def test_add_with_every_option(cli: Invoke) -> None:
    key = add(
        cli,
        "Humanoid robot standards guide",
        "--key",
        "robots",
        "--deadline",
        "Q2 2026",
        "--status",
        "in-progress",
        "--progress",
        "25",
        "--owner",
        "MIIT",
        "--area",
        "Robotics",
        "--tag",
        "robots",
        "-t",
        "Standards",
        "--source",
        "SCIO press conference",
        "--source-url",
        "https://www.scio.gov.cn/",
        "--quote",
        "研究制定人形机器人标准体系",
        "--title-original",
        "人形机器人标准体系建设指南",
        "--description",
        "A guide.",
        "--evidence",
        "https://www.miit.gov.cn/a",
        "--evidence-title",
        "MIIT notice",
        "--evidence-kind",
        "official",
        "--evidence-published",
        "2026-01-20",
        "--note",
        "first",
        "--on",
        "2026-01-22",
        "--author",
        "analyst",
    )
    assert key == "robots"
    goal = json_out(cli("show", "robots", "--format", "json", "--as-of", "2026-02-01"))
    expected = {
        "title": "Humanoid robot standards guide",
        "status": "in_progress",
        "progress": 25,
        "deadline": "2026-06-30",
        "deadline_text": "Q2 2026",
        "deadline_precision": "quarter",
        "owner": "MIIT",
        "area": "Robotics",
        "tags": ["robots", "standards"],
        "source": "SCIO press conference",
        "source_url": "https://www.scio.gov.cn/",
        "quote": "研究制定人形机器人标准体系",
        "title_original": "人形机器人标准体系建设指南",
        "description": "A guide.",
    }
    assert {k: goal[k] for k in expected} == expected
    [event] = goal["events"]
    assert (event["on"], event["note"], event["author"]) == ("2026-01-22", "first", "analyst")
    assert goal["evidence"] == [
        {
            "url": "https://www.miit.gov.cn/a",
            "title": "MIIT notice",
            "published": "2026-01-20",
            "kind": "official",
        }
    ]


def test_goal_is_named_by_key_or_id(cli: Invoke) -> None:
    add(cli, "First")
    key = add(cli, "Second")
    by_id = json_out(cli("show", "2", "--format", "json", "--as-of", "2026-02-01"))
    assert by_id["key"] == key
    ok(cli("update", "2", "--progress", "5", "--on", "2026-02-01"))
    assert json_out(cli("show", key, "--format", "json", "--as-of", "2026-02-01"))["progress"] == 5


def test_update_edits_fields_and_tags(cli: Invoke) -> None:
    key = add(cli, "Old title", "--tag", "a", "--tag", "b", "--owner", "MIIT")
    ok(
        cli(
            "update",
            key,
            "--title",
            "New title",
            "--owner",
            "NDRC",
            "--add-tag",
            "c",
            "--remove-tag",
            "a",
            "--on",
            "2026-02-01",
        )
    )
    goal = json_out(cli("show", key, "--format", "json", "--as-of", "2026-02-01"))
    assert (goal["title"], goal["owner"], goal["tags"]) == ("New title", "NDRC", ["b", "c"])
    changes = goal["events"][-1]["changes"]
    assert changes["title"] == {"from": "Old title", "to": "New title"}


@pytest.mark.parametrize(
    "edit",
    [
        ["--remove-tag", "absent"],
        ["--add-tag", "a"],
        ["--owner", "MIIT"],
        ["--title", "Same title", "--add-tag", "b", "--remove-tag", "zzz"],
    ],
)
def test_an_update_that_changes_nothing_is_refused(cli: Invoke, edit: list[str]) -> None:
    key = add(cli, "Same title", "--tag", "a", "--tag", "b", "--owner", "MIIT")
    before = json_out(cli("show", key, "--format", "json"))
    result = cli("update", key, *edit, "--on", "2026-02-01")
    assert_one_line_error(result, 1, f"nothing to record: {key} already has the values given")
    assert json_out(cli("show", key, "--format", "json")) == before


def test_a_repeated_status_is_still_recorded(cli: Invoke) -> None:
    """Re-confirming a status on a later day is a fact (it was still in progress then)."""
    key = add(cli, "Steady", "--status", "in_progress", "--announced", "2026-01-01")
    ok(cli("update", key, "--status", "in_progress", "--on", "2026-03-01"))
    events = json_out(cli("show", key, "--format", "json"))["events"]
    assert [e["on"] for e in events] == ["2026-01-01", "2026-03-01"]


def test_deadline_slip_is_visible(cli: Invoke) -> None:
    key = add(cli, "Slips", "--deadline", "2026-06-30")
    ok(cli("update", key, "--deadline", "2026-09-30", "--on", "2026-06-01"))
    goal = json_out(cli("show", key, "--format", "json", "--as-of", "2026-06-01"))
    assert (goal["deadline"], goal["original_deadline"]) == ("2026-09-30", "2026-06-30")
    text = ok(cli("show", key, "--as-of", "2026-06-01")).stdout
    assert "originally 2026-06-30" in text
    assert "slipped 92 days" in text


def test_update_with_a_known_evidence_url_says_so(cli: Invoke) -> None:
    key = add(cli, "Goal", "--evidence", "https://example.org/a")
    result = ok(
        cli(
            "update",
            key,
            "--evidence",
            "https://example.org/a",
            "--note",
            "n",
            "--on",
            "2026-02-01",
        )
    )
    assert result.stderr == f"{key}: recorded on 2026-02-01 (1 evidence URL already attached)\n"
    goal = json_out(cli("show", key, "--format", "json", "--as-of", "2026-02-01"))
    assert [e["url"] for e in goal["evidence"]] == ["https://example.org/a"]


# --- list ------------------------------------------------------------------------------------
@pytest.fixture
def three(cli: Invoke) -> Invoke:
    add(cli, "6G trials", "--key", "six-g", "--deadline", "2026-06-30", "--status", "in_progress",
        "--owner", "MIIT", "--area", "ICT", "--tag", "6g")  # fmt: skip
    add(cli, "SME plan", "--key", "sme", "--deadline", "2026", "--owner", "MIIT SME Bureau",
        "--area", "SMEs", "--tag", "sme")  # fmt: skip
    add(cli, "Robot guide", "--key", "robots", "--deadline", "2026-03-31", "--owner", "SAC",
        "--area", "Robotics", "--status", "achieved")  # fmt: skip
    return cli


LIST_CASES = [
    ([], ["robots", "six-g", "sme"]),
    (["--status", "in_progress"], ["six-g"]),
    (["--status", "in progress,achieved"], ["robots", "six-g"]),
    (["-s", "achieved", "-s", "not_started"], ["robots", "sme"]),
    (["--area", "ict"], ["six-g"]),
    (["--owner", "MIIT"], ["six-g", "sme"]),
    (["--tag", "SME"], ["sme"]),
    (["--search", "guide"], ["robots"]),
    (["--overdue"], ["six-g"]),
    (["--due-before", "2026-07-01"], ["robots", "six-g"]),
    (["--due-within", "200"], ["sme"]),
    (["--sort", "-key"], ["sme", "six-g", "robots"]),
    (["--sort", "title"], ["six-g", "robots", "sme"]),
    (["--overdue", "--owner", "SAC"], []),
]


def test_list_filters_and_sorts(three: Invoke) -> None:
    """One database, every case (building the fixture per case costs more than the test)."""
    for args, expected in LIST_CASES:
        goals = json_out(three("list", "--format", "json", "--as-of", "2026-07-01", *args))
        assert [g["key"] for g in goals] == expected, args
        overdue = {g["key"]: g["overdue"] for g in goals}
        assert overdue.get("six-g", True) is True  # due 2026-06-30, in progress on 07-01
        assert overdue.get("robots", False) is False  # past due but achieved


def test_list_formats(three: Invoke) -> None:
    table = ok(three("list", "--as-of", "2026-07-01")).stdout
    assert "six-g" in table and "2026-06-30 !" in table
    assert table.rstrip().endswith("3 goals, 1 overdue (!)")
    assert "\x1b" not in table  # not a terminal: no colour

    rows = list(
        csv.DictReader(io.StringIO(ok(three("list", "-f", "csv", "--as-of", "2026-07-01")).stdout))
    )
    assert [r["key"] for r in rows] == ["robots", "six-g", "sme"]
    assert rows[1]["overdue"] == "true" and rows[1]["tags"] == "6g"

    markdown = ok(three("list", "--format", "Markdown", "--as-of", "2026-07-01")).stdout
    lines = markdown.splitlines()
    assert lines[0] == "| Key | Title | Status | Deadline | Progress | Area | Owner |"
    assert "| six-g | 6G trials | in_progress | 2026-06-30 (overdue) | — | ICT | MIIT |" in lines


def test_list_of_an_empty_database(cli: Invoke) -> None:
    assert json_out(cli("list", "--format", "json", "--as-of", "2026-01-01")) == []
    assert ok(cli("list", "--as-of", "2026-01-01")).stdout == "No goals match.\n"


def test_show_text(three: Invoke) -> None:
    text = ok(three("show", "six-g", "--as-of", "2026-07-01")).stdout
    assert text.startswith("six-g (#1)  6G trials\n")
    assert "OVERDUE" in text
    assert "History" in text and "Evidence" in text and "(none)" in text


def test_loaded_fixture(loaded: Invoke) -> None:
    goals = json_out(loaded("list", "--format", "json", "--as-of", "2026-03-31"))
    assert len(goals) == 29
    assert {g["key"] for g in goals} >= {"6g-phase2-trials", "dual-10g-networks"}
    six_g = json_out(
        loaded("show", "6g-phase2-trials", "--format", "json", "--as-of", "2026-03-31")
    )
    assert six_g["status"] == "in_progress"  # announced 2026-01-21 as in progress: so in 2026Q1
    assert six_g["title_original"] == "启动第二阶段6G技术试验"


def test_errors_are_one_line(three: Invoke) -> None:
    assert_one_line_error(three("show", "nope"), 1, "unknown goal")
    assert_one_line_error(three("add", "Dup", "--key", "sme"), 1, "already exists")
    assert_one_line_error(three("list", "--status", "done"), 2, "unknown status", "in_progress")
    assert_one_line_error(three("list", "--nope"), 2, "no such option")


def test_json_output_is_valid_utf8_json(cli: Invoke) -> None:
    add(cli, '中小企业 🚀 "quotes" and \\ backslash', "--owner", "工业和信息化部")
    text = ok(cli("list", "--format", "json", "--as-of", "2026-02-01")).stdout
    assert "中小企业" in text  # not \\u-escaped
    assert json.loads(text)[0]["title"] == '中小企业 🚀 "quotes" and \\ backslash'
