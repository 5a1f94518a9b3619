"""What every command shares: the database URL, dates from options, output helpers."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer

from tracker.db import Database, connect, resolve_url
from tracker.errors import BadInputError, TrackerError
from tracker.migrations import open_database


class State:
    """Options of the top-level callback (`--db`)."""

    db_option: str | None = None


state = State()


@contextmanager
def open_db(create: bool = True, migrate: bool = True) -> Iterator[Database | None]:
    """The command's database (migrated to head unless migrate=False: `db` looks at or
    upgrades the schema itself); None when create=False and there is none yet."""
    url = resolve_url(state.db_option)
    db = open_database(url, create=create) if migrate else connect(url, create=create)
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
    if value is None:
        return None
    from tracker.deadlines import parse_date

    return parse_date(value, field=option)


def author(option: str | None) -> str | None:
    if option:
        return option
    if os.environ.get("TRACKER_AUTHOR"):
        return os.environ["TRACKER_AUTHOR"]
    return None  # the store signs with the recorder (the database role, or the login name)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()


def emit(text: str) -> None:
    """Data to stdout, all of it or an error (see emit_chunks)."""
    emit_chunks((text,))


def emit_chunks(chunks: Iterable[str | bytes]) -> None:
    """Data to stdout, all of it or an error: with PYTHONUNBUFFERED the text layer drops the
    rest of a short write (a full disk, a file-size limit) and would report success.
    Chunks are text, or UTF-8 bytes (JSON from orjson) written as they are."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        for chunk in chunks:
            stream.write(chunk.decode() if isinstance(chunk, bytes) else chunk)
        stream.flush()
        return
    try:
        stream.flush()
        encoding, errors = stream.encoding or "utf-8", stream.errors or "strict"
        for chunk in chunks:
            data = memoryview(chunk if isinstance(chunk, bytes) else chunk.encode(encoding, errors))
            while data:
                written = buffer.write(data)
                if written is None:  # a non-blocking stream that is full: wait by flushing
                    buffer.flush()
                    continue
                data = data[written:]
        buffer.flush()
    except BrokenPipeError:
        # The reader left early (`tracker export | head`): not an error. What is still
        # buffered goes to /dev/null, so the flush at exit cannot fail again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass
        raise typer.Exit(0) from None


def note(text: str) -> None:
    """A human message on stderr (keeps stdout clean for data)."""
    sys.stderr.write(text.rstrip("\n") + "\n")


def write_output(text: str, output: Path | None) -> None:
    """Text to a file atomically (temp file + rename: no partial file on failure), or to stdout."""
    write_output_chunks((text,), output)


def write_output_chunks(chunks: Iterable[str | bytes], output: Path | None) -> None:
    """Text (or UTF-8 bytes) given in pieces, never joined in memory, to a file atomically
    or to stdout."""
    if output is None or str(output) == "-":
        emit_chunks(chunks)
        return
    target = output.expanduser()
    if target.is_dir():
        raise BadInputError(f"--output {output} is a directory")
    if target.exists() and not target.is_file():
        # A device or a pipe (-o /dev/null, a FIFO): written in place, since renaming a temp
        # file over it would replace the device node with a regular file.
        _write_in_place(chunks, target, output)
        return
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.exists():
        raise BadInputError(f"--output directory {directory} does not exist")
    if not directory.is_dir():
        raise BadInputError(f"--output {output}: {directory} is not a directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise TrackerError(f"cannot write {output}: {exc.strerror or exc}") from None
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would.
        os.chmod(tmp, _file_mode(target))
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:  # a full disk, a file-size limit, a vanished directory
        Path(tmp).unlink(missing_ok=True)
        raise TrackerError(f"cannot write {output}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_in_place(chunks: Iterable[str | bytes], target: Path, output: Path) -> None:
    try:
        with target.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
    except OSError as exc:
        raise TrackerError(f"cannot write {output}: {exc.strerror or exc}") from None


def _file_mode(target: Path) -> int:
    """The mode of the file being replaced, else 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    cleaned = value.strip().lower()
    if cleaned not in allowed:
        raise BadInputError(f"unknown {option} '{value}': use one of {', '.join(allowed)}")
    return cleaned
