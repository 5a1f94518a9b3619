"""`tracker report --format pdf`: the HTML report on A4 through WeasyPrint (the pdf extra),
read back with poppler's pdftotext/pdfinfo.

Without WeasyPrint (or its Pango libraries), poppler-utils or a CJK font these tests skip
locally with the reason; under CI (CI=true) they fail instead (.ci/run installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURE, Invoke
from tests.helpers import assert_one_line_error, ok

AS_OF = "2026-06-30"
CJK_TITLE = "启动第二阶段6G技术试验"  # title_original of 6g-phase2-trials in the fixture
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

# The report's content is tested on both backends in test_report.py; laying it out as a PDF
# does not depend on the backend, and takes seconds: SQLite only.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PDF tests cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def pdf_tools() -> None:
    from tracker.errors import TrackerError
    from tracker.render.report_pdf import load_weasyprint

    try:
        load_weasyprint()
    except TrackerError as exc:
        _unavailable(str(exc))
    for tool in ("pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            _unavailable(f"{tool} not found (apt-get install -y poppler-utils)")
    if not CJK_FONT.exists():
        _unavailable("no CJK font (apt-get install -y fonts-noto-cjk)")


def text_of(pdf: Path, *pages: int) -> str:
    span = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    run = subprocess.run(
        ["pdftotext", "-layout", *span, str(pdf), "-"], capture_output=True, check=True
    )
    return run.stdout.decode("utf-8")


def info(pdf: Path) -> dict[str, str]:
    run = subprocess.run(["pdfinfo", "-isodates", str(pdf)], capture_output=True, check=True)
    pairs = (line.split(":", 1) for line in run.stdout.decode().splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def demo_history(cli: Invoke) -> None:
    """The fixture plus scripts/demo.sh's updates: one goal achieved, one with evidence."""
    ok(cli("import", str(FIXTURE)))
    ok(
        cli(
            "update", "6g-phase2-trials", "--status", "in_progress", "--progress", "30",
            "--on", "2026-03-01", "--evidence", "https://www.miit.gov.cn/",
        )
    )  # fmt: skip
    ok(
        cli(
            "update", "humanoid-robot-standards-guide", "--status", "achieved",
            "--on", "2026-05-20",
        )
    )  # fmt: skip


def test_pdf_report_reads_back(cli: Invoke, pdf_tools: None, tmp_path: Path) -> None:
    demo_history(cli)
    target = tmp_path / "r.pdf"
    result = ok(cli("report", "--as-of", AS_OF, "--format", "pdf", "-o", str(target)))
    assert result.stdout == ""
    assert result.stderr.endswith(f"report as of {AS_OF} written to {target}\n")
    assert target.read_bytes().startswith(b"%PDF-")
    meta = info(target)
    pages = int(meta["Pages"])
    assert pages >= 2
    assert meta["Page size"].startswith("595.276 x 841.89")  # A4
    assert meta["Title"] == f"Progress report as of {AS_OF}"
    assert meta["CreationDate"].startswith("2026-06-30")  # the as-of date, not the clock
    first = text_of(target, 1)
    assert f"Progress report as of {AS_OF}" in first
    assert "29 goals" in first
    # The totals table: status, count on the previous quarter's end, on the as-of date, change.
    rows = {
        " ".join(line.split()[:-3]): line.split()[-3:]
        for line in first.splitlines()
        if line.strip()
    }
    assert rows["achieved"] == ["0", "1", "+1"]
    assert rows["total"] == ["29", "29", "0"]
    # The chart is drawn: its axis and bar labels are text on the page.
    chart = first[first.index("Status by quarter") :]
    assert "2026Q1" in chart and "2026Q2" in chart
    whole = text_of(target)
    assert CJK_TITLE in whole  # Chinese text is laid out in a CJK font, not as empty boxes
    # The margins of every page: title, as-of date, page numbers.
    for n in range(1, pages + 1):
        page = text_of(target, n)
        assert "Progress report" in page and f"as of {AS_OF}" in page
        assert f"Page {n} of {pages}" in page


def test_same_database_and_date_same_bytes(cli: Invoke, pdf_tools: None) -> None:
    demo_history(cli)
    first = ok(cli("report", "--as-of", AS_OF, "--format", "pdf")).stdout_bytes
    again = ok(cli("report", "--as-of", AS_OF, "--format", "pdf")).stdout_bytes
    assert first.startswith(b"%PDF-") and first == again
    later = ok(cli("report", "--as-of", "2026-07-01", "--format", "pdf")).stdout_bytes
    assert later != first


def test_filters_apply(cli: Invoke, pdf_tools: None, tmp_path: Path) -> None:
    demo_history(cli)
    target = tmp_path / "robotics.pdf"
    ok(cli("report", "--as-of", AS_OF, "-f", "pdf", "--area", "Robotics", "-o", str(target)))
    text = text_of(target)
    assert "4 goals" in text and "All goals (4)" in text
    assert "Issue the humanoid robot" in text
    assert "6g-phase2-trials" not in text and CJK_TITLE not in text


def test_refused_to_a_terminal(loaded: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.cli import common

    monkeypatch.setattr(common, "stdout_is_tty", lambda: True)
    result = loaded("report", "--as-of", AS_OF, "--format", "pdf")
    assert_one_line_error(result, 2, "binary", "--output")
    assert result.stdout == ""


def test_without_weasyprint_one_line_and_exit_1(
    loaded: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    target = tmp_path / "r.pdf"
    result = loaded("report", "--as-of", AS_OF, "--format", "pdf", "-o", str(target))
    assert_one_line_error(result, 1, "pip install 'tracker[pdf]'")
    assert not target.exists()
    # The other formats do not need it.
    ok(loaded("report", "--as-of", AS_OF, "--format", "html"))


def test_as_a_real_process(tracker_proc: Any, db_url: str, pdf_tools: None, tmp_path: Path) -> None:
    ok(tracker_proc("import", str(FIXTURE)))
    target = tmp_path / "r.pdf"
    done = ok(tracker_proc("report", "--as-of", AS_OF, "-f", "pdf", "-o", str(target)))
    assert done.stdout == ""
    assert CJK_TITLE in text_of(target)
    piped = subprocess.run(
        [sys.executable, "-m", "tracker", "report", "--as-of", AS_OF, "-f", "pdf"],
        capture_output=True,
        env={**os.environ, "TRACKER_DB": db_url},
        timeout=120,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == target.read_bytes()  # stdout not a terminal: the same PDF
