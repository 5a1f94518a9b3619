"""`tracker scan` measured against the labelled follow-up documents (tests/data/scan/).

The figures are printed (run with -s) and reproduced by `python -m tracker.scan_eval -v`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FIXTURE, ROOT

LABELS = ROOT / "tests" / "data" / "scan" / "labels.yaml"
AIM = 0.90


@pytest.fixture(scope="module")
def figures() -> object:
    from tracker.scan_eval import evaluate

    if not LABELS.exists():
        pytest.fail(f"{LABELS} is missing: the labelled set is part of the repository")
    result = evaluate(LABELS, fixture=FIXTURE, root=ROOT)
    print("\n" + result.summary())
    return result


def test_the_set_is_large_enough(figures: object) -> None:
    assert figures.documents >= 30  # type: ignore[attr-defined]
    assert figures.labelled >= 20  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "figure", ["precision", "recall", "signal_accuracy", "date_accuracy", "url_accuracy"]
)
def test_figure_meets_the_aim(figures: object, figure: str) -> None:
    value = getattr(figures, figure)
    problems = "\n".join(figures.problems)  # type: ignore[attr-defined]
    assert value >= AIM, f"{figure} {value:.3f} < {AIM}\n{problems}"


# Words the fixture's goals share with everyday news: any one of them alone names no goal.
SHARED_WORDS = [
    "6G", "5G-A", "人形机器人", "具身智能", "中小企业", "专精特新", "人工智能", "标准", "算力",
    "光通信", "量子信息", "物联网", "未来产业", "新兴产业", "智能工厂", "开源", "投资基金",
    "检验检测", "示范基地", "训练芯片", "万兆", "Humanoid robots", "SMEs", "6G networks",
]  # fmt: skip


@pytest.mark.parametrize("word", SHARED_WORDS)
def test_no_match_on_one_shared_word(tmp_path: Path, word: str) -> None:
    from tracker import importing
    from tracker.migrations import open_database
    from tracker.reading.files import from_bytes
    from tracker.scan import scan_documents

    db = open_database(f"sqlite:///{tmp_path / 'w.db'}")
    assert db is not None
    try:
        importing.import_file(db, FIXTURE, today=date(2026, 1, 21))
        zh = f"2026年3月2日\n本报讯 {word}相关展会今天在深圳开幕，吸引了大批观众，展期三天。"
        en = f"March 2, 2026\nA trade fair on {word} opened in Shenzhen today and runs three days."
        for text in (zh, en):
            doc = from_bytes(text.encode("utf-8"), name="fair.txt")
            proposals = scan_documents(db=db, documents=[doc]).proposals
            assert [p.key for p in proposals] == [], text
    finally:
        db.close()
