"""The `tracker` app: commands registered here, domain errors turned into exit codes here."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import typer

# typer 0.29 vendors click (pinned in pyproject.toml); its exceptions are what commands raise.
from typer._click import exceptions as cx
from typer._click.utils import echo
from typer.core import TyperGroup

from tracker import __version__
from tracker.cli import common, dbcmd, extract, goals, transfer
from tracker.cli import reports as report_commands
from tracker.cli.options import DbOption
from tracker.errors import TrackerError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70


def _one_line(text: str) -> str:
    return " ".join(str(text).split()) or "error"


class TrackerGroup(TyperGroup):
    """Runs a command and maps every failure to one line on stderr and a documented exit code."""

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


def _unexpected(exc: Exception) -> int:
    """Driver errors are reported as database errors; anything else is a bug, said in one line."""
    module = type(exc).__module__ or ""
    if os.environ.get("TRACKER_DEBUG"):
        raise exc
    if module.startswith(("sqlite3", "psycopg")):
        echo(f"tracker: error: database error: {_one_line(str(exc))}", err=True)
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
    no_args_is_help=True,
    add_completion=False,
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
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Track government commitments: status, deadlines, evidence and full history."""
    common.state.db_option = db


app.command("add")(goals.add)
app.command("update")(goals.update)
app.command("list")(goals.list_goals)
app.command("show")(goals.show)
app.command("import")(transfer.import_goals)
app.command("export")(transfer.export_goals)
app.command("quarterly")(report_commands.quarterly)
app.command("report")(report_commands.report)
app.command("extract")(extract.extract)
app.add_typer(dbcmd.app, name="db")


def run() -> None:
    """Console-script entry point."""
    app()
