"""Fixtures: every database test runs on SQLite and on a real PostgreSQL server.

`db_url` is parametrised over both backends. The PostgreSQL server is started once per
session (or taken from TRACKER_TEST_PG_URL); each test gets its own database cloned from a
migrated template. Without PostgreSQL binaries those tests skip locally with the reason; under
CI (CI=true) a missing server is an error, never a silent skip.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests import pg

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "miit-2026-01-21.yaml"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
_counter = itertools.count()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test touches real data or the caller's settings."""
    for name in ("TRACKER_DB", "TRACKER_AUTHOR", "NO_COLOR", "TRACKER_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRACKER_AUTHOR", "tester")
    monkeypatch.chdir(tmp_path)
    # `--db` of an earlier in-process run must not leak into this test (the CLI keeps it in
    # a module-level state object; apps without the top-level callback never reset it).
    from tracker.cli import common

    monkeypatch.setattr(common.state, "db_option", None)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """URL of a PostgreSQL server's `postgres` database; started here unless given."""
    given = os.environ.get("TRACKER_TEST_PG_URL")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'tracker[postgres]')")
    if given:
        _make_template(given)
        yield given
        _drop_created(given)
        return
    bin_dir = pg.find_bin_dir()
    if bin_dir is None:
        _unavailable("no PostgreSQL server binaries (apt-get install postgresql)")
    server = pg.Server(bin_dir)
    try:
        url = server.start()
    except Exception as exc:  # noqa: BLE001
        server.stop()
        _unavailable(f"PostgreSQL did not start: {exc}")
    _make_template(url)
    yield url
    server.stop()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
    pytest.skip(reason)


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://" + url.split("://", 1)[1], autocommit=True) as conn:
        conn.execute(sql)


# Per session, so that sessions sharing one server (TRACKER_TEST_PG_URL) do not collide.
TEMPLATE = f"tracker_template_{os.getpid()}"
_created: list[str] = []


def _make_template(admin_url: str) -> None:
    from tracker.migrations import open_database

    _admin(admin_url, f"DROP DATABASE IF EXISTS {TEMPLATE}")
    _admin(admin_url, f"CREATE DATABASE {TEMPLATE}")
    _created.append(TEMPLATE)
    db = open_database(admin_url.rsplit("/", 1)[0] + "/" + TEMPLATE)
    assert db is not None
    db.close()


def new_pg_database(admin_url: str, *, migrated: bool = True) -> str:
    """A new database on the server: a copy of the migrated template, or empty (no schema)."""
    name = f"t_{os.getpid()}_{next(_counter)}"
    template = TEMPLATE if migrated else "template0"
    _admin(admin_url, f"CREATE DATABASE {name} TEMPLATE {template}")
    _created.append(name)
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(admin_url: str, url: str) -> None:
    """Drop a database made by new_pg_database (closing any connection left to it)."""
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    _admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    if name in _created:
        _created.remove(name)


def _drop_created(admin_url: str) -> None:
    for name in list(_created):
        _admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _created.clear()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty tracker database on the backend under test."""
    if backend == "postgres":
        admin = request.getfixturevalue("pg_admin_url")
        url = new_pg_database(admin)
        yield url
        drop_pg_database(admin, url)  # keeps the server small over a long session
        return
    yield f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all on the backend under test (first-run and migrations)."""
    if backend == "postgres":
        admin = request.getfixturevalue("pg_admin_url")
        url = new_pg_database(admin, migrated=False)
        yield url
        drop_pg_database(admin, url)
        return
    yield f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
def db(db_url: str) -> Iterator[object]:
    """An open `tracker.db.Database` on the test's database."""
    from tracker.migrations import open_database

    database = open_database(db_url)
    assert database is not None
    yield database
    database.close()


Invoke = Callable[..., Result]


@pytest.fixture
def cli(db_url: str) -> Invoke:
    """Run `tracker ARGS…` in-process through typer's CliRunner against the test database."""
    from tracker.cli.main import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, ["--db", db_url, *args], input=input, env=env)

    return invoke


@pytest.fixture
def tracker_proc(db_url: str) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m tracker ARGS…` as a real process against the test database."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        timeout: float = 120,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "TRACKER_DB": db_url, **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
        )

    return run


@pytest.fixture
def loaded(cli: Invoke) -> Invoke:
    """The CLI with the bundled 2026-01-21 fixture imported."""
    result = cli("import", str(FIXTURE))
    assert result.exit_code == 0, result.output
    return cli
