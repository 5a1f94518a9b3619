"""`tracker quarterly`: every cell of a hand-built history, the JSON shape, every format.

The history (`build_history`) is made with add/update at chosen dates: a goal due on the last
day of Q2 and still in progress, a back-dated update, a deadline slip, a goal announced
mid-year, a dropped goal, one announced the year before. No test depends on today's date.
`tests/test_report.py` reuses it.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner, Result

from tests.conftest import BACKENDS, new_pg_database
from tracker.render.text import width

Invoke = Callable[..., Result]
QUARTERS_2026 = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
KEYS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
CJK_TITLE = "德尔塔：年中宣布的机器人标准目标"


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.exit_code, result.output, result.exception)
    return result


def build_history(cli: Invoke) -> None:
    """Six goals whose every quarterly cell in 2026 is worked out by hand below."""

    def run(*args: str) -> None:
        ok(cli(*args))

    # alpha: due 2026-06-30, still in progress: not overdue on 06-30, overdue in the Q2 column.
    run("add", "Alpha: launch the 6G trials", "--key", "alpha", "--announced", "2026-01-10",
        "--status", "in_progress", "--deadline", "2026-06-30", "--area", "ICT", "--owner", "MIIT",
        "--tag", "6g", "--evidence", "https://example.org/alpha",
        "--evidence-title", "Alpha announced")  # fmt: skip
    # beta: an update recorded after the May one but back-dated to February counts for Q1.
    run("add", "Beta: SME payment rules", "--key", "beta", "--announced", "2026-01-15",
        "--deadline", "2026-09-30", "--area", "SMEs", "--owner", "NDRC")  # fmt: skip
    run("update", "beta", "--progress", "50", "--on", "2026-05-01")
    run("update", "beta", "--status", "in_progress", "--on", "2026-02-10",
        "--note", "Back-dated: recorded in May")  # fmt: skip
    run("update", "beta", "--status", "achieved", "--progress", "100", "--on", "2026-08-15",
        "--evidence", "https://example.org/beta", "--evidence-title", "Beta done",
        "--note", "Finished early")  # fmt: skip
    # gamma: due 03-31 (overdue in Q1), slipped to 09-30 in April, stalled in July.
    run("add", "Gamma: computing network", "--key", "gamma", "--announced", "2026-01-20",
        "--status", "in_progress", "--deadline", "2026-03-31", "--area", "ICT",
        "--owner", "MIIT")  # fmt: skip
    run("update", "gamma", "--deadline", "2026-09-30", "--on", "2026-04-10",
        "--note", "Slipped to Q3")  # fmt: skip
    run("update", "gamma", "--status", "stalled", "--on", "2026-07-15")
    # delta: announced mid-year (nothing in Q1), due at the end of the year, Chinese title.
    run("add", CJK_TITLE, "--key", "delta", "--announced", "2026-05-05", "--deadline", "2026年底",
        "--area", "Robotics", "--owner", "工信部")  # fmt: skip
    # epsilon: due in February, dropped in March: final, so never overdue at a quarter's end.
    run("add", "Epsilon: old pilot", "--key", "epsilon", "--announced", "2026-01-05",
        "--status", "in_progress", "--deadline", "2026-02-28", "--area", "SMEs")  # fmt: skip
    run("update", "epsilon", "--status", "dropped", "--on", "2026-03-15")
    # zeta: announced in 2025, no deadline, missed in October.
    run("add", "Zeta: AI standards", "--key", "zeta", "--announced", "2025-11-01",
        "--status", "in_progress", "--area", "AI", "--tag", "ai")  # fmt: skip
    run("update", "zeta", "--status", "missed", "--on", "2026-10-01")


# (status, overdue) per quarter of 2026, with every quarter over (as of 2026-12-31).
IP, NS, ST, DONE, DROP, MISS = (
    "in_progress",
    "not_started",
    "stalled",
    "achieved",
    "dropped",
    "missed",
)
YEAR_END: dict[str, list[tuple[str | None, bool]]] = {
    "alpha": [(IP, False), (IP, True), (IP, True), (IP, True)],
    "beta": [(IP, False), (IP, False), (DONE, False), (DONE, False)],
    "gamma": [(IP, True), (IP, False), (ST, True), (ST, True)],
    "delta": [(None, False), (NS, False), (NS, False), (NS, True)],
    "epsilon": [(DROP, False), (DROP, False), (DROP, False), (DROP, False)],
    "zeta": [(IP, False), (IP, False), (IP, False), (MISS, False)],
}
# As of 2026-06-30: Q1 and Q2 are over; Q3 and Q4 have not begun.
MID_YEAR = {key: cells[:2] + [(None, False)] * 2 for key, cells in YEAR_END.items()}
# As of 2026-08-20: Q3 is in progress, so its cell is the state on 08-20 and overdue means
# "deadline before 08-20" (the `list` rule): alpha is, gamma (due 09-30) is not yet.
IN_Q3 = {
    "alpha": YEAR_END["alpha"][:2] + [(IP, True), (None, False)],
    "beta": YEAR_END["beta"][:2] + [(DONE, False), (None, False)],
    "gamma": YEAR_END["gamma"][:2] + [(ST, False), (None, False)],
    "delta": YEAR_END["delta"][:2] + [(NS, False), (None, False)],
    "epsilon": YEAR_END["epsilon"][:2] + [(DROP, False), (None, False)],
    "zeta": YEAR_END["zeta"][:2] + [(IP, False), (None, False)],
}


class History:
    """`tracker ARGS…` against a database holding `build_history`, and that database's URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        from tracker.cli.main import app

        return self.runner.invoke(app, ["--db", self.url, *args], env=env)


@pytest.fixture(scope="module", params=BACKENDS)
def history(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> History:
    """The history built once per module and backend; tests using it only read."""
    if request.param == "postgres":
        url = new_pg_database(request.getfixturevalue("pg_admin_url"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('history') / 'tracker.db'}"
    invoke = History(url)
    build_history(invoke)
    return invoke


def quarterly_json(cli: Invoke, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok(cli("quarterly", "--format", "json", *args)).stdout)
    return data


def cells_of(data: dict[str, Any]) -> dict[str, list[tuple[str | None, bool]]]:
    return {
        g["key"]: [
            (g["status_by_quarter"][q], g["overdue_by_quarter"][q]) for q in data["quarters"]
        ]
        for g in data["goals"]
    }


def expected_summary(cells: dict[str, list[tuple[str | None, bool]]]) -> dict[str, dict[str, int]]:
    from tracker.domain import STATUSES

    out = {q: dict.fromkeys(STATUSES, 0) for q in QUARTERS_2026}
    for row in cells.values():
        for q, (status, _late) in zip(QUARTERS_2026, row, strict=True):
            if status:
                out[q][status] += 1
    return out


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2026-12-31", YEAR_END), ("2026-06-30", MID_YEAR), ("2026-08-20", IN_Q3)],
)
def test_every_cell_of_the_hand_built_history(
    history: Invoke, as_of: str, expected: dict[str, list[tuple[str | None, bool]]]
) -> None:
    data = quarterly_json(history, "--year", "2026", "--as-of", as_of)
    assert data["quarters"] == QUARTERS_2026
    assert cells_of(data) == expected
    assert data["summary"] == expected_summary(expected)


def test_summary_counts_spelled_out(history: Invoke) -> None:
    summary = quarterly_json(history, "--year", "2026", "--as-of", "2026-12-31")["summary"]
    q3 = {k: v for k, v in summary["2026Q3"].items() if v}
    assert q3 == {"in_progress": 2, "achieved": 1, "stalled": 1, "not_started": 1, "dropped": 1}
    assert sum(summary["2026Q1"].values()) == 5  # delta was not announced yet


def test_json_shape_is_the_one_product_md_gives(history: Invoke) -> None:
    data = quarterly_json(history, "--year", "2026", "--as-of", "2026-06-30")
    assert set(data) >= {"quarters", "goals", "summary"}
    assert set(data) - {"quarters", "goals", "summary"} == {"as_of"}
    for goal in data["goals"]:
        assert {"key", "title", "status_by_quarter", "overdue_by_quarter"} <= set(goal)
        assert list(goal["status_by_quarter"]) == QUARTERS_2026
        assert list(goal["overdue_by_quarter"]) == QUARTERS_2026
        assert all(isinstance(v, bool) for v in goal["overdue_by_quarter"].values())
        assert all(v is None or isinstance(v, str) for v in goal["status_by_quarter"].values())
    assert list(data["summary"]) == QUARTERS_2026
    assert all(isinstance(n, int) for counts in data["summary"].values() for n in counts.values())
    assert [g["key"] for g in data["goals"]] == [  # deadline order, no deadline last
        "epsilon",
        "alpha",
        "beta",
        "gamma",
        "delta",
        "zeta",
    ]


def test_due_on_the_quarter_end_overdue_in_the_column_not_in_list(history: Invoke) -> None:
    """PRODUCT.md's example: due 2026-06-30, in progress."""
    on_the_day = json.loads(ok(history("list", "--as-of", "2026-06-30", "--format", "json")).stdout)
    assert {g["key"]: g["overdue"] for g in on_the_day}["alpha"] is False
    day_after = json.loads(ok(history("list", "--as-of", "2026-07-01", "--format", "json")).stdout)
    assert {g["key"]: g["overdue"] for g in day_after}["alpha"] is True
    data = quarterly_json(history, "--year", "2026", "--as-of", "2026-06-30")
    alpha = next(g for g in data["goals"] if g["key"] == "alpha")
    assert alpha["overdue_by_quarter"]["2026Q2"] is True
    assert alpha["overdue_by_quarter"]["2026Q1"] is False


def test_from_to_reaches_back_to_the_previous_year(history: Invoke) -> None:
    data = quarterly_json(history, "--from", "2025Q4", "--to", "2026Q1", "--as-of", "2026-12-31")
    assert data["quarters"] == ["2025Q4", "2026Q1"]
    cells = cells_of(data)
    assert cells["zeta"] == [(IP, False), (IP, False)]
    assert all(row[0] == (None, False) for key, row in cells.items() if key != "zeta")


def test_default_quarters_are_the_as_of_year(history: Invoke) -> None:
    assert quarterly_json(history, "--as-of", "2026-08-20")["quarters"] == QUARTERS_2026
    data = quarterly_json(history, "--as-of", "2027-02-01")
    assert data["quarters"] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    assert data["goals"][0]["status_by_quarter"]["2027Q2"] is None  # not begun


def test_from_alone_runs_to_the_as_of_quarter(history: Invoke) -> None:
    data = quarterly_json(history, "--from", "2026Q2", "--as-of", "2026-08-20")
    assert data["quarters"] == ["2026Q2", "2026Q3"]
    assert quarterly_json(history, "--to", "2026Q2", "--as-of", "2026-08-20")["quarters"] == [
        "2026Q1",
        "2026Q2",
    ]


@pytest.mark.parametrize(
    ("args", "expected_keys"),
    [
        (["--area", "ict"], ["alpha", "gamma"]),
        (["--owner", "ndrc"], ["beta"]),
        (["--tag", "ai"], ["zeta"]),
        (["--status", "in_progress,stalled"], ["alpha", "gamma", "zeta"]),
        (["--status", "dropped"], ["epsilon"]),
        (["--overdue"], ["alpha"]),
        (["--search", "年中"], ["delta"]),
    ],
)
def test_list_filters(history: Invoke, args: list[str], expected_keys: list[str]) -> None:
    """Filters select goals by their state on the as-of date, as `list` does."""
    data = quarterly_json(history, "--year", "2026", "--as-of", "2026-08-20", *args)
    assert [g["key"] for g in data["goals"]] == expected_keys
    listed = json.loads(
        ok(history("list", "--as-of", "2026-08-20", "--format", "json", *args)).stdout
    )
    assert sorted(g["key"] for g in listed) == sorted(expected_keys)


def test_sort(history: Invoke) -> None:
    data = quarterly_json(history, "--year", "2026", "--as-of", "2026-08-20", "--sort", "key")
    assert [g["key"] for g in data["goals"]] == sorted(KEYS)
    data = quarterly_json(history, "--year", "2026", "--as-of", "2026-08-20", "--sort", "-key")
    assert [g["key"] for g in data["goals"]] == sorted(KEYS, reverse=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2026", "--from", "2026Q1"], "either --year or --from/--to"),
        (["--year", "2026", "--to", "2026Q4"], "either --year or --from/--to"),
        (["--from", "2026Q5"], "unreadable quarter"),
        (["--from", "2027Q1", "--to", "2026Q1"], "runs backwards"),
        (["--from", "1990Q1", "--to", "2100Q1"], "the most is"),
        (["--year", "12"], "--year 12"),
        (["--year", "twenty"], "--year"),
        (["--format", "pdf"], "unknown format"),
        (["--status", "finished"], "unknown status"),
        (["--as-of", "30/06/2026"], "--as-of"),
        (["--sort", "colour"], "unknown sort"),
    ],
)
def test_bad_options_exit_2_with_one_line(cli: Invoke, args: list[str], message: str) -> None:
    result = cli("quarterly", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_empty_database(cli: Invoke) -> None:
    data = quarterly_json(cli, "--year", "2026", "--as-of", "2026-06-30")
    assert data["goals"] == []
    assert data["summary"]["2026Q1"]["in_progress"] == 0
    assert "No goals match." in ok(cli("quarterly", "--as-of", "2026-06-30")).stdout


# --- formats ------------------------------------------------------------------------------
def test_terminal_table(history: Invoke) -> None:
    out = ok(history("quarterly", "--year", "2026", "--as-of", "2026-12-31")).stdout
    assert "\x1b[" not in out  # not a terminal: no colour
    lines = out.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("ID"))
    assert re.findall(r"2026Q\d", header) == QUARTERS_2026
    rows = {key: line for line in lines for key in KEYS if f" {key} " in f" {line} "}
    assert set(rows) == set(KEYS)
    words = r"(?:not started|in progress|stalled|achieved|dropped|missed)(?: !)?"
    assert re.findall(words, rows["alpha"]) == [
        "in progress",
        "in progress !",
        "in progress !",
        "in progress !",
    ]
    assert "stalled !" in rows["gamma"] and "in progress !" in rows["gamma"]
    assert "in prog " not in out and "not st " not in out  # no abbreviations left
    assert " — " in rows["delta"]  # Q1: not yet announced
    assert "overdue (!)" in out and "not yet announced" in out


def test_terminal_table_aligns_chinese_titles(history: Invoke) -> None:
    """The quarter columns start at the same display column on every row, CJK or not."""
    out = ok(history("quarterly", "--year", "2026", "--as-of", "2026-12-31")).stdout
    lines = [line for line in out.splitlines() for key in KEYS if f" {key} " in line]
    assert len(lines) == len(KEYS)
    assert any(CJK_TITLE[:4] in line for line in lines)
    # Display column where the first quarter cell starts on each goal row.
    starts = set()
    for line in lines:
        m = re.search(r"(in progress|not started|dropped|stalled|achieved|missed|—)", line)
        assert m is not None
        starts.add(width(line[: m.start()]))
    assert len(starts) == 1, out


def test_terminal_colour_only_when_enabled(history: History) -> None:
    from datetime import date

    from tracker import reports
    from tracker.migrations import open_database
    from tracker.quarters import year_quarters
    from tracker.render.quarterly import table_text

    db = open_database(history.url)
    assert db is not None
    try:
        table = reports.quarterly(db, quarters=year_quarters(2026), as_of=date(2026, 12, 31))
    finally:
        db.close()
    plain = table_text(table, columns=120, color=False)
    coloured = table_text(table, columns=120, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[36min progress\x1b[0m \x1b[31;1m!\x1b[0m" in coloured  # cyan, bold red mark
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    # Colour takes no columns: the quarter cells start at the same place as without it.
    assert [width(line) for line in coloured.splitlines()] == [
        width(line) for line in plain.splitlines()
    ]
    # Full status words still fit an 80-column terminal: the title gives way.
    narrow = table_text(table, columns=80, color=False)
    assert all(width(line) <= 80 for line in narrow.splitlines()), narrow
    assert CJK_TITLE[:6] in narrow


def _unescaped_pipes(line: str) -> int:
    count, i = 0, 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        count += line[i] == "|"
        i += 1
    return count


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every GFM table in `text` as rows of cell texts (header first), parsed by markdown-it-py.

    Also checks that no raw HTML gets through and that every table line of the source has
    exactly as many cell separators as its header (GFM would silently drop extra cells).
    """
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    lines = text.splitlines()
    tables: list[list[list[str]]] = []
    row: list[str] = []
    for token in tokens:
        assert token.type != "html_block", token.content
        if token.type == "table_open":
            tables.append([])
            assert token.map is not None
            first, last = token.map
            pipes = {_unescaped_pipes(line) for line in lines[first:last]}
            assert len(pipes) == 1, lines[first:last]
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append("")
        elif token.type == "inline" and tables and row:
            children = token.children or []
            assert not [c for c in children if c.type == "html_inline"], token.content
            row[-1] = "".join(c.content for c in children if c.type in ("text", "code_inline"))
        elif token.type == "tr_close":
            tables[-1].append(row)
            row = []  # text after the table (a heading) is no cell of its last row
    return tables


def test_markdown_is_gfm_tables_with_the_right_columns(history: Invoke) -> None:
    text = ok(
        history("quarterly", "--year", "2026", "--as-of", "2026-08-20", "--format", "markdown")
    ).stdout
    tables = markdown_tables(text)
    assert len(tables) == 2
    goals, summary = tables
    assert goals[0] == ["Key", "Title", "Area", "Deadline", *QUARTERS_2026]
    assert all(len(row) == 8 for row in goals)
    assert len(goals) == 1 + len(KEYS)
    by_key = {row[0]: row for row in goals[1:]}
    assert by_key["alpha"][4:] == ["in progress", "in progress !", "in progress !", ""]
    assert by_key["delta"][1] == CJK_TITLE
    assert by_key["delta"][4] == "—"
    assert summary[0] == ["Status", *QUARTERS_2026]
    assert all(len(row) == 5 for row in summary)
    assert "**!** overdue" in text


def test_csv_one_row_per_goal(history: Invoke) -> None:
    import csv

    text = ok(
        history("quarterly", "--year", "2026", "--as-of", "2026-08-20", "--format", "csv")
    ).stdout
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["key", "title", "area", "deadline", *QUARTERS_2026]
    by_key = {row[0]: row for row in rows[1:]}
    assert set(by_key) == set(KEYS)
    assert by_key["alpha"][4:] == [
        "in_progress",
        "in_progress (overdue)",
        "in_progress (overdue)",
        "",
    ]
    assert by_key["delta"][4] == ""
    assert by_key["gamma"][3] == "2026-09-30"


def test_output_file(history: Invoke, tmp_path: Any) -> None:
    target = tmp_path / "q.md"
    result = ok(
        history(
            "quarterly",
            "--year",
            "2026",
            "--as-of",
            "2026-06-30",
            "-f",
            "markdown",
            "-o",
            str(target),
        )
    )
    assert result.stdout == ""
    assert result.stderr == f"quarterly table as of 2026-06-30 written to {target}\n"
    assert target.read_text(encoding="utf-8").startswith("## Status by quarter, 2026Q1–2026Q4")


def test_few_queries_whatever_the_number_of_goals(cli: Invoke, db_url: str) -> None:
    """Computed in SQL: the number of statements does not grow with the number of goals."""
    from datetime import date

    from tracker import reports
    from tracker.db import Database
    from tracker.migrations import open_database
    from tracker.quarters import year_quarters

    def count(n_goals: int) -> int:
        have = len(json.loads(ok(cli("list", "--format", "json", "--as-of", "2026-12-31")).stdout))
        for i in range(have, n_goals):
            ok(cli("add", f"Goal {i}", "--announced", "2026-01-02", "--deadline", "2026-06-30"))
            ok(cli("update", f"goal-{i}", "--status", "in_progress", "--on", "2026-04-01"))
        db = open_database(db_url)
        assert db is not None
        calls = 0
        original = Database.execute

        def counting(self: Database, sql: str, params: Any = None) -> Any:
            nonlocal calls
            calls += 1
            return original(self, sql, params)

        try:
            Database.execute = counting  # type: ignore[method-assign]
            table = reports.quarterly(db, quarters=year_quarters(2026), as_of=date(2026, 8, 20))
        finally:
            Database.execute = original  # type: ignore[method-assign]
            db.close()
        assert len(table.rows) == n_goals
        return calls

    few = count(2)
    many = count(12)
    assert few == many
    assert many <= 12
