"""The `tracker` group builds only the command that runs; what users see must not change.

The reference is the app typer would build eagerly from the same functions (every command
registered with `app.command`, the db app with `add_typer`)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from tracker.cli import main
from tracker.cli.main import COMMANDS, app

runner = CliRunner()


def _eager_app() -> typer.Typer:
    eager = typer.Typer(
        cls=TyperGroup,
        help=app.info.help,
        epilog=app.info.epilog,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    eager.callback()(main.main_options)
    for name in COMMANDS:
        target = main._target(name)
        if isinstance(target, typer.Typer):
            eager.add_typer(target, name=name)
        else:
            eager.command(name, epilog=main.epilog(main.EXAMPLES[name]))(target)
    return eager


def _help(application: typer.Typer, *args: str) -> str:
    result = runner.invoke(application, [*args, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("args", [(), *[(name,) for name in COMMANDS], ("db", "upgrade")])
def test_help_is_what_typer_would_print(args: tuple[str, ...]) -> None:
    assert _help(app, *args) == _help(_eager_app(), *args)


def test_help_lists_every_command_in_order() -> None:
    listed = _help(app).split("Commands:\n", 1)[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in listed] == list(COMMANDS)


def test_help_builds_no_command_and_a_run_builds_only_its_own(
    capsys: pytest.CaptureFixture[str],
) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, main.TrackerGroup)
    assert isinstance(group.commands, main.LazyCommands)
    assert group.main(["--help"], standalone_mode=False) == 0
    assert "Commands:" in capsys.readouterr().out
    assert group.commands._built == {}
    assert group.main(["list", "--help"], standalone_mode=False) == 0
    assert set(group.commands._built) == {"list"}
    assert list(group.commands) == list(COMMANDS)


def test_a_typo_gets_a_suggestion() -> None:
    result = runner.invoke(app, ["lst"])
    assert result.exit_code == 2
    assert "No such command 'lst'. Did you mean 'list'?" in result.output


def test_help_loads_neither_pydantic_nor_the_database_layer() -> None:
    """Listing commands reads docstrings only: nothing is built, so the heavy modules stay out."""
    code = (
        "import sys\n"
        "from tracker.cli.main import run\n"
        "sys.argv = ['tracker', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(m for m in ('tracker.services', 'pydantic', "
        "'tabulate', 'sqlite3', 'sqlmodel') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == ""
