"""Filters are data: --search, --owner, --area and --tag values full of quotes, %, _, ;--
and SQL find exactly what they name (checked against a plain-Python model) and break nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import BACKENDS
from tests.helpers import Invoke, assert_one_line_error, cli_for, export_snapshot, json_out, ok

GOALS: list[dict[str, Any]] = [
    {"key": "g-percent", "title": "100% done", "owner": "Office 100%", "tags": ["100%"]},
    {"key": "g-under", "title": "under_score", "owner": "a_b", "tags": ["snake_case"]},
    {"key": "g-quote", "title": 'it\'s "quoted"', "owner": 'O\'Brien "Bureau"', "tags": ["it's"]},
    {
        "key": "g-sql",
        "title": "x'; DROP TABLE goal;--",
        "owner": "Robert'); DROP TABLE goal;--",
        "tags": ["sql--"],
    },  # fmt: skip
    {"key": "g-slash", "title": "back\\slash path", "owner": "C:\\dir", "tags": ["a/b"]},
    {"key": "g-pipe", "title": "pipe | cell", "owner": "A|B", "tags": ["a|b"]},
    {"key": "g-bracket", "title": "[bracketed] {braces}", "owner": "[MIIT]", "tags": ["x+y"]},
    {
        "key": "g-plain",
        "title": "Plain goal",
        "owner": "MIIT",
        "area": "ICT",
        "tags": ["plain", "6g"],
    },  # fmt: skip
    {
        "key": "g-cjk",
        "title": "中小企业 ÉNERGIE",
        "owner": "工业和信息化部",
        "area": "ÉNERGIE",
        "tags": ["能源"],
        "description": "Ünïcödé",
    },  # fmt: skip
    {
        "key": "g-star",
        "title": "star * question ? dot .",
        "owner": "*",
        "area": "ict",
        "tags": ["*"],
    },  # fmt: skip
    {"key": "g-pattern", "title": "percent %_% pattern", "owner": "%_%", "tags": []},
    {"key": "g-none", "title": "No owner at all", "quote": "原文 'quoted' %"},
]

TERMS = [
    "%", "_", "'", '"', "\\", ";--", "--", ";", "' OR '1'='1", "\" OR \"\"=\"",
    "x'; DROP TABLE goal;--", "DROP TABLE", "'); DELETE FROM event; --", "100%", "%_%", "_score",
    "[", "]", "[]", "[MIIT]", "|", "*", "?", ".", ",", '", "', '"]', "6g", "PLAIN", "plain",
    "中小企业", "ÉNERGIE", "能源", "snake_case", "\\dir", "C:\\", "a_b", "a%b", "GOAL", "%%", "__",
    "\\%", "\\_", "'; --", "it's", "O'Brien", "Bureau\"", "x+y", "a/b", "原文", "Ünïcödé",
    "g-", "nothing-matches-this", "$1", "{braces}", "%'%", "\\\\",
]  # fmt: skip

SEARCHED = ("key", "title", "title_original", "description", "owner", "area", "quote")


def expected_search(term: str) -> list[str]:
    needle = term.strip().lower()
    return sorted(
        g["key"]
        for g in GOALS
        if any(needle in (g.get(f) or "").lower() for f in SEARCHED)
        or any(needle in tag for tag in g.get("tags", []))
    )


def expected_owner(term: str) -> list[str]:
    needle = term.strip().lower()
    return sorted(g["key"] for g in GOALS if needle in (g.get("owner") or "").lower())


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Invoke:
    if request.param == "postgres":
        from tests.conftest import new_pg_database

        url = new_pg_database(request.getfixturevalue("pg_admin_url"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('filters') / 'tracker.db'}"
    cli = cli_for(url)
    for goal in GOALS:
        args = ["add", goal["title"], "--key", goal["key"], "--announced", "2026-01-21"]
        for option in ("owner", "area", "description", "quote"):
            if goal.get(option):
                args += [f"--{option}", goal[option]]
        for tag in goal.get("tags", []):
            args += ["--tag", tag]
        ok(cli(*args))
    return cli


def keys_of(result: Any) -> list[str]:
    data = json_out(result)
    goals = data["goals"] if isinstance(data, dict) else data
    return sorted(g["key"] for g in goals)


@pytest.mark.parametrize("term", TERMS, ids=range(len(TERMS)))
def test_search_finds_exactly_what_it_names(shared: Invoke, term: str) -> None:
    expected = expected_search(term)
    assert keys_of(shared("list", "-f", "json", "--as-of", "2026-02-01", "--search", term)) == (
        expected
    )
    assert keys_of(shared("export", "--search", term)) == expected


@pytest.mark.parametrize("term", TERMS, ids=range(len(TERMS)))
def test_owner_finds_exactly_what_it_names(shared: Invoke, term: str) -> None:
    expected = expected_owner(term)
    assert keys_of(shared("list", "-f", "json", "--as-of", "2026-02-01", "--owner", term)) == (
        expected
    )
    assert keys_of(shared("export", "--owner", term)) == expected


def test_the_model_is_not_trivial() -> None:
    """The expectations above select some goals and not others for most terms."""
    sizes = [len(expected_search(t)) for t in TERMS]
    assert sum(0 < n < len(GOALS) for n in sizes) >= len(TERMS) // 2
    assert expected_search('"') == ["g-quote"]
    assert expected_search("[") == ["g-bracket"]  # not every goal with tags (JSON '[')


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("ICT", ["g-plain", "g-star"]),
        ("ict", ["g-plain", "g-star"]),
        (" ICT ", ["g-plain", "g-star"]),
        ("ÉNERGIE", ["g-cjk"]),
        ("%", []),
        ("IC_", []),
        ("' OR '1'='1", []),
    ],
)
def test_area_is_an_exact_match(shared: Invoke, area: str, expected: list[str]) -> None:
    assert keys_of(shared("list", "-f", "json", "--as-of", "2026-02-01", "--area", area)) == (
        expected
    )


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["100%"], ["g-percent"]),
        (["100"], []),  # a tag is matched whole
        (["%"], []),
        (["snake_case"], ["g-under"]),
        (["snake-case"], []),
        (["it's"], ["g-quote"]),
        (["sql--"], ["g-sql"]),
        (["a|b"], ["g-pipe"]),
        (["*"], ["g-star"]),
        (["能源"], ["g-cjk"]),
        (["PLAIN", "6g"], ["g-plain"]),
        (["plain", "x+y"], []),
        (["plain,6g"], ["g-plain"]),  # commas separate tags, as on input
    ],
)
def test_tag_is_an_exact_match(shared: Invoke, tags: list[str], expected: list[str]) -> None:
    args = [arg for tag in tags for arg in ("--tag", tag)]
    assert keys_of(shared("list", "-f", "json", "--as-of", "2026-02-01", *args)) == expected


def test_filters_break_nothing(shared: Invoke) -> None:
    doc = export_snapshot(shared)
    assert sorted(g["key"] for g in doc["goals"]) == sorted(g["key"] for g in GOALS)
    assert all(len(g["events"]) == 1 for g in doc["goals"])


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        ("--search", "a\x00b", "control characters"),
        ("--owner", "a\x00b", "control characters"),
        ("--area", "\x1b[2J", "control characters"),
        ("--search", "x" * 100_000, "100,000"),
        ("--search", "\udcff", "UTF-8"),
        ("--tag", 'a"b', "tag"),
    ],
)
def test_unusable_filter_text_is_bad_input(
    shared: Invoke, option: str, value: str, fragment: str
) -> None:
    assert_one_line_error(shared("list", option, value), 2, option.lstrip("-"), fragment)


def test_blank_filters_match_everything(shared: Invoke) -> None:
    for option in ("--search", "--owner", "--area"):
        found = keys_of(shared("list", "-f", "json", "--as-of", "2026-02-01", option, "   "))
        assert len(found) == len(GOALS)
