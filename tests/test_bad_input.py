"""Every command × every kind of bad input: one line on stderr, the documented exit code,
no traceback, and the database unchanged (a full export before equals one after).

The cases share one seeded database per backend (module scope): each case proves it changed
nothing, so the next one starts from the same state. Hostile text that is *valid* data
(emoji, CJK, right-to-left overrides in a title) is accepted, stored as given and shown
safely: see the tests at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, FIXTURE
from tests.helpers import (
    Invoke,
    assert_one_line_error,
    assert_unchanged,
    cli_for,
    export_snapshot,
    json_out,
    ok,
)

BAD, FAILED = 2, 1  # exit codes: bad input; a request that cannot be met

BAD_DATES = ["2026-02-30", "2026-13-01", "2026-00-10", "26-01-21", "2026/01/21", "tomorrow"]
BAD_DEADLINES = [
    "someday",
    "Q5 2026",
    "2026-02-30",
    "2026年13月",
    "2026-13",
    "H3 2026",
    "3026",
    "next blue moon",
    "",
    "   ",
    "Q2 2026 " + "x" * 300,
    "2026\x00",
    "2026\udcff",
]
BAD_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "file:///etc/passwd",
    "ftp://example.org/file",
    "data:text/html,<script>alert(1)</script>",
    "mailto:someone@example.org",
    "https://",
    "http:///no-host",
    "https://exa mple.org/",
    "https://example.org/a b",
    "//example.org/path",
    "example.org",
    "https://example.org/\u202egnp.exe",
    "https://ex\u200bample.org/",
    "https://example.org:99999/",
    "http://[::1",
    "https://example.org/\x00",
    "https://example.org/\udcff",
    "https://example.org/" + "a" * 3000,
]
BAD_PROGRESS = ["101", "-1", "abc", "1.5", "1e2", "50.0", "0x10", "", "١٠٠٠٠"]
LONG = "x" * 100_000
CONTROL = ["a\x00b", "a\x1b[31mred", "bell\x07", "del\x7f", "csi\x9b2J", "x\udcff"]
BAD_TAGS = ['a"b', "a;b", "[x]", "back\\slash", "a\x00", "t" * 61]


def _cases() -> Iterator[tuple[str, list[str], int, tuple[str, ...]]]:
    """(id, argv, exit code, fragments the error line must contain)."""
    on = ["--on", "2026-04-01"]
    # unknown status
    for value in ("done", "in progres", "ACHIEVED!", "", "achieved,missed"):
        yield "add-status", ["add", "T", "--status", value], BAD, ("unknown status", "in_progress")
        yield "update-status", ["update", "base", "--status", value, *on], BAD, ("unknown status",)
    yield "list-status", ["list", "--status", "done"], BAD, ("unknown status",)
    yield "list-status-csv", ["list", "--status", "in_progress,done"], BAD, ("unknown status",)
    yield "export-status", ["export", "--status", "bogus"], BAD, ("unknown status",)
    # impossible and unreadable dates, every option that takes one
    for value in BAD_DATES:
        expect = ("unreadable", "YYYY-MM-DD")
        yield "add-announced", ["add", "T", "--announced", value], BAD, expect
        yield "add-on", ["add", "T", "--on", value], BAD, expect
        yield (
            "add-published",
            ["add", "T", "--evidence", "https://example.org/p", "--evidence-published", value],
            BAD,
            expect,
        )
        yield "update-on", ["update", "base", "--status", "achieved", "--on", value], BAD, expect
        yield "update-announced", ["update", "base", "--announced", value, *on], BAD, expect
        yield (
            "update-published",
            ["update", "base", "-e", "https://example.org/p", "--evidence-published", value, *on],
            BAD,
            expect,
        )
        yield "list-as-of", ["list", "--as-of", value], BAD, expect
        yield "list-due-before", ["list", "--due-before", value], BAD, expect
        yield "show-as-of", ["show", "base", "--as-of", value], BAD, expect
        yield "import-on", ["import", str(FIXTURE), "--on", value], BAD, expect
    # dates that are real but impossible for this goal
    yield (
        "update-before-announced",
        ["update", "base", "--status", "achieved", "--on", "2026-01-20"],
        BAD,
        ("before the goal was announced",),
    )
    yield (
        "add-on-before-announced",
        ["add", "T", "--announced", "2026-01-21", "--on", "2026-01-20"],
        BAD,
        ("before the goal was announced",),
    )
    yield (
        "update-announced-after-history",
        ["update", "base", "--announced", "2026-02-01", *on],
        BAD,
        ("after the goal's first",),
    )
    # unreadable deadlines
    for value in BAD_DEADLINES:
        yield "add-deadline", ["add", "T", "--deadline", value], BAD, ("deadline",)
        yield "update-deadline", ["update", "base", "--deadline", value, *on], BAD, ("deadline",)
    # URLs that are not http(s) with a host
    for value in BAD_URLS:
        expect = ("URL", "http")
        yield "add-evidence", ["add", "T", "--evidence", value], BAD, expect
        yield "add-source-url", ["add", "T", "--source-url", value], BAD, expect
        yield "update-evidence", ["update", "base", "--evidence", value, *on], BAD, expect
        yield "update-source-url", ["update", "base", "--source-url", value, *on], BAD, expect
    yield "add-evidence-empty", ["add", "T", "--evidence", ""], BAD, ("must not be empty",)
    # unknown goal
    for ref in ("nope", "999", "0", "base-2", "BASE\x00", "\udcff", "9" * 30):
        yield (
            "update-unknown",
            ["update", ref, "--status", "achieved", *on],
            FAILED,
            (
                "unknown goal",
                "tracker list",
            ),
        )
        yield "show-unknown", ["show", ref], FAILED, ("unknown goal",)
    # duplicate key
    for key in ("base", "BASE", " base "):
        yield "add-duplicate", ["add", "T", "--key", key], FAILED, ("already exists", "--key")
    # progress outside 0–100 or not a number
    for value in BAD_PROGRESS:
        yield "add-progress", ["add", "T", "--progress", value], BAD, ("progress",)
        yield "update-progress", ["update", "base", "--progress", value, *on], BAD, ("progress",)
    # empty, whitespace-only and huge titles
    for title in ("", "   ", "\t \n", "\u3000"):
        yield "add-empty-title", ["add", title], BAD, ("title must not be empty",)
        yield (
            "update-empty-title",
            ["update", "base", "--title", title, *on],
            BAD,
            ("title must not be empty",),
        )
    yield "add-long-title", ["add", LONG], BAD, ("100,000 characters", "limit")
    yield "update-long-title", ["update", "base", "--title", LONG, *on], BAD, ("100,000",)
    for option in ("--note", "--description", "--quote", "--owner", "--area", "--source"):
        yield f"add-long{option}", ["add", "T", option, LONG], BAD, ("100,000",)
        yield f"update-long{option}", ["update", "base", option, LONG, *on], BAD, ("100,000",)
    yield "add-long-key", ["add", "T", "--key", "k" * 100_000], BAD, ("bad key",)
    yield "add-long-author", ["add", "T", "--author", LONG], BAD, ("100,000",)
    yield "add-long-evidence-title", [
        "add", "T", "-e", "https://example.org/t", "--evidence-title", LONG
    ], BAD, ("100,000",)  # fmt: skip
    yield "list-long-search", ["list", "--search", LONG], BAD, ("--search", "100,000")
    yield "list-long-owner", ["list", "--owner", LONG], BAD, ("--owner", "100,000")
    yield "export-long-search", ["export", "--search", LONG], BAD, ("--search",)
    # control characters, NUL, undecodable bytes
    for text in CONTROL:
        yield "add-control-title", ["add", text], BAD, ("title",)
        yield "update-control-title", ["update", "base", "--title", text, *on], BAD, ("title",)
        yield "add-control-owner", ["add", "T", "--owner", text], BAD, ("owner",)
        yield "update-control-note", ["update", "base", "--note", text, *on], BAD, ("note",)
        yield "add-control-quote", ["add", "T", "--quote", text], BAD, ("quote",)
        yield "add-control-author", ["add", "T", "--author", text], BAD, ("author",)
        yield "list-control-search", ["list", "--search", text], BAD, ("--search",)
        yield "list-control-owner", ["list", "--owner", text], BAD, ("--owner",)
        yield "list-control-area", ["list", "--area", text], BAD, ("--area",)
        yield "export-control-search", ["export", "--search", text], BAD, ("--search",)
    yield "add-newline-title", ["add", "two\nlines"], BAD, ("control characters",)
    # tags that could not be matched or exported exactly
    for tag in BAD_TAGS:
        yield "add-tag", ["add", "T", "--tag", tag], BAD, ("tag",)
        yield "update-tag", ["update", "base", "--tag", tag, *on], BAD, ("tag",)
        yield "update-add-tag", ["update", "base", "--add-tag", tag, *on], BAD, ("tag",)
        yield "list-tag", ["list", "--tag", tag], BAD, ("tag",)
    # keys: right-to-left overrides, emoji, CJK, spaces are not keys
    for key in ("\u202ebase", "中文", "rocket-🚀", "has space", "UPPER CASE", "123", "-dash"):
        yield "add-bad-key", ["add", "T", "--key", key], BAD, ("key",)
    # evidence options that do not fit together
    yield "add-title-without-url", ["add", "T", "--evidence-title", "t"], BAD, ("--evidence",)
    yield "add-kind-without-url", ["add", "T", "--evidence-kind", "news"], BAD, ("--evidence",)
    yield "update-bad-kind", [
        "update", "base", "-e", "https://example.org/k", "--evidence-kind", "blog", *on
    ], BAD, ("evidence kind", "official")  # fmt: skip
    yield "update-nothing", ["update", "base", *on], BAD, ("nothing to record",)
    # bad option values
    yield "list-format", ["list", "--format", "xml"], BAD, ("unknown format", "json")
    yield "show-format", ["show", "base", "--format", "yaml"], BAD, ("unknown format",)
    yield "export-format", ["export", "--format", "xlsx"], BAD, ("unknown format",)
    yield "import-format", ["import", str(FIXTURE), "--format", "xml"], BAD, ("format",)
    yield "list-sort", ["list", "--sort", "colour"], BAD, ("unknown sort",)
    for days in ("-3", "abc", "1.5", "99999999"):
        yield "list-due-within", ["list", "--due-within", days], BAD, ("--due-within",)
    # options in the wrong place, unknown, or missing their value
    yield "db-after-command", ["list", "--db", "x.db"], BAD, ("no such option", "--db")
    yield "command-option-before-command", ["--status", "done", "list"], BAD, ("no such option",)
    yield "unknown-option", ["add", "T", "--colour", "red"], BAD, ("no such option",)
    yield "unknown-short-option", ["list", "-x"], BAD, ("no such option",)
    yield "missing-value", ["list", "--format"], BAD, ("requires an argument",)
    yield "missing-title", ["add"], BAD, ("missing argument",)
    yield "missing-goal", ["update", "--status", "achieved"], BAD, ("missing argument",)
    yield "missing-show-goal", ["show"], BAD, ("missing argument",)
    yield "missing-import-file", ["import"], BAD, ("missing argument",)
    yield "extra-argument", ["list", "extra"], BAD, ("unexpected extra argument",)
    yield "extra-add-argument", ["add", "T", "U"], BAD, ("unexpected extra argument",)
    yield "unknown-command", ["remove", "base"], BAD, ("no such command",)
    yield "flag-with-value", ["list", "--overdue=yes"], BAD, ("option",)


CASES = list(_cases())


def _seed(cli: Invoke) -> None:
    ok(
        cli(
            "add", "Base goal", "--key", "base", "--announced", "2026-01-21",
            "--deadline", "2026-06-30", "--owner", "MIIT", "--tag", "6g",
            "--evidence", "https://example.org/base",
        )
    )  # fmt: skip
    ok(cli("update", "base", "--status", "in_progress", "--progress", "10", "--on", "2026-03-01"))
    ok(cli("add", "Other goal", "--key", "other", "--on", "2026-02-01"))


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Invoke:
    """One seeded database per backend for the whole module (cases must not change it)."""
    if request.param == "postgres":
        from tests.conftest import new_pg_database

        url = new_pg_database(request.getfixturevalue("pg_admin_url"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('bad-input') / 'tracker.db'}"
    cli = cli_for(url)
    _seed(cli)
    return cli


@pytest.fixture(scope="module")
def baseline(shared: Invoke) -> dict[str, object]:
    return export_snapshot(shared)


@pytest.mark.parametrize(
    ("argv", "code", "fragments"),
    [
        pytest.param(argv, code, fragments, id=f"{name}-{i}")
        for i, (name, argv, code, fragments) in enumerate(CASES)
    ],
)
def test_bad_input(
    shared: Invoke,
    baseline: dict[str, object],
    argv: list[str],
    code: int,
    fragments: tuple[str, ...],
) -> None:
    result = shared(*argv)
    line = assert_one_line_error(result, code, *fragments)
    assert len(line) < 2000  # quoted input is shortened, not echoed whole
    assert result.stdout == "" or argv[0] in ("import",)
    assert_unchanged(shared, baseline)


def test_the_bad_input_matrix_is_wide() -> None:
    """Keeps the count honest for the report: how many bad inputs are covered."""
    assert len(CASES) >= 250
    commands = {argv[0] for _, argv, _, _ in CASES}
    assert {"add", "update", "list", "show", "export", "import"} <= commands


# --- hostile but valid text: accepted, stored as given, shown safely ---------------------------
VALID_HOSTILE = [
    "Emoji 🚀🇨🇳 goal",
    "中小企业数字化转型",
    "right-to-left \u202eevil\u202c text",
    "Arabic العربية and Hebrew עברית",
    "zero\u200bwidth joiner👩‍💻",
    "<script>alert(1)</script>",
    "'; DROP TABLE goal; --",
    '=HYPERLINK("http://evil.example")',
    "100% _under_ \\ back",
    "x" * 1000,
]


@pytest.mark.parametrize("title", VALID_HOSTILE, ids=range(len(VALID_HOSTILE)))
def test_hostile_but_valid_titles_round_trip(cli: Invoke, title: str) -> None:
    key = cli("add", title, "--owner", title[:500], "--announced", "2026-01-21").stdout.strip()
    assert key
    shown = json_out(cli("show", key, "--format", "json", "--as-of", "2026-02-01"))
    assert shown["title"] == title and shown["owner"] == title[:500]
    table = ok(cli("list", "--as-of", "2026-02-01")).stdout
    for ch in "\u202e\u202c\x1b":
        assert ch not in table  # the terminal table shows bidi overrides as escapes
    if "\u202e" in title:
        assert "\\u202e" in table
    text = ok(cli("show", key, "--as-of", "2026-02-01")).stdout
    assert "\u202e" not in text


def test_database_is_intact_after_sql_like_text(cli: Invoke) -> None:
    ok(cli("add", "'); DELETE FROM goal; --", "--key", "sqli", "--announced", "2026-01-21"))
    ok(cli("add", "Second", "--key", "second", "--announced", "2026-01-21"))
    goals = json_out(cli("list", "--format", "json", "--as-of", "2026-02-01"))
    assert sorted(g["key"] for g in goals) == ["second", "sqli"]


def test_import_on_is_checked_before_the_file(shared: Invoke, tmp_path: Path) -> None:
    """A bad --on is reported even when the file is broken too: the first thing wrong."""
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    result = shared("import", str(broken), "--on", "2026-02-30")
    assert_one_line_error(result, 2, "--on")
    assert json.loads(shared("export").stdout)["goals"]
