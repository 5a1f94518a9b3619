"""Broken import files: every bad row reported with its index or line, nothing imported,
exit 2 — and `--dry-run` reports exactly the same without writing.

Cases share one seeded database per backend (module scope); each proves it changed nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BACKENDS, FIXTURE
from tests.helpers import (
    Invoke,
    assert_one_line_error,
    cli_for,
    export_snapshot,
    json_out,
    ok,
    write_file,
)

GOOD = {"key": "fine", "title": "A fine goal", "announced": "2026-01-21"}


def doc(*goals: Any) -> str:
    return json.dumps({"goals": list(goals)}, ensure_ascii=False)


FIXTURE_TEXT = FIXTURE.read_text(encoding="utf-8")
FIXTURE_JSON = json.dumps(
    {"goals": [{"key": f"g{i}", "title": f"Goal {i}"} for i in range(20)]}, indent=1
)

# (id, file name, content, fragments that must all be in the one error line)
CASES: list[tuple[str, str, str | bytes, tuple[str, ...]]] = [
    # --- not YAML/JSON/CSV at all ----------------------------------------------------------
    ("png", "image.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("not UTF-8",)),
    ("nul", "nul.json", "{\x00}", ("NUL",)),
    ("prose-yaml", "notes.yaml", "Just some notes about 6G.\n", ("expected a document",)),
    ("prose-json", "notes.json", "Just some notes about 6G.\n", ("not valid JSON", "line 1")),
    ("prose-csv", "notes.csv", "Just some notes\nabout 6G\n", ("header row",)),
    ("empty-yaml", "empty.yaml", "", ("expected a document",)),
    ("empty-json", "empty.json", "", ("not valid JSON",)),
    ("empty-csv", "empty.csv", "", ("header row",)),
    ("number", "n.json", "42", ("expected a document",)),
    ("null", "null.yaml", "null\n", ("expected a document",)),
    ("goals-mapping", "m.json", '{"goals": {"key": "a"}}', ("expected a document",)),
    (
        "python-tag",
        "evil.yaml",
        'goals:\n - !!python/object/apply:os.system ["id"]\n',
        ("not valid YAML", "line 2"),
    ),  # fmt: skip
    (
        "bad-explicit-tag",
        "t.yaml",
        "goals:\n - {key: a, title: A, announced: !!timestamp 2026-02-30}\n",
        ("not valid YAML",),
    ),  # fmt: skip
    ("deep-json", "deep.json", "[" * 100_000, ("not valid JSON",)),
    (
        "infinity-json",
        "inf.json",
        '[{"key": "a", "title": "A", "progress": Infinity}]',
        ("not valid JSON",),
    ),
    ("deep-yaml", "deep.yaml", "[" * 100_000, ("not valid YAML",)),
    ("yaml-tabs", "tabs.yaml", "goals:\n\t- key: a\n", ("not valid YAML", "line 2")),
    (
        "dup-field-yaml",
        "d.yaml",
        "goals:\n - key: a\n   title: A\n   key: b\n",
        ("duplicate key", "line 4"),
    ),  # fmt: skip
    (
        "dup-field-json",
        "d.json",
        '{"goals": [{"key": "a", "title": "A", "key": "b"}]}',
        ("appears twice",),
    ),  # fmt: skip
    # --- truncated ------------------------------------------------------------------------
    ("truncated-json", "cut.json", FIXTURE_JSON[: len(FIXTURE_JSON) // 2], ("not valid JSON",)),
    (
        "truncated-yaml",
        "cut.yaml",
        FIXTURE_TEXT[: FIXTURE_TEXT.index('"Carry out') + 12],
        ("not valid YAML",),
    ),  # fmt: skip
    (
        "truncated-csv-quote",
        "cut.csv",
        'key,title\nb,B\na,"Carry out the',
        ("broken CSV", "line 3"),
    ),
    ("truncated-csv-row", "cut2.csv", "key,title,status\na,A,in_prog", ("line 2 (a)", "in_prog")),
    # --- wrong encoding --------------------------------------------------------------------
    (
        "latin-1",
        "latin.yaml",
        "goals:\n - key: a\n   title: Café\n".encode("latin-1"),
        ("not UTF-8", "byte 30"),
    ),  # fmt: skip
    ("utf-16", "utf16.json", doc(GOOD).encode("utf-16"), ("not UTF-8",)),
    ("gbk", "gbk.csv", "key,title\na,中小企业\n".encode("gbk"), ("not UTF-8",)),
    # --- wrong types: every bad goal listed -----------------------------------------------------
    (
        "types",
        "types.json",
        doc(
            {"key": "t1", "title": ["a", "list"]},
            GOOD,
            {"key": "t2", "title": "T2", "tags": 5},
            {"key": "t3", "title": "T3", "progress": "lots"},
            {"key": "t4", "title": "T4", "events": {"on": "2026-02-01"}},
            {"key": "t5", "title": "T5", "evidence": "https://example.org/one"},
            {"key": "t6", "title": "T6", "announced": 2026},
            {"key": "t7", "title": "T7", "status": 5},
            {"key": ["t8"], "title": "T8"},
            {"key": "t9", "title": "T9", "progress": True},
            {"key": "t10", "title": "T10", "progress": 1e400},
            {"key": "t11", "title": "T11", "owner": {"name": "MIIT"}},
            "just a string",
        ).replace("Infinity", "1e400"),  # valid JSON that overflows a float (Infinity is not JSON)
        (
            "12 problems",
            "goal 1 (t1)",
            "goal 3 (t2)",
            "goal 4 (t3)",
            "goal 5 (t4)",
            "goal 6 (t5)",
            "goal 7 (t6)",
            "goal 8 (t7)",
            "goal 9:",
            "goal 10 (t9)",
            "goal 11 (t10)",
            "goal 12 (t11)",
            "goal 13:",
        ),
    ),  # fmt: skip
    # --- missing required fields ---------------------------------------------------------------
    (
        "missing",
        "missing.yaml",
        "goals:\n - key: a\n   title: A\n - description: no key, no title\n"
        " - key: new-without-title\n - key: b\n   title: ''\n - key: c\n   title: '   '\n",
        (
            "4 problems",
            "goal 2: needs a title",
            "goal 3 (new-without-title)",
            "needs a title",
            "goal 4 (b): title must not be empty",
            "goal 5 (c)",
        ),
    ),  # fmt: skip
    ("missing-csv", "missing.csv", "key,title\na,A\n,\nb,\n", ("2 problems", "line 3", "line 4")),
    # --- the same key twice -------------------------------------------------------------------
    (
        "dup-keys",
        "dup.json",
        doc(
            GOOD,
            {"key": "x", "title": "X"},
            {"key": "fine", "title": "F2"},
            {"key": "X", "title": "X again"},
        ),
        (
            "2 problems",
            "goal 3 (fine): key 'fine' appears twice (also goal 1 (fine))",
            "goal 4 (x): key 'x' appears twice (also goal 2 (x))",
        ),
    ),  # fmt: skip
    ("dup-keys-csv", "dup.csv", "key,title\na,A\nb,B\na,A2\n", ("line 4 (a)", "also line 2")),
    (
        "dup-keys-yaml-alias",
        "alias.yaml",
        "goals:\n - &g {key: a, title: A}\n - *g\n",
        ("goal 2 (a): key 'a' appears twice",),
    ),
    # --- event problems -----------------------------------------------------------------------
    (
        "events",
        "events.yaml",
        """goals:
 - key: e1
   title: E1
   announced: 2026-01-21
   events:
    - {on: 2026-01-01, status: in_progress}
    - {on: 2026-02-30, status: achieved}
    - {status: stalled}
    - 5
    - {on: 2026-03-01, status: finished}
    - {on: 2026-03-02, progress: 120}
    - {on: 2026-03-03, deadline_text: whenever}
    - {on: 2026-03-04, deadline: 2026-06-31}
    - {on: 2026-03-05, deadline: 2026-06-30, deadline_precision: weekly}
    - {on: 2026-03-06, changes: [x]}
    - {on: 2026-03-07, recorded_at: yesterday}
    - {on: 2026-03-08, note: "bell\\a"}
""",
        (
            "12 problems",
            "goal 1 (e1) event 1: event dated 2026-01-01 is before the goal was announced",
            "event 2: unreadable event date 'on' '2026-02-30'",
            "event 3: unreadable event date",
            "event 4: an event must be a mapping",
            "event 5: unknown status 'finished'",
            "event 6: progress 120",
            "event 7: unreadable deadline 'whenever'",
            "event 8: unreadable deadline '2026-06-31'",
            "event 9: unknown deadline precision",
            "event 10: changes must be a mapping",
            "event 11: recorded_at 'yesterday'",
            "event 12: note contains control characters",
        ),
    ),  # fmt: skip
    (
        "events-before-announced",
        "early.json",
        doc(
            {
                "key": "a",
                "title": "A",
                "announced": "2026-03-01",
                "events": [
                    {"on": "2026-02-28", "status": "in_progress"},
                    {"on": "2026-03-01", "status": "not_started"},
                ],
            },
            {
                "key": "b",
                "title": "B",
                "announced": "2026-03-01",
                "events": [{"on": "2025-12-31", "status": "in_progress"}],
            },
        ),
        (
            "2 problems",
            "goal 1 (a) event 1: event dated 2026-02-28",
            "goal 2 (b) event 1: event dated 2025-12-31 is before the goal was announced (2026-03-01)",
        ),
    ),  # fmt: skip
    # --- evidence with bad URLs -----------------------------------------------------------------
    (
        "evidence",
        "evidence.json",
        doc(
            {"key": "v1", "title": "V1", "evidence": ["javascript:alert(1)"]},
            {"key": "v2", "title": "V2", "source_url": "file:///etc/passwd"},
            {"key": "v3", "title": "V3", "evidence": [{"title": "no url"}]},
            {
                "key": "v4",
                "title": "V4",
                "evidence": [{"url": "https://ok.example"}, {"url": "ftp://x.example"}],
            },
            {
                "key": "v5",
                "title": "V5",
                "events": [{"on": "2026-02-01", "evidence": [{"url": "https://exa mple.org"}]}],
            },
            {
                "key": "v6",
                "title": "V6",
                "evidence": [
                    {"url": "https://ok.example", "kind": "blog", "published": "yesterday"}
                ],
            },
            {"key": "v7", "title": "V7", "evidence": [{"url": "https://x.example/\u202e"}]},
        ),
        (
            "7 problems",
            "goal 1 (v1): malformed evidence URL 'javascript:alert(1)'",
            "goal 2 (v2): malformed source URL 'file:///etc/passwd'",
            "goal 3 (v3): evidence 1 needs a url",
            "goal 4 (v4): malformed evidence URL 'ftp://x.example'",
            "goal 5 (v5) event 1: malformed evidence URL",
            "goal 6 (v6)",
            "goal 7 (v7)",
        ),
    ),  # fmt: skip
    (
        "csv-evidence",
        "ev.csv",
        "key,title,evidence\na,A,https://ok.example javascript:x\nb,B,https://ok.example\n"
        "c,C,mailto:x@y.example\n",
        ("2 problems", "line 2 (a): malformed evidence URL 'javascript:x'", "line 4 (c)"),
    ),
    # --- other bad values ----------------------------------------------------------------------
    (
        "values",
        "values.csv",
        "key,title,status,progress,deadline_text,announced,tags\n"
        "a,A,done,,,,\nb,B,,150,,,\nc,C,,,someday,,\nd,D,,,,2026-13-01,\ne,E,,,,,x;y\n"
        'f,F,,,,,"a""b"\nBad Key,G,,,,,\n',
        (
            "6 problems",
            "line 2 (a): unknown status 'done'",
            "line 3 (b): progress 150",
            "line 4 (c): unreadable deadline 'someday'",
            "line 5 (d): unreadable announced date",
            "line 7 (f): tag",
            "line 8: bad key 'Bad Key'",
        ),
    ),  # fmt: skip
    ("csv-too-many-cells", "wide.csv", "key,title\na,A,extra\nb,B\n", ("line 2", "more cells")),
    ("csv-control", "ctl.csv", "key,title\na,bell\x07\n", ("line 2 (a)", "control characters")),
]


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Invoke:
    if request.param == "postgres":
        from tests.conftest import new_pg_database

        url = new_pg_database(request.getfixturevalue("pg_admin_url"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('import-errors') / 'tracker.db'}"
    cli = cli_for(url)
    ok(cli("import", str(FIXTURE)))
    ok(cli("update", "6g-phase2-trials", "--progress", "30", "--on", "2026-03-01"))
    return cli


@pytest.fixture(scope="module")
def baseline(shared: Invoke) -> dict[str, object]:
    return export_snapshot(shared)


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [pytest.param(name, content, fragments, id=case) for case, name, content, fragments in CASES],
)
def test_broken_file(
    shared: Invoke,
    baseline: dict[str, object],
    tmp_path: Path,
    name: str,
    content: str | bytes,
    fragments: tuple[str, ...],
) -> None:
    path = write_file(tmp_path / name, content)
    result = shared("import", str(path))
    line = assert_one_line_error(result, 2, *fragments)
    if "problem" in line:
        assert "nothing imported" in line
    assert result.stdout == ""
    dry = shared("import", str(path), "--dry-run")
    assert dry.exit_code == 2
    assert dry.stderr == result.stderr  # the same report, word for word
    assert export_snapshot(shared) == baseline


def test_import_errors_matrix_is_wide() -> None:
    assert len(CASES) >= 35


def test_good_rows_are_not_imported_with_bad_ones(cli: Invoke, tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "mixed.json",
        doc(GOOD, {"key": "bad", "title": "Bad", "status": "nope"}, {"key": "ok2", "title": "OK"}),
    )
    assert_one_line_error(cli("import", str(path)), 2, "1 problem", "goal 2 (bad)")
    assert export_snapshot(cli) == {"goals": []}


def test_events_out_of_order_are_not_an_error(cli: Invoke, tmp_path: Path) -> None:
    """PRODUCT: import replays events in date order; a file listing them otherwise is fine."""
    path = write_file(
        tmp_path / "order.yaml",
        """goals:
 - key: o
   title: Out of order
   announced: 2026-01-21
   events:
    - {on: 2026-06-01, status: achieved}
    - {on: 2026-01-21, status: not_started}
    - {on: 2026-03-01, status: in_progress}
""",
    )
    dry = ok(cli("import", str(path), "--dry-run"))
    assert "would import 1 new, 0 updated, 0 unchanged goals (3 events" in dry.stderr
    assert export_snapshot(cli) == {"goals": []}
    real = ok(cli("import", str(path)))
    assert "imported 1 new, 0 updated, 0 unchanged goals (3 events" in real.stderr
    shown = json_out(cli("show", "o", "--format", "json", "--as-of", "2026-04-01"))
    assert shown["status"] == "in_progress"
    assert [e["on"] for e in shown["events"]] == ["2026-01-21", "2026-03-01", "2026-06-01"]


def test_dry_run_of_a_good_file_reports_what_it_would_do(shared: Invoke, tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "plan.json",
        doc(
            {"key": "brand-new", "title": "New", "announced": "2026-02-01"},
            {"key": "6g-phase2-trials", "status": "achieved"},
        ),
    )
    before = export_snapshot(shared)
    result = ok(shared("import", str(path), "--dry-run", "--on", "2026-05-01"))
    assert "would import 1 new, 1 updated, 0 unchanged goals (2 events" in result.stderr
    assert export_snapshot(shared) == before


def test_a_new_goal_without_a_title_needs_one(cli: Invoke, tmp_path: Path) -> None:
    """A key alone updates a stored goal, and is a reported problem for a new one."""
    ok(cli("add", "Stored", "--key", "stored", "--announced", "2026-01-21"))
    path = write_file(
        tmp_path / "keys.csv", "key,status\nstored,in_progress\nnew-one,in_progress\n"
    )
    assert_one_line_error(
        cli("import", str(path), "--on", "2026-02-01"),
        2,
        "line 3 (new-one): goal 'new-one' is not tracked (no goal with that key is stored yet); a new goal needs a title",
    )
    shown = json_out(cli("show", "stored", "--format", "json", "--as-of", "2026-02-01"))
    assert shown["status"] == "not_started"
