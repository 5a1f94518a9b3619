"""The quarterly table as a real process: status words painted on a terminal, plain under
NO_COLOR or through a pipe, and the same words either way."""

from __future__ import annotations

import re

from tests.conftest import FIXTURE
from tests.test_subprocess import Proc, _run_on_a_terminal, ok

ARGS = ["quarterly", "--year", "2026", "--as-of", "2026-06-30"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_quarterly_colour_on_a_terminal_only(tracker_proc: Proc, db_url: str) -> None:
    ok(tracker_proc("import", str(FIXTURE)))
    coloured = _run_on_a_terminal(db_url, ARGS, {})
    assert "\x1b[36min progress\x1b[0m" in coloured  # in progress: cyan
    assert "\x1b[2mnot started\x1b[0m" in coloured  # not started: dim
    plain = _run_on_a_terminal(db_url, ARGS, {"NO_COLOR": "1"})
    assert "\x1b" not in plain
    piped = ok(tracker_proc(*ARGS, env={"COLUMNS": "200"})).stdout
    assert "\x1b" not in piped
    # The terminal turns \n into \r\n; otherwise colour is the only difference.
    assert ANSI.sub("", coloured).replace("\r\n", "\n") == piped == plain.replace("\r\n", "\n")
    assert "in progress" in piped and "not started" in piped and "in prog " not in piped
