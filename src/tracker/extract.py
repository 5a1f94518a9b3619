"""Draft candidate commitments from an announcement's text (`tracker extract`).

Rules, not a model: the text is cut into blocks (paragraphs, speaker turns, bullets), sentences
and clauses. Each clause gets a tense from cue words — its own, else the sentence's so far,
else the tense carried over from earlier sentences of the same turn — and a kind: an ACTION (an
action verb opens it), a PURPOSE (促进…发展, "to promote…") or framing. Every future or ongoing
ACTION becomes one candidate; framing and purpose clauses join the action next to them. Pure:
no I/O, no database (files are read by tracker.reading); offsets always refer to the text passed in.

Reading is shared with `scan` (tracker.reading): files in UTF-8 or GBK, HTML reduced to its main
text by a real parser, so both commands' offsets index the same reduced text; `tracked_as` uses
scan's matcher (tracker.reading.match) to find a commitment already tracked under other words.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from tracker import extract_lexicon as lx
from tracker.deadlines import parse_deadline
from tracker.errors import BadInputError

FUTURE, PAST, ONGOING = "future", "past", "ongoing"


@dataclass(frozen=True)
class Candidate:
    """One proposed goal: where it stands in the text and what the draft says about it."""

    key: str
    title: str
    title_original: str | None
    quote: str
    offset: int  # quote == text[offset:end]
    end: int
    owner: str | None
    area: str | None
    deadline_text: str | None
    deadline: date | None
    status: str
    confidence: float
    tracked_as: str | None = None


# --- reading -----------------------------------------------------------------------------------


# --- segmentation -----------------------------------------------------------------------------

_HAN = lx.HAN
_TERMINAL = "。！？；：!?;:…”’」』）)]】.\"'"
_SPEAKER = re.compile(
    r"[ \t\u3000]*(?P<who>[^\s：:，,。；;！？!?“”\"\d][^\n：:，,。；;！？!?“”\"]{0,19})(?:：|:(?!\d))"
)
_QUESTION_WHO = re.compile(r"记者|提问|问$|^问|" + lx.EN_SPEAKER_QUESTION, re.I)
_HOST_WHO = re.compile(r"主持|" + lx.EN_SPEAKER_HOST, re.I)
_BULLET = re.compile(
    r"(?<=[\u3400-\u9fff\]）)”」])[ \t]+-[ \t]+(?=\S)|[ \t]*(?:\[\d{1,3}\])+(?:[ \t]+-(?=[ \t]))?[ \t]*"
)
_SENT_END = re.compile(r"[。！？；!?;]+[”’」』]?|(?<!\d):(?!\d)|：|\.(?=\s|$)")
_THANKS = re.compile(r"(?i)\s*(?:谢谢|谢谢您|谢谢大家|thank you|thanks)\W*")
_OPEN, _CLOSE = "《“‘「『（(【", "》”’」』）)】"


def _flat(s: str, zh: bool) -> str:
    """Chinese without whitespace, other text with single spaces."""
    return re.sub(r"\s+", "" if zh else " ", s).strip()


def _is_zh(s: str) -> bool:
    han = len(_HAN.findall(s))
    return han > 0 and han * 3 >= len(re.findall(r"[A-Za-z]", s))


def _blocks(t: str, *, join_lines: bool) -> list[tuple[int, int, bool]]:
    """Paragraph-like spans: lines, cut at ' - ' bullets and [n] citations, broken lines joined;
    each with whether it may be a heading (a bullet's text never is)."""
    pieces: list[tuple[int, int, bool, bool]] = []  # (start, end, ends a line, may be heading)
    for line in re.finditer(r"[^\r\n]+", t):
        start = line.start()
        for cut in _BULLET.finditer(t, line.start(), line.end()):
            pieces.append((start, cut.start(), False, "[" not in cut.group()))
            start = cut.end()
        pieces.append((start, line.end(), True, start == line.start()))
    blocks: list[tuple[int, int, bool]] = []
    for s, e, eol, heading in pieces:
        while s < e and t[s].isspace():
            s += 1
        while e > s and t[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        if blocks and join_lines and _continues(t, blocks[-1], s):
            blocks[-1] = (blocks[-1][0], e, False)
        else:
            blocks.append((s, e, heading))
        if not eol:  # a bullet or citation ends the block for good
            blocks.append((e, e, False))
    return [b for b in blocks if b[0] < b[1]]


def _continues(t: str, block: tuple[int, int, bool], s: int) -> bool:
    """A line cut mid-sentence (layout, a photo credit): the next line, at `s`, belongs to it."""
    text = t[block[0] : block[1]]
    return (
        len(text) >= 15
        and text[-1] not in _TERMINAL
        and bool(re.search(r"[，,。；]", text))
        and not _SPEAKER.match(t, s)
    )


def _is_heading(text: str) -> bool:
    return len(text) <= 40 and not re.search(r"[。！？；，,;!?：:]|\.(?:\s|$)", text)


def _sentences(t: str, s: int, e: int) -> list[tuple[int, int, bool]]:
    """Sentence spans, each with whether it is a question."""
    out, start = [], s
    for m in _SENT_END.finditer(t, s, e):
        out.append((start, m.end()))
        start = m.end()
    out.append((start, e))
    spans = []
    for a, b in out:
        question = bool(re.search(r"[？?][”’」』\s]*$", t[a:b]))
        a, b = _trim(t, a, b)
        if a < b:
            spans.append((a, b, question))
    return spans


def _trim(t: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (t[s].isspace() or t[s] in "，,、。；;:：-•·*"):
        s += 1
    while e > s and (t[e - 1].isspace() or t[e - 1] in "，,、。；;:：！？!?."):
        e -= 1
    return s, e


def _clauses(t: str, s: int, e: int, zh: bool) -> list[tuple[int, int]]:
    """Chinese: every ，/, outside brackets. English: ', ' / ' and ' before an action verb."""
    cuts: list[tuple[int, int]] = []
    if zh:
        depth = 0
        for i in range(s, e):
            ch = t[i]
            depth += (ch in _OPEN) - (ch in _CLOSE)
            if ch in "，," and depth <= 0 and not (ch == "," and t[i + 1 : i + 2].isdigit()):
                cuts.append((i, i + 1))
    else:
        for m in re.finditer(r",\s*(?:and\s+)?|;\s*|\s+and\s+", t[s:e]):
            nxt = re.match(r"(?:also |further |then |to |will )?([a-z]+)", t[s + m.end() : e])
            if nxt and _EN_VERB.fullmatch(nxt.group(1)):
                cuts.append((s + m.start(), s + m.end()))
    out, start = [], s
    for a, b in cuts:
        out.append(_trim(t, start, a))
        start = b
    out.append(_trim(t, start, e))
    return [(a, b) for a, b in out if a < b]


# --- clause analysis --------------------------------------------------------------------------

_ZH_FUT = re.compile(lx.ZH_FUTURE_MODAL)
_ZH_FUT_TIME = re.compile(lx.ZH_FUTURE_TIME)
_ZH_WEAK = re.compile(lx.ZH_FUTURE_WEAK)
_ZH_PAST = re.compile(lx.ZH_PAST)
_ZH_RESULT = re.compile(lx.ZH_RESULT)
_ZH_ONGOING = re.compile(lx.ZH_ONGOING)
_ZH_CONT = re.compile(lx.ZH_CONTINUING)
_CONTINUE = re.compile(lx.ZH_CONTINUE)
_EN_CONTINUE_RE = re.compile(lx.EN_CONTINUE, re.I)
_YEAR = re.compile(r"(20\d\d)\s*年(以来)?|(?:in|by|during|since|until|before) (20\d\d)\b")
_PLAN = re.compile(r"十([一二三四五六七八九])五")
_TIME = (
    r"(?:到|至|在|于|自)?20\d\d年(?:底|年底|末|年末|上半年|下半年|起|内|前)?"
    r"|“?十[一二三四五六七八九]五”?(?:时期|期间)?"
)
_SUBJECTS = "|".join(  # longest first: 工业和信息化部 before 工信部
    sorted({n for n in lx.OWNER_OF if _HAN.match(n)} | {*lx.ZH_SUBJECTS.split("|")}, key=len)[::-1]
)
_ZH_HEAD = re.compile(
    rf"(?:{lx.ZH_LEAD}|(?:{_SUBJECTS})(?:联合|会同)?|{_TIME}|面向|在[^，,]{{1,12}}方面|[“”])"
)
_ZH_SUBJ_WILL = re.compile(
    r"^[^，,“”《》]{1,14}?(?:还将|也将|将会|将要|将(?![来近军领])|(?<![主重需只必纲摘概简])要(?![求素])"
    r"|已经(?=启动|进入)|已(?=启动|进入))"
)
_ZH_ADV = re.compile(lx.ZH_ADVERBS)
_ANCHOR = re.compile(
    r"下一步|接下来|下一?阶段|今后|今年|明年|20\d\d年|面向|next step|going forward|this year|"
    r"next year|\b20\d\d\b",
    re.I,
)
_ZH_VERB_STRONG = re.compile(lx.ZH_VERBS_STRONG)
_ZH_VERB = re.compile(lx.ZH_VERBS)
_ZH_PURPOSE = re.compile(lx.ZH_PURPOSE)
_ZH_FRAME = re.compile(lx.ZH_FRAME)
_ZH_LEAD_IN = re.compile(lx.ZH_LEAD_IN)
_AIM_END = re.compile(r"(?:发展|升级|转型|共享|提升|变革|繁荣|壮大|增长|融合|进步)$")
_VERB_ADVERB = re.compile(r"加快|加速|加力|加紧|抓紧|尽快")
_CHECKABLE = re.compile(lx.ZH_DELIVERABLE.replace("|“", "") + r"|\b(?:plan|standard|guide)s?\b")
_DELIVERABLE = re.compile(lx.ZH_DELIVERABLE + r"|\b(?:plan|standard|guide|platform|trial|fund)s?\b")
_ENUM = re.compile(
    r"^(?:[一二三四五六七八九十]是|首先|其次|再次|最后|第[一二三四五六七八九十]|[（(]?[一二三四五六七八九十\d]+[)）、.])"
)
_EN_FUT = re.compile(lx.EN_FUTURE_MODAL, re.I)
_EN_FUT_TIME = re.compile(lx.EN_FUTURE_TIME, re.I)
_EN_PAST = re.compile(lx.EN_PAST, re.I)
_EN_ONGOING = re.compile(lx.EN_ONGOING, re.I)
_EN_CONT = re.compile(lx.EN_CONTINUING, re.I)
_EN_VERB = re.compile(rf"(?:{lx.EN_VERBS})", re.I)
_EN_PARTICIPLE = {"launched": "Launch", "started": "Start", "begun": "Begin", "commenced": "Begin"}
_EN_AUX = re.compile(
    r"\b(?:will|shall|(?:plans?|planned|aims?|intends?|expects?|seeks?|pledged|vowed|promised)"
    r" to|(?:is|are) (?:going |set )?to"
    r"|(?:has|have)(?=\s+(?:\w+ly\s+)?(?:launched|started|begun|commenced)))\s+"
    r"(?:(?:also|further|continue to|actively|vigorously|soon|jointly|gradually|fully|recently)\s+)*",
    re.I,
)


@dataclass
class _Clause:
    start: int
    end: int
    text: str  # whitespace removed (Chinese) or collapsed (English)
    zh: bool
    cue: str | None = None  # FUTURE / PAST / ONGOING said by the clause itself
    weak: bool = False  # only a weak future cue (要)
    result: bool = False  # a statistic (达…, …%)
    kind: str = "other"  # action / purpose / other
    strong: bool = False  # a deliverable verb (制定, 发布, …)
    core: str = ""  # from the verb (and its adverbs) on
    topic: str = ""  # what comes before 将 when it is not a known subject
    topic_at: int = 0  # where the topic starts in `text`
    short: bool = False
    lead_in: bool = False  # 抓好…, 着力…: the heading of the actions after it
    tense: str | None = None


def _year_cue(s: str, ref: date) -> str | None:
    cue = None
    for m in _YEAR.finditer(s):
        year = int(m.group(1) or m.group(3))
        cue = PAST if m.group(2) or year < ref.year else FUTURE
    for m in _PLAN.finditer(s):
        last_year = 1960 + 5 * (10 + "一二三四五六七八九".index(m.group(1)))
        cue = PAST if last_year < ref.year else FUTURE
    return cue


def _analyse(c: _Clause, ref: date) -> None:
    s = c.text
    if c.zh:
        if _ZH_ONGOING.search(s):
            c.cue = ONGOING
        elif _ZH_FUT.search(s):
            c.cue = FUTURE
        elif _ZH_PAST.search(s):
            c.cue = PAST
        else:
            c.cue = FUTURE if _ZH_FUT_TIME.search(s) else _year_cue(s, ref)
        c.weak = c.cue is None and bool(_ZH_WEAK.search(s))
        c.result = bool(_ZH_RESULT.search(s))
        _zh_kind(c)
    else:
        if _EN_ONGOING.search(s):
            c.cue = ONGOING
        elif _EN_FUT.search(s):
            c.cue = FUTURE
        elif _EN_PAST.search(s):
            c.cue = PAST
        else:
            c.cue = FUTURE if _EN_FUT_TIME.search(s) else _year_cue(s, ref)
        c.result = bool(re.search(r"\d+(?:\.\d+)? ?(?:%|percent)", s))
        _en_kind(c)


def _zh_kind(c: _Clause) -> None:
    s = re.sub(r"^[“”‘’《（(]+", "", c.text)
    # a topic before 将 (智能工厂梯度培育将持续推进) belongs to the action phrase
    for _ in range(8):  # leading words: enumerators, time, subject, 将
        m = _ZH_HEAD.match(s)
        if not (m and m.end()):
            m = None if _ZH_VERB.match(s) or _ZH_VERB_STRONG.match(s) else _ZH_SUBJ_WILL.match(s)
            if m:
                c.topic_at = len(c.text) - len(s)
                c.topic += re.sub(r"(?:还|也)?将(?:会|要)?$|要$", "", m.group())
        if not m:
            break
        s = s[m.end() :]
    phrase = s
    had_verb_adverb = False
    while m := _ZH_ADV.match(s):
        had_verb_adverb |= bool(_VERB_ADVERB.fullmatch(m.group()))
        s = s[m.end() :]
    c.core = phrase
    c.lead_in = bool(_ZH_LEAD_IN.match(s))
    if re.fullmatch(r"\w{0,5}工作", s):  # 开展工作, 做好三方面工作: no object to check
        c.kind = "other"
        return
    c.short = len(c.topic) + len(re.sub(r"[^\u3400-\u9fffA-Za-z0-9]", "", s)) <= 6
    if _ZH_FRAME.match(s) and not had_verb_adverb:
        c.kind = "other"
    elif _ZH_PURPOSE.match(s) and (not s.startswith(("推动", "促进")) or _AIM_END.search(s)):
        # …将持续推动X升级: an aim said with its own 将 is the sentence's main action
        c.kind = "action" if _ZH_FUT.search(c.text[: len(c.text) - len(s)]) else "purpose"
    elif _ZH_VERB_STRONG.match(s):
        c.kind, c.strong = "action", True
    elif (
        _ZH_VERB.match(s)
        or s.startswith(("推动", "促进"))
        or had_verb_adverb
        or (c.cue == ONGOING and c.topic)  # 6G测试已进入第二阶段
    ):
        c.kind = "action"


def _en_kind(c: _Clause) -> None:
    s = c.text
    m = _EN_AUX.search(s)
    rest = s[m.end() :] if m else re.sub(r"^(?:and|also|then|to|will)\s+", "", s, flags=re.I)
    first = re.match(r"[A-Za-z]+", rest)
    c.core = rest
    c.short = len(rest.split()) < 3
    participle = bool(m and re.match(r"ha(?:s|ve)\b", m.group(), re.I))  # has launched…
    if first and (
        _EN_VERB.fullmatch(first.group()) or participle or (m and first.group().lower() == "be")
    ):
        c.kind = "action"
        c.strong = first.group().lower() in ("publish", "issue", "release", "launch", "formulate")
    elif m:
        c.kind = "purpose"


# --- the extractor ----------------------------------------------------------------------------


@dataclass
class _Draft:
    clauses: list[_Clause]
    action: _Clause
    fallback: bool
    sentence: str
    before: str  # the paragraph up to the end of the sentence
    scope_hint: str | None
    owner: str | None
    area_context: tuple[tuple[str, int], ...]  # texts around it, with their weights


def extract_candidates(
    text: str, *, announced: date | None, existing: Sequence[Mapping[str, str | None]] = ()
) -> list[Candidate]:
    """Candidate commitments of an announcement, in text order; offsets index `text`."""
    ref = announced or _reference_date(text)
    analysed = lx.to_simplified(text)  # traditional characters read as simplified
    drafts = _drafts(analysed, ref, join_lines=True)
    default_owner = lx.main_owner(analysed)
    tracked = _Tracked(existing)
    out: list[Candidate] = []
    seen: list[tuple[str, set[str]]] = []
    keys: set[str] = set()
    for d in drafts:
        core = _norm(d.action.topic + d.action.core)
        pairs = _bigrams(core)
        if any(_similar(core, other, pairs, other_pairs) for other, other_pairs in seen):
            continue
        seen.append((core, pairs))
        start, end = d.clauses[0].start, d.clauses[-1].end
        original = _flat(text[d.action.start : d.action.end], d.action.zh)
        cand = _candidate(d, original, text[start:end], start, end, ref, default_owner, keys)
        out.append(replace(cand, tracked_as=tracked.key_of(cand, core)))
    return out


@dataclass
class _Scope:
    """What carries over from sentence to sentence within one speaker's turn."""

    mode: str | None = None  # the tense the last sentence left
    hint: str | None = None  # its time (2026年…) when it opened a scope (下一步, 2026年…)
    owner: str | None = None
    anchor: str = ""  # the sentence that opened the scope
    section: str = ""  # the heading(s) above

    def reset(self) -> None:
        self.mode = self.hint = self.owner = None
        self.anchor = ""


def _drafts(t: str, ref: date, *, join_lines: bool) -> list[_Draft]:
    drafts: list[_Draft] = []
    scope = _Scope()
    blocks = _blocks(t, join_lines=join_lines)
    headings = [may and _is_heading(t[s:e]) for s, e, may in blocks]
    skip = False  # inside a reporter's or the moderator's turn
    for n, (bs, be, _) in enumerate(blocks):
        if headings[n]:
            block = t[bs:be]
            scope.section = f"{scope.section} {block}" if n and headings[n - 1] else block
            scope.reset()
            skip = False
            continue
        speaker = _SPEAKER.match(t, bs, be)
        if speaker:
            scope.reset()
            who = speaker["who"]
            skip = bool(_QUESTION_WHO.search(who) or _HOST_WHO.search(who))
            skip = skip or _asks(t, blocks, headings, n, speaker.end())
            bs = speaker.end()
        elif not _continues_scope(t, bs, be, _is_zh(t[bs:be])):
            scope.mode = scope.hint = None  # a new topic: what was said before does not carry
            scope.anchor = ""
        if skip:
            continue
        for ss, se, question in _sentences(t, bs, be):
            before = t[bs:se]  # the paragraph up to this sentence: where a time may be said
            drafts.extend(_sentence_drafts(t, ss, se, question, before, scope, ref))
    return drafts


def _asks(
    t: str, blocks: list[tuple[int, int, bool]], headings: list[bool], n: int, start: int
) -> bool:
    """Whether the turn opening at block n ends in a question (thanks aside): a reporter's,
    whatever the name before the colon ("China Daily: … What are the priorities? Thank you.")."""
    last = False
    for m in range(n, len(blocks)):
        s, e, _ = blocks[m]
        if m > n and (headings[m] or _SPEAKER.match(t, s, e)):
            break
        for a, b, question in _sentences(t, max(s, start), e):
            if not _THANKS.fullmatch(t[a:b]):
                last = question
    return last


def _sentence_drafts(
    t: str, ss: int, se: int, question: bool, before: str, scope: _Scope, ref: date
) -> list[_Draft]:
    """The drafts of one sentence; `before` is its paragraph up to its end."""
    zh = _is_zh(t[ss:se])
    flat = _flat(t[ss:se], zh)
    if question or re.search(r"记者(?!会|招待会)|提问|请问|就是", flat):
        return []
    clauses = [_Clause(a, b, _flat(t[a:b], zh), zh) for a, b in _clauses(t, ss, se, zh)]
    for c in clauses:
        _analyse(c, ref)
    scope.mode, future = _tenses(clauses, scope.mode)
    if future and _ANCHOR.search(flat):  # a new scope: 下一步…, 2026年…
        scope.hint = next(iter(_hints(flat, ref)), None)
        scope.anchor = flat
    if future:
        scope.owner = lx.owner_of(flat) or scope.owner
    if _ENUM.match(flat) and len(clauses) == 1 and not _DELIVERABLE.search(flat[2:]):
        return []  # 一是持续优化企业发展环境: the heading of the list that follows
    groups = _groups(clauses)
    if groups and scope.mode is None and any(c.weak for c in clauses):
        scope.mode = FUTURE  # 要抓好…，深入实施…: a list of actions said with 要 goes on
    context = ((flat, 1), (_flat(before, zh), 1), (scope.anchor, 1), (scope.section, 2))
    return [
        _Draft(group, action, fallback, flat, before, scope.hint, scope.owner, context)
        for group, action, fallback in groups
    ]


def _tenses(clauses: list[_Clause], mode: str | None) -> tuple[str | None, bool]:
    """Give each clause a tense; return the mode for the next sentence and whether the
    sentence itself spoke of the future (a weak 要 counts in the sentence only)."""
    current: str | None = None  # what the sentence has said so far
    weak = False
    for c in clauses:
        if c.cue == ONGOING:
            c.tense, current = ONGOING, PAST
        elif c.cue == FUTURE:
            c.tense = current = FUTURE
        elif c.cue == PAST:
            c.tense = current = PAST
        elif c.weak or (weak and current is None):
            c.tense, weak = FUTURE, True
        elif current is not None:
            c.tense = current
        elif c.result and mode != FUTURE:  # a statistic: the past, unless a plan is under way
            c.tense = current = PAST
        else:
            c.tense = mode
    return (current or mode), current == FUTURE


def _continues_scope(t: str, s: int, e: int, zh: bool) -> bool:
    """Whether a new paragraph goes on with the one before: 一是…, 此外…, a verb first
    (加快构建…), or a 'X，就是…' lead; otherwise the tense carried over is dropped."""
    head = _flat(t[s : min(e, s + 40)], zh)
    if zh:
        probe = _Clause(s, e, re.split(r"[，,。；]", head)[0], True)
        _zh_kind(probe)
        return bool(
            _CONTINUE.match(head)
            or "就是" in head[:12]
            or (probe.kind == "action" and not probe.topic)
        )
    return bool(_EN_CONTINUE_RE.match(head) or re.match(rf"(?:{lx.EN_VERBS})\b", head, re.I))


def _groups(clauses: list[_Clause]) -> list[tuple[list[_Clause], _Clause, bool]]:
    """One group per future ACTION clause; framing/purpose clauses join their neighbour."""
    alive = [c.tense in (FUTURE, ONGOING) for c in clauses]
    multi = len(clauses) > 1
    # A short first clause or 抓好… before another action is a lead-in (抓好技术创新，加快…);
    # all short is a slogan (拓展规模，树立更多标杆).
    slogan = multi and all(c.short for c in clauses)
    verbs = [i for i, c in enumerate(clauses) if c.kind == "action"]
    actions = [
        i
        for i in verbs
        if not (clauses[i].short and (slogan or (multi and i == 0)))
        and not (clauses[i].lead_in and i != verbs[-1])
    ]
    if not actions:  # an aim only (加快推动…高质量发展): kept when it names something to check
        eligible = [
            i
            for i, c in enumerate(clauses)
            if alive[i] and c.kind == "purpose" and not (multi and c.short)
        ]
        whole = "".join(c.text for c in clauses)
        if not _CHECKABLE.search(whole):
            return []
        if not eligible:
            return []
        first = eligible[0]
        lo = _lead_start(clauses, alive, first)
        hi = first
        while hi + 1 < len(clauses) and alive[hi + 1]:
            hi += 1
        return [(clauses[lo : hi + 1], clauses[first], True)]
    out = []
    for n, i in enumerate(actions):
        if not alive[i]:
            continue
        lo = _lead_start(clauses, alive, i) if n == 0 else i
        stop = actions[n + 1] if n + 1 < len(actions) else len(clauses)
        hi = i
        while hi + 1 < stop and alive[hi + 1]:
            hi += 1
        out.append((clauses[lo : hi + 1], clauses[i], False))
    return out


def _lead_start(clauses: list[_Clause], alive: list[bool], i: int) -> int:
    """Where the first group starts: at the run of future cues nearest the action (下一步，…将),
    else at the first of the live clauses before it."""
    lo = i
    while lo > 0 and alive[lo - 1]:
        lo -= 1
    cued = [j for j in range(lo, i) if clauses[j].cue == FUTURE]
    if not cued:
        return lo
    j = cued[-1]
    while j > lo and clauses[j - 1].cue == FUTURE:
        j -= 1
    return j


# --- what each candidate says -----------------------------------------------------------------

_ZH_HINT = re.compile(
    r"(?:到|至)?20\d\d(?:年)?(?:[—–-]|至|到)20\d\d年(?:底|末)?"
    r"|(?:到|至)?20\d\d年(?!以来|起)(?:底|年底|末|年末|上半年|下半年|第[一二三四]季度|\d{1,2}月)?(?:前)?"
    r"|今年(?!以来)(?:底|年底|上半年|下半年|内)?|明年(?:底|上半年|下半年)?"
    r"|(?:(?<=面向)|(?<=[到至在]))“?十[一二三四五六七八九]五”?|“?十[一二三四五六七八九]五”?(?:时期|期间|末)"
    r"|[一二三两四五\d]年(?:内|以内)|[一二三两四五\d]年(?=行动|计划|攻坚)"
    r"|\bby (?:the )?(?:end of )?20\d\d\b|\b(?:in|during) 20\d\d\b|\b(?:Q[1-4]|H[12]) 20\d\d\b"
    r"|\b(?:this|next) year\b|\bwithin (?:the next )?\w+ years?\b|\b20\d\d ?[-–] ?20\d\d\b"
    r"|\b(?:the )?15th Five-Year Plan(?: period)?\b",
    re.I,
)


def _hints(s: str, ref: date) -> list[str]:
    """Deadline phrases of a text that the tracker's deadline language reads, not in the past."""
    out = []
    for m in _ZH_HINT.finditer(s):
        raw = m.group().replace("“", "").replace("”", "")
        for option in (raw, re.sub(r"^(?:during|in)\s+", "", raw, flags=re.I)):
            try:
                deadline = parse_deadline(option, reference=ref)
            except (BadInputError, ValueError):
                continue
            if deadline.date >= ref:
                out.append(option)
            break
    return out


def _candidate(
    d: _Draft,
    source: str,
    quote: str,
    start: int,
    end: int,
    ref: date,
    default_owner: str | None,
    keys: set[str],
) -> Candidate:
    """`source` is the action clause as written (traditional characters stay)."""
    a = d.action
    phrase = a.core if a.zh else a.core.rstrip(" .")
    if a.zh:
        last = ""
        while m := _ZH_ADV.match(phrase):  # 持续加快…: the verb is what the adverbs leave
            phrase, last = phrase[m.end() :], m.group()
        if last in lx.VERB_EN and not any(phrase.startswith(v) for v in lx.VERB_EN):
            phrase = last + phrase  # 加快技术创新: 加快 is the verb
        verb, words, coverage = lx.gloss(re.sub(r"\W", "", phrase), re.sub(r"\W", "", a.topic))
        at = len(a.text) - len(a.core)
        topic = source[a.topic_at : a.topic_at + len(a.topic)]
        original: str | None = (topic + source[at:])[:60]
        if verb and words and coverage >= 0.6:  # else the glossary says too little
            title = _clip(f"{verb} {' '.join(words)}")
        else:
            title = original or ""
        key_words = words[:4] or ([verb] if verb else [])
    else:
        phrase = re.sub(r",[^,]*\b(?:said|says|noted|added|told|announced)\b[^,]*$", "", phrase)
        first = phrase.split(" ", 1)
        verb = _EN_PARTICIPLE.get(first[0].lower(), first[0][:1].upper() + first[0][1:])
        title = _clip(" ".join([verb, *first[1:]]))
        key_words = [w for w in re.findall(r"[a-z0-9]+", phrase.lower()) if len(w) > 2][:5]
        original = None
    whole = " ".join(c.text for c in d.clauses)
    hints = _hints(whole, ref) or [
        h for h in _hints(d.sentence, ref) + _hints(d.before, ref) if not re.fullmatch(r"\w年", h)
    ]
    hint = hints[0] if hints else d.scope_hint
    deadline = parse_deadline(hint, reference=ref).date if hint else None
    status = "in_progress" if a.tense == ONGOING else "not_started"
    if _ZH_CONT.search(a.text) or (not a.zh and _EN_CONT.search(a.text)):
        status = "in_progress"
    return Candidate(
        key=_key(key_words, quote, keys),
        title=title or quote[:60],
        title_original=original or None,
        quote=quote,
        offset=start,
        end=end,
        owner=lx.owner_of(d.sentence) or d.owner or default_owner,
        area=lx.area_of(a.topic + a.core, [(whole, 3), *d.area_context]),
        deadline_text=hint,
        deadline=deadline,
        status=status,
        confidence=_confidence(d, hint),
    )


def _clip(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[:limit].rsplit(" ", 1)[0]


def _confidence(d: _Draft, hint: str | None) -> float:
    a = d.action
    own = [c for c in d.clauses if c.cue in (FUTURE, ONGOING)]
    if own:
        score = 0.7
    elif any(c.weak for c in d.clauses):
        score = 0.5
    else:
        score = 0.6
    score += 0.1 if a.strong else (0.05 if not d.fallback else -0.1)
    score += 0.1 if _DELIVERABLE.search(a.core) else 0.0
    score += 0.05 if hint else 0.0
    score -= 0.1 if len(_norm(a.core)) < 8 else 0.0
    return round(min(0.98, max(0.05, score)), 2)


def _key(words: Sequence[str], quote: str, keys: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")[:40].strip("-")
    digest = hashlib.sha1(quote.encode()).hexdigest()
    key = f"{slug or 'goal'}-{digest[:4]}"
    n = 1
    while key in keys:  # the same quote twice (a repeated phrase): number the next ones
        n += 1
        key = f"{slug or 'goal'}-{digest[:4]}-{n}"
    keys.add(key)
    return key


# --- sameness ----------------------------------------------------------------------------------


def _norm(s: str | None) -> str:
    return re.sub(r"[\W_]+", "", lx.to_simplified(s or "")).lower()


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def _similar(a: str, b: str, x: set[str] | None = None, y: set[str] | None = None) -> bool:
    """Nearly the same text: equal, one inside the other, or most character pairs shared
    (`x`, `y`: the character pairs of a and b when already known)."""
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 6 and (a in b or b in a)):
        return True
    x, y = x or _bigrams(a), y or _bigrams(b)
    shared = len(x & y)
    return 2 * shared / (len(x) + len(y)) >= 0.75 or (
        min(len(x), len(y)) >= 5 and shared / min(len(x), len(y)) >= 0.8
    )


# A candidate is the same commitment as a tracked goal when the matcher finds the goal's own
# words covering this share of it (more than scan asks of a news sentence: here both sides are
# statements of a commitment, so the same one shares most of its words).
TRACKED_SCORE = 0.5


class _Tracked:
    """What is tracked already: near-identical text first, then scan's matcher."""

    def __init__(self, existing: Sequence[Mapping[str, str | None]]) -> None:
        self.existing = existing
        self.matcher: Any = None
        if existing:
            from tracker.reading.match import Matcher

            self.matcher = Matcher(existing)

    def key_of(self, c: Candidate, core: str) -> str | None:
        quote = _norm(c.quote)
        for goal in self.existing:
            q, orig = _norm(goal.get("quote")), _norm(goal.get("title_original"))
            title = (goal.get("title") or "").strip().casefold()
            if (
                (q and (q == quote or _similar(core, q) or _similar(quote, q)))
                or (orig and _similar(core, orig))
                or (title and title == c.title.casefold())
            ):
                return goal.get("key")
        if self.matcher is None:
            return None
        from tracker.reading.chinese import fold
        from tracker.reading.match import terms

        found = self.matcher.match(terms(fold(c.quote)), min_score=TRACKED_SCORE)
        return self.existing[found[0].goal].get("key") if found else None


def _reference_date(text: str) -> date:
    """Relative words need a date: the first full date in the text, else today."""
    m = re.search(r"(20\d\d)[-年/.](\d{1,2})[-月/.](\d{1,2})", text[:3000])
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    return date.today()


# --- the import document ------------------------------------------------------------------------


def candidates_document(
    cands: Sequence[Candidate],
    *,
    source: str | None,
    source_url: str | None,
    announced: date | None,
) -> dict[str, Any]:
    """The candidates as an import document (FORMAT.md); `extract` holds what import ignores."""
    goals = []
    for c in cands:
        goals.append(
            {
                "key": c.key,
                "title": c.title,
                "title_original": c.title_original,
                "owner": c.owner,
                "area": c.area,
                "tags": ["extracted"],
                "source": source,
                "source_url": source_url,
                "announced": announced.isoformat() if announced else None,
                "quote": c.quote,
                "deadline_text": c.deadline_text,
                "status": c.status,
                "extract": {
                    "offset": c.offset,
                    "end": c.end,
                    "confidence": c.confidence,
                    "tracked_as": c.tracked_as,
                },
            }
        )
    return {"goals": goals}
