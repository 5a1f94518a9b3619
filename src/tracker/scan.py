"""`tracker scan`: follow-up documents → proposed events for the goals they report on.

For each document (read by tracker.reading: reduced text, title, URL, publication date) the
text is cut into sentences; each sentence's terms go through the goals' inverted index
(tracker.reading.match), and each goal keeps its best sentence. That sentence gives the
signal (see `signal_of`), the proposed status (only when it changes the goal's state as of the
document's date, never away from a final status) and, for a delay, the new deadline.
Pure with respect to the database: it reads goals and events, writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tracker.deadlines import parse_deadline
from tracker.domain import FINAL_STATUSES
from tracker.errors import BadInputError, TrackerError
from tracker.reading import Document, read_paths
from tracker.reading.chinese import fold
from tracker.reading.match import Matcher, terms

SIGNALS = ("achieved", "in_progress", "stalled", "delayed", "reaffirmed", "mentioned")
MIN_SCORE = 0.22  # the share of a goal's weighted terms a sentence must hold
MENTION_SCORE = 0.35  # a sentence that only mentions a goal must match it this closely

# --- cue words (folded text: simplified, lower case) ----------------------------------------

# A plan or an intention: what follows is not done yet.
_PLAN = re.compile(
    r"(?<![已])将(?!来|近|军|领|其|此|士)|即将|(?<![模虚草])拟(?!定)|计划(?!单列|生育)|预计|力争|争取|有望|"
    r"下一步|准备|打算|尚未|还未|未来将|\b(?:will|shall|plans? to|planned to|plan for|is to|are to|"
    r"expected to|aims? to|set to|intends? to|going to|would|to be (?:issued|released|published))\b"
)
_STALL = re.compile(
    r"暂停|搁置|暂缓|中止|叫停|停滞|停摆|按下暂停|冻结|\b(?:on hold|suspend\w*|paus\w+|shelved|"
    r"halted|frozen)\b"
)
_DELAY = re.compile(
    r"推迟|延期|延后|顺延|推后|延至|延长至|放缓至|调整至|改至|\b(?:postpone\w*|delay\w*|pushed back|"
    r"push\w* back|moved back|slipp\w+|reschedul\w+|deferr?\w*)\b"
)
_DRAFT = re.compile(
    r"征求意见|意见稿|草案|送审稿|\b(?:draft\w*|consultation|public comment\w*|for comment)\b"
)
# Done: the promised thing was issued, published, completed.
_DONE = re.compile(
    r"(?:正式)?(?:发布|印发|出台|颁布|公布|推出)(?!会|仪式|时间)|揭牌|建成|完成(?!率)|落地|上线|开通|问世|"
    r"亮相|出炉|授牌|挂牌|竣工|通过验收|投入使用|面世|生效|施行|(?:编制|研究)形成|形成了|\b(?:release[sd]|publish(?:es|ed)|"
    r"issue[sd]|unveil(?:s|ed)|complete[sd]|finish(?:es|ed)|roll(?:s|ed) out|"
    r"(?:came|come|comes) into (?:force|effect)|takes? effect|took effect|adopted|inaugurated)\b"
)
# Under way: started, launched, running.
_STARTED = re.compile(
    r"启动|开工|开展|展开|试点|进入[^，,。；]{0,10}阶段|正在|陆续|开始|着手|起草|编制|推进|部署|组织|遴选|申报|"
    r"取得[^，,。；]{0,6}进展|加快|深入|先行|铺开|\b(?:launch\w*|start\w*|began|begun|under ?way|"
    r"in progress|pilot\w*|trials?|drafting|moved into|entered|kick\w* off|ongoing|progress\w*|"
    r"rolling out|deploy\w*|second (?:round|phase|stage))\b"
)
# Said as done or under way (a report of the past): 已, 了, 日前…
_PAST = re.compile(
    r"已(?!于将)|了|进展顺利|进展良好|有序推进|稳步推进|现(?=组织|就|启动|开展|正式)|日前|近日|目前|截至|此前|上周|昨天|昨日|\d+日(?:召开|举行|发布|印发|公布)|"
    r"\b(?:has|have|had|was|were|did|recently|last (?:week|month))\b"
)
# An announcement that sets out work (a report, a plan, a work meeting): what it says of a
# goal restates the commitment.
_ANNOUNCEMENT = re.compile(
    r"政府工作报告|工作报告|工作要点|工作会议|工作方案|规划纲要|两会|全国人大|人代会|政协|部长通道|"
    r"国务院常务会议|表示|提出|要求|强调|指出|\b(?:government work report|work report|"
    r"said|pledged|vowed|reiterated|restated|stressed|called for)\b"
)
# A province, city or local bureau acting: implementation of a national goal, not a restatement.
_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|"
    "海南|四川|贵州|云南|陕西|甘肃|青海|内蒙古|广西|西藏|宁夏|新疆"
)
_LOCAL = re.compile(
    rf"(?:^|[，,；;：:])(?:今年|目前|近日|日前|此外|同时)?(?:{_PROVINCES})(?!经济技术开发区)"
    rf"|(?:{_PROVINCES})(?:省|市|自治区)?(?:通信管理局|工信厅|工业和信息化厅|经信厅|经信委|将|已|正在)"
    r"|[\u4e00-\u9fff]{2,3}(?:省|自治区)(?!级)|通信管理局|各地|多地|地方"
    r"|\b(?:province|provincial|municipal)\b"
)
_ISSUED_TITLE = re.compile(r"(?:印发|发布|公布|出台|颁布)[^《]{0,6}《([^》]{2,80})》")
_DOC_NOUN = re.compile(r"指南|规划|标准|方案|意见|办法|名单|计划|目录|规范|条例")
_FOREIGN = re.compile(
    r"韩国|日本|美国|欧盟|欧洲|印度|英国|德国|法国|\b(?:korea\w*|japan\w*|united states|u\.s\.|"
    r"american|european union|europe\w*|india\w*|britain|british|germany|german|france|french)\b"
)
_CHINA = re.compile(
    r"中国|我国|国内|大陆|内地|全国|国务院|工信部|工业和信息化部|\b(?:china|chinese|beijing|miit|"
    r"mainland)\b"
)
# Said of the time before the goal (去年印发的…): background, not news of it.
_BACKGROUND = re.compile(r"去年|前年|此前|早在|曾经|\blast year\b|\bin 20[01]\d\b")
_NEGATED = re.compile(r"(?:不|未|没有|并未|不会|无)(?:\S{0,2})$")

# What the goal promises: a deliverable (a guide, a plan, a list of bases) can be achieved; a
# continuing effort (持续培育, 加强…) can only make progress.
_DELIVERABLE = re.compile(
    r"制定|修订|编制|发布|出台|印发|创建|设立|建立|建设|成立|上线|推出|形成|试验|\b(?:publish|issue|release|"
    r"formulate|draw up|revise|build|set up|establish|designate|complete|adopt|trials?)\b"
)
# A numbered phase or stage of the work (第二阶段, the second phase, phase two): news that one
# phase is done says nothing of another.
_PHASE = re.compile(
    r"第([一二三四五六1-6])(?:阶段|期)|\b(first|second|third|fourth|1st|2nd|3rd|4th)[- ](?:phase|stage)\b"
    r"|\b(?:phase|stage)[- ](one|two|three|four|[1-4])\b"
)
_ORDINAL = {
    **{w: i for i, w in enumerate("一二三四五六", 1)},
    **{w: i for i, w in enumerate(("first", "second", "third", "fourth"), 1)},
    **{w: i for i, w in enumerate(("1st", "2nd", "3rd", "4th"), 1)},
    **{w: i for i, w in enumerate(("one", "two", "three", "four"), 1)},
}
_CONTINUING = re.compile(
    r"持续|加强|强化|深入|健全|完善|推进|推动|建好|用好|探索|加快(?!修订|制定)|一批|\b(?:continue|keep|"
    r"strengthen|improve|promote|deepen|expand|accelerate|support|explore|increase|speed up)\b"
)

_DATE_PHRASE = re.compile(
    r"(?:20\d\d年(?:\d{1,2}月(?:底|末|份)?|[上下]半年(?:底|末)?|第?[一二三四1-4]季度(?:末|底)?|年?底|年?末)?"
    r"|明年(?:[上下]半年|年?底|年?末)?|今年(?:[上下]半年|年?底|年?末|内)|[上下]半年"
    r"|(?:the )?end of (?:20\d\d|this year|next year)|(?:the )?(?:first|second) half of "
    r"(?:20\d\d|next year|this year)|(?:q[1-4]|h[12]) 20\d\d|(?:jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec)[a-z]* 20\d\d|next year|20\d\d)(?:前|以前|之前)?"
)


@dataclass(frozen=True)
class Proposal:
    """One proposed event: a goal, what the document says of it, and where."""

    document: str
    key: str
    on: date
    signal: str
    status: str | None
    deadline: date | None
    deadline_text: str | None
    note: str
    evidence: dict[str, str] | None
    quote: str
    offset: int  # quote == document text[offset:end]
    end: int
    confidence: float
    title: str  # the goal's title, for the review table


@dataclass(frozen=True)
class _Goal:
    id: int
    key: str
    title: str
    announced: date | None
    promise: str  # folded title_original + quote: what kind of promise it is
    events: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class ScanResult:
    proposals: list[Proposal]
    documents: int


# --- the service ----------------------------------------------------------------------------


def scan_paths(
    *,
    db: Any,
    paths: Sequence[str],
    url: str | None = None,
    published: date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Read the documents at `paths` (files, directories, '-') and scan them against the goals
    of `db`. `url` and `published` apply to a single file only."""
    if (url is not None or published is not None) and (
        len(paths) != 1 or (paths[0] != "-" and Path(paths[0]).is_dir())
    ):
        raise BadInputError(
            "--url and --published apply to a single file: pages in a directory or several "
            "files carry their own URL and date"
        )
    documents = read_paths(list(paths))
    if url is not None or published is not None:
        documents = [
            replace(d, url=url or d.url, published=published or d.published) for d in documents
        ]
    for d in documents:
        if d.published is None:
            raise BadInputError(
                f"{d.path}: no publication date found in the document; give it with "
                "--published YYYY-MM-DD"
            )
    return scan_documents(db=db, documents=documents, on_progress=on_progress)


def scan_documents(
    *,
    db: Any,
    documents: Sequence[Document],
    on_progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Proposals for every document, in document order then text order."""
    goals, texts = _load_goals(db)
    if not goals:
        raise TrackerError("the database holds no goals: import or add some before scanning")
    matcher = Matcher(texts)
    out: list[Proposal] = []
    for n, doc in enumerate(documents, start=1):
        out.extend(propose(doc, goals=goals, matcher=matcher))
        if on_progress is not None:
            on_progress(n, len(documents))
    return ScanResult(out, len(documents))


def _load_goals(db: Any) -> tuple[list[_Goal], list[dict[str, Any]]]:
    import json

    from tracker import services

    rows = db.all(
        "SELECT id, key, title, title_original, description, tags, quote, announced "
        "FROM goal ORDER BY id"
    )
    events, _ = services.events_and_evidence(db)
    goals, texts = [], []
    for gid, key, title, original, description, tags, quote, announced in rows:
        goals.append(
            _Goal(
                id=gid,
                key=key,
                title=title,
                announced=date.fromisoformat(announced) if announced else None,
                promise=fold(f"{original or ''} {quote or ''} {title or ''}"),
                events=tuple(events.get(gid, ())),
            )
        )
        texts.append(
            {
                "title": title,
                "title_original": original,
                "quote": quote,
                "description": description,
                "tags": json.loads(tags) if tags else [],
            }
        )
    return goals, texts


# --- one document ---------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。！？!?；]+[”’」』\"]?|(?<=[a-z0-9)\"”])\.(?=\s+[A-Z“\"(]|\s*$)")
_LINE_END = re.compile(r"[。！？!?；：:”’」』\"）).]\s*$")
_LIST_ITEM = re.compile(r"\s*(?:[-*+#>|]|\d+[.、)]|[一二三四五六七八九十]+、)")
_WRAP_WIDTH = 40  # a shorter line is a heading, a date line or a list entry, not wrapped prose


def _wrapped(line: str, following: str) -> bool:
    """Whether the line break after `line` only wraps a plain-text paragraph."""
    return (
        len(line.strip()) > _WRAP_WIDTH
        and not _LINE_END.search(line)
        and bool(following.strip())
        and not _LIST_ITEM.match(following)
    )


def sentences(text: str) -> list[tuple[int, int, int]]:
    """Sentence spans of a document's text, trimmed of spaces, each with its paragraph's
    number. A line break ends a sentence (and a paragraph) unless it only wraps a long line of
    prose; a date line or a heading is never joined to the text after it."""
    lines = text.split("\n")
    blocks: list[tuple[int, int]] = []  # (start, end) of paragraphs
    start = pos = 0
    for n, line in enumerate(lines):
        end = pos + len(line)
        if n + 1 == len(lines) or not _wrapped(line, lines[n + 1]):
            blocks.append((start, end))
            start = end + 1
        pos = end + 1
    spans = []
    for para, (bs, be) in enumerate(blocks):
        cuts = [m.end() for m in _SENTENCE_END.finditer(text, bs, be)]
        for a, b in zip([bs, *cuts], [*cuts, be], strict=True):
            while a < b and text[a] in " \t\n\u3000":
                a += 1
            while b > a and text[b - 1] in " \t\n\u3000":
                b -= 1
            if b - a >= 4:
                spans.append((a, b, para))
    return spans


# How much a signal tells: a document's sentence about a goal is weighed by its match score
# times this, so a sentence that says what happened outweighs a closer one that only names it.
_TELLS = {
    "stalled": 1.0,
    "delayed": 1.0,
    "achieved": 0.9,
    "in_progress": 0.8,
    "reaffirmed": 0.7,
    "mentioned": 0.45,
}


def propose(doc: Document, *, goals: Sequence[_Goal], matcher: Matcher) -> list[Proposal]:
    """The proposals of one document: per goal it speaks of, its most telling sentence."""
    if doc.published is None:
        raise BadInputError(f"{doc.path}: no publication date; give it with --published")
    folded = fold(doc.text)
    spans = sentences(doc.text)
    sentence_terms = [terms(folded[a:b]) for a, b, _ in spans]
    paragraphs: dict[int, set[str]] = {}
    for (_, _, para), found in zip(spans, sentence_terms, strict=True):
        paragraphs.setdefault(para, set()).update(found)
    hits: dict[int, list[tuple[float, int, int]]] = {}
    for (a, b, para), found in zip(spans, sentence_terms, strict=True):
        for m in matcher.match(found, min_score=MIN_SCORE, context=paragraphs[para], framed=True):
            hits.setdefault(m.goal, []).append((m.score, a, b))
    title = fold(doc.title or "")
    # the goals are China's commitments: a report on another country's programme (Korea's
    # 6G testbed) that never names China is not news of them
    foreign = bool(_FOREIGN.search(folded) or _FOREIGN.search(title)) and not (
        _CHINA.search(folded) or _CHINA.search(title)
    )
    started = any(
        _first_unplanned(_STARTED, folded[a:b]) and _PAST.search(folded[a:b]) for a, b, _ in spans
    )
    out = []
    for goal_index, goal_hits in sorted(hits.items(), key=lambda item: item[1][0][1]):
        goal = goals[goal_index]
        judged: list[tuple[float, int, int, str, str | None]] = []
        for score, a, b in goal_hits:
            signal, when = signal_of(folded[a:b], title=title, promise=goal.promise)
            if when is not None:  # the document's own words (folding kept the offsets)
                at = a + folded[a:b].rfind(when)
                when = doc.text[at : at + len(when)]
            judged.append((-score * _TELLS[signal], a, b, signal, when))
        _, a, b, signal, when = min(judged)
        if (
            signal in ("in_progress", "reaffirmed", "mentioned")
            and _deliverable(goal.promise)
            and _issued_in_title(title, goal.promise)
        ):
            signal = "achieved"  # the page is the issuing notice of what the goal promises
        best_score = max(score for score, _, _ in goal_hits)
        if signal == "mentioned" and best_score < MENTION_SCORE:
            continue  # a passing mention on a loose match is noise to the reviewer
        if foreign:
            continue
        proposal = _judge(doc, goal, a, b, signal, when, best_score, started=started)
        if proposal is not None:
            out.append(proposal)
    return out


def _judge(
    doc: Document,
    goal: _Goal,
    a: int,
    b: int,
    signal: str,
    deadline_text: str | None,
    score: float,
    *,
    started: bool,
) -> Proposal | None:
    assert doc.published is not None
    on = doc.published
    if goal.announced is not None and on < goal.announced:
        return None  # background from before the promise, not progress on it
    quote = doc.text[a:b]
    if _already_recorded(goal, doc.url, quote):
        return None
    deadline = None
    if signal == "delayed" and deadline_text:
        try:
            deadline = parse_deadline(deadline_text, reference=on).date
        except (BadInputError, ValueError):
            signal, deadline_text = "mentioned", None
    current = _status_as_of(goal, on)
    status = _new_status(signal, current, started=started)
    name = Path(doc.path).name if doc.path != "-" else "stdin"
    evidence = None
    if doc.url:
        evidence = {
            "url": doc.url,
            "title": doc.title or name,
            "published": on.isoformat(),
            "kind": evidence_kind(doc),
        }
    note = f"{signal.replace('_', ' ')} ({name}): {' '.join(quote.split())}"
    return Proposal(
        document=doc.path,
        key=goal.key,
        on=on,
        signal=signal,
        status=status,
        deadline=deadline,
        deadline_text=deadline_text if deadline else None,
        note=note,
        evidence=evidence,
        quote=quote,
        offset=a,
        end=b,
        confidence=_confidence(signal, score),
        title=goal.title,
    )


def signal_of(sentence: str, *, title: str = "", promise: str = "") -> tuple[str, str | None]:
    """(signal, deadline words for a delay) of a folded sentence about a goal whose promise
    (folded title_original and quote) is `promise`."""
    if (m := _STALL.search(sentence)) and not _NEGATED.search(sentence[: m.start()]):
        return "stalled", None
    if m := _DELAY.search(sentence):
        when = _DATE_PHRASE.search(sentence, m.end()) or _DATE_PHRASE.search(sentence)
        if when:
            return "delayed", when.group()
    if _DRAFT.search(sentence):
        return "in_progress", None
    done = _first_unplanned(_DONE, sentence, phases=_phases(promise))
    if done is not None:
        return ("achieved" if _deliverable(promise) else "in_progress"), None
    started = _first_unplanned(_STARTED, sentence)
    if _LOCAL.search(sentence) or _LOCAL.search(title):
        # a province, city or local bureau taking up a national goal: work under way
        return "in_progress", None
    if started is not None and _PAST.search(sentence):
        return "in_progress", None
    if _PLAN.search(sentence) or _ANNOUNCEMENT.search(sentence) or _ANNOUNCEMENT.search(title):
        return "reaffirmed", None
    if started is not None:
        return "in_progress", None
    return "mentioned", None


def _deliverable(promise: str) -> bool:
    """Whether a goal promises a thing that can be issued or completed (a guide, a plan, a
    list of bases), not an effort that only goes on (持续培育, 加强…)."""
    return bool(_DELIVERABLE.search(promise)) and not _CONTINUING.search(promise)


def _issued_in_title(title: str, promise: str) -> bool:
    """A title announcing that a document was issued (关于印发《…指南》的通知) whose kind of
    document — guide, plan, standard… — is what the goal promises."""
    m = _ISSUED_TITLE.search(title)
    if m is None or _PLAN.search(title[: m.start()]):
        return False
    return any(noun in promise for noun in _DOC_NOUN.findall(m.group(1)))


def _phases(text: str, *, last: bool = False) -> frozenset[int]:
    """The numbered phases a text names (第二阶段 → 2); with `last`, only the last one named."""
    found = list(_PHASE.finditer(text))
    return frozenset(
        _ORDINAL.get(word) or int(word)
        for m in (found[-1:] if last else found)
        for word in m.groups()
        if word
    )


def _first_unplanned(
    cue: re.Pattern[str], sentence: str, *, phases: frozenset[int] = frozenset()
) -> re.Match[str] | None:
    """The first cue not said as a plan: no 将/计划/will earlier in its clause; with the goal's
    `phases`, none in a clause about another phase (第一阶段…已完成 is not the second's news)."""
    for m in cue.finditer(sentence):
        clause_start = max(sentence.rfind(ch, 0, m.start()) for ch in "，,；;：:") + 1
        before = sentence[clause_start : m.start()]
        if _PLAN.search(before) or _NEGATED.search(before) or _BACKGROUND.search(before):
            continue
        if (
            phases
            and (nearest := _phases(sentence[: m.start()], last=True))
            and not (nearest & phases)
        ):
            continue  # the phase named closest before the cue is another one
        # 计划…出台 said in an earlier clause still governs (计划在今年内出台): look back
        if _PLAN.search(sentence[: m.start()]) and not _PAST.search(
            sentence[clause_start : m.end() + 4]
        ):
            continue
        return m
    return None


def _new_status(signal: str, current: str | None, *, started: bool) -> str | None:
    """The status to propose: only a change, and never away from a final status."""
    if current in FINAL_STATUSES:
        return None
    wanted = {
        "achieved": "achieved",
        "stalled": "stalled",
        "in_progress": "in_progress",
        "delayed": "in_progress" if started else None,
    }.get(signal)
    if wanted == "in_progress" and current not in (None, "not_started"):
        return None
    return wanted if wanted != current else None


def _status_as_of(goal: _Goal, on: date) -> str | None:
    status = None
    for event in goal.events:  # in date order
        if event["on"] > on.isoformat():
            break
        if event.get("status") is not None:
            status = event["status"]
    return str(status) if status is not None else None


def _already_recorded(goal: _Goal, url: str | None, quote: str) -> bool:
    """Scanning twice proposes nothing: the URL is already evidence of the goal, or (no URL)
    the quote is already in one of its notes."""
    flat = " ".join(quote.split())
    for event in goal.events:
        if url and any(e.get("url") == url for e in event.get("evidence") or ()):
            return True
        if not url and flat in (event.get("note") or ""):
            return True
    return False


def evidence_kind(doc: Document) -> str:
    """official for a government site or document, data for a statistics release, else news."""
    host = (urlsplit(doc.url or "").hostname or "").lower()
    title = fold(doc.title or "")
    if host.endswith((".gov.cn", ".gov")) or host in ("gov.cn",):
        return "official"
    if re.search(r"统计公报|统计数据|数据发布|statistic|data release", title):
        return "data"
    return "news"


def _confidence(signal: str, score: float) -> float:
    base = {"achieved": 0.55, "stalled": 0.6, "delayed": 0.6, "in_progress": 0.5}.get(signal, 0.45)
    return round(min(0.97, base + 0.6 * min(score, 0.7)), 2)


# --- the import document --------------------------------------------------------------------


def draft_document(proposals: Sequence[Proposal]) -> dict[str, Any]:
    """The proposals as an import document: events appended to existing goals (FORMAT.md);
    `scan` under each event is for the reviewer and ignored by import."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for p in proposals:
        event: dict[str, Any] = {"on": p.on.isoformat()}
        if p.status is not None:
            event["status"] = p.status
        if p.deadline is not None:
            event["deadline"] = p.deadline.isoformat()
            event["deadline_text"] = p.deadline_text
        event["note"] = p.note
        if p.evidence is not None:
            event["evidence"] = [dict(p.evidence)]
        event["scan"] = {
            "document": p.document,
            "quote": p.quote,
            "offset": p.offset,
            "end": p.end,
            "signal": p.signal,
            "confidence": p.confidence,
        }
        by_key.setdefault(p.key, []).append(event)
    goals = []
    for key, events in by_key.items():
        events.sort(key=lambda e: e["on"])
        goals.append({"key": key, "events": events})
    return {"goals": goals}


# Characters a YAML reader would refuse raw, or read as a line break inside a quoted scalar:
# written as escapes. JSON's string escapes are YAML double-quoted escapes, so the rest of a
# JSON string is a valid YAML scalar as it is.
_YAML_UNSAFE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufeff\uff00-\ufffd\U00010000-\U0010ffff]"
)


_PLAIN_KEY = re.compile(r"[a-z_][a-z0-9_]*")
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])


def _key(key: Any) -> str:
    """A mapping key: plain when it is a word YAML 1.1 reads as itself ('on' is a boolean)."""
    text = str(key)
    if _PLAIN_KEY.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return _scalar(text)


def _scalar(value: Any) -> str:
    import json

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        return _float(value)
    text = json.dumps(str(value), ensure_ascii=False)
    return _YAML_UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) <= 0xFFFF else m.group(), text
    )


def _float(value: float) -> str:
    """A float as YAML 1.1 reads it: a dot in the mantissa and a signed exponent (1.0e-05)."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    if "." not in mantissa:
        mantissa += ".0"
    if exponent[0] not in "+-":
        exponent = "+" + exponent
    return f"{mantissa}e{exponent}"


def draft_yaml(document: Mapping[str, Any]) -> str:
    """The draft as block YAML, every string double-quoted (JSON's escapes are YAML's): the same
    data `yaml.safe_load` reads back, written without PyYAML's per-node representer, which
    took most of a 100-document scan against 10,000 goals. Mappings, lists and scalars only."""
    out: list[str] = []

    def block(value: Any, indent: str) -> None:
        if isinstance(value, Mapping):
            if not value:
                out[-1] += " {}"
                return
            for key, item in value.items():
                out.append(f"{indent}{_key(key)}:")
                _item(item, indent)
        elif isinstance(value, list):
            if not value:
                out[-1] += " []"
                return
            for item in value:
                if isinstance(item, Mapping) and item:
                    first = True
                    for key, sub in item.items():
                        out.append(f"{indent}{'- ' if first else '  '}{_key(key)}:")
                        _item(sub, indent + "  ")
                        first = False
                else:
                    out.append(f"{indent}-")
                    _item(item, indent + "  ")

    def _item(item: Any, indent: str) -> None:
        if isinstance(item, Mapping | list) and item:
            block(item, indent + "  " if isinstance(item, Mapping) else indent)
        elif isinstance(item, Mapping):
            out[-1] += " {}"
        elif isinstance(item, list):
            out[-1] += " []"
        else:
            out[-1] += " " + _scalar(item)

    block(document, "")
    return "\n".join(out) + "\n"
