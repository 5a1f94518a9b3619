"""A goal's distinctive name framed by its own title words (tracker.reading.match).

6G is in two goals' texts: alone it names neither (a 5G count, a handset outlook), but with
two more pieces of one goal's title in the same sentence (培育…产业, cultivate…industry) it
names that goal — and only that one, not the goal whose title frames 6G otherwise (trials).
The documents in tests/data/scan/extra/ probe the rule from both sides through `tracker scan`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURE, ROOT

EXTRA = ROOT / "tests" / "data" / "scan" / "extra" / "labels.yaml"


@pytest.fixture(scope="module")
def matcher() -> object:
    from tracker.reading.match import Matcher

    goals = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["goals"]
    return Matcher(goals), [g["key"] for g in goals]


def _keys(matcher: object, sentence: str, *, framed: bool) -> list[str]:
    from tracker.reading.chinese import fold
    from tracker.reading.match import terms

    m, keys = matcher  # type: ignore[misc]
    found = m.match(terms(fold(sentence)), min_score=0.22, framed=framed)
    return [keys[x.goal] for x in found]


@pytest.mark.parametrize(
    "sentence",
    [
        "报告提出，培育发展量子科技、具身智能、6G等未来产业。",
        "The report names 6G among the future industries the country will cultivate.",
    ],
)
def test_a_framed_name_matches_the_goal_whose_title_frames_it(
    matcher: object, sentence: str
) -> None:
    assert _keys(matcher, sentence, framed=True) == ["6g-application-ecosystem"]
    assert _keys(matcher, sentence, framed=False) == []  # the rule is what finds it


@pytest.mark.parametrize(
    "sentence",
    [
        "6G终端产业链仍处早期，商用手机要到2030年前后才会面世。",  # the name and one piece
        "Analysts say the 6G industry is years away from volume sales.",
        "5G基站总数达到480万个，5G用户普及率持续提高。",  # no name of the goal at all
        "这家企业今年将培育一批技术工人，并开放工厂供市民参观。",  # title words, no name (领航)
        "6G相关展会今天在深圳开幕。",
    ],
)
def test_the_name_without_its_frame_or_the_frame_without_the_name_is_no_match(
    matcher: object, sentence: str
) -> None:
    assert _keys(matcher, sentence, framed=True) == []


def test_the_extra_documents_propose_exactly_their_labels() -> None:
    from tracker.scan_eval import evaluate

    result = evaluate(EXTRA, fixture=FIXTURE, root=ROOT)
    assert result.documents == 6
    assert result.labelled == 3
    assert (result.precision, result.recall) == (1.0, 1.0), result.problems
    assert result.signal_accuracy == 1.0, result.problems
    assert result.status_accuracy == 1.0, result.problems


def test_extra_labels_name_existing_files() -> None:
    spec = yaml.safe_load(EXTRA.read_text(encoding="utf-8"))
    for item in spec["documents"]:
        assert Path(ROOT / item["file"]).is_file(), item["file"]
