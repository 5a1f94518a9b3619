"""The `tracker` app: commands registered here, domain errors turned into exit codes here."""

from __future__ import annotations

import gc
import importlib
import inspect
import os
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main
from typer import echo

# typer vendors click: its exceptions are what commands raise. This module is the one user of
# typer's private API (typer._click, typer.main); pyproject.toml pins typer exactly and
# tests/test_typer_pin.py checks what is used here.
from typer._click import exceptions as cx
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer._click.utils import make_default_short_help
from typer._coercion import RuntimeParam, build_runtime_param
from typer.core import TyperCommand, TyperGroup, _TyperParameter
from typer.models import CommandInfo

from tracker import __version__
from tracker.cli import common, completion, progress
from tracker.cli.options import DbOption
from tracker.errors import TrackerError

if TYPE_CHECKING:
    from typer._click.shell_completion import CompletionItem

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70


def _one_line(text: str) -> str:
    return " ".join(str(text).split()) or "error"


# The sub-commands (cli/completion.py holds the registry, so that completion reads it without
# typer). typer builds every command of a group from its signature up front (most of
# `tracker --help`'s time, bench/README.md); here only the command that runs is imported and built.
COMMANDS = completion.COMMANDS


# The examples that end each command's help (click's epilog; `\b` keeps the lines as written).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "add": (
        "tracker add '5G-A coverage in every county' --deadline 2026年底 --area ICT",
        "tracker add 'Robot standards guide' --key robot-guide --status in_progress -t robotics",
    ),
    "update": (
        "tracker update robot-guide --status achieved -e https://example.gov.cn/notice --on 2026-05-04",
        "tracker update 12 --deadline 'Q4 2027' --note 'Postponed by the ministry'",
    ),
    "list": (
        "tracker list --status in_progress,stalled --area ICT",
        "tracker list --due-within 90 --sort -deadline -f markdown",
    ),
    "show": ("tracker show robot-guide", "tracker show 12 --as-of 2026-03-31 -f json"),
    "retract": (
        "tracker retract 42 --note 'The ministry denied the report'",
        "tracker show robot-guide   # each event ends with its id: … #42",
    ),
    "undo": ("tracker undo", "tracker undo --yes --note 'Recorded on the wrong goal'"),
    "import": ("tracker import goals.yaml --dry-run", "tracker import goals.csv --on 2026-02-01"),
    "export": (
        "tracker export -o backup.json",
        "tracker export -f csv --status missed > missed.csv",
    ),
    "quarterly": (
        "tracker quarterly --year 2026",
        "tracker quarterly --from 2026Q1 --to 2027Q4 --area Robotics -f markdown",
    ),
    "report": (
        "tracker report --as-of 2026-06-30 -f html -o report.html",
        "tracker report --area ICT -f json",
    ),
    "extract": (
        "tracker extract notice.txt --announced 2026-01-21 -o draft.yaml",
        "tracker extract notice.txt -f table",
    ),
    "scan": (
        "tracker scan news/ --output draft.yaml && tracker import draft.yaml",
        "tracker scan page.html --url https://example.gov.cn/a.html --published 2026-03-01 -f table",
    ),
}  # `db` keeps its examples with its sub-commands (cli/dbcmd.py)


def epilog(examples: Sequence[str]) -> str:
    return "\b\nExamples:\n" + "\n".join("  " + line for line in examples)


def _target(name: str) -> Any:
    module, attribute = COMMANDS[name].split(":")
    return getattr(importlib.import_module(module), attribute)


def build_command(name: str) -> Command:
    """The click command typer would have built for `name` in the group."""
    target = _target(name)
    if isinstance(target, typer.Typer):
        command: Command = typer.main.get_group(target)
    else:
        command = typer.main.get_command_from_info(
            CommandInfo(
                name=name, callback=target, epilog=epilog(EXAMPLES[name]), cls=TrackerCommand
            ),
            pretty_exceptions_short=False,
            rich_markup_mode=None,
        )
    command.name = name
    for sub in getattr(command, "commands", {}).values():  # `db`'s (its help option keeps typer's)
        _plain_params(sub.params)
    return command


class PlainParam(RuntimeParam):
    """typer coerces every parameter through a pydantic TypeAdapter, built when the command
    runs even for an option left out: importing pydantic and building the adapters was a
    large part of `list`, `add` and `quarterly` (bench/README.md). An option left out never
    gets here (RuntimeParam.coerce answers None itself); text (`str`, `list[str]`, with or
    without a `parser=`), flags and plain digits are passed on as the adapter passes them;
    anything else — another type, a parser that refuses a value, `--year ' 2026'` — goes to
    typer's own coercion, which gives its usual result or message."""

    def _coerce_value(self, value: Any, param: _TyperParameter, ctx: Context) -> Any:
        info, kind = self.parameter_info, self.annotation
        parser = info.parser
        try:
            if kind is str and type(value) is str:
                return value if parser is None else parser(value)
            if (
                kind == list[str]
                and type(value) in (list, tuple)
                and all(type(item) is str for item in value)
            ):
                return list(value) if parser is None else [parser(item) for item in value]
            if kind is bool and type(value) is bool:
                return value
            if (
                kind is int
                and type(value) is str
                and value.isascii()
                and value.isdigit()
                and len(value) <= 18
                and parser is None
                and info.min is None
                and info.max is None
            ):
                return int(value)
        except Exception:  # noqa: BLE001 - typer's coercion reports it as it always has
            pass
        return build_runtime_param(param.type_descriptor)._coerce_value(value, param, ctx)


def _plain_params(params: list[Any]) -> list[Any]:
    """typer's parameters of a command get PlainParam in place of an adapter built up front."""
    for param in params:
        if isinstance(param, _TyperParameter) and param._runtime_param is None:
            param._runtime_param = PlainParam(
                parameter_info=param.type_descriptor.parameter_info,
                annotation=param.type_descriptor.annotation,
            )
    return params


class TrackerCommand(TyperCommand):
    def get_params(self, ctx: Context) -> list[Any]:
        return _plain_params(super().get_params(ctx))


def _help_text(name: str) -> str:
    target = _target(name)
    if isinstance(target, typer.Typer):
        return inspect.cleandoc(target.info.help or "")
    return inspect.getdoc(target) or ""


class LazyCommands(MutableMapping[str, Command]):
    """The group's commands by name: every name in COMMANDS is listed, each built on first use."""

    def __init__(self) -> None:
        self._built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = build_command(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(COMMANDS), **self._built})

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self._built.keys())


class TrackerGroup(TyperGroup):
    """Runs a command and maps every failure to one line on stderr and a documented exit code."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands()

    def get_params(self, ctx: Context) -> list[Any]:
        return _plain_params(super().get_params(ctx))

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        """click's list of commands, each line from its docstring: help builds none of them."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, make_default_short_help(_help_text(name), limit)) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: Context, incomplete: str) -> list[CompletionItem]:
        """Command names (with their docstring's first sentence) and options, building no command:
        the same candidates as the fast path in cli/completion.py."""
        from typer._click.shell_completion import CompletionItem

        items = [
            CompletionItem(name, help=help)
            for name, help in completion.command_items(incomplete, with_help=True)
        ]
        return items + Command.shell_complete(self, ctx, incomplete)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        code = EXIT_OK
        _accept_click_instruction(complete_var or "_TRACKER_COMPLETE")
        try:
            result = super().main(
                args,
                prog_name or "tracker",
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = result if isinstance(result, int) else EXIT_OK
        except TrackerError as exc:
            echo(f"tracker: error: {_one_line(str(exc))}", err=True)
            code = exc.exit_code
        except cx.NoArgsIsHelpError as exc:
            echo(exc.ctx.get_help() if exc.ctx else str(exc))
            code = EXIT_OK
        except cx.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            echo(f"tracker: error: {_one_line(exc.format_message())}{hint}", err=True)
            code = EXIT_BAD_INPUT
        except cx.ClickException as exc:
            echo(f"tracker: error: {_one_line(exc.format_message())}", err=True)
            code = exc.exit_code
        except typer.Exit as exc:
            code = exc.exit_code
        except (typer.Abort, KeyboardInterrupt):
            echo("tracker: interrupted; nothing was changed by the unfinished command", err=True)
            code = 130
        except BrokenPipeError:
            code = EXIT_OK
        except Exception as exc:  # noqa: BLE001 - users get one line, never a traceback
            code = _unexpected(exc)
        if standalone_mode:
            sys.exit(code)
        return code


def _accept_click_instruction(variable: str) -> None:
    """typer's scripts send `complete_bash`; click's documentation says `bash_complete`: both."""
    instruction = os.environ.get(variable, "")
    first, _, second = instruction.partition("_")
    if first in ("bash", "zsh", "fish", "powershell", "pwsh") and second in ("complete", "source"):
        os.environ[variable] = f"{second}_{first}"


def _unexpected(exc: Exception) -> int:
    """Driver errors are reported as database errors; anything else is a bug, said in one line."""
    module = type(exc).__module__ or ""
    if os.environ.get("TRACKER_DEBUG"):
        raise exc
    if module.startswith(("sqlite3", "psycopg")):
        hint = ""
        if getattr(exc, "sqlstate", None) == "42501":  # insufficient privilege
            hint = " (the database owner grants access: tracker db grant --editor ROLE)"
        echo(f"tracker: error: database error: {_one_line(str(exc))}{hint}", err=True)
        return EXIT_FAILED
    if isinstance(exc, OSError):
        echo(
            f"tracker: error: {_one_line(exc.strerror or str(exc))}"
            + (f": {exc.filename}" if exc.filename else ""),
            err=True,
        )
        return EXIT_FAILED
    echo(
        f"tracker: internal error: {type(exc).__name__}: {_one_line(str(exc))} "
        "(set TRACKER_DEBUG=1 for details and please report it)",
        err=True,
    )
    return EXIT_INTERNAL


app = typer.Typer(
    cls=TrackerGroup,
    help="Track government commitments: status, deadlines, evidence and full history.",
    epilog=epilog(
        (
            "tracker import fixtures/miit-2026-01-21.yaml && tracker list --area ICT",
            "tracker --install-completion   # then: tracker update <Tab>",
        )
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        echo(f"tracker {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: DbOption = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress bars on stderr (messages and errors stay)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Track government commitments: status, deadlines, evidence and full history."""
    common.state.db_option = db
    progress.settings.quiet = quiet


def run() -> None:
    """Console-script entry point."""
    # A command is a short process that builds many small objects and few reference cycles:
    # collect rarely (what it saves: bench/README.md, "Figures behind the code").
    gc.set_threshold(100_000, 50, 1000)
    app()
