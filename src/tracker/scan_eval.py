"""Measure `tracker scan` against a labelled set (tests/data/scan/labels.yaml).

    python -m tracker.scan_eval [LABELS] [--fixture FILE] [-v]

A fresh SQLite database in a temporary directory gets the fixture imported as is; each
labelled document is scanned alone. Figures:
- pair precision: proposed (document, goal) pairs that are labelled;
- pair recall: labelled pairs that are proposed;
- signal accuracy: labelled pairs proposed with the labelled signal (over the pairs found);
- status accuracy, deadline accuracy: likewise for the proposed status and new deadline;
- date accuracy: documents whose publication date scan found is the labelled one;
- URL accuracy: documents whose URL scan found is the labelled one;
- evidence kind accuracy: proposals with a link whose kind (official, news, data) is labelled.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass
class Figures:
    documents: int = 0
    proposed: int = 0
    labelled: int = 0
    right_pairs: int = 0
    right_signals: int = 0
    right_statuses: int = 0
    right_deadlines: int = 0
    right_dates: int = 0
    right_urls: int = 0
    kinds: int = 0  # proposals with an evidence link
    right_kinds: int = 0
    problems: list[str] = field(default_factory=list)

    @staticmethod
    def _ratio(n: int, d: int) -> float:
        return n / d if d else 1.0

    @property
    def precision(self) -> float:
        return self._ratio(self.right_pairs, self.proposed)

    @property
    def recall(self) -> float:
        return self._ratio(self.right_pairs, self.labelled)

    @property
    def signal_accuracy(self) -> float:
        return self._ratio(self.right_signals, self.right_pairs)

    @property
    def status_accuracy(self) -> float:
        return self._ratio(self.right_statuses, self.right_pairs)

    @property
    def deadline_accuracy(self) -> float:
        return self._ratio(self.right_deadlines, self.right_pairs)

    @property
    def date_accuracy(self) -> float:
        return self._ratio(self.right_dates, self.documents)

    @property
    def url_accuracy(self) -> float:
        return self._ratio(self.right_urls, self.documents)

    @property
    def kind_accuracy(self) -> float:
        return self._ratio(self.right_kinds, self.kinds)

    def summary(self) -> str:
        return (
            f"documents {self.documents}, labelled pairs {self.labelled}, proposed {self.proposed}"
            f"\npair precision {self.precision:.3f} ({self.right_pairs}/{self.proposed})"
            f"\npair recall {self.recall:.3f} ({self.right_pairs}/{self.labelled})"
            f"\nsignal accuracy {self.signal_accuracy:.3f} ({self.right_signals}/{self.right_pairs})"
            f"\nstatus accuracy {self.status_accuracy:.3f} ({self.right_statuses}/{self.right_pairs})"
            f"\ndeadline accuracy {self.deadline_accuracy:.3f}"
            f" ({self.right_deadlines}/{self.right_pairs})"
            f"\ndate accuracy {self.date_accuracy:.3f} ({self.right_dates}/{self.documents})"
            f"\nURL accuracy {self.url_accuracy:.3f} ({self.right_urls}/{self.documents})"
            f"\nevidence kind accuracy {self.kind_accuracy:.3f} ({self.right_kinds}/{self.kinds})"
        )


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def evaluate(labels: Path, *, fixture: Path, root: Path) -> Figures:
    """Scan every labelled document on a fresh database holding `fixture`; paths in the
    labels are relative to `root`."""
    import yaml

    from tracker import importing
    from tracker.migrations import open_database
    from tracker.reading import read_paths
    from tracker.scan import scan_documents

    spec = yaml.safe_load(labels.read_text(encoding="utf-8"))
    figures = Figures()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{tmp}/eval.db")
        assert db is not None
        try:
            importing.import_file(db, fixture, today=date(2026, 1, 21), author="scan_eval")
            for item in spec["documents"]:
                _one(item, db=db, root=root, figures=figures, read=read_paths, scan=scan_documents)
        finally:
            db.close()
    return figures


def _one(
    item: dict[str, Any], *, db: Any, root: Path, figures: Figures, read: Any, scan: Any
) -> None:
    path = str(root / item["file"])
    figures.documents += 1
    (doc,) = read([path])
    if _iso(doc.published) == _iso(item.get("published")):
        figures.right_dates += 1
    else:
        figures.problems.append(f"{item['file']}: date {doc.published} != {item.get('published')}")
    if doc.url == item.get("url"):
        figures.right_urls += 1
    else:
        figures.problems.append(f"{item['file']}: url {doc.url} != {item.get('url')}")
    if doc.published is None:  # scan would refuse it; count its pairs as missed
        figures.labelled += len(item.get("pairs") or [])
        return
    proposals = {p.key: p for p in scan(db=db, documents=[doc]).proposals}
    gold = {pair["key"]: pair for pair in item.get("pairs") or []}
    figures.proposed += len(proposals)
    figures.labelled += len(gold)
    for key, p in proposals.items():
        if p.evidence is not None and item.get("kind"):
            figures.kinds += 1
            if p.evidence["kind"] == item["kind"]:
                figures.right_kinds += 1
            else:
                figures.problems.append(
                    f"{item['file']}: kind {p.evidence['kind']} != {item['kind']}"
                )
        if key not in gold:
            figures.problems.append(f"{item['file']}: extra {key} ({p.signal}): {p.quote[:80]}")
            continue
        want = gold[key]
        figures.right_pairs += 1
        if p.signal == want["signal"]:
            figures.right_signals += 1
        else:
            figures.problems.append(
                f"{item['file']}: {key} signal {p.signal} != {want['signal']}: {p.quote[:80]}"
            )
        if p.status == want.get("status"):
            figures.right_statuses += 1
        else:
            figures.problems.append(
                f"{item['file']}: {key} status {p.status} != {want.get('status')}"
            )
        if _iso(p.deadline) == _iso(want.get("deadline")):
            figures.right_deadlines += 1
        else:
            figures.problems.append(
                f"{item['file']}: {key} deadline {p.deadline} != {want.get('deadline')}"
            )
    for key in gold.keys() - proposals.keys():
        figures.problems.append(f"{item['file']}: missed {key} ({gold[key]['signal']})")


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(prog="python -m tracker.scan_eval", description=__doc__)
    parser.add_argument("labels", nargs="?", default=str(root / "tests/data/scan/labels.yaml"))
    parser.add_argument("--fixture", default=str(root / "fixtures/miit-2026-01-21.yaml"))
    parser.add_argument("--root", default=str(root), help="where the labels' paths start")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every mismatch")
    args = parser.parse_args(argv)
    figures = evaluate(Path(args.labels), fixture=Path(args.fixture), root=Path(args.root))
    print(figures.summary())
    if args.verbose:
        for line in figures.problems:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
