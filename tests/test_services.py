"""The domain operations in services.py, on both backends, without the CLI."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tracker import services
from tracker.db import Database
from tracker.domain import EvidenceIn
from tracker.errors import BadInputError, ConflictError, NotFoundError
from tracker.history import Filters

D = date
TODAY = D(2026, 5, 15)  # passed as `today`: no test reads the real date


def add(db: Database, title: str = "Launch 6G trials", **kwargs: Any) -> str:
    fields = {"title": title, "announced": "2026-01-21", **kwargs.pop("fields", {})}
    return services.add_goal(db, fields=fields, today=TODAY, author="tester", **kwargs)


def update(db: Database, ref: str, on: date, **kwargs: Any) -> services.UpdateResult:
    return services.update_goal(db, ref=ref, on=on, author="tester", **kwargs)


FAR = D(2030, 1, 1)


def detail(db: Database, ref: str, as_of: date = FAR) -> dict[str, Any]:
    return services.goal_detail(db, ref=ref, as_of=as_of)


def count(db: Database, table: str) -> int:
    return int(db.scalar(f"SELECT COUNT(*) FROM {table}"))


# --- add ------------------------------------------------------------------------------------
def test_add_derives_a_key_and_records_the_initial_event(db: Database) -> None:
    key = add(db, "Publish the 6G spectrum plan", deadline_text="2026年底")
    assert key == "publish-the-6g-spectrum-plan"
    goal = detail(db, key)
    assert goal["status"] == "not_started"
    assert (goal["deadline"], goal["deadline_text"], goal["deadline_precision"]) == (
        "2026-12-31",
        "2026年底",
        "year",
    )
    assert goal["original_deadline"] == "2026-12-31"
    [event] = goal["events"]
    assert event["on"] == "2026-01-21"  # the announced date, not today
    assert event["status"] == "not_started"
    assert event["author"] == "tester"


def test_derived_keys_never_clash(db: Database) -> None:
    assert add(db, "Same title") == "same-title"
    assert add(db, "Same title") == "same-title-2"
    assert add(db, "Same title!") == "same-title-3"
    assert add(db, "中小企业数字化转型") == "goal"  # no Latin letters: a neutral key
    assert add(db, "人工智能") == "goal-2"


@pytest.mark.parametrize(
    ("on", "announced", "expected"),
    [
        (D(2026, 2, 1), "2026-01-21", "2026-02-01"),  # --on wins
        (None, "2026-01-21", "2026-01-21"),  # else the announced date
        (None, None, TODAY.isoformat()),  # else today
    ],
)
def test_initial_event_date(
    db: Database, on: date | None, announced: str | None, expected: str
) -> None:
    key = services.add_goal(db, fields={"title": "T", "announced": announced}, on=on, today=TODAY)
    assert [e["on"] for e in detail(db, key)["events"]] == [expected]


def test_add_with_everything(db: Database) -> None:
    key = add(
        db,
        "Humanoid robot standards guide",
        key="Robot-Standards",
        status=" In progress ",
        progress="30%",
        deadline_text="H1 2026",
        evidence=[
            EvidenceIn("https://www.miit.gov.cn/a", "Notice", "2026-01-20", "official document"),
            EvidenceIn("https://www.miit.gov.cn/a"),  # the same URL again: added once
        ],
        note="from the press conference",
        fields={
            "title_original": "人形机器人标准体系建设指南",
            "owner": "MIIT",
            "area": "Robotics",
            "tags": ["Robots", "standards, AI", "robots"],
            "source": "SCIO",
            "source_url": "https://www.scio.gov.cn/",
            "quote": "研究制定人形机器人标准体系",
            "description": "line one\nline two",
        },
    )
    assert key == "robot-standards"
    goal = detail(db, key)
    assert goal["status"] == "in_progress"
    assert goal["progress"] == 30
    assert goal["deadline"] == "2026-06-30"
    assert goal["deadline_precision"] == "half"
    assert goal["tags"] == ["robots", "standards", "ai"]
    assert goal["description"] == "line one\nline two"
    assert goal["evidence"] == [
        {
            "url": "https://www.miit.gov.cn/a",
            "title": "Notice",
            "published": "2026-01-20",
            "kind": "official",
        }
    ]
    assert goal["events"][0]["note"] == "from the press conference"
    assert goal["events"][0]["evidence"] == goal["evidence"]


def test_relative_deadline_counts_from_the_announcement(db: Database) -> None:
    key = add(db, deadline_text="明年", fields={"announced": "2025-03-05"})
    assert detail(db, key)["deadline"] == "2026-12-31"


def test_duplicate_key_is_a_conflict_and_changes_nothing(db: Database) -> None:
    add(db, key="six-g")
    with pytest.raises(ConflictError, match="already exists"):
        add(db, "Other", key="six-g", evidence=[EvidenceIn("https://example.org/x")])
    assert (count(db, "goal"), count(db, "event"), count(db, "evidence")) == (1, 1, 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": "done"}, "unknown status"),
        ({"progress": 101}, "outside 0–100"),
        ({"progress": "ten"}, "not a whole number"),
        ({"deadline_text": "soonish"}, "unreadable deadline"),
        ({"evidence": [EvidenceIn("javascript:alert(1)")]}, "malformed evidence URL"),
        ({"key": "Has Spaces"}, "bad key"),
        ({"key": "2026"}, "bad key"),
        ({"on": D(2026, 1, 1)}, "before the goal was announced"),
        ({"fields": {"title": " "}}, "title must not be empty"),
        ({"fields": {"announced": "2026-02-30"}}, "unreadable announced date"),
        ({"fields": {"source_url": "ftp://example.org"}}, "malformed source URL"),
        ({"note": "a\x00b"}, "control characters"),
    ],
)
def test_add_refuses_bad_input_and_writes_nothing(
    db: Database, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(BadInputError, match=message):
        add(db, **kwargs)
    assert count(db, "goal") == 0 and count(db, "event") == 0


# --- update -----------------------------------------------------------------------------------
def test_update_records_one_event_and_refreshes_the_state(db: Database) -> None:
    key = add(db, deadline_text="2026-06-30")
    result = update(
        db,
        key,
        D(2026, 3, 1),
        status="in_progress",
        progress=40,
        evidence=[EvidenceIn("https://example.org/news", "News", kind="news")],
        note="trials started",
    )
    assert result.key == key and result.evidence_added == ["https://example.org/news"]
    goal = detail(db, key)
    assert (goal["status"], goal["progress"]) == ("in_progress", 40)
    assert [e["on"] for e in goal["events"]] == ["2026-01-21", "2026-03-01"]
    assert goal["events"][1]["evidence"][0]["kind"] == "news"
    assert goal["events"][1]["note"] == "trials started"


def test_deadline_slip_keeps_the_original(db: Database) -> None:
    key = add(db, deadline_text="2026-06-30")
    update(db, key, D(2026, 6, 1), deadline_text="Q4 2026")
    goal = detail(db, key)
    assert goal["deadline"] == "2026-12-31"
    assert goal["deadline_precision"] == "quarter"
    assert goal["original_deadline"] == "2026-06-30"
    assert [e["deadline"] for e in goal["events"]] == ["2026-06-30", "2026-12-31"]
    # As of a day before the slip, the old deadline stands.
    assert detail(db, key, D(2026, 5, 1))["deadline"] == "2026-06-30"


def test_evidence_already_attached_is_not_added_twice(db: Database) -> None:
    key = add(db, evidence=[EvidenceIn("https://example.org/a")])
    result = update(
        db,
        key,
        D(2026, 2, 1),
        evidence=[EvidenceIn("https://example.org/a"), EvidenceIn("https://example.org/b")],
    )
    assert result.evidence_added == ["https://example.org/b"]
    assert [e["url"] for e in detail(db, key)["evidence"]] == [
        "https://example.org/a",
        "https://example.org/b",
    ]


def test_field_edits_are_recorded_as_changes(db: Database) -> None:
    key = add(db, fields={"owner": "MIIT", "tags": ["6g"]})
    result = update(
        db,
        key,
        D(2026, 2, 1),
        fields={"owner": "NDRC", "title": "Launch phase-two 6G trials"},
        add_tags=["trials", "6g"],
        remove_tags=["6G"],
    )
    assert result.changed_fields == ["owner", "tags", "title"]
    goal = detail(db, key)
    assert goal["owner"] == "NDRC"
    assert goal["title"] == "Launch phase-two 6G trials"
    assert goal["tags"] == ["trials"]
    changes = goal["events"][-1]["changes"]
    assert changes["owner"] == {"from": "MIIT", "to": "NDRC"}
    assert changes["tags"] == {"from": ["6g"], "to": ["trials"]}


def test_goal_is_found_by_key_or_id(db: Database) -> None:
    key = add(db)
    goal_id = services.find_goal_id(db, key)
    assert services.find_goal_id(db, str(goal_id)) == goal_id
    assert services.find_goal_id(db, f"  {key.upper()} ") == goal_id
    for ref in ("nope", "999", "", "a\x00b", "x\udcff", "9" * 40):
        with pytest.raises(NotFoundError, match="unknown goal"):
            services.find_goal_id(db, ref)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, BadInputError, "nothing to record"),
        ({"status": "finished"}, BadInputError, "unknown status"),
        ({"progress": -5}, BadInputError, "outside 0–100"),
        ({"deadline_text": "whenever"}, BadInputError, "unreadable deadline"),
        ({"evidence": [EvidenceIn("https://exa mple.org")]}, BadInputError, "malformed"),
        ({"fields": {"title": ""}}, BadInputError, "title must not be empty"),
        ({"fields": {"title": "x" * 100_000}}, BadInputError, "100,000 characters"),
        ({"fields": {"announced": "2026-03-01"}}, BadInputError, "after the goal's first"),
        ({"status": "achieved", "on": D(2025, 12, 31)}, BadInputError, "before the goal was"),
        ({"status": "achieved", "ref": "missing"}, NotFoundError, "unknown goal"),
    ],
)
def test_update_refuses_bad_input_and_changes_nothing(
    db: Database, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    key = add(db)
    before = services.export_goals(db, as_of=TODAY)
    kwargs = dict(kwargs)  # shared by both backends' runs
    ref = kwargs.pop("ref", key)
    on = kwargs.pop("on", D(2026, 2, 1))
    with pytest.raises(error, match=message):
        update(db, ref, on, **kwargs)
    assert services.export_goals(db, as_of=TODAY) == before


# --- reading ----------------------------------------------------------------------------------
@pytest.fixture
def portfolio(db: Database) -> Database:
    """Four goals with different owners, areas, tags, deadlines and histories."""
    add(
        db,
        "6G trials",
        key="six-g",
        deadline_text="2026-06-30",
        status="in_progress",
        progress=20,
        fields={"owner": "MIIT", "area": "ICT", "tags": ["6g", "telecom"]},
    )
    add(
        db,
        "SME standards",
        key="sme",
        deadline_text="2026",
        fields={"owner": "MIIT SME Bureau", "area": "SMEs", "tags": ["sme"]},
    )
    add(
        db,
        "Robot guide",
        key="robots",
        deadline_text="2026-03-31",
        fields={"owner": "SAC", "area": "Robotics", "tags": ["robots", "standards"]},
    )
    update(db, "robots", D(2026, 3, 20), status="achieved", progress=100)
    add(db, "Later goal", key="later", fields={"announced": "2026-04-01", "area": "ICT"})
    return db


def keys(goals: list[Any]) -> list[str]:
    return [g.key for g in goals]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["robots", "six-g", "sme", "later"]),
        (Filters(statuses=["in_progress"]), ["six-g"]),
        (Filters(statuses=["achieved", "not_started"]), ["robots", "sme", "later"]),
        (Filters(area="ict"), ["six-g", "later"]),
        (Filters(owner="miit"), ["six-g", "sme"]),
        (Filters(owner="SME bur"), ["sme"]),
        (Filters(tags=["standards"]), ["robots"]),
        (Filters(tags=["6g", "telecom"]), ["six-g"]),
        (Filters(tags=["6g", "sme"]), []),
        (Filters(search="GUIDE"), ["robots"]),
        (Filters(search="telecom"), ["six-g"]),  # tags are searched
        (Filters(due_before=D(2026, 7, 1)), ["robots", "six-g"]),
        (Filters(due_within=60), ["six-g"]),  # from 2026-05-15: due by 2026-07-14
        (Filters(overdue=True), []),
    ],
)
def test_list_filters(portfolio: Database, filters: Filters, expected: list[str]) -> None:
    assert keys(services.list_goals(portfolio, as_of=D(2026, 5, 15), filters=filters)) == expected


def test_overdue_follows_the_product_example(portfolio: Database) -> None:
    """Due 2026-06-30 and in progress: not overdue on its day, overdue the day after."""
    on_the_day = services.list_goals(portfolio, as_of=D(2026, 6, 30))
    assert {g.key: g.overdue for g in on_the_day}["six-g"] is False
    after = services.list_goals(portfolio, as_of=D(2026, 7, 1), filters=Filters(overdue=True))
    assert keys(after) == ["six-g"]  # robots is past due but achieved: final, never overdue


def test_goals_not_yet_announced_are_left_out(portfolio: Database) -> None:
    assert "later" not in keys(services.list_goals(portfolio, as_of=D(2026, 3, 31)))
    shown = detail(portfolio, "later", D(2026, 3, 31))
    assert shown["status"] is None and shown["overdue"] is False
    assert shown["events"][0]["on"] == "2026-04-01"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("deadline", ["robots", "six-g", "sme", "later"]),
        ("-deadline", ["later", "sme", "six-g", "robots"]),
        ("key", ["later", "robots", "six-g", "sme"]),
        ("-key", ["sme", "six-g", "robots", "later"]),
        ("progress", ["six-g", "robots", "sme", "later"]),
        ("id", ["six-g", "sme", "robots", "later"]),
    ],
)
def test_list_sorts(portfolio: Database, sort: str, expected: list[str]) -> None:
    assert keys(services.list_goals(portfolio, as_of=D(2026, 5, 15), sort=sort)) == expected


def test_state_as_of_follows_the_history(portfolio: Database) -> None:
    states = {
        day: {g.key: (g.status, g.progress) for g in services.list_goals(portfolio, as_of=day)}
        for day in (D(2026, 3, 19), D(2026, 3, 20))
    }
    assert states[D(2026, 3, 19)]["robots"] == ("not_started", None)
    assert states[D(2026, 3, 20)]["robots"] == ("achieved", 100)


def test_export_is_the_interchange_document(portfolio: Database) -> None:
    goals = services.export_goals(portfolio, as_of=D(2026, 7, 1))
    assert [g["key"] for g in goals] == ["six-g", "sme", "robots", "later"]  # by id
    required = {
        "id",
        "key",
        "title",
        "status",
        "deadline",
        "deadline_text",
        "owner",
        "area",
        "tags",
        "progress",
        "announced",
        "overdue",
        "events",
        "evidence",
    }
    for goal in goals:
        assert required <= set(goal)
        for event in goal["events"]:
            assert {"on", "status", "progress", "note", "evidence"} <= set(event)
    by_key = {g["key"]: g for g in goals}
    assert by_key["six-g"]["overdue"] is True  # as of 2026-07-01
    assert by_key["robots"]["status"] == "achieved"
    assert [e["status"] for e in by_key["robots"]["events"]] == ["not_started", "achieved"]


def test_export_filters(portfolio: Database) -> None:
    goals = services.export_goals(portfolio, as_of=TODAY, filters=Filters(area="ICT"))
    assert [g["key"] for g in goals] == ["six-g", "later"]
