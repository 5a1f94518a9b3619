"""A team on one PostgreSQL database: an owner, two editors and a reader, as real roles.

The database is created empty and owned by the owner role, who creates the schema and grants
the others access with `tracker db grant` (the README's team setup). Then each role does what
it may, and what it may not is refused by the database itself.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from tests.conftest import _admin
from tests.helpers import assert_one_line_error

pytestmark = pytest.mark.postgres
_counter = itertools.count()


@dataclass
class Team:
    admin: str
    names: dict[str, str]  # part (owner, alice, bob, carol) → role name on the server
    database: str

    def url(self, part: str) -> str:
        host = self.admin.split("@", 1)[1].rsplit("/", 1)[0]
        return f"postgresql+psycopg://{self.names[part]}@{host}/{self.database}"

    def run(self, part: str, *args: str) -> Result:
        from tracker.cli.main import app

        return CliRunner().invoke(app, ["--db", self.url(part), *args])

    def sql(self, part: str, statement: str) -> Any:
        import psycopg

        url = "postgresql://" + self.url(part).split("://", 1)[1]
        with psycopg.connect(url, autocommit=True) as conn:
            cur = conn.execute(statement)
            return cur.fetchall() if cur.description else None


@pytest.fixture
def team(pg_admin_url: str) -> Iterator[Team]:
    n = f"{os.getpid()}_{next(_counter)}"
    names = {part: f"{part}_{n}" for part in ("owner", "alice", "bob", "carol")}
    for part, name in names.items():
        _admin(pg_admin_url, f"CREATE ROLE {name} LOGIN" + (" CREATEDB" if part == "owner" else ""))
    database = f"team_{n}"
    _admin(pg_admin_url, f"CREATE DATABASE {database} OWNER {names['owner']} TEMPLATE template0")
    team = Team(pg_admin_url, names, database)
    try:
        upgraded = team.run("owner", "db", "upgrade")
        assert upgraded.exit_code == 0, upgraded.output
        for args in (
            ["--editor", names["alice"], "--editor", names["bob"]],
            ["--reader", names["carol"]],
        ):
            granted = team.run("owner", "db", "grant", *args)
            assert granted.exit_code == 0, granted.output
        yield team
    finally:
        _admin(pg_admin_url, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        for name in names.values():
            _admin(pg_admin_url, f"DROP ROLE IF EXISTS {name}")


def _show(team: Team, part: str, key: str) -> dict[str, Any]:
    result = team.run(part, "show", key, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict)
    return doc


def test_roles_lists_the_team(team: Team) -> None:
    result = team.run("carol", "db", "roles")
    assert result.exit_code == 0, result.output
    rows = {tuple(line.split()) for line in result.stdout.splitlines()[2:]}
    names = team.names
    assert {
        (names["owner"], "owner"),
        (names["alice"], "editor"),
        (names["bob"], "editor"),
        (names["carol"], "reader"),
    } <= rows


def test_editors_record_as_themselves(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    names = team.names
    added = team.run(
        "alice",
        "add",
        "Open the data portal",
        "--key",
        "portal",
        "--announced",
        "2026-01-21",
        "--author",
        "someone",
    )
    assert added.exit_code == 0, added.output
    updated = team.run(
        "bob",
        "update",
        "portal",
        "--status",
        "in_progress",
        "--on",
        "2026-02-01",
        "--author",
        "the desk",
        "-e",
        "https://example.org/notice",
    )
    assert updated.exit_code == 0, updated.output
    events = _show(team, "carol", "portal")["events"]
    assert [(e["recorded_by"], e["author"]) for e in events] == [
        (names["alice"], "someone"),
        (names["bob"], "the desk"),
    ]
    # Without --author (the suite sets $TRACKER_AUTHOR; unset it) the author is the role.
    monkeypatch.delenv("TRACKER_AUTHOR", raising=False)
    assert (
        team.run("alice", "update", "portal", "--progress", "10", "--on", "2026-02-02").exit_code
        == 0
    )
    last = _show(team, "carol", "portal")["events"][-1]
    assert (last["recorded_by"], last["author"]) == (names["alice"], names["alice"])
    # A row written by hand names its recorder in vain: the database puts the role there.
    goal_id = team.sql("alice", "SELECT id FROM goal WHERE key = 'portal'")[0][0]
    forged = team.sql(
        "alice",
        "INSERT INTO event (goal_id, on_date, recorded_at, recorded_by, note) VALUES "
        f"({goal_id}, '2026-02-03', '2026-02-03T00:00:00Z', '{names['owner']}', 'x') "
        "RETURNING recorded_by",
    )
    assert forged == [(names["alice"],)]
    # Editors correct the record; undo takes only the editor's own last event.
    retracted = team.run("bob", "undo", "--yes")
    assert retracted.exit_code == 0, retracted.output
    events = _show(team, "carol", "portal")["events"]
    assert [e["retracted"] is not None for e in events] == [False, True, False, False]
    assert events[1]["retracted"]["by"] == names["bob"]
    # Field edits update the goal row (columns editors may update), with their event.
    edited = team.run("bob", "update", "portal", "--title", "Open the national data portal")
    assert edited.exit_code == 0, edited.output
    assert _show(team, "carol", "portal")["title"] == "Open the national data portal"


def test_the_database_refuses_what_a_role_may_not_do(team: Team) -> None:
    import psycopg

    assert (
        team.run(
            "alice",
            "add",
            "A goal",
            "--key",
            "g",
            "--announced",
            "2026-01-21",
            "-e",
            "https://example.org/a",
        ).exit_code
        == 0
    )
    event_id = _show(team, "carol", "g")["events"][0]["id"]
    assert team.run("alice", "update", "g", "--progress", "5", "--on", "2026-12-01").exit_code == 0
    second = _show(team, "carol", "g")["events"][-1]["id"]
    assert team.run("bob", "retract", str(second), "--note", "typo").exit_code == 0
    before = team.run("owner", "export", "--format", "json").stdout

    # The reader reads and cannot write, through the tracker or psql.
    assert team.run("carol", "list").exit_code == 0
    assert_one_line_error(
        team.run("carol", "update", "g", "--progress", "9", "--on", "2026-12-02"),
        1,
        "permission denied for table goal",
        "tracker db grant --editor",
    )
    assert_one_line_error(
        team.run("carol", "retract", str(event_id), "--note", "x"), 1, "permission denied"
    )
    for statement in (
        "INSERT INTO goal (key, title, tags, status, created_at, updated_at) "
        "VALUES ('x', 'x', '[]', 'not_started', 'x', 'x')",
        "UPDATE goal SET title = 'x'",
        "DELETE FROM event",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql("carol", statement)
    # Editors cannot rewrite or delete history, nor grant access.
    for statement in (
        "DELETE FROM event",
        f"UPDATE event SET status = 'achieved' WHERE id = {event_id}",
        "DELETE FROM evidence",
        "UPDATE evidence SET url = 'https://example.org/b'",
        "DELETE FROM retraction",
        "UPDATE retraction SET note = 'x'",
        "DELETE FROM goal",
        "UPDATE goal SET key = 'renamed'",
        "UPDATE goal SET created_at = 'x'",
        "TRUNCATE event CASCADE",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            team.sql("alice", statement)
    assert_one_line_error(
        team.run("alice", "db", "grant", "--editor", team.names["carol"]),
        1,
        "only the database owner",
    )
    # Even a privilege granted by hand does not open the history: the trigger refuses.
    team.sql(
        "owner", f"GRANT UPDATE, DELETE ON event, evidence, retraction TO {team.names['alice']}"
    )
    for statement in (
        "DELETE FROM retraction",
        f"UPDATE event SET note = 'x' WHERE id = {event_id}",
    ):
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            team.sql("alice", statement)
    assert team.run("owner", "export", "--format", "json").stdout == before


def test_import_keeps_recorders_only_for_the_owner(team: Team, tmp_path: Path) -> None:
    doc = {
        "goals": [
            {
                "key": "k",
                "title": "A goal",
                "announced": "2026-01-21",
                "events": [
                    {
                        "on": "2026-01-21",
                        "status": "in_progress",
                        "recorded_by": "elsewhere",
                        "recorded_at": "2026-01-22T10:00:00Z",
                    },
                    {
                        "on": "2026-02-01",
                        "status": "achieved",
                        "recorded_by": "elsewhere",
                        "recorded_at": "2026-02-02T10:00:00Z",
                        "retracted": {
                            "by": "reviewer",
                            "at": "2026-02-03T10:00:00Z",
                            "note": "wrong",
                        },
                    },
                ],
            }
        ]
    }
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    imported = team.run("alice", "import", str(path))
    assert imported.exit_code == 0, imported.output
    events = _show(team, "carol", "k")["events"]
    alice = team.names["alice"]
    assert [e["recorded_by"] for e in events] == [alice, alice]
    assert events[1]["retracted"]["by"] == alice and events[1]["retracted"]["note"] == "wrong"
    assert _show(team, "carol", "k")["status"] == "in_progress"

    doc["goals"][0]["key"] = "k2"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert team.run("owner", "import", str(path)).exit_code == 0
    events = _show(team, "carol", "k2")["events"]
    assert [e["recorded_by"] for e in events] == ["elsewhere", "elsewhere"]
    assert events[1]["retracted"] == {
        "by": "reviewer",
        "at": "2026-02-03T10:00:00Z",
        "note": "wrong",
    }

    log = team.sql(
        "owner", "SELECT imported_by, source, goals, kept_recorders FROM import_log ORDER BY id"
    )
    assert log == [(alice, "doc.json", 1, False), (team.names["owner"], "doc.json", 1, True)]
    status = team.run("carol", "db", "status")
    assert (
        "imports:  2 (last " in status.stdout
        and f"by {team.names['owner']}: doc.json" in status.stdout
    )


def test_grant_refusals(team: Team) -> None:
    assert_one_line_error(
        team.run("owner", "db", "grant", "--reader", "nobody_here"), 1, "does not exist"
    )
    assert_one_line_error(
        team.run("owner", "db", "grant", "--reader", team.names["owner"]), 1, "owns the database"
    )
    # Granting again replaces: alice, made a reader, can no longer write.
    assert team.run("owner", "db", "grant", "--reader", team.names["alice"]).exit_code == 0
    assert_one_line_error(
        team.run("alice", "add", "A goal", "--announced", "2026-01-21"), 1, "permission denied"
    )
