"""Regenerate `tests/data/schema_0001.db`: a small tracker database at revision 0001_initial.

    .venv/bin/python tests/data/make_schema_0001.py            # rewrites tests/data/schema_0001.db
    .venv/bin/python tests/data/make_schema_0001.py OUT.db     # writes elsewhere

test_migrations upgrades a copy of that file to the head revision and checks that every goal,
event and evidence row survives; it also runs this script and checks that it reproduces the
committed file's rows (so the file and the script cannot drift apart).

How the file is made:

1. The tracker CLI (the current code) records a few goals with events and evidence into a
   scratch SQLite database: `add` and `update` with Chinese text, deadline slips, a final
   status, field edits (the `changes` JSON), tags, notes with line breaks, repeated evidence.
2. A new SQLite file is migrated to exactly `0001_initial` (not "head"), and the scratch rows
   are copied into it, only the columns that revision 0001 has.
3. Timestamps (`recorded_at`, `created_at`, `updated_at`) become fixed values, the author is
   fixed, and the file is vacuumed and left in rollback-journal mode: one small, reproducible
   file with no -wal companion.

While the head is 0001 both schemas are the same. After later revisions the script still
produces a 0001 database, as long as the current code writes every column 0001 has.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

REVISION = "0001_initial"
HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "schema_0001.db"
TABLES = ("goal", "event", "evidence")  # in foreign-key order

# Each entry is one `tracker` command line (after `--db URL`).
COMMANDS: list[list[str]] = [
    [
        "add",
        "Complete the phase-two 6G technology trials",
        "--key",
        "6g-phase2-trials",
        "--title-original",
        "全面启动6G技术试验第二阶段",
        "--deadline",
        "2026年底",
        "--status",
        "in_progress",
        "--progress",
        "10",
        "--owner",
        "MIIT",
        "--area",
        "ICT",
        "--tag",
        "6g",
        "--tag",
        "telecom",
        "--source",
        "SCIO press conference 2026-01-21",
        "--source-url",
        "http://www.scio.gov.cn/",
        "--announced",
        "2026-01-21",
        "--quote",
        "近期已启动6G技术试验第二阶段",
        "--evidence",
        "https://www.miit.gov.cn/6g",
        "--evidence-title",
        "MIIT notice",
        "--evidence-kind",
        "official",
        "--evidence-published",
        "2026-01-20",
    ],
    [
        "add",
        "Issue the humanoid-robot standardization system guide",
        "--key",
        "humanoid-robot-standards-guide",
        "--deadline",
        "今年",
        "--owner",
        "MIIT",
        "--area",
        "Robotics",
        "--tag",
        "robots",
        "--announced",
        "2026-01-21",
        "--note",
        "Announced as new work.\nNo draft yet.",
    ],
    [
        "add",
        "Revise the SME size-classification standards",
        "--key",
        "sme-classification-standards-revision",
        "--deadline",
        "2026-06",
        "--status",
        "in_progress",
        "--area",
        "SMEs",
        "--announced",
        "2026-01-21",
    ],
    ["add", "Build future-industry pilot zones", "--deadline", "十五五", "--on", "2026-02-01"],
    [
        "update",
        "6g-phase2-trials",
        "--progress",
        "30",
        "--on",
        "2026-03-01",
        "--evidence",
        "https://www.example.com/news/6g",
        "--evidence-title",
        "Operators join the trials",
        "--evidence-kind",
        "news",
        "--note",
        "Trial networks opened",
    ],
    [
        "update",
        "6g-phase2-trials",
        "--evidence",
        "https://www.miit.gov.cn/6g",
        "--note",
        "same link again: adds no evidence",
        "--on",
        "2026-03-02",
    ],
    [
        "update",
        "humanoid-robot-standards-guide",
        "--status",
        "achieved",
        "--progress",
        "100",
        "--on",
        "2026-05-20",
        "--evidence",
        "https://www.sac.gov.cn/guide",
        "--evidence-title",
        "标准体系建设指南发布",
    ],
    [
        "update",
        "sme-classification-standards-revision",
        "--deadline",
        "2027年6月",
        "--on",
        "2026-06-15",
        "--note",
        "Pushed to mid-2027",
    ],
    [
        "update",
        "sme-classification-standards-revision",
        "--status",
        "stalled",
        "--owner",
        "MIIT SME Bureau",
        "--add-tag",
        "sme",
        "--on",
        "2026-07-01",
    ],
    ["update", "build-future-industry-pilot-zones", "--status", "dropped", "--on", "2026-08-01"],
]


def record(url: str) -> None:
    from tracker.cli.main import app

    for args in COMMANDS:
        code = app(["--db", url, *args, "--author", "fixture"], standalone_mode=False)
        if code != 0:
            raise SystemExit(f"tracker {' '.join(args)}: exit {code}")


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def build(output: Path) -> None:
    from tracker.db import connect
    from tracker.migrations import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "scratch.db"
        record(f"sqlite:///{scratch}")
        target = Path(tmp) / "schema_0001.db"
        db = connect(f"sqlite:///{target}")
        assert db is not None
        try:
            upgrade(db, REVISION)
        finally:
            db.close()
        conn = sqlite3.connect(target, isolation_level=None)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("ATTACH DATABASE ? AS scratch", (str(scratch),))
        conn.execute("BEGIN")
        for table in TABLES:
            cols = ", ".join(columns(conn, table))
            conn.execute(
                f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM scratch.{table} ORDER BY id"
            )
        conn.execute(
            "UPDATE goal SET created_at = printf('2026-01-21T09:00:%02d.000000Z', id), "
            "updated_at = printf('2026-09-01T09:00:%02d.000000Z', id)"
        )
        conn.execute(
            "UPDATE event SET recorded_at = on_date || printf('T10:00:%02d.000000Z', id), "
            "author = 'fixture'"
        )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE scratch")
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        assert version == [(REVISION,)], version
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("VACUUM")
        conn.close()
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(target.read_bytes())


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    build(output)
    conn = sqlite3.connect(output)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    conn.close()
    print(f"{output}: revision {REVISION}, " + ", ".join(f"{n} {t}" for t, n in counts.items()))


if __name__ == "__main__":
    main()
