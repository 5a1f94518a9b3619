#!/usr/bin/env python3
"""Benchmark tracker against Taskwarrior and plain-Python floors (issue 6). One command:

    python bench/run.py                      # full scale: 10k goals/100k events, 100k/1M
    python bench/run.py --scale small        # 1k/10k (and 3k/30k for import, report, scaling)
    python bench/run.py --postgres           # also list/quarterly/report on a throwaway PostgreSQL
    python bench/run.py --only list export   # some rows only (names: see --help)

It measures the interpreter it runs under (the venv's `tracker` next to it) and installs
nothing. Every command is a whole process (stdout to /dev/null); each row runs its commands in
turn, round after round (the order rotates each round), after one warm-up round that also
checks exit codes and counts output lines. Wall time by perf_counter around posix_spawn +
wait4; peak RSS is that child's ru_maxrss from wait4. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import marshal
import os
import platform
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import pgserver  # noqa: E402

AS_OF = "2026-06-30"
Q_YEAR, Q_AS_OF = "2026", "2026-12-31"
REPORT_AS_OF = "2026-12-31"
ADD_ARGS = ["add", "T", "--announced", "2026-01-21"]
SCALES = {"small": (1_000, 3_000), "full": (10_000, 100_000)}
# Issue 15's budgets. Peak RSS at the large size, and its growth from the base size, for every
# streamed command and format; the import's own ceiling; cost per goal no higher at the large
# size than at the base size (SCALING_BUDGET allows 5 % for wall-time noise on a shared machine).
RSS_BUDGET_MIB = 150.0
RSS_GROWTH_BUDGET = 1.5
IMPORT_RSS_BUDGET_MIB = 400.0
SCALING_BUDGET = 1.05
# Exempt, and measured at the base size only: at the large size the YAML export alone would
# take most of a full run's time and memory (figures in bench/README.md, "Peak RSS").
TIMEOUT_S = 3600
TASKRC = """\
# Taskwarrior settings for the benchmark: no prompts, no hooks, no garbage collection,
# stable non-TTY output 200 columns wide. The data directory comes from $TASKDATA.
confirmation=off
verbose=nothing
hooks=off
gc=off
detection=off
defaultwidth=200
color=off
recurrence=off
news.version=2.6.0
"""


SCAN_DOCS = 100


def write_scan_documents(directory: Path, n: int, seed: int = 13) -> None:
    """`n` follow-up documents for the scan row: news pages (HTML with navigation and footer)
    and plain-text notes in Chinese and English, each reporting on one or two of the generated
    goals' objects (a release, a start, a delay) among sentences about nothing tracked."""
    import random

    rng = random.Random(seed)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    filler = [
        "会议还通报了一季度工业经济运行情况，主要指标保持平稳。",
        "与会代表围绕产业链协同、人才培养和国际合作进行了交流。",
        "据介绍，相关部门将加强统筹协调，及时总结推广各地经验。",
        "The meeting also reviewed first-quarter industrial output, which was broadly stable.",
        "Delegates discussed supply chains, training and international cooperation.",
    ]
    zh_news = [
        "日前正式{v}{o}。",
        "{o}已经启动，首批项目进展顺利。",
        "{o}的{v}时间推迟到明年上半年。",
    ]
    en_news = [
        "The ministry has {v} the {o}.",
        "Work on the {o} is under way in several provinces.",
        "The {o} has been postponed to the end of next year.",
    ]
    for i in range(n):
        day = f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}"
        lines = rng.sample(filler, 3)
        for _ in range(rng.choice((1, 2))):
            if rng.random() < 0.6:
                pattern = rng.choice(zh_news)
                lines.insert(
                    1,
                    pattern.format(
                        v=rng.choice(("发布", "印发", "完成")), o=rng.choice(generate.ZH_OBJECTS)
                    ),
                )
            else:
                pattern = rng.choice(en_news)
                lines.insert(
                    1,
                    pattern.format(
                        v=rng.choice(("published", "issued")), o=rng.choice(generate.EN_OBJECTS)
                    ),
                )
        if i % 2:
            body = "".join(f"<p>{line}</p>" for line in lines)
            page = (
                f'<html><head><meta charset="utf-8"><title>Follow-up {i}</title>'
                f'<link rel="canonical" href="https://news.example.org/{i}.html">'
                f'<meta property="article:published_time" content="{day}T09:00:00+08:00">'
                "</head><body><nav><a>首页</a><a>6G</a><a>人形机器人</a></nav>"
                f"<article><h1>Follow-up {i}</h1>{body}</article><footer>版权所有</footer>"
                "</body></html>"
            )
            (directory / f"doc-{i:03d}.html").write_text(page, encoding="utf-8")
        else:
            text = f"{day}\n\n" + "\n".join(lines) + "\n"
            (directory / f"doc-{i:03d}.txt").write_text(text, encoding="utf-8")


def mib(kib: float | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f}"


def human_n(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    return f"{n // 1000}k" if n % 1000 == 0 and n >= 1000 else str(n)


# --- verdicts and tables (pure: tests/test_bench.py) -----------------------------------------
@dataclass
class RssRow:
    """One line of the peak-RSS table: a command and format at the base and the large size."""

    command: str
    fmt: str
    small_kib: int | None = None
    large_kib: int | None = None
    cap_mib: float | None = RSS_BUDGET_MIB  # at the large size
    growth: float | None = RSS_GROWTH_BUDGET  # large ÷ small
    exempt: str | None = None  # why the row has a figure and no budget
    skip: str | None = None  # why there is no figure
    error: str | None = None

    def ratio(self) -> float | None:
        if self.small_kib and self.large_kib:
            return self.large_kib / self.small_kib
        return None

    def budget_text(self) -> str:
        if self.exempt:
            return f"exempt ({self.exempt})"
        parts = []
        if self.cap_mib is not None:
            parts.append(f"≤ {self.cap_mib:g} MiB")
        if self.growth is not None:
            parts.append(f"≤ {self.growth:g}× the small size")
        return " and ".join(parts) or "—"

    def verdict(self) -> str:
        return rss_verdict(
            self.small_kib,
            self.large_kib,
            cap_mib=self.cap_mib,
            growth=self.growth,
            exempt=self.exempt is not None,
            skip=self.skip,
            error=self.error,
        )


def rss_verdict(
    small_kib: int | None,
    large_kib: int | None,
    *,
    cap_mib: float | None,
    growth: float | None,
    exempt: bool = False,
    skip: str | None = None,
    error: str | None = None,
) -> str:
    """pass / **FAIL** (what) for a peak-RSS row; a budget needs the figures it is about, so a
    missing figure is a failure unless the row is skipped or exempt."""
    if skip:
        return "skipped"
    if error:
        return "**ERROR**"
    if exempt:
        return "exempt"
    failed = []
    if cap_mib is not None and (large_kib is None or large_kib / 1024 > cap_mib):
        failed.append("RSS")
    if growth is not None and (
        small_kib is None or large_kib is None or large_kib > growth * small_kib
    ):
        failed.append("growth")
    return "pass" if not failed else f"**FAIL** ({', '.join(failed)})"


def rss_table(rows: list[RssRow], small_n: int, large_n: int) -> list[str]:
    """The peak-RSS table: command × format, MiB at both sizes, their ratio, budget, verdict."""
    s, L = human_n(small_n), human_n(large_n)
    out = [
        f"| command | format | {s} MiB | {L} MiB | {L} ÷ {s} | budget | pass/FAIL |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = r.ratio()
        note = r.skip or r.error
        out.append(
            f"| {r.command} | {r.fmt} | {mib(r.small_kib)} | {mib(r.large_kib)} | "
            f"{'—' if ratio is None else f'{ratio:.2f}'} | {r.budget_text()} | {r.verdict()}"
            + (f": {note}" if note else "")
            + " |"
        )
    return out


def scaling_verdict(per_goal_ratio: float | None, budget: float = SCALING_BUDGET) -> str:
    """pass when the cost per goal at the large size is within `budget` of the small size's."""
    if per_goal_ratio is None:
        return "—"
    return "pass" if per_goal_ratio <= budget else "**FAIL**"


# --- running one process ------------------------------------------------------------------
@dataclass
class Cmd:
    label: str  # as shown in the tables
    argv: list[str]
    env: dict[str, str]
    setup: Callable[[], None] | None = None  # before every run, not timed (fresh copies)
    same_output: bool = False  # its warm-up output must be the tracker command's, byte for byte


@dataclass
class Sample:
    seconds: float
    rss_kib: int
    code: int
    cpu: float = 0.0  # user + system CPU seconds of the child


class Spawner:
    """Client of bench/spawner.py, the small resident process that starts every measured command.

    A child's ru_maxrss starts at its parent's high-water mark, so commands are not started by
    this (larger) harness process but by that one; its own peak is the floor of every RSS reading.
    """

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(HERE / "spawner.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def _recv(self) -> Any:
        assert self.proc.stdout is not None
        head = self.proc.stdout.read(4)
        if len(head) < 4:
            raise SystemExit("bench: the spawner process died")
        return marshal.loads(self.proc.stdout.read(int.from_bytes(head, "little")))

    def run(self, cmd: Cmd, stdout: str = os.devnull, stderr: str = os.devnull) -> Sample:
        if cmd.setup:
            cmd.setup()
        data = marshal.dumps((cmd.argv, cmd.env, stdout, stderr))
        assert self.proc.stdin is not None
        self.proc.stdin.write(len(data).to_bytes(4, "little") + data)
        self.proc.stdin.flush()
        (pid,) = self._recv()
        watchdog = threading.Timer(TIMEOUT_S, _kill, (pid,)) if pid > 0 else None
        if watchdog:
            watchdog.start()
        try:
            seconds, rss_kib, code, error, cpu = self._recv()
        finally:
            if watchdog:
                watchdog.cancel()
        if error:
            Path(stderr).write_text(error) if stderr != os.devnull else None
        return Sample(seconds, rss_kib, code, cpu)

    def peak_kib(self) -> int:
        """The spawner's own high-water mark: the floor under every RSS reading."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


SPAWNER: Spawner | None = None


def spawn(cmd: Cmd, stdout: str = os.devnull, stderr: str = os.devnull) -> Sample:
    assert SPAWNER is not None
    return SPAWNER.run(cmd, stdout, stderr)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# --- a row of the tables: commands measured in turn -------------------------------------------
@dataclass
class Bench:
    name: str  # for --only
    operation: str
    tracker: Cmd
    peer: Cmd | None = None
    floors: list[Cmd] = field(default_factory=list)
    budget: float | None = None  # tracker median ≤ budget × peer median
    rss_budget_mib: float | None = None
    heavy: bool = False  # large data set: --heavy-runs rounds
    group: str = "budget"  # budget | scaling
    key: tuple[str, str, int] | None = None  # (backend, op, goals) for the scaling table
    skip: str | None = None
    rss: tuple[str, str, int] | None = None  # (command, format, goals) for the peak-RSS table
    runs: int | None = None  # rounds, instead of --runs / --heavy-runs
    warmup_is_run: bool = False  # the warm-up's sample counts as the first run
    large: bool = False  # needs the large data set (generated file / database)
    prepare: Callable[[], None] | None = None  # once, before the warm-up (untimed)
    # results
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    def commands(self) -> list[Cmd]:
        return [self.tracker] + ([self.peer] if self.peer else []) + self.floors

    def run(self, runs: int, scratch: Path, log: Callable[[str], None]) -> None:
        cmds = self.commands()
        warm: dict[str, Sample] = {}
        digests: dict[str, str] = {}
        for cmd in cmds:  # warm-up round: checks the command works, counts its output
            out, err = scratch / "warmup.out", scratch / "warmup.err"
            sample = warm[cmd.label] = spawn(cmd, str(out), str(err))
            digest, lines = hashlib.sha256(), 0
            with out.open("rb") as f:  # in blocks: a 100k export is hundreds of MiB
                for block in iter(lambda: f.read(1 << 20), b""):
                    lines += block.count(b"\n")
                    digest.update(block)
            self.lines[cmd.label], digests[cmd.label] = lines, digest.hexdigest()
            out.unlink()
            if sample.code != 0:
                tail = (err.read_text(errors="replace").strip().splitlines() or ["(no stderr)"])[-1]
                self.error = f"`{cmd.label}` exited {sample.code}: {tail.strip().replace('|', '/')}"
                log(f"  ERROR {self.error}")
                return
            if cmd.same_output and digests[cmd.label] != digests[self.tracker.label]:
                self.error = f"`{cmd.label}` wrote other bytes than `{self.tracker.label}`"
                log(f"  ERROR {self.error}")
                return
        for cmd in cmds:
            self.samples[cmd.label] = [warm[cmd.label]] if self.warmup_is_run else []
        if self.warmup_is_run:
            runs -= 1
        for r in range(runs):
            order = cmds[r % len(cmds) :] + cmds[: r % len(cmds)]
            for cmd in order:
                self.samples[cmd.label].append(spawn(cmd))
        for cmd in cmds:
            log(f"  {self.median(cmd):8.3f} s  {mib(self.peak_kib(cmd)):>5} MiB  {cmd.label}")

    def times(self, cmd: Cmd) -> list[float]:
        return [s.seconds for s in self.samples.get(cmd.label, [])]

    def median(self, cmd: Cmd) -> float:
        return statistics.median(self.times(cmd))

    def cpu_median(self, cmd: Cmd) -> float:
        return statistics.median(s.cpu for s in self.samples[cmd.label])

    def cpu_cell(self) -> str:
        """Median CPU seconds (user + system) tracker / peer and their ratio: steadier than wall
        time on a busy machine, though the budgets are on wall time."""
        if not self.samples.get(self.tracker.label):
            return "—"
        mine = self.cpu_median(self.tracker)
        if self.peer is None or not self.samples.get(self.peer.label):
            return f"{mine:.3f}"
        theirs = self.cpu_median(self.peer)
        return (
            f"{mine:.3f} / {theirs:.3f} ({mine / theirs:.2f})"
            if theirs
            else f"{mine:.3f} / {theirs:.3f}"
        )

    def peak_kib(self, cmd: Cmd) -> int:
        return max(s.rss_kib for s in self.samples[cmd.label])

    def cell(self, cmd: Cmd | None) -> str:
        if cmd is None or not self.samples.get(cmd.label):
            return "—"
        t = self.times(cmd)
        return f"{statistics.median(t):.3f} ({min(t):.3f}–{max(t):.3f})"

    def ratio(self) -> float | None:
        if self.peer is None or not self.samples.get(self.peer.label):
            return None
        return self.median(self.tracker) / self.median(self.peer)

    def verdict(self) -> str:
        if self.skip:
            return "skipped"
        if self.error:
            return "**ERROR**"
        failed = []
        ratio = self.ratio()
        if self.budget is not None and ratio is not None and ratio > self.budget:
            failed.append("time")
        if (
            self.rss_budget_mib is not None
            and self.peak_kib(self.tracker) / 1024 > self.rss_budget_mib
        ):
            failed.append("RSS")
        return "pass" if not failed else f"**FAIL** ({', '.join(failed)})"

    def budget_text(self) -> str:
        parts = []
        if self.budget is not None:
            parts.append(f"≤ {self.budget:g}×")
        if self.rss_budget_mib is not None:
            parts.append(f"RSS ≤ {self.rss_budget_mib:g} MiB")
        if self.budget is None and self.peer is None:
            parts.insert(0, "completes")
        return ", ".join(parts) or "—"


# --- the harness ------------------------------------------------------------------------------
class Harness:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.base_n, self.large_n = SCALES[args.scale]
        self.work = (args.workdir or HERE / "results" / "data").resolve() / args.scale
        self.work.mkdir(parents=True, exist_ok=True)
        self.scratch = self.work / "scratch"
        self.scratch.mkdir(exist_ok=True)
        self.setup_rows: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.benches: list[Bench] = []
        self.pg: pgserver.Server | None = None
        self.started = datetime.now(UTC)
        self.load_before = os.getloadavg()
        exe = Path(sys.executable).parent / "tracker"
        self.tracker_argv = [str(exe)] if exe.exists() else [sys.executable, "-m", "tracker"]
        self.task = shutil.which("task") or "task"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "TASK"))}
        self.t_env = {**env, "NO_COLOR": "1", "COLUMNS": "200", "LINES": "50",
                      "TRACKER_AUTHOR": "bench"}  # fmt: skip
        self.taskrc = self.work / "taskrc"
        self.taskrc.write_text(TASKRC)
        self.py_env = dict(env)

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    # -- commands --
    def tracker(
        self, label: str, db: str, *args: str, setup: Callable[[], None] | None = None
    ) -> Cmd:
        return Cmd(label, [*self.tracker_argv, "--db", db, *args], self.t_env, setup)

    def taskcmd(
        self, label: str, data: Path, *args: str, setup: Callable[[], None] | None = None
    ) -> Cmd:
        env = {**self.py_env, "TASKRC": str(self.taskrc), "TASKDATA": str(data)}
        return Cmd(label, [self.task, *args], env, setup)

    def python(self, label: str, *args: str) -> Cmd:
        return Cmd(label, [sys.executable, *args], self.py_env)

    def floor(self, label: str, *args: str, same_output: bool = False) -> Cmd:
        return Cmd(
            label, [sys.executable, str(HERE / "floors.py"), *args], self.py_env,
            same_output=same_output,
        )  # fmt: skip

    def run_tracker(self, db: str, *args: str) -> float:
        started = time.perf_counter()
        done = subprocess.run(
            [*self.tracker_argv, "--db", db, *args], env=self.t_env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"tracker {' '.join(args)} failed: {done.stderr.strip()}")
        return time.perf_counter() - started

    def has_command(self, name: str) -> bool:
        done = subprocess.run(
            [*self.tracker_argv, name, "--help"], env=self.t_env, capture_output=True
        )
        return done.returncode == 0

    # -- data --
    def data(self, n: int, with_tasks: bool) -> tuple[Path, Path | None]:
        """Generated files for n goals, reused while generate.py and the seed are unchanged."""
        digest = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]
        out = self.work / f"goals-{n}-{digest}.json"
        tasks = self.work / f"tasks-{n}-{digest}.json" if with_tasks else None
        if not out.exists() or (tasks and not tasks.exists()):
            for stale in self.work.glob(f"*-{n}-*.json"):  # from an older generate.py
                stale.unlink()
            self.log(f"generating {n} goals …")
            info = generate.write(n, out, tasks)
            self.setup_rows.append(
                (
                    f"generate {human_n(n)} goals / {human_n(info['events'])} events",
                    f"{info['seconds']:.1f} s, {info['bytes'] / 2**20:.0f} MiB import JSON"
                    + (
                        f", {tasks.stat().st_size / 2**20:.0f} MiB Taskwarrior JSON"
                        if tasks
                        else ""
                    ),
                )
            )
        else:
            self.setup_rows.append(
                (f"generate {human_n(n)} goals", f"reused {out.name} (same generate.py)")
            )
        return out, tasks

    def prepare(self) -> None:
        self.base_json, base_tasks = self.data(self.base_n, with_tasks=True)
        digest = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]
        self.large_json = self.work / f"goals-{self.large_n}-{digest}.json"  # made when needed
        # Schema template: an empty database migrated by the tracker itself.
        self.schema_db = self.work / "schema.db"
        _rm_db(self.schema_db)
        self.run_tracker(str(self.schema_db), "db", "upgrade")
        # Base SQLite database through the tracker's own import.
        self.base_db = self.work / "base.db"
        _rm_db(self.base_db)
        _copy_db(self.schema_db, self.base_db)
        self.log(f"tracker import {self.base_json.name} …")
        secs = self.run_tracker(str(self.base_db), "import", str(self.base_json))
        self.setup_rows.append(
            (f"tracker import {human_n(self.base_n)} goals (SQLite)", f"{secs:.1f} s")
        )
        _checkpoint(self.base_db)
        # Taskwarrior: the same items through `task import`.
        self.tw_base = self.work / "tw-base"
        shutil.rmtree(self.tw_base, ignore_errors=True)
        self.tw_base.mkdir()
        started = time.perf_counter()
        done = subprocess.run(
            [self.task, "import", str(base_tasks)],
            env={**self.py_env, "TASKRC": str(self.taskrc), "TASKDATA": str(self.tw_base)},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"task import failed: {done.stderr.strip()[:500]}")
        self.setup_rows.append(
            (f"task import {human_n(self.base_n)} tasks", f"{time.perf_counter() - started:.1f} s")
        )
        count = subprocess.run(
            [self.task, "count"],
            env={**self.py_env, "TASKRC": str(self.taskrc), "TASKDATA": str(self.tw_base)},
            capture_output=True,
            text=True,
        ).stdout.strip()
        if count != str(self.base_n):
            raise SystemExit(
                f"task import: expected {self.base_n} tasks, task count says {count!r}"
            )
        self.large_db = self.work / "large.db"
        _rm_db(self.large_db)  # rebuilt from the large file by the tracker under test
        self.floor_sql()

    def floor_sql(self) -> None:
        """tracker list's own SQL and parameters (from tracker.history), with and without --area."""
        try:
            from datetime import date

            from tracker import history

            self.sql = {}
            for name, filters in (
                ("list", history.Filters()),
                ("list_area", history.Filters(area=generate.FILTER_AREA)),
            ):
                sql, params = history.goals_query(
                    as_of=date.fromisoformat(AS_OF), filters=filters, sort="deadline", cached=False
                )
                path = self.work / f"{name}.sql.json"
                path.write_text(json.dumps({"sql": sql, "params": params}), encoding="utf-8")
                self.sql[name] = str(path)
        except (ImportError, AttributeError, TypeError, KeyError) as exc:
            self.sql = {}
            self.notes.append(
                f"The list floors are left out: tracker list's SQL could not be read from "
                f"tracker.history ({type(exc).__name__}: {exc}); update `Harness.floor_sql`."
            )
            return
        self.notes.append(
            "The floor queries are tracker list's own SQL and parameters, built from "
            "tracker.history (`goals_query`) when the run starts."
        )

    def ensure_large_db(self) -> None:
        if self.large_db.exists():
            return
        _copy_db(self.schema_db, self.large_db)
        self.log(f"tracker import {self.large_json.name} …")
        secs = self.run_tracker(str(self.large_db), "import", str(self.large_json))
        self.setup_rows.append(
            (f"tracker import {human_n(self.large_n)} goals (SQLite)", f"{secs:.1f} s")
        )
        _checkpoint(self.large_db)

    # -- rows --
    def define(self) -> None:
        b, L = human_n(self.base_n), human_n(self.large_n)
        base, area = str(self.base_db), generate.FILTER_AREA
        has_q, has_r = self.has_command("quarterly"), self.has_command("report")
        missing = []
        if not has_q:
            missing.append("`tracker quarterly`")
        if not has_r:
            missing.append("`tracker report`")
        if missing:
            self.notes.append(
                f"{' and '.join(missing)} not in this build: those rows are skipped "
                "(the harness runs them as soon as the command exists)."
            )
        add_db = self.scratch / "add.db"
        tw_add = self.scratch / "tw-add"
        list_tw = self.taskcmd("task list", self.tw_base, "list")
        self.benches += [
            Bench(
                "add", f"`add` into {b} goals",
                self.tracker("tracker add", str(add_db), *ADD_ARGS,
                             setup=lambda: _copy_db(self.base_db, add_db)),
                self.taskcmd("task add T", tw_add, "add", "T",
                             setup=lambda: _copy_tree(self.tw_base, tw_add)),
                budget=1.0,
            ),
            Bench(
                "list", f"`list` of {b} goals",
                self.tracker("tracker list", base, "list", "--as-of", AS_OF),
                list_tw,
                [self.floor("floor: sqlite3 list query", "list", base, self.sql["list"])]
                if "list" in self.sql else [],
                budget=1.0, rss_budget_mib=100, key=("sqlite", "list", self.base_n),
            ),
            Bench(
                "list-area", f"`list --area {area}` (50 of {b})",
                self.tracker("tracker list --area", base, "list", "--area", area, "--as-of", AS_OF),
                self.taskcmd(f"task project:{area} list", self.tw_base, f"project:{area}", "list"),
                [self.floor("floor: sqlite3 list --area query", "list", base, self.sql["list_area"])]
                if "list_area" in self.sql else [],
                budget=1.0,
            ),
            Bench(
                "quarterly", f"`quarterly --year {Q_YEAR}`, {b} goals",
                self.tracker("tracker quarterly", base, "quarterly", "--year", Q_YEAR, "--as-of", Q_AS_OF),
                list_tw,
                [self.floor("floor: sqlite3 event scan, status × 4 quarters", "quarterly", base, Q_YEAR)],
                budget=1.0, rss_budget_mib=100, key=("sqlite", "quarterly", self.base_n),
                skip=None if has_q else "no `tracker quarterly` yet",
            ),
            Bench(
                "export", f"`export --format json`, {b} goals + events",
                self.tracker("tracker export", base, "export", "--format", "json"),
                self.taskcmd("task export", self.tw_base, "export"),
                [self.floor("floor: sqlite3 + json.dumps(indent=2) export", "export", base),
                 self.floor("floor: sqlite3 JSON functions export, streamed", "export-json1", base),
                 self.floor("floor: tracker's bytes by sqlite3 + orjson", "export-orjson", base, same_output=True),
                 self.floor("floor: the same + import typer.main", "export-orjson", base, "typer.main", same_output=True)],
                budget=1.0, key=("sqlite", "export", self.base_n),
            ),
            Bench(
                "help", "`tracker --help`",
                Cmd("tracker --help", [*self.tracker_argv, "--help"], self.t_env),
                self.python('python -c "import typer"', "-c", "import typer"),
                [self.python("python -c pass", "-c", "pass")],
                budget=1.5,
            ),
        ]  # fmt: skip
        scan_dir = self.work / "scan-docs"
        self.benches.append(
            Bench(
                "scan", f"`scan` {SCAN_DOCS} documents against {b} goals",
                self.tracker("tracker scan", base, "scan", str(scan_dir),
                             setup=lambda: write_scan_documents(scan_dir, SCAN_DOCS)),
            )
        )  # fmt: skip
        imp_db, floor_db = self.scratch / "import.db", self.scratch / "floor-import.db"
        self.benches.append(
            Bench(
                "import", f"`import` {L} goals / {human_n(self.large_n * 10)} events (SQLite)",
                self.tracker("tracker import", str(imp_db), "import", str(self.large_json),
                             setup=lambda: _copy_db(self.schema_db, imp_db)),
                self.floor("floor: sqlite3 executemany import", "import", str(floor_db), str(self.large_json)),
                budget=4.0, rss_budget_mib=IMPORT_RSS_BUDGET_MIB, heavy=True,
            )
        )  # fmt: skip
        self.benches[-1].peer.setup = lambda: _copy_db(self.schema_db, floor_db)  # type: ignore[union-attr]
        report_out = str(self.scratch / "report.html")
        self.benches.append(
            Bench(
                "report", f"`report --format html` at {L} goals",
                self.tracker("tracker report", str(self.large_db), "report", "--format", "html",
                             "--as-of", REPORT_AS_OF, "--output", report_out),
                rss_budget_mib=400, heavy=True, key=("sqlite", "report", self.large_n),
                skip=None if has_r else "no `tracker report` yet",
            )
        )  # fmt: skip
        # Scaling: the same reads at both sizes (the other points come from the rows above).
        scaling = [
            ("list", ["list", "--as-of", AS_OF], True),
            ("quarterly", ["quarterly", "--year", Q_YEAR, "--as-of", Q_AS_OF], has_q),
            ("report", ["report", "--format", "html", "--as-of", REPORT_AS_OF, "--output", report_out], has_r),
            ("export", ["export", "--format", "json"], True),
        ]  # fmt: skip
        for op, args, present in scaling:
            for n, db, heavy in (
                (self.base_n, base, False),
                (self.large_n, str(self.large_db), True),
            ):
                if ("sqlite", op, n) in {bn.key for bn in self.benches}:
                    continue
                self.benches.append(
                    Bench(
                        f"scale-{op}", f"sqlite {op} {human_n(n)}",
                        self.tracker(f"tracker {op} ({human_n(n)}, sqlite)", db, *args),
                        heavy=heavy, group="scaling", key=("sqlite", op, n),
                        skip=None if present else f"no `tracker {op}` yet",
                    )
                )  # fmt: skip
        self.define_pg_import()
        self.define_rss(has_q, has_r)
        if self.args.postgres:
            for op, args, present in scaling:
                for n, heavy in ((self.base_n, False), (self.large_n, True)):
                    self.benches.append(
                        Bench(
                            "pg", f"postgresql {op} {human_n(n)}",
                            self.tracker(f"tracker {op} ({human_n(n)}, postgresql)", f"@pg{n}", *args),
                            heavy=heavy, group="scaling", key=("postgresql", op, n),
                            skip=None if present else f"no `tracker {op}` yet",
                        )
                    )  # fmt: skip

    def define_pg_import(self) -> None:
        """The 100k/1M import into a fresh, migrated PostgreSQL database, side by side with the
        SQLite import of the same file (its denominator). Its last run's database is kept for
        the PostgreSQL scaling rows."""
        sqlite_db = self.scratch / "import-pg-peer.db"
        L, E = human_n(self.large_n), human_n(self.large_n * 10)
        bench = Bench(
            "import-pg", f"`import` {L} goals / {E} events, PostgreSQL ÷ SQLite",
            self.tracker("tracker import (PostgreSQL)", "@pgimp", "import", str(self.large_json),
                         setup=self.fresh_pg_import_db),
            self.tracker("tracker import (SQLite)", str(sqlite_db), "import", str(self.large_json),
                         setup=lambda: _copy_db(self.schema_db, sqlite_db)),
            budget=2.0, heavy=True, large=True, runs=self.args.heavy_runs, warmup_is_run=True,
            skip=None if self.args.postgres else "needs --postgres",
        )  # fmt: skip
        self.benches.append(bench)

    def fresh_pg_import_db(self) -> None:
        assert self.pg is not None
        self.pg.admin("DROP DATABASE IF EXISTS bench_imp WITH (FORCE)")
        self.pg.admin("CREATE DATABASE bench_imp")
        self.run_tracker(self.pg.url("bench_imp"), "db", "upgrade")

    def define_rss(self, has_q: bool, has_r: bool) -> None:
        """Peak RSS of every command and format of issue 15 at both sizes (SQLite)."""
        self.csv_files = {n: self.work / f"goals-{n}.csv" for n in (self.base_n, self.large_n)}
        for path in self.csv_files.values():  # from the tracker under test, made anew each run
            path.unlink(missing_ok=True)
        ext = {"markdown": "md", "html": "html", "json": "json", "csv": "csv", "pdf": "pdf"}
        try:
            import importlib.util

            has_pdf = importlib.util.find_spec("weasyprint") is not None
        except (ImportError, ValueError):
            has_pdf = False
        terminal = "terminal table"
        specs: list[tuple[str, str, list[str], str | None, str | None]] = []
        for f in ("table", "json", "csv", "markdown"):
            specs.append(("list", f, ["list", "--as-of", AS_OF, "--format", f],
                          terminal if f == "table" else None, None))  # fmt: skip
        for f in ("table", "json", "csv", "markdown"):
            specs.append(("quarterly", f, ["quarterly", "--year", Q_YEAR, "--as-of", Q_AS_OF, "--format", f],
                          terminal if f == "table" else None,
                          None if has_q else "no `tracker quarterly` yet"))  # fmt: skip
        for f in ("markdown", "html", "json", "csv", "pdf"):
            skip = None if has_r else "no `tracker report` yet"
            if f == "pdf" and not has_pdf:
                skip = "weasyprint is not importable here (the pdf extra)"
            specs.append(("report", f, ["report", "--format", f, "--as-of", REPORT_AS_OF,
                                        "--output", str(self.scratch / f"rss-report.{ext[f]}")],
                          "PDF" if f == "pdf" else None, skip))  # fmt: skip
        for f in ("json", "csv", "yaml", "ics"):
            args = ["export", "--format", f] + (["--as-of", AS_OF] if f == "ics" else [])
            exempt = "iCalendar" if f == "ics" else None  # YAML streams: held to the budget
            specs.append(("export", f, args, exempt, None))
        specs.append(("show", "text", ["show", "@key"], None, None))
        self.rss_rows: list[RssRow] = []
        for command, fmt, args, exempt, skip in specs:
            self.rss_rows.append(RssRow(command, fmt, exempt=exempt, skip=skip))
            for n, db in ((self.base_n, str(self.base_db)), (self.large_n, str(self.large_db))):
                bench = Bench(
                    "rss", f"peak RSS {command} {fmt} {human_n(n)}",
                    self.tracker(f"tracker {command} --format {fmt} ({human_n(n)})", db, *args),
                    group="rss", rss=(command, fmt, n), runs=self.args.rss_runs,
                    warmup_is_run=True, large=n == self.large_n,
                    skip=skip,
                )  # fmt: skip
                if command == "show":
                    bench.prepare = self._show_key(bench, Path(db))
                self.benches.append(bench)
        for fmt in ("json", "csv"):
            self.rss_rows.append(RssRow("import", fmt, cap_mib=IMPORT_RSS_BUDGET_MIB, growth=None))
            for n in (self.base_n, self.large_n):
                source = self.csv_files[n] if fmt == "csv" else (
                    self.base_json if n == self.base_n else self.large_json)  # fmt: skip
                target = self.scratch / f"rss-import-{fmt}-{n}.db"
                bench = Bench(
                    "rss", f"peak RSS import {fmt} {human_n(n)}",
                    self.tracker(f"tracker import {fmt} ({human_n(n)})", str(target), "import",
                                 str(source), setup=self._fresh_copy(target)),
                    group="rss", rss=("import", fmt, n), runs=self.args.rss_runs,
                    warmup_is_run=True, large=n == self.large_n,
                )  # fmt: skip
                if fmt == "csv":
                    bench.prepare = self._csv_file(n)
                self.benches.append(bench)

    def _fresh_copy(self, target: Path) -> Callable[[], None]:
        return lambda: _copy_db(self.schema_db, target)

    def _show_key(self, bench: Bench, db: Path) -> Callable[[], None]:
        """`show` of the goal in the middle of the database (its key is known once it exists)."""

        def prepare() -> None:
            if db == self.large_db:
                self.need_large_db()
            conn = sqlite3.connect(db)
            (count,) = conn.execute("SELECT count(*) FROM goal").fetchone()
            (key,) = conn.execute(
                "SELECT key FROM goal ORDER BY id LIMIT 1 OFFSET ?", (count // 2,)
            ).fetchone()
            conn.close()
            argv = bench.tracker.argv
            argv[argv.index("@key")] = key

        return prepare

    def _csv_file(self, n: int) -> Callable[[], None]:
        """The CSV of the same goals: `tracker export --format csv` of the database imported from
        the JSON file (what a user re-imports), written once per run."""

        def prepare() -> None:
            path = self.csv_files[n]
            if path.exists():
                return
            if n == self.large_n:
                self.need_large_db()
            db = self.base_db if n == self.base_n else self.large_db
            secs = self.run_tracker(str(db), "export", "--format", "csv", "--output", str(path))
            self.setup_rows.append(
                (f"tracker export --format csv of {human_n(n)} goals (CSV import file)",
                 f"{secs:.1f} s, {path.stat().st_size / 2**20:.0f} MiB")
            )  # fmt: skip

        return prepare

    def select(self) -> None:
        only = set(self.args.only or [])
        if only:
            known = {b.name for b in self.benches} | {"scaling", "pg"}
            unknown = only - known
            if unknown:
                raise SystemExit(f"--only: unknown {sorted(unknown)}; choose from {sorted(known)}")
            self.benches = [
                b
                for b in self.benches
                if b.name in only or (b.group == "scaling" and "scaling" in only)
            ]

    def start_postgres(self) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise SystemExit("--postgres needs psycopg: pip install '.[postgres]'") from None
        bin_dir = pgserver.find_bin_dir()
        if bin_dir is None:
            raise SystemExit("--postgres needs the server binaries: apt-get install -y postgresql")
        self.pg = pgserver.Server(bin_dir)
        self.log("starting PostgreSQL …")
        self.pg.start()
        self.pg_version = self.pg.version()
        imp = next((b for b in self.benches if b.name == "import-pg" and not b.skip), None)
        if imp:
            url = self.pg.url("bench_imp")
            for cmd in imp.commands():
                cmd.argv[:] = [url if a == "@pgimp" else a for a in cmd.argv]
            self._run_bench(imp)
        if not any(b.key and b.key[0] == "postgresql" and not b.skip for b in self.benches):
            return
        for n, path in ((self.base_n, self.base_json), (self.large_n, self.large_json)):
            name = f"bench_{n}"
            url = self.pg.url(name)
            if n == self.large_n and imp and imp.samples and not imp.error:
                self.pg.admin(f"ALTER DATABASE bench_imp RENAME TO {name}")
                self.notes.append(
                    "The large PostgreSQL database read by the scaling rows is the output of "
                    "the last measured PostgreSQL import."
                )
            else:
                self.pg.admin(f"CREATE DATABASE {name}")
                self.log(f"tracker import {path.name} into PostgreSQL …")
                secs = self.run_tracker(url, "import", str(path))
                self.setup_rows.append(
                    (f"tracker import {human_n(n)} goals (PostgreSQL)", f"{secs:.1f} s")
                )
            self.pg.admin("VACUUM ANALYZE", name)
            for bench in self.benches:
                argv = bench.tracker.argv
                if f"@pg{n}" in argv:
                    argv[argv.index(f"@pg{n}")] = url

    def run(self) -> None:
        self.prepare()
        self.define()
        self.select()
        pending = [b for b in self.benches if not b.skip]
        needs_large = self.args.postgres and any(
            b.key and b.key[0] == "postgresql" for b in pending
        )
        for bench in pending:
            needs_large |= bench.large
            for cmd in bench.commands():
                needs_large |= str(self.large_json) in cmd.argv or str(self.large_db) in cmd.argv
        if needs_large:
            self.data(self.large_n, with_tasks=False)
        self.import_bench = next((b for b in pending if b.name == "import"), None)
        try:
            if any((b.key and b.key[0] == "postgresql") or b.name == "import-pg" for b in pending):
                self.start_postgres()
            for bench in pending:
                if bench is self.import_bench or bench.samples or bench.error:
                    continue  # the import runs when the large database is first needed
                if str(self.large_db) in bench.tracker.argv:
                    self.need_large_db()
                self._run_bench(bench)
            imp = self.import_bench
            if imp and not imp.samples and not imp.error:
                self._run_bench(imp)
        finally:
            if self.pg:
                self.pg.stop()
        self.load_after = os.getloadavg()

    def need_large_db(self) -> None:
        """The large SQLite database: the output of the measured `import` row when it is
        selected (run now, at the first row that reads the database), else a setup import."""
        if self.large_db.exists():
            return
        imp = self.import_bench
        if imp and not imp.samples and not imp.error:
            self._run_bench(imp)
            if not imp.error:
                _copy_db(self.scratch / "import.db", self.large_db)
                _checkpoint(self.large_db)
                self.notes.append(
                    "The large SQLite database read by the rows above is the output of "
                    "the last measured `tracker import`."
                )
        self.ensure_large_db()

    def _run_bench(self, bench: Bench) -> None:
        if bench.prepare:
            bench.prepare()
        if bench.runs is not None:
            runs = bench.runs
        else:
            runs = self.args.heavy_runs if bench.heavy else self.args.runs
        rounds = (
            f"{runs} rounds (the first is the warm-up)"
            if bench.warmup_is_run
            else f"warm-up + {runs} rounds"
        )
        self.log(f"{bench.operation}: {rounds} × {len(bench.commands())} commands")
        bench.run(runs, self.scratch, self.log)
        self.write_partial()

    def write_partial(self) -> None:
        """The report so far, rewritten after every row: a full run takes about an hour, and one
        stopped early still leaves the figures of the rows it finished."""
        everything = self.benches
        done = [b for b in everything if b.skip or b.error or b.samples]
        self.benches = done
        try:
            text = self.markdown()
        finally:
            self.benches = everything
        title, rest = text.split("\n", 1)
        text = (
            f"{title}\n\n**Unfinished**: {len(everything) - len(done)} of {len(everything)} "
            f"rows still to run (written {datetime.now(UTC):%H:%M} UTC).\n{rest}"
        )
        self.args.out.parent.mkdir(parents=True, exist_ok=True)
        self.args.out.write_text(text, encoding="utf-8")

    # -- output --
    def machine(self) -> list[str]:
        import tracker

        task_version = subprocess.run(
            [self.task, "--version"], capture_output=True, text=True
        ).stdout.strip()
        try:
            from importlib.metadata import distribution, version

            dist = distribution("tracker")
            direct = dist.read_text("direct_url.json") or "{}"
            editable = json.loads(direct).get("dir_info", {}).get("editable", False)
            typer_version = version("typer")
        except Exception:  # noqa: BLE001
            editable, typer_version = "unknown", "unknown"
        lines = [
            f"- machine: {platform.node()}, {os.cpu_count()} CPUs "
            f"({len(os.sched_getaffinity(0))} usable), {platform.platform()}",
            f"- load average (1/5/15 min) at start {_load(self.load_before)}, at end {_load(getattr(self, 'load_after', os.getloadavg()))}",
            f"- Python {platform.python_version()} at `{sys.executable}`"
            + (" (venv)" if sys.prefix != sys.base_prefix else " (not a venv)"),
            f"- tracker {tracker.__version__} from `{Path(tracker.__file__).parent}` "
            f"({'editable install' if editable is True else 'installed copy' if editable is False else editable}), "
            f"run as `{' '.join(self.tracker_argv)}`; typer {typer_version}",
            f"- PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '(unset)')}",
            f"- Taskwarrior {task_version} (`{self.task}`), settings: "
            + ", ".join(
                f"rc.{line}" for line in TASKRC.splitlines() if line and not line.startswith("#")
            ),
            f"- SQLite {sqlite3.sqlite_version} (Python's sqlite3)",
            f"- peak RSS readings (wait4 ru_maxrss) include a floor of "
            f"{getattr(self, 'spawner_kib', 0) / 1024:.1f} MiB: the peak of bench/spawner.py, which "
            "starts every command (Linux carries a parent's high-water mark into its child's)",
        ]
        if self.pg:
            lines.append(f"- {self.pg_version} (throwaway local server, fsync off)")
        lines.append(
            f"- started {self.started:%Y-%m-%d %H:%M} UTC; runs {self.args.runs} "
            f"(heavy rows {self.args.heavy_runs}) after 1 warm-up round"
        )
        return lines

    def markdown(self) -> str:
        argv = ["python", "bench/run.py", *sys.argv[1:]]
        out = [
            f"# tracker benchmark — scale {self.args.scale} "
            f"({human_n(self.base_n)} goals / {human_n(self.base_n * 10)} events; "
            f"{human_n(self.large_n)} / {human_n(self.large_n * 10)})",
            "",
            f"Command: `{shlex.join(argv)}`",
            "",
            *self.machine(),
            "",
            "## Budgets",
            "",
            "Seconds are medians of whole-process wall times (min–max over the rounds); ratio = "
            "tracker median / peer median, measured side by side in this run; the budgets are on "
            "these wall-time ratios. RSS = the highest peak RSS over the runs (MiB). CPU = median "
            "user + system seconds of the process (from wait4): less sensitive to a busy machine "
            "than wall time, shown to judge noisy runs.",
            "",
            "| operation | tracker median s (min–max) | peer | peer median s (min–max) | ratio | budget | pass/FAIL | tracker peak RSS MiB | peer peak RSS MiB | CPU s tracker / peer (ratio) | lines out tracker/peer |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for b in self.benches:
            if b.group != "budget":
                continue
            peer = b.peer.label if b.peer else "—"
            if b.skip or b.error:
                out.append(
                    f"| {b.operation} | {b.skip or b.error} | {peer} | — | — | {b.budget_text()} | {b.verdict()} | — | — | — | — |"
                )
                continue
            ratio = b.ratio()
            lines = f"{b.lines.get(b.tracker.label, '—')}/{b.lines.get(b.peer.label, '—') if b.peer else '—'}"
            out.append(
                f"| {b.operation} | {b.cell(b.tracker)} | `{peer}` | {b.cell(b.peer)} | "
                f"{'—' if ratio is None else f'{ratio:.2f}'} | {b.budget_text()} | {b.verdict()} | "
                f"{mib(b.peak_kib(b.tracker))} | {mib(b.peak_kib(b.peer)) if b.peer else '—'} | "
                f"{b.cpu_cell()} | {lines} |"
            )
        out += [
            "",
            "## Floors (same run, measured in turn with the row they bound)",
            "",
            "| floor | median s (min–max) | CPU s | peak RSS MiB | bounds | tracker ÷ floor (wall) | tracker ÷ floor (CPU) |",
            "|---|---|---|---|---|---|---|",
        ]
        for b in self.benches:
            if b.skip or b.error:
                continue
            floors = list(b.floors)
            if b.peer and b.peer.label.startswith(("floor", "python")):
                floors.insert(0, b.peer)
            for f in floors:
                cpu_f = b.cpu_median(f)
                out.append(
                    f"| `{f.label}` | {b.cell(f)} | {cpu_f:.3f} | {mib(b.peak_kib(f))} | {b.operation} | "
                    f"{b.median(b.tracker) / b.median(f):.2f} | "
                    f"{_f(b.cpu_median(b.tracker) / cpu_f if cpu_f else None, 2)} |"
                )
        out += self.rss_section()
        out += self.scaling()
        out += ["", "## Setup (not timed in the tables)", "", "| step | result |", "|---|---|"]
        out += [f"| {step} | {result} |" for step, result in self.setup_rows]
        if self.notes:
            out += ["", "## Notes", ""] + [f"- {n}" for n in self.notes]
        return "\n".join(out) + "\n"

    def rss_section(self) -> list[str]:
        measured = [b for b in self.benches if b.rss]
        if not measured:
            return []
        rows = {(r.command, r.fmt): r for r in getattr(self, "rss_rows", [])}
        for b in measured:
            assert b.rss is not None
            command, fmt, n = b.rss
            row = rows[(command, fmt)]
            if b.error:
                row.error = b.error
            elif b.samples.get(b.tracker.label):
                kib = b.peak_kib(b.tracker)
                if n == self.base_n:
                    row.small_kib = kib
                else:
                    row.large_kib = kib
        selected = {(b.rss[0], b.rss[1]) for b in measured if b.rss}
        runs = self.args.rss_runs
        return [
            "",
            f"## Peak RSS {human_n(self.base_n)} → {human_n(self.large_n)} goals (SQLite, issue 15)",
            "",
            f"The highest wait4 ru_maxrss over {runs} run{'s' if runs > 1 else ''} of each command "
            "(the first is the checked warm-up; RSS does not depend on load), spawner floor "
            "included. Budget: each streamed command and format ≤ "
            f"{RSS_BUDGET_MIB:g} MiB at {human_n(self.large_n)} goals and ≤ {RSS_GROWTH_BUDGET:g}× "
            f"its own {human_n(self.base_n)} figure; `import` ≤ {IMPORT_RSS_BUDGET_MIB:g} MiB "
            "(JSON, and a CSV of the same goals written by `tracker export --format csv`). "
            "Terminal tables, YAML, iCalendar and PDF are exempt: figures only.",
            "",
            *rss_table(
                [r for key, r in rows.items() if key in selected], self.base_n, self.large_n
            ),
        ]

    def scaling(self) -> list[str]:
        found = {b.key: b for b in self.benches if b.key and b.samples and not b.error}
        if not found:
            return []
        b_n, l_n = self.base_n, self.large_n
        out = [
            "",
            f"## Scaling {human_n(b_n)} → {human_n(l_n)} goals (tracker only)",
            "",
            f"Time per goal = median / goals. A per-goal ratio ≤ 1 means the command scales "
            f"linearly or better; {l_n // b_n}× the goals at constant time per goal is {l_n // b_n}× the time. "
            f"Budget (issue 15): per-goal ratio ≤ {SCALING_BUDGET:g} (1, plus 5 % for wall-time "
            "noise on a shared machine).",
            "",
            f"| backend | command | {human_n(b_n)} median s | {human_n(l_n)} median s | µs/goal at {human_n(b_n)} | µs/goal at {human_n(l_n)} | per-goal ratio | budget | pass/FAIL | peak RSS MiB {human_n(b_n)} / {human_n(l_n)} |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for backend in ("sqlite", "postgresql"):
            for op in ("list", "quarterly", "report", "export"):
                small, large = found.get((backend, op, b_n)), found.get((backend, op, l_n))
                if not small and not large:
                    continue
                ts = small.median(small.tracker) if small else None
                tl = large.median(large.tracker) if large else None
                us_s = ts / b_n * 1e6 if ts else None
                us_l = tl / l_n * 1e6 if tl else None
                ratio = us_l / us_s if us_s and us_l else None
                out.append(
                    f"| {backend} | {op} | {_f(ts, 3)} | {_f(tl, 3)} | {_f(us_s, 0)} | {_f(us_l, 0)} | "
                    f"{_f(ratio, 2)} | ≤ {SCALING_BUDGET:g} | {scaling_verdict(ratio)} | "
                    f"{mib(small.peak_kib(small.tracker)) if small else '—'} / {mib(large.peak_kib(large.tracker)) if large else '—'} |"
                )
        return out

    def raw(self) -> dict[str, Any]:
        return {
            "argv": sys.argv,
            "scale": self.args.scale,
            "rows": [
                {
                    "name": b.name,
                    "operation": b.operation,
                    "skip": b.skip,
                    "error": b.error,
                    "samples": {
                        label: [(s.seconds, s.rss_kib, s.cpu) for s in samples]
                        for label, samples in b.samples.items()
                    },
                }
                for b in self.benches
            ],
        }


def _f(value: float | None, digits: int) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _rm_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _copy_db(src: Path, dst: Path) -> None:
    _rm_db(dst)
    shutil.copyfile(src, dst)
    for suffix in ("-wal",):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)


def _copy_tree(src: Path, dst: Path) -> None:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so copies are one file and every read starts alike."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def preflight() -> None:
    if not shutil.which("task"):
        print(
            "bench: Taskwarrior (`task`) is not installed; it is the peer every row is measured "
            "against.\n       apt-get install -y taskwarrior",
            file=sys.stderr,
        )
        raise SystemExit(2)
    try:
        import tracker  # noqa: F401
    except ImportError:
        print(
            f"bench: tracker is not importable from {sys.executable}.\n"
            "       Run `make bench`, or install it into this interpreter first: "
            "pip install '.[postgres]' (a non-editable install: bytecode compiled at install time)",
            file=sys.stderr,
        )
        raise SystemExit(2) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark tracker against Taskwarrior and plain-Python floors (issue 6).",
        epilog="Row names for --only: add list list-area quarterly export help scan import report "
        "import-pg rss scale-list scale-quarterly scale-report scale-export scaling pg",
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="full",
                        help="small = 1k goals/10k events (3k/30k for import, report, scaling); "
                        "full = 10k/100k and 100k/1M (default)")  # fmt: skip
    parser.add_argument(
        "--runs", type=int, default=7, help="timed rounds after 1 warm-up (default 7)"
    )
    parser.add_argument("--heavy-runs", type=int, default=3,
                        help="rounds for the rows on the large data set (default 3)")  # fmt: skip
    parser.add_argument("--rss-runs", type=int, default=1,
                        help="runs of each peak-RSS row, the checked warm-up being the first (default 1)")  # fmt: skip
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these rows")
    parser.add_argument("--postgres", action="store_true",
                        help="also measure list/quarterly/report on a throwaway local PostgreSQL")  # fmt: skip
    parser.add_argument("--out", type=Path, default=HERE / "results" / "RESULTS.md",
                        help="Markdown table (default bench/results/RESULTS.md); raw samples go next to it as .json")  # fmt: skip
    parser.add_argument(
        "--workdir", type=Path, help="generated data and databases (default bench/results/data)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.heavy_runs < 1 or args.rss_runs < 1:
        parser.error("--runs, --heavy-runs and --rss-runs must be ≥ 1")
    preflight()
    harness = Harness(args)
    harness.log(
        f"bench: measuring {' '.join(harness.tracker_argv)} with {sys.executable} "
        f"({'venv ' + sys.prefix if sys.prefix != sys.base_prefix else 'not a venv'}); "
        f"peer {harness.task}; data in {harness.work}"
    )
    global SPAWNER
    SPAWNER = Spawner()
    try:
        harness.run()
        harness.spawner_kib = SPAWNER.peak_kib()
    finally:
        SPAWNER.close()
    text = harness.markdown()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(harness.raw(), indent=1), encoding="utf-8")
    print(text)
    harness.log(f"bench: wrote {args.out}")
    failed = [b for b in harness.benches if b.error]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
