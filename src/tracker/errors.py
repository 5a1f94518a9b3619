"""Domain errors. The CLI maps each class to an exit code in one place (cli/main.py)."""

from __future__ import annotations


class TrackerError(Exception):
    """A request the tracker cannot meet. Exit code 1."""

    exit_code = 1


class NotFoundError(TrackerError):
    """An unknown goal (by key or id)."""


class ConflictError(TrackerError):
    """A duplicate key or another clash with what is stored."""


class BadInputError(TrackerError):
    """Input that is malformed: unknown status, unreadable date, bad URL, broken file. Exit 2."""

    exit_code = 2


class ImportFileError(BadInputError):
    """An import document with one or more bad rows; carries every problem found."""

    def __init__(self, problems: list[str], *, source: str = "") -> None:
        self.problems = list(problems)
        where = f"{source}: " if source else ""
        count = len(self.problems)
        summary = f"{where}{count} problem{'s' if count != 1 else ''}, nothing imported"
        super().__init__(summary + ": " + "; ".join(self.problems))


class DatabaseError(TrackerError):
    """The database cannot be opened or used (unwritable path, not a database, newer schema)."""
