"""Moving between backends: export from one, import into the other, export again — identical.

This is how an existing SQLite database moves to a shared PostgreSQL server (README, "Using
PostgreSQL"): `tracker export -o all.json` then `TRACKER_DB=postgresql+psycopg://… tracker
import all.json`. The documents must be byte-identical in both directions, and every read
command must answer the same on both backends.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.conftest import FIXTURE, drop_pg_database, new_pg_database
from tracker.cli.main import COMMANDS, app

pytestmark = pytest.mark.postgres

HOSTILE = 'Say "50% done": :name, %(x)s, ::text, \' OR 1=1 --, <script>alert(1)</script>'

# A database in use: the fixture, then every kind of change a team records.
HISTORY: list[list[str]] = [
    ["import", str(FIXTURE)],
    ["update", "6g-phase2-trials", "--status", "in_progress", "--progress", "30", "--on",
     "2026-03-01", "--evidence", "https://www.miit.gov.cn/6g", "--evidence-title",
     "MIIT: phase-two trials under way", "--evidence-kind", "official", "--evidence-published",
     "2026-02-28", "--note", "Trial networks opened\nto three operators"],
    ["update", "6g-phase2-trials", "--progress", "55", "--on", "2026-07-10", "--evidence",
     "https://news.example.com/6g?id=1&lang=zh", "--evidence", "https://www.miit.gov.cn/6g",
     "--evidence-kind", "news"],
    ["update", "humanoid-robot-standards-guide", "--status", "achieved", "--on", "2026-05-20",
     "--evidence", "https://www.sac.gov.cn/", "--evidence-title", "标准体系建设指南发布"],
    ["update", "sme-classification-standards-revision", "--deadline", "2027年6月", "--on",
     "2026-06-15", "--note", "Revision pushed to mid-2027"],
    ["update", "sme-classification-standards-revision", "--deadline", "H2 2027", "--on",
     "2026-09-01", "--status", "stalled"],
    ["update", "sme-15th-fyp-plan", "--title", "Publish the 15th Five-Year SME plan", "--owner",
     "MIIT SME Bureau", "--add-tag", "plan", "--remove-tag", "policy", "--on", "2026-04-02",
     "--note", HOSTILE],
    ["add", "发布6G频谱规划", "--key", "6g-spectrum-plan", "--deadline", "2026年底", "--announced",
     "2026-02-01", "--owner", "MIIT", "--area", "ICT", "--tag", "6g", "--quote", "“规划”",
     "--title-original", "发布6G频谱规划", "--description", HOSTILE, "--status", "in_progress",
     "--progress", "5", "--evidence", "https://www.miit.gov.cn/spectrum"],
    ["add", "A goal with no deadline and no announcement", "--on", "2026-03-03"],
    ["update", "a-goal-with-no-deadline-and-no-announcement", "--status", "missed", "--on",
     "2026-10-31"],
]  # fmt: skip

READS: list[list[str]] = [
    ["list", "--format", "json", "--as-of", "2026-06-30"],
    ["list", "--format", "json", "--as-of", "2026-12-31", "--sort", "key"],
    ["list", "--format", "csv", "--as-of", "2027-01-01"],
    ["list", "--format", "markdown", "--as-of", "2026-03-31", "--overdue"],
    ["list", "--format", "table", "--as-of", "2026-09-30", "--search", "6G"],
    ["list", "--format", "json", "--as-of", "2026-12-31", "--tag", "6g", "--area", "ICT"],
    ["list", "--format", "json", "--as-of", "2026-08-01", "--due-within", "200"],
    ["export", "--format", "csv"],
    ["db", "status"],
]
OPTIONAL_READS: list[list[str]] = [  # commands other parts of the tracker add
    ["quarterly", "--year", "2026", "--as-of", "2026-12-31", "--format", "json"],
    ["quarterly", "--year", "2026", "--as-of", "2026-12-31", "--format", "markdown"],
    ["report", "--as-of", "2026-09-30", "--format", "json"],
    ["report", "--as-of", "2026-09-30", "--format", "markdown"],
]


def _run(url: str, *args: str) -> Result:
    result = CliRunner().invoke(app, ["--db", url, *args])
    assert result.exit_code == 0, (args, result.output)
    return result


def _export(url: str, path: Path, fmt: str = "json") -> str:
    _run(url, "export", "--format", fmt, "-o", str(path))
    return path.read_text(encoding="utf-8")


def _populate(url: str) -> None:
    for args in HISTORY:
        _run(url, *args)


@pytest.fixture
def new_pg(pg_admin_url: str) -> Iterator[Callable[[], str]]:
    """Makes fresh PostgreSQL databases on demand; the first has no schema yet."""
    made: list[str] = []

    def make() -> str:
        url = new_pg_database(pg_admin_url, migrated=bool(made))
        made.append(url)
        return url

    yield make
    for url in made:
        drop_pg_database(pg_admin_url, url)


def test_sqlite_to_postgres_and_back(new_pg: Callable[[], str], tmp_path: Path) -> None:
    sqlite_src = f"sqlite:///{tmp_path / 'laptop.db'}"
    _populate(sqlite_src)
    original = _export(sqlite_src, tmp_path / "all.json")
    assert len(json.loads(original)["goals"]) == 31

    postgres = new_pg()  # no schema yet: the import creates it
    imported = _run(postgres, "import", str(tmp_path / "all.json"))
    assert "imported 31 new, 0 updated, 0 unchanged goals" in imported.stderr
    assert _export(postgres, tmp_path / "from-postgres.json") == original

    sqlite_again = f"sqlite:///{tmp_path / 'back.db'}"
    _run(sqlite_again, "import", str(tmp_path / "from-postgres.json"))
    assert _export(sqlite_again, tmp_path / "back.json") == original

    # Importing the same document again changes nothing on either backend.
    for url in (postgres, sqlite_again):
        again = _run(url, "import", str(tmp_path / "all.json"))
        assert "0 new, 0 updated, 31 unchanged goals (0 events" in again.stderr
        assert _export(url, tmp_path / "again.json") == original

    # Every read command answers the same from the copy as from the original.
    for args in _reads():
        expected = _run(sqlite_src, *args).stdout
        got = _run(postgres, *args).stdout
        if args[0] == "db":  # names its database and its own imports; the contents must agree
            expected, got = (
                [line for line in text.splitlines()[1:] if not line.startswith("imports:")]
                for text in (expected, got)
            )
        assert got == expected, args
    for key in _keys(original):
        show = ["show", key, "--format", "json", "--as-of", "2026-06-30"]
        # Event ids are each database's own (a copy numbers them in import order).
        got, expected = (json.loads(_run(url, *show).stdout) for url in (postgres, sqlite_src))
        for doc in (got, expected):
            for event in doc["events"]:
                del event["id"]
        assert got == expected, show


def test_postgres_to_sqlite_in_yaml(new_pg: Callable[[], str], tmp_path: Path) -> None:
    """History written on PostgreSQL first; YAML this time."""
    postgres = new_pg()
    _populate(postgres)
    original = _export(postgres, tmp_path / "all.yaml", "yaml")
    sqlite_copy = f"sqlite:///{tmp_path / 'copy.db'}"
    _run(sqlite_copy, "import", str(tmp_path / "all.yaml"))
    assert _export(sqlite_copy, tmp_path / "copy.yaml", "yaml") == original
    second = new_pg()
    _run(second, "import", str(tmp_path / "copy.yaml"))
    assert _export(second, tmp_path / "second.yaml", "yaml") == original
    assert _export(second, tmp_path / "second.json") == _export(postgres, tmp_path / "first.json")


def _reads() -> list[list[str]]:
    names = set(COMMANDS)
    return READS + [args for args in OPTIONAL_READS if args[0] in names]


def _keys(document: str) -> list[str]:
    return [goal["key"] for goal in json.loads(document)["goals"]]
