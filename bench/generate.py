"""Deterministic synthetic data for the benchmark: a tracker import file and a Taskwarrior one.

    python bench/generate.py --goals 10000 --out bench/results/data/g10k.json \
        --taskwarrior bench/results/data/t10k.json

Both files describe the same items: every goal becomes one Taskwarrior task (description =
title, project = area, due = current deadline, tags, entry = announced date) and every event
becomes one annotation dated on the event's day, so both tools hold the same history.

- Seeded (`--seed`, default 6): the same arguments give byte-identical files.
- Areas: 20 values without spaces (they are Taskwarrior projects). `FILTER_AREA` holds exactly
  50 goals at every size, so `list --area Hydrogen` / `task project:Hydrogen list` pick 50.
- 10 events per goal on 10 distinct days: the first on the announcement date (2025) with the
  initial status, deadline and evidence, the rest spread over 2025-2027 (status changes,
  progress, deadline slips, evidence URLs, notes).
- Written as a stream (one goal at a time), so 100k goals / 1M events need little memory.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

EVENTS_PER_GOAL = 10
FILTER_AREA = "Hydrogen"
FILTER_AREA_GOALS = 50
AREAS = (
    "ICT",
    "SMEs",
    "Robotics",
    "AI",
    "Manufacturing",
    "Semiconductors",
    "Telecom",
    "Energy",
    "Microgrid",
    "Standards",
    "Automotive",
    "Materials",
    "Biotech",
    "Aerospace",
    "Cybersecurity",
    "DataEconomy",
    "Textiles",
    "Shipbuilding",
    "Pharma",
)
assert len(AREAS) == 19 and FILTER_AREA not in AREAS  # plus FILTER_AREA: 20 areas
OWNERS = (
    "MIIT",
    "NDRC",
    "MOST",
    "MOF",
    "SAMR",
    "NEA",
    "CAC",
    "MOFCOM",
    "工业和信息化部",
    "国家发展和改革委员会",
    "科学技术部",
    "国家标准化管理委员会",
)
TAGS = (
    "6g",
    "5g",
    "sme",
    "standards",
    "pilot",
    "ai",
    "robots",
    "green",
    "hydrogen",
    "microgrid",
    "arrears",
    "platform",
    "smartfactory",
    "futureindustry",
    "gigabit",
    "chips",
    "data",
    "finance",
    "export",
    "talent",
    "safety",
    "rural",
    "cloud",
    "satellite",
    "battery",
    "ev",
    "quantum",
    "biomed",
    "textile",
    "ship",
)
EN_VERBS = (
    "Publish",
    "Launch",
    "Complete",
    "Build",
    "Issue",
    "Pilot",
    "Revise",
    "Expand",
    "Set up",
)
EN_OBJECTS = (
    "phase-two 6G technology trials",
    "SME classification standards",
    "arrears-clearing mechanism for SMEs",
    "SME enablement centres",
    "national SME public-service demonstration platforms",
    "dual 10-gigabit city networks",
    "leading smart factories",
    "future-industry pilot zones",
    "AI+manufacturing action plan",
    "green microgrid standards",
    "hydrogen energy standards",
    "humanoid-robot standardization system guide",
    "industrial internet platforms",
    "computing-power network hubs",
    "new-energy vehicle charging networks",
    "specialised and sophisticated SME programme",
)
EN_WHERE = (
    "nationwide",
    "in 10 provinces",
    "in the Yangtze River Delta",
    "in the Greater Bay Area",
    "in central and western regions",
    "for key industries",
    "",
)
ZH_VERBS = ("发布", "启动", "完成", "建设", "出台", "试点", "修订", "推广")
ZH_OBJECTS = (
    "6G第二阶段技术试验",
    "中小企业划型标准",
    "清理拖欠企业账款长效机制",
    "中小企业数字化赋能中心",
    "首批国家中小企业公共服务示范平台",
    "双千兆城市网络",
    "卓越级智能工厂",
    "未来产业先导区",
    "人工智能+制造行动方案",
    "绿色微电网标准",
    "氢能标准体系",
    "人形机器人与具身智能标准体系建设指南",
    "工业互联网平台",
    "算力网络枢纽",
)
ZH_WHERE = ("", "（全国）", "（长三角）", "（粤港澳大湾区）", "（中西部地区）")
NOTES = (
    "Progress reported at the quarterly press conference",
    "Draft circulated for comment",
    "Funding confirmed in the annual budget",
    "Delayed by coordination between ministries",
    "新闻发布会通报进展",
    "征求意见稿已发布",
    "地方配套政策陆续出台",
    "",
)
HOSTS = ("www.miit.gov.cn", "www.gov.cn", "www.ndrc.gov.cn", "www.scio.gov.cn", "news.cn")
KINDS = ("official", "news", "data")
PRECISIONS = ("day", "month", "quarter", "half", "year")
START = date(2025, 1, 1)
END = date(2027, 12, 31)
FINAL = ("achieved", "partially_achieved", "missed", "dropped")


def _period_end(day: date, precision: str) -> tuple[str, str]:
    """(ISO last day of the period containing `day`, how a source would have written it)."""
    y, m = day.year, day.month
    if precision == "day":
        return day.isoformat(), day.isoformat()
    if precision == "month":
        last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).isoformat()
        return last, f"{y}年{m}月"
    if precision == "quarter":
        q = (m - 1) // 3 + 1
        last = (date(y + (q == 4), (q * 3) % 12 + 1, 1) - timedelta(days=1)).isoformat()
        return last, f"Q{q} {y}"
    if precision == "half":
        return (f"{y}-06-30", f"H1 {y}") if m <= 6 else (f"{y}-12-31", f"{y}年下半年")
    return f"{y}-12-31", f"{y}年底"


def _areas(rng: random.Random, n: int) -> list[str]:
    """`FILTER_AREA` exactly FILTER_AREA_GOALS times (or every goal when n is smaller), the rest skewed."""
    special = min(FILTER_AREA_GOALS, n)
    weights = [1.0 / (i + 2) ** 0.6 for i in range(len(AREAS))]
    out = [FILTER_AREA] * special + rng.choices(AREAS, weights=weights, k=n - special)
    rng.shuffle(out)
    return out


def _title(rng: random.Random, i: int) -> tuple[str, str | None, str]:
    """(title, title_original, slug for the key)."""
    if rng.random() < 0.6:
        verb, obj, where = rng.choice(EN_VERBS), rng.choice(EN_OBJECTS), rng.choice(EN_WHERE)
        title = " ".join(p for p in (verb, obj, where) if p)
        zh = rng.choice(ZH_VERBS) + rng.choice(ZH_OBJECTS) if rng.random() < 0.5 else None
        slug = "-".join(title.lower().replace("+", " ").replace("/", " ").split()[:4])
        slug = "".join(c for c in slug if c.isascii() and (c.isalnum() or c == "-"))
    else:
        title = rng.choice(ZH_VERBS) + rng.choice(ZH_OBJECTS) + rng.choice(ZH_WHERE)
        zh, slug = None, "zh"
    return title, zh, f"{slug[:60].strip('-')}-{i}"


def _goal(rng: random.Random, i: int, area: str) -> dict[str, Any]:
    """One goal in the import format (docs/FORMAT.md), with EVENTS_PER_GOAL events."""
    title, zh, key = _title(rng, i)
    announced = START + timedelta(days=rng.randrange(365))
    days = sorted(
        rng.sample(range(1, (END - announced).days + 1), EVENTS_PER_GOAL - 1)
    )  # distinct days after the announcement
    on_days = [announced] + [announced + timedelta(days=d) for d in days]
    precision = rng.choice(PRECISIONS)
    first_due = announced + timedelta(days=rng.randrange(180, 1000))
    deadline, deadline_text = _period_end(first_due, precision)
    status = rng.choice(("not_started", "not_started", "in_progress"))
    progress = 0 if status == "not_started" else rng.randrange(5, 30, 5)
    events: list[dict[str, Any]] = []
    url_n = 0

    def evidence() -> dict[str, Any]:
        nonlocal url_n
        url_n += 1
        return {
            "url": f"https://{rng.choice(HOSTS)}/zcfb/{i}/{url_n}.html",
            "title": rng.choice(("Notice on ", "关于")) + rng.choice(ZH_OBJECTS),
            "published": None,
            "kind": rng.choice(KINDS),
        }

    for n, day in enumerate(on_days):
        event: dict[str, Any] = {"on": day.isoformat(), "author": "bench"}
        if n == 0:
            event.update(
                status=status,
                progress=progress,
                deadline=deadline,
                deadline_text=deadline_text,
                deadline_precision=precision,
                note="Announced at the press conference",
                evidence=[evidence()],
            )
        else:
            kind = rng.random()
            if status not in FINAL and kind < 0.35:
                if status == "not_started":
                    status = "in_progress"
                elif n >= 6 and rng.random() < 0.4:
                    status = rng.choice(FINAL)
                else:
                    status = rng.choice(("in_progress", "stalled"))
                event["status"] = status
            if status in ("in_progress", "stalled") and rng.random() < 0.5:
                progress = min(100, progress + rng.randrange(5, 25, 5))
                event["progress"] = progress
            if status not in FINAL and 0.35 <= kind < 0.5:
                slipped = date.fromisoformat(deadline) + timedelta(days=rng.randrange(60, 400))
                deadline, deadline_text = _period_end(slipped, precision)
                event.update(
                    deadline=deadline, deadline_text=deadline_text, deadline_precision=precision
                )
            if rng.random() < 0.5:
                ev = evidence()
                ev["published"] = day.isoformat()
                event["evidence"] = [ev]
            note = rng.choice(NOTES)
            event["note"] = note or f"Update {n}"
        events.append(event)
    tags = sorted(set(rng.sample(TAGS, rng.randrange(0, 4))))
    return {
        "key": key,
        "title": title,
        "title_original": zh,
        "description": None,
        "owner": rng.choice(OWNERS),
        "area": area,
        "tags": tags,
        "source": "SCIO press conference on industry and IT development",
        "source_url": "https://www.scio.gov.cn/xwfb/",
        "announced": announced.isoformat(),
        "quote": None,
        "status": status,
        "progress": progress,
        "deadline": deadline,
        "deadline_text": deadline_text,
        "deadline_precision": precision,
        "events": events,
    }


def _tw_time(day: str, second: int = 0) -> str:
    return day.replace("-", "") + f"T0000{second:02d}Z"


def task_of(goal: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The same item as a Taskwarrior task: one annotation per event, dated on its day."""
    annotations = []
    for event in goal["events"]:
        parts = [f"{event['on']}:"]
        if event.get("status"):
            parts.append(f"status {event['status']}")
        if event.get("progress") is not None:
            parts.append(f"progress {event['progress']}%")
        if event.get("deadline"):
            parts.append(f"deadline {event['deadline']} ({event['deadline_text']})")
        if event.get("note"):
            parts.append(event["note"])
        parts += [e["url"] for e in event.get("evidence") or []]
        annotations.append({"entry": _tw_time(event["on"]), "description": " ".join(parts)})
    task: dict[str, Any] = {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "description": goal["title"],
        "status": "pending",
        "entry": _tw_time(goal["announced"]),
        "project": goal["area"],
        "due": _tw_time(goal["deadline"]),
        "annotations": annotations,
    }
    if goal["tags"]:
        task["tags"] = goal["tags"]
    return task


def goals(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i, area in enumerate(_areas(rng, n), start=1):
        yield _goal(rng, i, area)


def write(n: int, out: Path, taskwarrior: Path | None = None, seed: int = 6) -> dict[str, Any]:
    """Write the import file (and the Taskwarrior file); returns counts and the time taken."""
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    tw_rng = random.Random(seed + 1)
    events = 0
    area_counts: dict[str, int] = {}
    tmp = out.with_name(out.name + ".tmp")
    tw_tmp = taskwarrior.with_name(taskwarrior.name + ".tmp") if taskwarrior else None
    with (
        open(tmp, "w", encoding="utf-8") as fh,
        open(tw_tmp, "w", encoding="utf-8") if tw_tmp else open("/dev/null", "w") as tw,
    ):
        fh.write('{"goals": [\n')
        if tw_tmp:
            tw.write("[\n")
        for k, goal in enumerate(goals(n, seed)):
            sep = ",\n" if k else ""
            fh.write(sep + json.dumps(goal, ensure_ascii=False))
            if tw_tmp:
                tw.write(sep + json.dumps(task_of(goal, tw_rng), ensure_ascii=False))
            events += len(goal["events"])
            area_counts[goal["area"]] = area_counts.get(goal["area"], 0) + 1
        fh.write("\n]}\n")
        if tw_tmp:
            tw.write("\n]\n")
    tmp.replace(out)
    if taskwarrior and tw_tmp:
        tw_tmp.replace(taskwarrior)
    return {
        "goals": n,
        "events": events,
        "areas": area_counts,
        "seconds": time.perf_counter() - started,
        "bytes": out.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--goals", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help="tracker import JSON")
    parser.add_argument("--taskwarrior", type=Path, help="also write a Taskwarrior import JSON")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    info = write(args.goals, args.out, args.taskwarrior, args.seed)
    print(
        f"{args.out}: {info['goals']} goals, {info['events']} events, "
        f"{info['bytes'] / 2**20:.1f} MiB in {info['seconds']:.1f} s; "
        f"{FILTER_AREA}: {info['areas'].get(FILTER_AREA, 0)} goals",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
