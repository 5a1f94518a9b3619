"""The benchmark's throwaway PostgreSQL: the test suite's server (tests/pg.py) plus what the
harness needs on top — the server version for the results, per-database URLs, admin SQL."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.pg import Server as _TestServer  # noqa: E402
from tests.pg import find_bin_dir  # noqa: E402

__all__ = ["Server", "find_bin_dir"]


class Server(_TestServer):
    def version(self) -> str:
        return self._run("postgres", "--version").strip()

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://tracker@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str, dbname: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            f"postgresql://tracker@127.0.0.1:{self.port}/{dbname}", autocommit=True
        ) as conn:
            conn.execute(sql)
