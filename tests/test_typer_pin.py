"""cli/main.py uses typer's private API, so typer is pinned exactly: this fails loudly when the
installed typer is not the pinned one, or no longer has what main.py uses."""

from __future__ import annotations

import inspect
import re
import tomllib

import typer
import typer.main

from tests.conftest import ROOT


def _pinned() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [re.fullmatch(r"typer==([\w.]+)", d) for d in project["dependencies"]]
    pins = [m.group(1) for m in found if m]
    assert len(pins) == 1, "pyproject.toml must pin typer exactly (typer==X.Y.Z)"
    return pins[0]


def test_the_installed_typer_is_the_pinned_one() -> None:
    assert typer.__version__ == _pinned(), (
        f"typer {typer.__version__} is installed but {_pinned()} is pinned: cli/main.py uses "
        "typer._click and typer.main internals; check them (this file) before moving the pin"
    )


def test_the_private_names_main_uses_are_there() -> None:
    from typer._click import exceptions
    from typer._click.core import Command, Context
    from typer._click.formatting import HelpFormatter
    from typer._click.utils import make_default_short_help
    from typer.core import TyperGroup
    from typer.models import CommandInfo

    for name in ("NoArgsIsHelpError", "UsageError", "ClickException"):
        assert issubclass(getattr(exceptions, name), Exception), name
    assert issubclass(TyperGroup, Command)
    assert {"ctx", "formatter"} <= set(inspect.signature(TyperGroup.format_commands).parameters)
    assert callable(HelpFormatter.write_dl) and callable(make_default_short_help)
    assert Context is not None and CommandInfo(name="x", callback=None).name == "x"
    assert callable(typer.main.get_group)
    params = inspect.signature(typer.main.get_command_from_info).parameters
    assert {"pretty_exceptions_short", "rich_markup_mode"} <= set(params)


def test_the_coercion_internals_main_replaces_are_there() -> None:
    """main.PlainParam stands in for the adapter typer builds lazily in get_runtime_param."""
    from typer._click.core import Command
    from typer._coercion import RuntimeParam, build_runtime_param
    from typer.core import TyperCommand, _TyperParameter
    from typer.models import CommandInfo

    assert "_runtime_param" in _TyperParameter.__annotations__
    assert "self._runtime_param is None" in inspect.getsource(_TyperParameter.get_runtime_param)
    assert {"parameter_info", "annotation"} <= set(RuntimeParam.__dataclass_fields__)
    assert callable(RuntimeParam._coerce_value) and callable(build_runtime_param)
    assert "cls" in inspect.signature(CommandInfo).parameters
    assert issubclass(TyperCommand, Command)


def test_the_lazy_group_still_builds_and_lists_commands() -> None:
    from tracker.cli.main import COMMANDS, build_command

    assert build_command("list").name == "list"
    assert build_command("db").name == "db"
    assert "list" in COMMANDS
