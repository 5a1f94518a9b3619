"""The benchmark's verdicts and tables (bench/run.py): what decides pass or FAIL for issue 15's
peak-RSS and scaling budgets, without running any command."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import run as bench_run  # noqa: E402

MIB = 1024  # KiB


def verdict(small_mib: float | None, large_mib: float | None, **kwargs: object) -> str:
    options: dict[str, object] = {"cap_mib": 150.0, "growth": 1.5}
    options.update(kwargs)
    return bench_run.rss_verdict(
        None if small_mib is None else int(small_mib * MIB),
        None if large_mib is None else int(large_mib * MIB),
        **options,  # type: ignore[arg-type]
    )


def test_rss_within_both_budgets_passes() -> None:
    assert verdict(60, 89) == "pass"
    assert verdict(100, 150) == "pass"  # both limits are inclusive


def test_rss_over_the_ceiling_fails_even_when_flat() -> None:
    assert verdict(149, 151) == "**FAIL** (RSS)"


def test_rss_growth_beyond_the_factor_fails_under_the_ceiling() -> None:
    assert verdict(40, 61) == "**FAIL** (growth)"


def test_rss_over_both_names_both() -> None:
    assert verdict(198, 1523) == "**FAIL** (RSS, growth)"


def test_a_missing_figure_is_not_a_pass() -> None:
    assert verdict(60, None) == "**FAIL** (RSS, growth)"
    assert verdict(None, 100) == "**FAIL** (growth)"


def test_import_has_a_ceiling_and_no_growth_budget() -> None:
    assert verdict(120, 390, cap_mib=400.0, growth=None) == "pass"
    assert verdict(283, 2499, cap_mib=400.0, growth=None) == "**FAIL** (RSS)"


def test_exempt_skipped_and_errors_are_not_judged() -> None:
    assert verdict(59, 257, exempt=True) == "exempt"
    assert verdict(None, None, skip="no weasyprint") == "skipped"
    assert verdict(None, None, error="exited 1") == "**ERROR**"


def test_rss_table_lines() -> None:
    rows = [
        bench_run.RssRow("list", "json", small_kib=79 * MIB, large_kib=462 * MIB),
        bench_run.RssRow("list", "table", small_kib=59 * MIB, large_kib=257 * MIB, exempt="terminal table"),
        bench_run.RssRow("import", "csv", small_kib=120 * MIB, large_kib=300 * MIB, cap_mib=400.0, growth=None),
        bench_run.RssRow("report", "pdf", exempt="PDF", skip="weasyprint is not importable"),
    ]  # fmt: skip
    lines = bench_run.rss_table(rows, 10_000, 100_000)
    assert lines[0] == "| command | format | 10k MiB | 100k MiB | 100k ÷ 10k | budget | pass/FAIL |"
    assert lines[2] == (
        "| list | json | 79 | 462 | 5.85 | ≤ 150 MiB and ≤ 1.5× the small size | **FAIL** (RSS, growth) |"
    )
    assert lines[3] == "| list | table | 59 | 257 | 4.36 | exempt (terminal table) | exempt |"
    assert lines[4] == "| import | csv | 120 | 300 | 2.50 | ≤ 400 MiB | pass |"
    assert lines[5] == (
        "| report | pdf | — | — | — | exempt (PDF) | skipped: weasyprint is not importable |"
    )
    assert len(lines) == 6


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [(0.62, "pass"), (1.0, "pass"), (1.05, "pass"), (1.06, "**FAIL**"), (None, "—")],
)
def test_scaling_verdict(ratio: float | None, expected: str) -> None:
    assert bench_run.scaling_verdict(ratio) == expected


def test_scaling_verdict_strict_budget() -> None:
    assert bench_run.scaling_verdict(1.01, budget=1.0) == "**FAIL**"


def _fake_spawn(outputs: dict[str, bytes]) -> object:
    def spawn(cmd: bench_run.Cmd, stdout: str = "/dev/null", stderr: str = "/dev/null") -> object:
        if stdout != "/dev/null":
            Path(stdout).write_bytes(outputs[cmd.label])
            Path(stderr).write_bytes(b"")
        return bench_run.Sample(seconds=0.1, rss_kib=1024, code=0, cpu=0.1)

    return spawn


@pytest.mark.parametrize(("floor_bytes", "fails"), [(b"doc\n", False), (b"doc \n", True)])
def test_a_same_output_floor_must_write_the_trackers_bytes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, floor_bytes: bytes, fails: bool
) -> None:
    """The export floor is only a floor if it does the same work: its warm-up output is
    compared with tracker's, byte for byte, and a difference fails the row before timing."""
    outputs = {"tracker": b"doc\n", "floor": floor_bytes, "loose": b"other\n"}
    monkeypatch.setattr(bench_run, "spawn", _fake_spawn(outputs))
    floor = bench_run.Cmd("floor", ["true"], {}, same_output=True)
    loose = bench_run.Cmd("loose", ["true"], {})  # not checked: a different document
    row = bench_run.Bench("export", "export", bench_run.Cmd("tracker", ["true"], {}))
    row.floors = [floor, loose]
    row.run(2, tmp_path, lambda _: None)
    if fails:
        assert row.error == "`floor` wrote other bytes than `tracker`"
        assert not row.samples
    else:
        assert row.error is None
        assert [len(row.times(c)) for c in row.commands()] == [2, 2, 2]
