"""Several people updating the same goals at once, on SQLite and on PostgreSQL.

8 worker processes each run 50 `tracker update` commands against the same three goals, all
starting at the same moment, while a reader runs `tracker list` in a loop. Afterwards: every
one of the 400 events is recorded exactly once, nobody saw an error (SQLite's "database is
locked" and PostgreSQL's serialization or deadlock errors are retried inside the tracker),
evidence is not duplicated, and each goal's stored status, progress and deadline are what its
event history says.

How the commands run. By default each worker is one Python process that runs the real CLI
(the click command built from `tracker.cli.main.app`: the same entry point, error handling
and exit codes as the console script) 50 times in a row, each invocation opening and closing its own database connection
exactly as a separate `tracker update` process would. Only the interpreter start-up is shared.
That keeps the test at ~15 s per backend and makes the writers overlap far more often than
separate processes do (each of which spends ~0.4 s importing for ~5 ms of database work).
With TRACKER_TEST_FULL_PROCESSES=1 each worker is a shell loop of 50 separate
`python -m tracker update …` processes instead (measured: ~3.5 min per backend on 2 busy cores).
"""

from __future__ import annotations

import json
import os
import random
import shlex
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Invoke
from tracker.db import Database
from tracker.migrations import open_database

WORKERS = 8
UPDATES = 50
GOALS = ["6g-phase2-trials", "sme-payment-arrears-clearance", "humanoid-robot-standards-guide"]
STATUSES = ["not_started", "in_progress", "stalled", "achieved", "partially_achieved", "missed"]
SHARED_URL = "https://example.org/shared-evidence"
DEADLINES = ["2026-09-30", "Q4 2026", "2027年6月", "H1 2027", "2027"]


def _commands(worker: int) -> list[list[str]]:
    """The 50 `update` argument lists of one worker: different goals, dates and changes."""
    rng = random.Random(worker)
    commands = []
    for i in range(UPDATES):
        goal = GOALS[(worker + i) % len(GOALS)]
        on = date(2026, 1, 21) + timedelta(days=rng.randrange(0, 340))
        args = [goal, "--on", on.isoformat(), "--note", f"w{worker}-u{i}"]
        if rng.random() < 0.7:
            args += ["--status", rng.choice(STATUSES)]
        if rng.random() < 0.5:
            args += ["--progress", str(rng.randrange(0, 101))]
        if rng.random() < 0.2:
            args += ["--deadline", rng.choice(DEADLINES)]
        if i % 10 == 3:
            args += ["--evidence", f"https://example.org/w{worker}/u{i}"]
        if i == 0:
            args += ["--evidence", SHARED_URL]  # every worker adds it: stored once per goal
        commands.append(args)
    return commands


FULL_PROCESSES = os.environ.get("TRACKER_TEST_FULL_PROCESSES") == "1"


def _shell_loop(worker: int, python: str) -> str:
    """One worker as a shell script: 50 separate `python -m tracker update` processes."""
    lines = [
        "#!/usr/bin/env bash",
        "set -u",
        "failed=0",
        'while [ ! -e "$1" ]; do sleep 0.01; done',
    ]
    for args in _commands(worker):
        command = " ".join(shlex.quote(a) for a in [python, "-m", "tracker", "update", *args])
        lines.append(f'{command} || {{ echo "FAILED rc=$? {args[4]}" >&2; failed=1; }}')
    lines.append('exit "$failed"')
    return "\n".join(lines) + "\n"


# One worker as one process: the CLI's `app` run once per command, each run opening its own
# connection (as a separate process would); it waits for the go file so that all start at once.
_DRIVER = """
import io, json, sys, time
from contextlib import redirect_stdout
from pathlib import Path
import typer
from tracker.cli.main import app
command = typer.main.get_command(app)  # what the console script runs, built once
commands, ready, go = json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]), Path(sys.argv[3])
ready.touch()
while not go.exists():
    time.sleep(0.002)
failed = 0
for args in commands:
    out = io.StringIO()
    with redirect_stdout(out):
        code = command.main(args, prog_name="tracker", standalone_mode=False)
    sys.stdout.write(out.getvalue())
    if code != 0:
        print(f"FAILED rc={code} {args}", file=sys.stderr)
        failed = 1
sys.exit(failed)
"""

_LIST = ["list", "--format", "json"]

# Watches the database while the workers write: in one read snapshot at a time, every goal's
# stored state must be the fold of its events. (Checking only at the end would miss a stale
# state written by one writer and later corrected by another.)
_CHECKER = """
import json, sys, time
from pathlib import Path
from tracker.migrations import open_database
url, ready, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
db = open_database(url)
ready.touch()
checks, bad, examples = 0, 0, []
while True:
    last = stop.exists()
    with db.snapshot():
        goals = db.all("SELECT id, status, progress, deadline FROM goal")
        events = db.all("SELECT goal_id, status, progress, deadline FROM event "
                        "ORDER BY goal_id, on_date, id")
    folded = {}
    for goal_id, status, progress, deadline in events:
        state = folded.setdefault(goal_id, [None, None, None])
        for i, value in enumerate((status, progress, deadline)):
            if value is not None:
                state[i] = value
    for goal_id, *stored in goals:
        if stored != folded.get(goal_id):
            bad += 1
            examples.append([goal_id, stored, folded.get(goal_id)])
    checks += 1
    if last:
        break
    time.sleep(0.005)
db.close()
print(json.dumps({"checks": checks, "bad": bad, "examples": examples[:5]}))
"""


def _start(worker_args: list[list[list[str]]], tmp_path: Path, env: dict[str, str]) -> Any:
    """Start one process per worker; return them once all are ready, after saying go."""
    go = tmp_path / "go"
    procs = []
    for w, commands in enumerate(worker_args):
        if FULL_PROCESSES:
            script = tmp_path / f"worker-{w}.sh"
            lines = _shell_loop(w, sys.executable) if commands[0][0] == "update" else None
            if lines is None:  # the reader
                loop = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "tracker", *_LIST])
                lines = (
                    f'while [ ! -e "$1" ]; do sleep 0.01; done\n'
                    f"for i in $(seq {len(commands)}); do {loop} >/dev/null || exit 1; done\n"
                )
            script.write_text(lines, encoding="utf-8")
            argv = ["bash", str(script), str(go)]
            (tmp_path / f"ready-{w}").touch()
        else:
            spec = tmp_path / f"worker-{w}.json"
            spec.write_text(json.dumps(commands), encoding="utf-8")
            argv = [sys.executable, "-c", _DRIVER, str(spec), str(tmp_path / f"ready-{w}"), str(go)]
        procs.append(
            subprocess.Popen(
                argv,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                text=True,
                env=env,
            )
        )
    deadline = time.monotonic() + 300
    while len(list(tmp_path.glob("ready-*"))) < len(procs):
        assert time.monotonic() < deadline, "workers did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    go.touch()
    return procs


def _fold(events: list[tuple[Any, ...]]) -> dict[str, Any]:
    """Latest non-null value of each field over events in (on_date, id) order."""
    state: dict[str, Any] = {"status": None, "progress": None, "deadline": None}
    for _on, _id, status, progress, deadline in sorted(events):
        if status is not None:
            state["status"] = status
        if progress is not None:
            state["progress"] = progress
        if deadline is not None:
            state["deadline"] = deadline
    return state


@pytest.mark.slow
def test_parallel_updates_lose_nothing(
    loaded: Invoke, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_url)
    assert db is not None
    events_before = db.scalar("SELECT count(*) FROM event")
    db.close()

    env = {**os.environ, "TRACKER_DB": db_url}
    checker_ready, stop = tmp_path / "checker-ready", tmp_path / "stop"
    checker = subprocess.Popen(
        [sys.executable, "-c", _CHECKER, db_url, str(checker_ready), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    while not checker_ready.exists():
        assert checker.poll() is None, checker.communicate()
        time.sleep(0.01)
    started = time.monotonic()
    commands = [[["update", *args] for args in _commands(w)] for w in range(WORKERS)]
    procs = _start([*commands, [_LIST] * 20], tmp_path, env)
    workers, reader = procs[:-1], procs[-1]
    outputs = [p.communicate(timeout=1500) for p in workers]
    reader_out, reader_err = reader.communicate(timeout=600)
    elapsed = time.monotonic() - started
    stop.touch()
    checker_out, checker_err = checker.communicate(timeout=120)
    assert checker.returncode == 0, checker_err
    watched = json.loads(checker_out)
    assert watched["bad"] == 0, watched  # no moment where a goal's state disagreed with its events
    assert watched["checks"] >= 10

    # Nothing reached the users but the usual one-line confirmations.
    for w, (proc, (out, err)) in enumerate(zip(workers, outputs, strict=True)):
        assert proc.returncode == 0, f"worker {w}:\n{err}"
        assert out == ""
        lines = err.splitlines()
        assert len(lines) == UPDATES, err
        for line in lines:
            assert ": recorded on 2026-" in line, line
    assert reader.returncode == 0, reader_err
    if not FULL_PROCESSES:  # 20 JSON arrays of goals, one after the other
        decoder, text, pos, lists = json.JSONDecoder(), reader_out, 0, 0
        while pos < len(text.rstrip()):
            value, pos = decoder.raw_decode(text, pos)
            assert len(value) == 29
            lists += 1
            while pos < len(text) and text[pos].isspace():
                pos += 1
        assert lists == 20
    everything = "".join(err for _out, err in outputs) + reader_err
    for word in ("locked", "serializ", "deadlock", "error", "Traceback", "FAILED"):
        assert word not in everything

    db = open_database(db_url)
    assert db is not None
    try:
        _check_history(db, events_before)
    finally:
        db.close()

    # What `list` derives from the events (as of the end of the year) is what is stored.
    listed = loaded("list", "--format", "json", "--as-of", "2026-12-31")
    assert listed.exit_code == 0, listed.output
    by_key = {g["key"]: g for g in json.loads(listed.stdout)}
    db = open_database(db_url)
    assert db is not None
    for key, status, progress, deadline in db.all(
        "SELECT key, status, progress, deadline FROM goal"
    ):
        assert (by_key[key]["status"], by_key[key]["progress"], by_key[key]["deadline"]) == (
            status,
            progress,
            deadline,
        )
    if db.dialect == "sqlite":
        assert db.scalar("PRAGMA integrity_check") == "ok"
    db.close()
    with capsys.disabled():
        mode = "separate processes" if FULL_PROCESSES else "in-process CLI runs"
        print(
            f"\n  {WORKERS}×{UPDATES} updates ({mode}) on {db.dialect}: {elapsed:.1f} s, "
            f"{watched['checks']} consistency checks while writing"
        )


def _check_history(db: Database, events_before: int) -> None:
    # Every event recorded exactly once.
    assert db.scalar("SELECT count(*) FROM event") == events_before + WORKERS * UPDATES
    notes = [n for (n,) in db.all("SELECT note FROM event WHERE note LIKE 'w%-u%'")]
    expected = {f"w{w}-u{i}" for w in range(WORKERS) for i in range(UPDATES)}
    assert sorted(notes) == sorted(expected)
    # Evidence: each unique URL once, the URL every worker added once per goal.
    urls = db.all("SELECT goal_id, url FROM evidence")
    assert len(urls) == len(set(urls))
    unique = {u for _g, u in urls if "/w" in u}
    assert unique == {
        f"https://example.org/w{w}/u{i}" for w in range(WORKERS) for i in range(3, UPDATES, 10)
    }
    shared_goals = {g for g, u in urls if u == SHARED_URL}
    expected_shared = {GOALS[w % len(GOALS)] for w in range(WORKERS)}
    keys = dict(db.all("SELECT id, key FROM goal"))
    assert {keys[g] for g in shared_goals} == expected_shared
    # Each goal's cached state is the fold of its events in date order.
    for goal_id, key, status, progress, deadline in db.all(
        "SELECT id, key, status, progress, deadline FROM goal"
    ):
        events = db.all(
            "SELECT on_date, id, status, progress, deadline FROM event WHERE goal_id = :g",
            {"g": goal_id},
        )
        derived = _fold(events)
        assert (status, progress, deadline) == (
            derived["status"],
            derived["progress"],
            derived["deadline"],
        ), key
