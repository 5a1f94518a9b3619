"""What every command shares: the database URL, dates from options, output helpers."""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from tracker.db import Database, open_database, resolve_url
from tracker.errors import BadInputError


class State:
    """Options of the top-level callback (`--db`)."""

    db_option: str | None = None


state = State()


@contextmanager
def open_db(create: bool = True) -> Iterator[Database | None]:
    """The command's database (migrated to head); None when create=False and there is none yet."""
    db = open_database(resolve_url(state.db_option), create=create)
    try:
        yield db
    finally:
        if db is not None:
            db.close()


@contextmanager
def require_db() -> Iterator[Database]:
    with open_db(create=True) as db:
        assert db is not None
        yield db


def today() -> date:
    """The real date: only ever a default for --on / --as-of, never read by tests."""
    return date.today()


def parse_day(value: str | None, option: str) -> date | None:
    from tracker.deadlines import parse_date

    if value is None:
        return None
    return parse_date(value, field=option)


def author(option: str | None) -> str | None:
    if option:
        return option
    if os.environ.get("TRACKER_AUTHOR"):
        return os.environ["TRACKER_AUTHOR"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def emit(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def note(text: str) -> None:
    """A human message on stderr (keeps stdout clean for data)."""
    sys.stderr.write(text.rstrip("\n") + "\n")


def write_output(text: str, output: Path | None) -> None:
    """Text to a file atomically (temp file + rename: no partial file on failure), or to stdout."""
    if output is None or str(output) == "-":
        emit(text)
        return
    target = output.expanduser()
    if target.is_dir():
        raise BadInputError(f"--output {output} is a directory")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.exists():
        raise BadInputError(f"--output directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BadInputError(f"cannot write {output}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    cleaned = value.strip().lower()
    if cleaned not in allowed:
        raise BadInputError(f"unknown {option} '{value}': use one of {', '.join(allowed)}")
    return cleaned
