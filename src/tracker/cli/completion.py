"""Shell completion without the weight: the command registry, values from the database and a
fast path for the common Tab presses.

A shell runs `tracker` on every Tab. Through typer that costs typer's import and then
pydantic's, to coerce the half-typed line; `fast_complete` answers command names, goal
keys/ids and option values (statuses, formats, areas, owners, tags, sorts) with neither, and
leaves the rest (option names, files, `db` sub-commands) to typer's full path, which offers
the same candidates from the same functions. Database values come from one read-only query
through the DB-API driver: no ORM, no migration, never a write (a missing database completes
nothing rather than being created). Any failure completes nothing: completion must never
print an error into the user's command line.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

# The sub-commands, in the order help lists them: "module:attribute" of a typer function or a
# typer app (cli/main.py builds only the one that runs; completion reads their docstrings).
COMMANDS: dict[str, str] = {
    "add": "tracker.cli.goals:add",
    "update": "tracker.cli.goals:update",
    "list": "tracker.cli.goals:list_goals",
    "show": "tracker.cli.goals:show",
    "retract": "tracker.cli.corrections:retract",
    "undo": "tracker.cli.corrections:undo",
    "import": "tracker.cli.transfer:import_goals",
    "export": "tracker.cli.transfer:export_goals",
    "quarterly": "tracker.cli.reports:quarterly",
    "report": "tracker.cli.reports:report",
    "extract": "tracker.cli.extract:extract",
    "scan": "tracker.cli.scan:scan",
    "db": "tracker.cli.dbcmd:app",
}
# Where each command's --format choices are defined: read from there, never copied.
FORMATS = {
    "list": "tracker.cli.goals:LIST_FORMATS",
    "show": "tracker.cli.goals:SHOW_FORMATS",
    "import": "tracker.cli.transfer:IMPORT_FORMATS",
    "export": "tracker.cli.transfer:EXPORT_FORMATS",
    "quarterly": "tracker.cli.reports:QUARTERLY_FORMATS",
    "report": "tracker.cli.reports:REPORT_FORMATS",
    "extract": "tracker.cli.extract:FORMATS",
    "scan": "tracker.cli.scan:FORMATS",
}
# Options that take no value; every other option takes one.
FLAGS = frozenset(
    {
        *("--overdue", "--dry-run", "--include-tracked", "--help", "-h", "--quiet", "-q"),
        *("--version", "--install-completion", "--show-completion"),
    }
)
VALUE_KINDS = {
    "--status": "status",
    "-s": "status",
    "--area": "area",
    "--owner": "owner",
    "--tag": "tag",
    "-t": "tag",
    "--add-tag": "tag",
    "--remove-tag": "tag",
    "--evidence-kind": "evidence_kind",
    "--sort": "sort",
    "--format": "format",
    "-f": "format",
}
ROOT = ""  # the root's own options: cli/main.py's callback, then the two typer adds
ROOT_OPTIONS = ("tracker.cli.main", "main_options")
TYPER_ROOT_OPTIONS = (
    (("--install-completion",), False, "Install completion for the current shell."),
    (
        ("--show-completion",),
        False,
        "Show completion for the current shell, to copy it or customize the installation.",
    ),
)
KEY_ARGUMENT = ("update", "show")  # commands whose first argument is a goal
FILE_ARGUMENT = ("import", "extract", "scan")  # … or a file
MAX_CANDIDATES = 200
KINDS = ("key", "area", "owner", "tag")
SHORT_HELP = 45  # click's width for a command's help in completion


# --- static facts, read from the source without importing typer -----------------------------
@functools.cache
def _module_tree(module: str) -> Any:
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise LookupError(module)
    return ast.parse(Path(spec.origin).read_text(encoding="utf-8"))


def source_constant(target: str) -> Any:
    """The literal value of `NAME = …` in a module ("module:NAME"), from its source."""
    import ast

    module, name = target.split(":")
    for node in _module_tree(module).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        ) or (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
        ):
            assert node.value is not None
            return ast.literal_eval(node.value)
    raise LookupError(target)


def command_help(name: str) -> str:
    """A command's help text (its function's docstring, or a typer app's `help=`)."""
    import ast

    module, attribute = COMMANDS[name].split(":")
    for node in _module_tree(module).body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            return ast.get_docstring(node) or ""
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == attribute for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            for keyword in node.value.keywords:
                if keyword.arg == "help":
                    return str(ast.literal_eval(keyword.value))
    return ""


def short_help(text: str, limit: int = SHORT_HELP) -> str:
    """The first sentence of the first paragraph, cut at a word with `...` past `limit`."""
    words = text.split("\n\n", 1)[0].split()
    line = ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if len(candidate) > limit:
            return line + "..."
        line = candidate
        if word.endswith("."):
            break
    return line


def subcommand_items(group: str, incomplete: str) -> list[tuple[str, str]]:
    """The sub-commands of a typer app (`db`): its `@app.command()` functions, in order."""
    import ast

    module, app = COMMANDS[group].split(":")
    items = []
    for node in _module_tree(module).body:
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and ast.unparse(d.func) == f"{app}.command"
            for d in node.decorator_list
        ):
            name = node.name.replace("_", "-")
            if name.startswith(incomplete):
                items.append((name, ""))
    return items


def command_items(incomplete: str, *, with_help: bool) -> list[tuple[str, str]]:
    return [
        (name, short_help(command_help(name)) if with_help else "")
        for name in COMMANDS
        if name.startswith(incomplete)
    ]


def _option_names(call: Any, parameter: str, is_bool: bool) -> list[str] | None:
    """The names a typer.Option(...) or one of cli/options.py's helpers declares."""
    import ast

    if not isinstance(call, ast.Call):
        return None
    func = call.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    skip = {"Option": 0, "status_option": 1, "choice_option": 2}.get(str(called))
    if called == "format_option":
        return ["--format", "-f"]
    if called == "Argument":
        return []
    if skip is None:
        return None
    names = [a.value for a in call.args[skip:] if isinstance(a, ast.Constant)]
    if called == "Option" and names and not str(names[0]).startswith("-"):
        names = names[1:]  # typer.Option(default, "--name", …)
    if not names:
        if is_bool:
            return None  # typer would add --no-… too: leave it to typer
        return ["--" + parameter.replace("_", "-")]
    return [str(n) for n in names]


def _option_help(call: Any) -> str | None:
    """The help text an option declaration gives, as cli/options.py's helpers compose it;
    None when it is not written out as text (tests hold this equal to typer's)."""
    import ast

    def text(node: Any, default: str | None = None) -> str | None:
        if node is None:
            return default
        return (
            node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
        )

    func = call.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    keywords = {k.arg: k.value for k in call.keywords}
    positional = [*call.args, None, None, None]
    if called == "Option":
        return text(keywords.get("help"), "")
    if called == "status_option":
        from tracker.domain import STATUSES

        head = text(positional[0])
        return None if head is None else f"{head} One of {', '.join(STATUSES)}."
    if called == "choice_option":
        head, note = text(positional[1]), text(keywords.get("default_note"), "")
    elif called == "format_option":
        head = text(positional[1] or keywords.get("help"), "Output format.")
        note = text(positional[2] or keywords.get("note"), "")
    else:
        return None
    return None if head is None or note is None else head + note


@functools.cache
def command_options(command: str) -> tuple[tuple[tuple[str, ...], bool, str | None], ...] | None:
    """Each option of a command as (names, repeatable, help), in declaration order, the help
    option last, read from the source; None when a declaration is not one this reader knows."""
    import ast

    if command not in (*COMMANDS, ROOT) or command == "db":
        return None
    module, attribute = COMMANDS[command].split(":") if command in COMMANDS else ROOT_OPTIONS
    aliases: dict[str, Any] = {}
    for tree in (_module_tree("tracker.cli.options"), _module_tree(module)):
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    aliases[target.id] = node.value
    function = next(
        (
            n
            for n in _module_tree(module).body
            if isinstance(n, ast.FunctionDef) and n.name == attribute
        ),
        None,
    )
    if function is None:
        return None
    options: list[tuple[tuple[str, ...], bool, str | None]] = []
    for arg in function.args.args:
        annotation = arg.annotation
        if isinstance(annotation, ast.Name):
            annotation = aliases.get(annotation.id)
        if not (
            isinstance(annotation, ast.Subscript)
            and isinstance(annotation.value, ast.Name)
            and annotation.value.id == "Annotated"
            and isinstance(annotation.slice, ast.Tuple)
            and len(annotation.slice.elts) == 2
        ):
            return None
        kind, call = annotation.slice.elts
        text = ast.unparse(kind)
        names = _option_names(call, arg.arg, is_bool=text == "bool")
        if names is None:
            return None
        if names:
            options.append((tuple(names), text.startswith("list["), _option_help(call)))
    if command == ROOT:
        options.extend(TYPER_ROOT_OPTIONS)
    # the help option, in the order typer lists its names
    options.append((("--help", "-h"), False, "Show this message and exit."))
    return tuple(options)


def option_items(command: str, given: list[str], incomplete: str) -> list[tuple[str, str]] | None:
    """Option names of `command` starting with `incomplete`, less those already given once."""
    options = command_options(command)
    if options is None:
        return None
    used = {word.split("=", 1)[0] for word in given}
    offered = [
        (name, help)
        for names, repeatable, help in options
        if repeatable or not used.intersection(names)
        for name in names
        if name.startswith(incomplete)
    ]
    if any(help is None for _, help in offered):
        return None
    return [(name, help or "") for name, help in offered]


# --- values from the database -----------------------------------------------------------------
def database_values(
    kind: str, incomplete: str, *, db_option: str | None = None
) -> list[tuple[str, str]]:
    """(value, help) pairs of `kind` starting with `incomplete`, sorted, at most 200."""
    if kind not in KINDS:
        raise ValueError(f"unknown completion kind {kind!r}")
    try:
        from tracker.db import resolve_url

        rows = _query(resolve_url(db_option), kind, incomplete)
        return _candidates(kind, incomplete, rows)
    except Exception:  # noqa: BLE001 - a broken or locked database completes nothing
        return []


def _sql(kind: str, incomplete: str) -> str:
    """Prefix matching is done in Python, so it is the same (case-sensitive) on both backends."""
    if kind == "key":
        if incomplete.isdigit():
            return "SELECT CAST(id AS TEXT), key FROM goal ORDER BY id"
        return "SELECT key, title FROM goal ORDER BY key"
    if kind == "tag":
        return "SELECT DISTINCT tags FROM goal"
    column = "area" if kind == "area" else "owner"
    return f"SELECT DISTINCT {column}, '' FROM goal WHERE {column} IS NOT NULL"


def _query(url: str, kind: str, incomplete: str) -> list[tuple[Any, ...]]:
    sql = _sql(kind, incomplete)
    if url.startswith("sqlite"):
        import sqlite3

        path = url.split(":///", 1)[1] if ":///" in url else ""
        if not path or path == ":memory:" or not Path(path).is_file():
            return []
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=0.1)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    import psycopg

    conninfo = "postgresql://" + url.split("://", 1)[1]
    with psycopg.connect(conninfo, connect_timeout=2) as pg:
        pg.read_only = True
        return list(pg.execute(sql).fetchall())


def _candidates(
    kind: str, incomplete: str, rows: Iterable[tuple[Any, ...]]
) -> list[tuple[str, str]]:
    if kind == "tag":
        import json

        tags: set[str] = set()
        for (text,) in rows:
            tags.update(t for t in json.loads(text or "[]") if isinstance(t, str))
        pairs = [(t, "") for t in sorted(tags)]
    else:
        pairs = [(str(value), str(help or "")) for value, help in rows]
        if kind != "key":
            pairs.sort()
    return [p for p in pairs if p[0].startswith(incomplete)][:MAX_CANDIDATES]


def statuses(incomplete: str) -> list[str]:
    """Statuses; after a comma, the next one of a list (`in_progress,st` → `in_progress,stalled`)."""
    from tracker.domain import STATUSES

    done, _, last = incomplete.rpartition(",")
    prefix = done + "," if done else ""
    taken = set(done.split(","))
    return [prefix + s for s in STATUSES if s.startswith(last.lower()) and s not in taken]


def sorts(incomplete: str) -> list[str]:
    from tracker.history import SORTS

    return [s for s in (*SORTS, *("-" + s for s in SORTS)) if s.startswith(incomplete)]


# --- the fast path ----------------------------------------------------------------------------
def _split(line: str) -> list[str]:
    """Words as the shell sees them; an unclosed quote keeps its partial word (as click does)."""
    import shlex

    lex = shlex.shlex(line, posix=True)
    lex.whitespace_split = True
    lex.commenters = ""
    out: list[str] = []
    try:
        out.extend(lex)
    except ValueError:
        out.append(lex.token)
    return out


def _line(shell: str, env: Mapping[str, str]) -> tuple[list[str], str]:
    """The words before the cursor and the incomplete one, as typer's shell classes read them."""
    if shell == "bash":
        words = _split(env["COMP_WORDS"])
        cword = int(env["COMP_CWORD"])
        return words[1:cword], words[cword] if cword < len(words) else ""
    text = env.get("_TYPER_COMPLETE_ARGS", "")
    args = _split(text)[1:]
    if args and not text.endswith(" "):
        return args[:-1], args[-1]
    return args, ""


def _values(args: list[str], incomplete: str, with_help: bool) -> list[tuple[str, str]] | None:
    """Candidates for the word being typed, or None when typer should answer."""
    # `--sort -dead`: a value that starts with a dash is still the value of the option before it
    if incomplete.startswith("-") and not (args and args[-1] in VALUE_KINDS):
        # option names (and their help), read from the declarations
        i = 0
        while i < len(args) and args[i].startswith("-"):  # the root's options
            i += 2 if args[i] == "--db" else 1
        if "=" in incomplete:
            return None
        if i >= len(args):
            return option_items(ROOT, args, incomplete)
        if args[i] not in COMMANDS:
            return None
        return option_items(args[i], args[i + 1 :], incomplete)
    db: str | None = None
    command: str | None = None
    positionals: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("-") and "=" not in word and word not in FLAGS:
            if i + 1 == len(args):  # the word being typed is this option's value
                return _option_values(command, word, incomplete, db)
            if command is None and word == "--db":
                db = args[i + 1]
            i += 2
            continue
        if not word.startswith("-"):
            if command is None:
                if word not in COMMANDS:
                    return None
                command = word
            else:
                positionals.append(word)
        i += 1
    if command is None:
        return command_items(incomplete, with_help=with_help)
    if command == "db":  # its sub-commands; their help (zsh, fish) is typer's to cut
        return None if positionals or with_help else subcommand_items(command, incomplete)
    if command in KEY_ARGUMENT and not positionals:
        return database_values("key", incomplete, db_option=db or os.environ.get("TRACKER_DB"))
    if command in FILE_ARGUMENT and not positionals:
        return []  # nothing offered: the shell completes file names itself
    return None


def _option_values(
    command: str | None, option: str, incomplete: str, db: str | None
) -> list[tuple[str, str]] | None:
    kind = VALUE_KINDS.get(option)
    if command is None or command == "db" or kind is None:
        return None
    options = command_options(command)
    if options is None or not any(option in names for names, _, _ in options):
        return None  # not an option of this command: typer says what it makes of it
    if kind in KINDS:
        return database_values(kind, incomplete, db_option=db or os.environ.get("TRACKER_DB"))
    if kind == "status":
        values = statuses(incomplete)
    elif kind == "sort":
        values = sorts(incomplete)
    elif kind == "evidence_kind":
        from tracker.domain import EVIDENCE_KINDS

        values = [k for k in EVIDENCE_KINDS if k.startswith(incomplete.lower())]
    else:
        if command not in FORMATS:
            return None
        choices = source_constant(FORMATS[command])
        values = [c for c in choices if c.startswith(incomplete.lower())]
    # typer keeps only the candidates that start with what was typed
    return [(v, "") for v in values if v.startswith(incomplete)]


def _zsh_escape(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )


# Characters bash would read as syntax in an inserted word (an owner such as "MIIT; NDRC" would
# end the command at the semicolon); zsh and fish quote what they insert themselves.
_BASH_SPECIAL = frozenset(" \t\n\"'\\$`|&;()<>*?[]{}!#~")


def bash_quote(value: str) -> str:
    """`value` as one bash word: each special character behind a backslash."""
    return "".join("\\" + c if c in _BASH_SPECIAL else c for c in value)


def _format(shell: str, items: list[tuple[str, str]]) -> str:
    """The answer as typer's BashComplete/ZshComplete/FishComplete would print it (bash's
    values quoted, where typer's would break the command line)."""
    if shell == "bash":
        return "\n".join(bash_quote(value) for value, _ in items)
    if shell == "zsh":
        if not items:
            return "_files"
        lines = [
            f'"{_zsh_escape(v)}":"{_zsh_escape(h)}"' if h else f'"{_zsh_escape(v)}"'
            for v, h in items
        ]
        return "_arguments '*: :((" + "\n".join(lines) + "))'"
    return "\n".join(f"{v}\t{' '.join(h.split())}" if h else v for v, h in items)


def fast_complete(env: Mapping[str, str]) -> tuple[str | None, int] | None:
    """(what to print, exit code) for a request the fast path can answer, else None."""
    instruction = env.get("_TRACKER_COMPLETE", "")
    first, _, second = instruction.partition("_")
    action, shell = (first, second) if first in ("complete", "source") else (second, first)
    if action != "complete" or shell not in ("bash", "zsh", "fish"):
        return None
    try:
        args, incomplete = _line(shell, env)
        items = _values(args, incomplete, with_help=shell != "bash")
    except Exception:  # noqa: BLE001 - anything unexpected: let typer's full path answer
        return None
    if items is None:
        return None
    if shell == "fish" and env.get("_TYPER_COMPLETE_FISH_ACTION") == "is-args":
        return None, 0 if items else 1
    if shell == "fish" and env.get("_TYPER_COMPLETE_FISH_ACTION") != "get-args":
        return "", 0
    return _format(shell, items), 0


def run() -> None:
    """Console-script entry point: a completion request the fast path knows is answered here;
    anything else runs the CLI."""
    if os.environ.get("_TRACKER_COMPLETE"):
        answer = fast_complete(os.environ)
        if answer is not None:
            import sys

            output, code = answer
            if output is not None:
                sys.stdout.write(output + "\n")
                sys.stdout.flush()
            raise SystemExit(code)
    from tracker.cli.main import run as run_cli

    run_cli()
