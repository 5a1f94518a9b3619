"""Where one tracker command's time goes: import time per package, then a function profile.

    python bench/profile.py --db bench/results/data/full/base.db -- list --as-of 2026-06-30
    python bench/profile.py --db DB --repeat 9 --pyinstrument -- quarterly --year 2026 --as-of 2026-12-31

- Imports: `-X importtime`, run --repeat times; each module's *minimum* over the runs (a busy
  machine inflates single samples), cumulative time of the biggest top-level imports.
- Function profile: cProfile over one run with a CPU-time clock (sorted by cumulative and by
  own time), and the pyinstrument tree (wall clock) when --pyinstrument is given and pyinstrument is installed.
- Total: min and median wall time of the command as a whole process over --repeat runs.

It uses the interpreter that runs it, like run.py. Nothing here is a pass/fail check.
"""

from __future__ import annotations

import argparse
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# cProfile with a CPU-time clock: on a busy machine wall-clock profiles mostly measure waiting.
CPROFILE = """
import cProfile, os, runpy, sys, time
out, sys.argv = sys.argv[1], ["tracker", *sys.argv[2:]]
sys.stdout = open(os.devnull, "w")
prof = cProfile.Profile(time.process_time)
try:
    prof.runcall(runpy.run_module, "tracker", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
prof.dump_stats(out)
"""


def importtimes(
    argv: list[str], env: dict[str, str], repeat: int
) -> dict[str, tuple[int, int, int]]:
    """module → (min self µs, min cumulative µs, depth) over `repeat` runs."""
    best: dict[str, tuple[int, int, int]] = {}
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "tracker", *argv],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            parts = line.split("|")
            self_us = int(parts[0].split(":")[1])
            cum_us = int(parts[1])
            raw = parts[2].rstrip()
            depth = (len(raw) - len(raw.lstrip(" "))) // 2
            module = raw.strip()
            old = best.get(module)
            best[module] = (
                (self_us, cum_us, depth)
                if old is None
                else (min(old[0], self_us), min(old[1], cum_us), depth)
            )
    return best


def wall(argv: list[str], env: dict[str, str], repeat: int) -> list[float]:
    exe = Path(sys.executable).parent / "tracker"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "tracker"]
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([*cmd, *argv], env=env, stdout=subprocess.DEVNULL, check=True)
        out.append(time.perf_counter() - started)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the tracker command")
    args = parser.parse_args()
    command = [a for a in args.command if a != "--"] if args.command[:1] == ["--"] else args.command
    argv = ["--db", args.db, *command]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "TRACKER_AUTHOR": "bench"}

    times = wall(argv, env, args.repeat)
    print(f"## tracker {' '.join(command)}\n")
    print(
        f"wall: min {min(times):.3f} s, median {statistics.median(times):.3f} s "
        f"over {args.repeat} runs ({sys.executable})\n"
    )

    best = importtimes(argv, env, args.repeat)
    total = sum(s for s, _, _ in best.values())
    print(
        f"### imports (min over {args.repeat} runs): {total / 1e6:.3f} s in {len(best)} modules\n"
    )
    print("| module (depth ≤ 2) | cumulative ms | self ms |\n|---|---|---|")
    shown = sorted(
        ((m, v) for m, v in best.items() if v[2] <= 2 and v[1] >= 5000), key=lambda kv: -kv[1][1]
    )
    for module, (self_us, cum_us, depth) in shown[: args.top]:
        print(f"| {'  ' * depth}{module} | {cum_us / 1000:.1f} | {self_us / 1000:.1f} |")
    by_package: dict[str, int] = {}
    for module, (self_us, _, _) in best.items():
        top = module.split(".")[0]
        by_package[top] = by_package.get(top, 0) + self_us
    print("\n| package (sum of self times) | ms |\n|---|---|")
    for top, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:15]:
        print(f"| {top} | {us / 1000:.1f} |")

    with tempfile.TemporaryDirectory() as tmp:
        prof = Path(tmp) / "out.prof"
        subprocess.run([sys.executable, "-c", CPROFILE, str(prof), *argv], env=env, check=True)
        for order in ("cumulative", "tottime"):
            print(f"\n### cProfile (CPU time), one run, by {order}\n\n```")
            sys.stdout.flush()
            stats = pstats.Stats(str(prof), stream=sys.stdout)
            stats.sort_stats(order).print_stats(args.top)
            print("```")
    if args.pyinstrument:
        try:
            import pyinstrument  # noqa: F401
        except ImportError:
            print("\n(pyinstrument is not installed in this interpreter: pip install pyinstrument)")
            return 0
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "pyinstrument.txt"
            subprocess.run(
                [sys.executable, "-m", "pyinstrument", "-r", "text", "--show-all", "-o", str(report),
                 "-m", "tracker", *argv],
                env=env,
                stdout=subprocess.DEVNULL,
                check=True,
            )  # fmt: skip
            print("\n### pyinstrument, one run\n\n```\n" + report.read_text() + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
