"""The `tracker` group builds only the command that runs; what users see must not change.

The reference is the app typer would build eagerly from the same functions (every command
registered with `app.command`, the db app with `add_typer`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
        "from tracker.cli.completion import run\n"  # the console script's entry point
        "sys.argv = ['tracker', '--help']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(m for m in ('tracker.services', 'pydantic', "
        "'tabulate', 'sqlite3', 'sqlmodel', 'tqdm') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == ""


# --- help that says what a value is; input as forgiving as before --------------------------
def test_help_names_values_and_lists_closed_sets() -> None:
    from tracker.cli import goals, reports, transfer
    from tracker.cli.options import closed_set
    from tracker.domain import STATUSES

    listed = _help(app, "list")
    for shown in ("-s, --status STATUS", "--due-before DATE", "--due-within DAYS", "--area AREA"):
        assert shown in listed
    assert f"-f, --format {closed_set(goals.LIST_FORMATS)}" in listed
    assert " ".join(listed.split()).count(", ".join(STATUSES)) == 1
    assert "<str>" not in listed and "list[str]" not in listed
    assert f"--format {closed_set(transfer.EXPORT_FORMATS)}" in _help(app, "export")
    assert f"--format {closed_set(reports.REPORT_FORMATS)}" in _help(app, "report")
    assert "--from QUARTER" in _help(app, "quarterly")
    update = _help(app, "update")
    assert "update [OPTIONS] {KEY}" in update
    assert "-e, --evidence URL" in update and "--evidence-kind [official|news|data]" in update


def test_format_choices_come_from_the_commands_tuples() -> None:
    """Help, the command's check and completion read one tuple per command, so a format added
    there (e.g. `ics` to EXPORT_FORMATS) is listed, accepted and completed."""
    import importlib

    from tracker.cli.completion import FORMATS, source_constant
    from tracker.cli.options import format_option

    for command, target in FORMATS.items():
        module, name = target.split(":")
        choices = getattr(importlib.import_module(module), name)
        assert source_constant(target) == choices, command
        assert f"[{'|'.join(choices)}]" in _help(app, command)
    assert format_option(("json", "yaml", "csv", "ics")).metavar == "[json|yaml|csv|ics]"


@pytest.mark.parametrize("args", [(), *[(name,) for name in COMMANDS], ("db", "status")])
def test_every_help_ends_with_examples(args: tuple[str, ...]) -> None:
    text = _help(app, *args)
    tail = text.rstrip("\n").split("\n\n")[-1].splitlines()
    assert tail[0].strip() == "Examples:"
    assert 1 <= len(tail) - 1 <= 2
    assert all(line.startswith("    tracker ") or "tracker " in line for line in tail[1:])


def test_typed_values_stay_forgiving(tmp_path: Path) -> None:
    from tests.helpers import cli_for

    cli = cli_for(f"sqlite:///{tmp_path / 't.db'}")
    assert (
        cli(
            "add", "Fibre to every village", "--status", "In progress", "--on", "2025-12-01"
        ).exit_code
        == 0
    )
    listed = cli("list", "-s", "In Progress,stalled", "-f", " JSON ", "--as-of", "2026-01-01")
    assert listed.exit_code == 0, listed.output
    assert '"status": "in_progress"' in listed.stdout
    bad = cli("list", "-f", "xml")
    assert bad.exit_code == 2
    assert bad.stderr.strip() == (
        "tracker: error: unknown format 'xml': use one of table, json, csv, markdown"
    )
    bad_status = cli("list", "-s", "in_progress,done")
    assert bad_status.exit_code == 2 and "unknown status 'done'" in bad_status.stderr
