"""Start-up cost of the everyday commands: `add`, `list` and `quarterly` do not import what they
do not use (pydantic through typer's adapters, the ORM, alembic), and the values typer would
have coerced through pydantic come out the same without it (cli/main.py `PlainParam`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param

from tests.conftest import FIXTURE
from tracker.cli import main

HEAVY = ("pydantic", "sqlalchemy", "sqlmodel", "alembic")

_PROBE = """
import sys
from tracker.cli.completion import run  # the console script's entry point
sys.argv = ["tracker", *sys.argv[1:]]
try:
    run()
except SystemExit as exit:
    code = exit.code
sys.stdout = sys.__stderr__
print("exit", code, "loaded", *sorted({m.split(".")[0] for m in sys.modules}), file=sys.stderr)
"""


def _loaded(db: Path, *args: str) -> tuple[int, set[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "--db", str(db), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=120,
    )
    last = done.stderr.splitlines()[-1].split()
    assert last[0] == "exit" and last[2] == "loaded", done.stderr
    return int(last[1]), set(last[3:]), done.stdout


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("startup") / "t.db"
    subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db), "import", str(FIXTURE)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return db


@pytest.mark.parametrize(
    "args",
    [
        ("add", "Open 50 pilot zones", "--announced", "2026-01-21", "-t", "pilot", "-t", "zones"),
        ("list", "--as-of", "2026-06-30", "-s", "In progress,not started", "--area", "ict"),
        ("list", "--as-of", "2026-06-30", "--sort", "-deadline", "-f", " Table "),
        ("quarterly", "--year", "2026", "--as-of", "2026-12-31"),
        ("quarterly", "--from", "2026Q1", "--to", "2026Q3", "--as-of", "2026-12-31"),
    ],
)
def test_everyday_commands_load_no_heavy_package(fixture_db: Path, args: tuple[str, ...]) -> None:
    code, loaded, out = _loaded(fixture_db, *args)
    assert code == 0
    assert out.strip()
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize(
    "args",
    [
        ("export",),
        ("export", "--format", "csv"),
        ("list", "--as-of", "2026-06-30", "--format", "json"),
        ("show", "1", "--format", "json"),
    ],
)
def test_documents_load_no_terminal_layout(fixture_db: Path, args: tuple[str, ...]) -> None:
    """A document is not laid out for a terminal: the width tables (wcwidth) and tabulate
    stay unloaded (render/documents.py)."""
    code, loaded, out = _loaded(fixture_db, *args)
    assert code == 0 and out.strip()
    assert not loaded & {"wcwidth", "tabulate", *HEAVY}, sorted(loaded & {"wcwidth", "tabulate"})


def test_options_read_the_same_without_pydantic(fixture_db: Path) -> None:
    """The lenient parsers still run (status words, ` Table `) and the result is the table."""
    _, _, filtered = _loaded(fixture_db, "list", "--as-of", "2026-06-30", "-s", "In progress")
    _, _, plain = _loaded(fixture_db, "list", "--as-of", "2026-06-30", "-s", "in_progress")
    assert filtered == plain and "in_progress" in plain
    _, _, table = _loaded(fixture_db, "list", "--as-of", "2026-06-30", "-f", " Table ")
    _, _, default = _loaded(fixture_db, "list", "--as-of", "2026-06-30")
    assert table == default


def _params() -> dict[tuple[str, str], Any]:
    """Every typer parameter of every command, by (command, name)."""
    found = {}
    for name in main.COMMANDS:
        command = main.build_command(name)
        commands = getattr(command, "commands", None) or {name: command}
        for sub_name, sub in commands.items():
            ctx = sub.make_context(sub_name, ["--help"], resilient_parsing=True)
            for param in sub.get_params(ctx):
                if hasattr(param, "type_descriptor"):
                    found[(f"{name} {sub_name}", param.name)] = (param, ctx)
    return found


VALUES: dict[type | str, list[Any]] = {
    str: ["x", "", " padded ", "中文", "\udcff", "a,b"],
    "list[str]": [("a",), ("In progress", "stalled"), (), ["x", "y"]],
    bool: [True, False],
    int: ["2026", "0123", "00", " 12", "+5", "1_000", "12.0", "abc", "٣", "9" * 30, ""],
    float: ["0.5", "1", "2", "x"],
}


def _coerce(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        return "ok", runtime._coerce_value(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return "error", exc.format_message()


def test_plain_params_coerce_every_value_as_typer_does() -> None:
    """For each parameter of every command and values of its type — including ones typer
    refuses — PlainParam gives what typer's own (pydantic) coercion gives."""
    compared = 0
    for (command, name), (param, ctx) in _params().items():
        if command.startswith("db ") and name == "help":
            continue  # typer builds `db`'s sub-commands, and their help option, itself
        assert isinstance(param._runtime_param, main.PlainParam), (command, name)
        annotation = param.type_descriptor.annotation
        key = "list[str]" if annotation == list[str] else annotation
        for value in VALUES.get(key, []):
            typer_says = _coerce(build_runtime_param(param.type_descriptor), value, param, ctx)
            assert _coerce(param._runtime_param, value, param, ctx) == typer_says, (
                command,
                name,
                value,
            )
            compared += 1
    assert compared > 200


def test_a_refused_number_is_typers_message(fixture_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(fixture_db), "quarterly", "--year", "x"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("tracker: error: Invalid value for '--year'")
    assert len(result.stderr.splitlines()) == 1


def test_the_root_options_skip_the_adapters_too() -> None:
    group = typer.main.get_command(main.app)
    ctx = group.make_context("tracker", ["--db", "x.db", "list"], resilient_parsing=True)
    assert ctx.params["db"] == "x.db"
    assert all(
        isinstance(p._runtime_param, main.PlainParam)
        for p in group.get_params(ctx)
        if hasattr(p, "type_descriptor")
    )
