"""Progress bars: on stderr when it is a terminal and the work takes a while, never otherwise.

The Progress object is checked with a fake clock and a fake terminal; the commands as real
processes with stderr on a pseudo-terminal (stdout a pipe or a file), on a database built from
bench/generate.py's data."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE, ROOT
from tracker.cli import progress as progress_module
from tracker.cli.progress import Progress, progress

GOALS = 4000  # a few seconds to import: long enough for a bar
COLOUR = re.compile(r"\x1b\[(3\d|9\d|38;)[\d;]*m")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make(stream: io.StringIO, clock: Clock, *, enabled: bool = True) -> Progress:
    return Progress(
        total=10, unit="goals", label="import", stream=stream, enabled=enabled, clock=clock
    )


def test_no_bar_during_the_first_second_then_a_bar_with_counts() -> None:
    tty, clock = FakeTerminal(), Clock()
    bar = make(tty, clock)
    bar(3)
    assert tty.getvalue() == "" and not bar.drawn
    clock.now += 1.5
    bar(2)
    assert bar.drawn
    text = tty.getvalue()
    assert "import" in text and "5/10" in text and "goals" in text
    bar.close()
    assert not bar.drawn
    assert tty.getvalue().endswith("\r") or "\x1b[A" in tty.getvalue()  # the line is cleared


def test_stages_restart_the_count_and_name_the_step() -> None:
    tty, clock = FakeTerminal(), Clock()
    bar = make(tty, clock)
    clock.now += 2
    bar.step("checking", 10, 10)
    bar.step("writing", 4, 10)
    assert bar.bar.n == 4 and bar.bar.desc == "import: writing"
    assert "import: writing" in tty.getvalue()
    bar.close()


def test_a_step_that_reports_nothing_still_shows_time_passing() -> None:
    import time

    tty = FakeTerminal()
    bar = Progress(total=10, unit="goals", label="import", stream=tty, enabled=True, delay=0)
    bar.step("writing", 0, 10)
    time.sleep(1.3)
    assert "[00:01<?" in tty.getvalue()  # redrawn with the elapsed time, the count unchanged
    bar.close()
    closed = tty.getvalue()
    time.sleep(0.7)
    assert tty.getvalue() == closed  # and nothing once closed


def test_a_steps_rate_counts_from_the_start_of_that_step() -> None:
    tty, clock = FakeTerminal(), Clock()
    bar = Progress(
        total=1, unit="goals", label="import", stream=tty, enabled=True, delay=11, clock=clock
    )
    bar.step("reading", 0, 1)
    clock.now += 10  # reading took 10 s; the bar is first drawn 12 s in
    bar.step("checking", 0, 10)
    clock.now += 2
    bar.step("checking", 5, 10)  # 5 of 10 in 2 s: 2 s left, whatever reading took
    assert "5/10 [00:02<00:02" in tty.getvalue()
    bar.close()


def test_nothing_when_disabled() -> None:
    clock, tty = Clock(), FakeTerminal()
    bar = make(tty, clock, enabled=False)
    clock.now += 5
    bar(10)
    bar.close()
    assert tty.getvalue() == "" and not bar.drawn


def test_rate_and_elapsed_count_from_the_start_of_the_work() -> None:
    tty, clock = FakeTerminal(), Clock()
    bar = make(tty, clock)
    clock.now += 2
    bar(5)
    assert "[00:02<00:02" in tty.getvalue()  # 2 s for 5 of 10: 2 s left
    bar.close()


def test_the_context_reads_the_terminal_quiet_and_the_delay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRACKER_PROGRESS_DELAY", "0")
    tty = FakeTerminal()
    with progress(total=3, label="export", stream=tty) as bar:
        bar(3)
        assert bar.drawn
    assert "export" in tty.getvalue()
    monkeypatch.setattr(progress_module.settings, "quiet", True)
    quiet = FakeTerminal()
    with progress(total=3, label="export", stream=quiet) as bar:
        bar(3)
    assert quiet.getvalue() == ""
    monkeypatch.setattr(progress_module.settings, "quiet", False)
    pipe = io.StringIO()
    with progress(total=3, label="export", stream=pipe) as bar:
        bar(3)
    assert pipe.getvalue() == ""


def test_work_reported_after_the_block_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document still streaming to stdout after the bar closed must not bring it back."""
    monkeypatch.setenv("TRACKER_PROGRESS_DELAY", "0")
    tty = FakeTerminal()
    with progress(total=3, label="export", stream=tty) as bar:
        bar(1)
    drawn = tty.getvalue()
    bar(2)
    bar.step("writing", 3, 3)
    assert tty.getvalue() == drawn and not bar.drawn


# --- real processes, stderr on a pseudo-terminal ---------------------------------------------
def tracker_on_tty(*args: str, env: dict[str, str]) -> tuple[int, bytes, str]:
    return run_on_tty([sys.executable, "-m", "tracker", *args], env=env)


def run_on_tty(
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: Path | None = None,
    timeout: float = 300,
    stdout: Any = subprocess.PIPE,
) -> tuple[int, bytes, str]:
    """(exit code, what the terminal showed, stdout) for a process with stderr on a 100-column
    pseudo-terminal and stdout on a pipe (small outputs only: it is read at the end), or on
    `stdout` (an open file, or "tty": the same terminal)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=slave if stdout == "tty" else stdout,
        stderr=slave,
        env=env,
        cwd=cwd,
    )
    os.close(slave)
    shown = bytearray()
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the process closed its end
            break
        if not data:
            break
        shown.extend(data)
    os.close(master)
    out = proc.stdout.read().decode() if proc.stdout is not None else ""
    return proc.wait(timeout=timeout), bytes(shown), out


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("progress") / "goals.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--goals",
            str(GOALS),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def base_env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TRACKER_PROGRESS_DELAY")}
    env.update(TRACKER_DB=str(db), TERM="xterm")
    return env


@pytest.fixture(scope="module")
def imported(
    big_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, bytes]]:
    """The large file imported once with stderr on a terminal (what the terminal showed).
    Half a second's delay instead of one: on a fast machine the checking step (the one with a
    rate and a time left) may end before the first second does."""
    db = tmp_path_factory.mktemp("progress-db") / "big.db"
    env = {**base_env(db), "TRACKER_PROGRESS_DELAY": "0.5"}
    code, shown, out = tracker_on_tty("import", str(big_file), "--on", "2026-06-01", env=env)
    assert code == 0, shown.decode(errors="replace")
    yield db, shown


@pytest.mark.slow
def test_import_shows_a_bar_on_a_terminal(imported: tuple[Path, bytes]) -> None:
    _, shown = imported
    text = shown.decode()
    assert "import: checking" in text
    assert re.search(r"\d+%\|", text)  # the bar
    assert re.search(rf"\d+/{GOALS} \[", text)  # done / total
    assert re.search(r" goals/s\]| s/ goals\]", text)  # the rate
    assert re.search(r"<\d\d:\d\d", text)  # time left
    assert COLOUR.search(text)  # colour, unless NO_COLOR
    assert f"imported {GOALS} new, 0 updated" in text.splitlines()[-1]


@pytest.mark.slow
def test_no_bar_when_piped_or_quiet(imported: tuple[Path, bytes], tmp_path: Path) -> None:
    db, _ = imported
    env = {**base_env(db), "TRACKER_PROGRESS_DELAY": "0"}
    piped = subprocess.run(
        [sys.executable, "-m", "tracker", "export", "-o", str(tmp_path / "e.json")],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert piped.returncode == 0
    assert piped.stderr == ""
    code, shown, _ = tracker_on_tty("--quiet", "export", "-o", str(tmp_path / "q.json"), env=env)
    assert code == 0 and shown == b""
    code, shown, _ = tracker_on_tty(
        "-q", "report", "--as-of", "2026-06-30", "-o", str(tmp_path / "r.md"), env=env
    )
    assert code == 0
    assert (
        shown.decode().replace("\r\n", "\n")
        == f"report as of 2026-06-30 written to {tmp_path / 'r.md'}\n"
    )


@pytest.mark.slow
def test_export_and_report_bars_without_colour_under_no_color(
    imported: tuple[Path, bytes], tmp_path: Path
) -> None:
    db, _ = imported
    env = {**base_env(db), "TRACKER_PROGRESS_DELAY": "0", "NO_COLOR": "1"}
    code, shown, _ = tracker_on_tty("export", "-o", str(tmp_path / "e.json"), env=env)
    text = shown.decode()
    assert code == 0
    assert "export: writing" in text and f"/{GOALS} [" in text
    assert not COLOUR.search(text)
    assert len((tmp_path / "e.json").read_bytes()) > 1000
    code, shown, _ = tracker_on_tty(
        "report", "--as-of", "2026-06-30", "-f", "html", "-o", str(tmp_path / "r.html"), env=env
    )
    text = shown.decode()
    assert code == 0
    assert "report: " in text and "steps" in text
    assert not COLOUR.search(text)


@pytest.mark.slow
def test_export_to_stdout_shows_a_bar_unless_the_document_is_on_the_terminal(
    imported: tuple[Path, bytes], tmp_path: Path
) -> None:
    db, _ = imported
    env = {**base_env(db), "TRACKER_PROGRESS_DELAY": "0", "NO_COLOR": "1"}
    argv = [sys.executable, "-m", "tracker", "export"]
    with (tmp_path / "e.json").open("wb") as redirected:  # tracker export > e.json
        code, shown, _ = run_on_tty(argv, env=env, stdout=redirected)
    assert code == 0 and "export: writing" in shown.decode() and f"/{GOALS} [" in shown.decode()
    assert len(json.loads((tmp_path / "e.json").read_bytes())["goals"]) == GOALS
    code, shown, _ = run_on_tty([*argv, "--format", "csv"], env=env, stdout="tty")
    text = shown.decode()
    assert code == 0 and "export: writing" not in text  # the document scrolls alone
    assert text.count("\n") > GOALS


def test_commands_without_a_bar_do_not_import_tqdm(tmp_path: Path) -> None:
    """Quick work with stderr on a terminal: no bar drawn, so tqdm is never imported."""
    code = (
        "import sys\n"
        "from tracker.cli.completion import run\n"
        f"for argv in (['import', {str(FIXTURE)!r}], ['list'], ['export', '-o', 'x.json']):\n"
        "    sys.argv = ['tracker', *argv]\n"
        "    try:\n        run()\n    except SystemExit:\n        pass\n"
        "print('tqdm' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "TRACKER_DB": str(tmp_path / "t.db")}
    status, shown, _ = run_on_tty([sys.executable, "-c", code], env=env, cwd=tmp_path)
    assert status == 0, shown
    assert shown.decode().splitlines()[-1] == "False"
    assert "29 new" in shown.decode()
