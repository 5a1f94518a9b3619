"""Which tracked goals a passage speaks of: an inverted index of distinctive terms.

Terms are Chinese character pairs (no dictionary needed, and traditional text is folded to
simplified first) and English word stems. Each goal's terms come from its own words —
title_original and quote first, then title, tags and description at half weight — and weigh
by rarity across the goals (inverse document frequency); policy words every announcement
uses (推进, 发展, develop…) weigh little. A passage is scored only against the goals its
terms point to, never against every goal.

A match needs two things: enough of the goal's weighted terms (coverage), and at least two
separate shared phrases — one shared word ("6G", "人形机器人") is never enough — unless the
shared phrase is long (a whole name).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.reading.chinese import fold

_HAN = re.compile(r"[\u3400-\u9fff][\u3400-\u9fff+]*")
_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"[a-z0-9]+")
# Policy language every announcement uses: shared, they say nothing about which goal it is.
GENERIC_ZH = frozenset(
    [
        "加快",
        "推进",
        "推动",
        "发展",
        "建设",
        "实施",
        "深入",
        "持续",
        "加强",
        "强化",
        "培育",
        "一批",
        "体系",
        "行动",
        "专项",
        "工作",
        "我国",
        "国家",
        "企业",
        "产业",
        "技术",
        "相关",
        "部门",
        "开展",
        "支持",
        "促进",
        "提升",
        "构建",
        "健全",
        "完善",
        "探索",
        "创建",
        "形成",
        "方面",
        "重点",
        "重大",
        "关键",
        "机制",
        "服务",
        "应用",
        "中国",
        "全国",
        "地方",
        "各地",
        "工业",
        "信息",
        "工信",
        "信部",
        "和信",
        "业和",
        "化部",
        "进一",
        "一步",
        "全面",
        "积极",
        "大力",
        "着力",
        "继续",
        "不断",
        "新的",
        "以及",
        "等领",
        "领域",
        "有关",
        "进行",
        "目前",
        "今年",
        "明年",
        "年度",
        "我们",
        "有效",
        "高质",
        "质量",
        "展示",
        "日前",
        "近日",
        "记者",
        "表示",
        "介绍",
        "部署",
        "要求",
        "提出",
        "取得",
        "进展",
        "成效",
        "情况",
        "方案",
        "政策",
        "措施",
        "项目",
        "推广",
        "一些",
        "加大",
        "力度",
        "进一",
        "步加",
        "快推",
        "快构",
        "设一",
        "规模",
        "水平",
        "能力",
        "城市",
        "地区",
        "全省",
        "省市",
        "市场",
        "经济",
        "创新",
        "研发",
        "布局",
        "打造",
        "设立",
        "启动",
        "举办",
        "发布",
        "印发",
        "出台",
        "完成",
        "中小",
        "小企",
        "业发",
        "展壮",
        "壮大",
        "公共",
        "示范",
        "标准",
        "试点",
        "平台",
        "安全",
        "数字",
        "智能",
        "网络",
        "新型",
        "未来",
        "新兴",
        "行业",
        "制造",
        "人工",
    ]
)
_GENERIC_EN_WORDS = [
    "the",
    "and",
    "of",
    "for",
    "to",
    "in",
    "a",
    "an",
    "on",
    "with",
    "by",
    "from",
    "its",
    "it",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "will",
    "has",
    "have",
    "had",
    "this",
    "that",
    "these",
    "those",
    "as",
    "at",
    "more",
    "new",
    "than",
    "other",
    "also",
    "into",
    "over",
    "under",
    "not",
    "but",
    "or",
    "which",
    "who",
    "their",
    "they",
    "our",
    "we",
    "us",
    "said",
    "says",
    "say",
    "according",
    "year",
    "years",
    "month",
    "months",
    "first",
    "second",
    "china",
    "chinese",
    "national",
    "ministry",
    "miit",
    "government",
    "state",
    "development",
    "develop",
    "promote",
    "build",
    "support",
    "industry",
    "technology",
    "work",
    "plan",
    "improve",
    "strength",
    "further",
    "carry",
    "speed",
    "accelerate",
    "step",
    "enterprise",
    "company",
    "program",
    "programme",
    "action",
    "special",
    "key",
    "major",
    "level",
    "system",
]
_GENERIC_FACTOR = 0.15
_STRONG_SHARE = 0.4  # of min_score, for a match on a long or goal-specific phrase
_LONG_RUN = 6  # a shared phrase this long (characters) names the thing by itself
_EN_LONG_RUN = 3  # consecutive shared English stems
# A term in at most this share of the goals (and at least in two) is rare enough to name a
# goal when the goal's own title words frame it (see Matcher._anchored)
_RARE_SHARE = 0.01
_FRAME = 2  # separate pieces of the goal's title that must frame its distinctive name


def _stem(word: str) -> str:
    return word[:6] if len(word) > 6 else word.rstrip("s") if len(word) > 3 else word


_GENERIC_EN_WORDS += [
    "them",
    "such",
    "build",
    "building",
    "built",
    "batch",
    "business",
    "cultivate",
    "local",
    "already",
    "many",
    "make",
    "made",
    "across",
    "all",
    "use",
    "using",
    "used",
    "one",
    "two",
    "three",
    "help",
    "helps",
    "new",
    "being",
    "still",
    "while",
    "about",
    "after",
    "before",
    "during",
    "since",
    "most",
    "some",
    "such",
    "than",
    "then",
    "there",
    "what",
    "when",
    "where",
    "how",
    "per",
    "each",
    "together",
]
GENERIC_EN = frozenset(_stem(w) for w in _GENERIC_EN_WORDS)
# English names of things the Chinese goals abbreviate: the term the goal's English uses
_EN_SYNONYMS = (
    (re.compile(r"small and medium[- ]sized (?:enterprise|business|firm|compan)"), " sme "),
    (re.compile(r"five[- ]year plan"), " fyp "),
)
# Characters that end or open a phrase only by accident of the character-pair cut: 首批国家 →
# 批国家 is no phrase; the measure words, particles and conjunctions are trimmed off.
_EDGE = "批的和与及等对在为个项家类之其各了是将已"
_STOP_EN = GENERIC_EN


def _english(folded: str) -> str:
    """English names the goals abbreviate, as the abbreviation (small and medium-sized
    enterprises → sme)."""
    if folded.isascii() or re.search(r"[a-z]{3}", folded):
        for pattern, term in _EN_SYNONYMS:
            folded = pattern.sub(term, folded)
    return folded


def terms(folded: str) -> set[str]:
    """The terms of folded text: Chinese character pairs, English word stems, digit-letter
    words (6g, 5g)."""
    out: set[str] = set()
    for run in _HAN.findall(folded):
        if len(run) == 1:
            continue
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    for word in _WORD.findall(_english(folded)):
        if len(word) >= 2 or word.isdigit():
            out.add(_stem(word))
    return out


def _generic(term: str) -> bool:
    return term in GENERIC_ZH or term in GENERIC_EN or term.isdigit()


@dataclass
class _Goal:
    index: int
    texts: list[str]  # folded title_original, quote, title, tags, description
    weights: dict[str, float]  # term → weight (idf × field weight × generic factor)
    words: list[list[str]]  # each text's English word stems, computed once
    anchors: frozenset[str]  # its rare, non-generic terms (in at most `rare` goals)


@dataclass(frozen=True)
class Match:
    goal: int  # index into the goals given to the Matcher
    score: float  # weighted share of the goal's terms the passage holds, 0..1
    phrases: tuple[str, ...]  # the separate shared phrases


class Matcher:
    """Built once per scan from the goals' texts; `match` a passage many times.

    Coverage is counted per language: a Chinese passage against the goal's Chinese terms, an
    English one against its English terms (title, tags, description), so an English report
    is not judged by how much Chinese it lacks."""

    def __init__(self, goals: Sequence[Mapping[str, Any]], *, max_df: float = 0.05) -> None:
        raw: list[tuple[list[str], set[str], set[str]]] = []
        df: dict[str, int] = defaultdict(int)
        for goal in goals:
            core = [fold(str(goal.get(f) or "")) for f in ("title_original", "quote")]
            tags = goal.get("tags") or []
            aux_texts = [str(goal.get("title") or ""), " ".join(str(t) for t in tags)]
            aux_texts.append(str(goal.get("description") or ""))
            aux = [fold(re.sub(r"[-_]", " ", t)) for t in aux_texts]
            core_terms = set().union(*(terms(t) for t in core))
            aux_terms = set().union(*(terms(t) for t in aux)) - core_terms
            raw.append((core + aux, core_terms, aux_terms))
            for term in core_terms | aux_terms:
                df[term] += 1
        n = max(len(raw), 1)
        self.df = df
        # a term in more than max_df of the goals (and more than 50) is left out of the index:
        # it cannot tell goals apart, and its postings would be as long as the goal list
        limit = max(50, int(max_df * n))
        rare = max(2, int(_RARE_SHARE * n))
        self.goals: list[_Goal] = []
        sigs: dict[tuple[str, ...], int] = {}
        # term → (text signature, share of the goal's Chinese weight, share of its English
        # weight): goals with the same texts have the same weights, so they share one posting
        self.index: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        self.members: list[list[int]] = []  # signature → the goals that have those texts
        for i, (texts, core_terms, aux_terms) in enumerate(raw):
            weights: dict[str, float] = {}
            for term, field in [(t, 1.0) for t in core_terms] + [(t, 0.5) for t in aux_terms]:
                if df[term] > limit or term in _STOP_EN:
                    continue
                idf = math.log(1 + n / df[term])
                weights[term] = idf * field * (_GENERIC_FACTOR if _generic(term) else 1.0)
            zh_total = sum(w for t, w in weights.items() if not t.isascii()) or 1.0
            en_weights = {
                t: (w if t in aux_terms else w * 0.5) for t, w in weights.items() if t.isascii()
            }
            en_total = sum(en_weights.values()) or 1.0
            sig = sigs.setdefault(tuple(texts), len(sigs))
            if sig < len(self.members):  # the same texts as an earlier goal: same postings
                self.members[sig].append(i)
                self.goals.append(self.goals[self.members[sig][0]])
                continue
            self.members.append([i])
            words = [
                [_stem(w) for w in _WORD.findall(_english(t)) if len(w) >= 2 or w.isdigit()]
                for t in texts
            ]
            # the goal's rare, specific terms: only a phrase of these can anchor a framed match
            anchors = frozenset(t for t in weights if not _generic(t) and df[t] <= rare)
            self.goals.append(_Goal(i, texts, weights, words, anchors))
            for term, w in weights.items():
                zh = w / zh_total if not term.isascii() or _DIGITS.search(term) else 0.0
                en = en_weights[term] / en_total if term in en_weights else 0.0
                self.index[term].append((sig, zh, en))

    def match(
        self,
        passage_terms: set[str],
        *,
        min_score: float,
        context: set[str] | None = None,
        framed: bool = False,
    ) -> list[Match]:
        """Goals the passage speaks of, best first: score ≥ min_score and two separate shared
        phrases — the second may come from the `context` (the paragraph) — or one long
        phrase, or one that names only this goal. With `framed`, also a passage holding a
        rare term of the goal's title framed by two more pieces of that title, at any
        share (see `_anchored`)."""
        zh_acc: dict[int, float] = defaultdict(float)
        en_acc: dict[int, float] = defaultdict(float)
        for term in passage_terms:
            for sig, zh, en in self.index.get(term, ()):
                zh_acc[sig] += zh
                en_acc[sig] += en
        out: list[Match] = []
        for sig in zh_acc.keys() | en_acc.keys():
            score = max(zh_acc.get(sig, 0.0), en_acc.get(sig, 0.0))
            goal = self.members[sig][0]
            if framed and self._anchored(goal, passage_terms):
                out.extend(Match(g, round(score, 4), ()) for g in self.members[sig])
                continue
            if score < _STRONG_SHARE * min_score:
                continue
            phrases = self.phrases(goal, passage_terms)
            if not phrases:
                continue
            # a long phrase, or one naming only this goal, is strong evidence: a lower share
            # of the goal's terms will do
            long = any(_long(p) for p in phrases)
            exclusive = any(self._exclusive(p) for p in phrases)
            two = sum(_phrase_count(p) for p in phrases) >= 2
            if not two and context:  # the second phrase may be in the paragraph
                wider = self.phrases(goal, passage_terms | context)
                two = sum(_phrase_count(p) for p in wider) >= 2
            if score < min_score and not (long or (exclusive and two)):
                continue
            if long or two or (exclusive and score >= 2 * min_score):
                out.extend(Match(g, round(score, 4), tuple(phrases)) for g in self.members[sig])
        out.sort(key=lambda m: (-m.score, m.goal))
        return out

    def _anchored(self, goal: int, passage_terms: set[str]) -> bool:
        """A distinctive name of the goal (6G, 领航级: a code or three characters, every term
        in at most two goals) framed by two more separate pieces of the goal's title (培育…
        产业, cultivate…industry) in one passage: the goal's object with its own verb and
        domain. A passage that only names the object (a 6G testbed, a 5G count) holds no
        frame, so one shared word is still never enough; a goal whose title frames the object
        otherwise (启动…6G技术试验) is not matched by that passage."""
        g = self.goals[goal]
        if not g.anchors & passage_terms:
            return False
        names = [p for p in self.phrases(goal, passage_terms) if self._distinctive(g, p)]
        if not names:
            return False
        named = set().union(*(terms(p) for p in names))
        for text, words in ((g.texts[0], g.words[0]), (g.texts[2], g.words[2])):
            frame = [p for p in _title_pieces(text, words, passage_terms) if not p & named]
            # each separate Chinese piece (发展壮大 is one idiom) or English word frames once
            if sum(1 if _chinese(p) else len(p) for p in frame) >= _FRAME:
                return True
        return False

    @staticmethod
    def _distinctive(g: _Goal, phrase: str) -> bool:
        """A code (6g) or a Chinese name of three characters or more, all its terms rare."""
        found = terms(phrase)
        if not found or not found <= g.anchors:
            return False
        if _HAN.fullmatch(phrase):
            return len(phrase) >= 3
        return all(_DIGITS.search(t) for t in found)

    def _exclusive(self, phrase: str) -> bool:
        """A Chinese phrase of 4+ characters whose every pair belongs to one goal only."""
        if len(phrase) < 4 or not _HAN.search(phrase):
            return False
        return all(self.df.get(phrase[i : i + 2], 0) == 1 for i in range(len(phrase) - 1))

    def phrases(self, goal: int, passage_terms: set[str]) -> list[str]:
        """The separate phrases of the goal's text the passage shares, generic ones left out."""
        g = self.goals[goal]
        found: list[str] = []
        for text, words in zip(g.texts, g.words, strict=True):
            found.extend(_runs(text, words, passage_terms, g.weights))
        distinct = sorted(set(found), key=len, reverse=True)
        kept: list[str] = []
        for p in distinct:  # a phrase inside a longer one is the same phrase
            if not any(p in k for k in kept):
                kept.append(p)
        return kept


def _long(phrase: str) -> bool:
    """A phrase that names the thing by itself: six characters, at least three of their pairs
    not policy language (中小企业公共服务 is mostly generic), or three English stems."""
    if _HAN.search(phrase):
        if len(phrase) >= 3 and phrase.endswith("+"):
            return True  # a coined name: 人工智能+, 互联网+
        specific = sum(1 for i in range(len(phrase) - 1) if not _generic(phrase[i : i + 2]))
        return len(phrase) >= _LONG_RUN and specific >= 3
    return len(phrase.split()) >= _EN_LONG_RUN


def _phrase_count(phrase: str) -> float:
    """How much a shared phrase counts towards the two needed: a two-character Chinese word
    (数据, 产品) or a single English word is common enough to count for less than one."""
    if _HAN.fullmatch(phrase):
        return 0.4 if len(phrase) == 2 else 1.0
    if " " in phrase or _DIGITS.search(phrase):
        return 1.0
    return 0.4 if len(phrase) <= 2 else 0.7  # one English word: "ai", "training"


def _runs(
    text: str, words: list[str], passage: set[str], weights: Mapping[str, float]
) -> Iterable[str]:
    """Maximal stretches of `text` whose terms the passage holds and that carry weight."""
    for run in _HAN.findall(text) if not text.isascii() else ():
        i = 0
        while i < len(run) - 1:
            if run[i : i + 2] not in passage:
                i += 1
                continue
            j = i
            while j < len(run) - 1 and run[j : j + 2] in passage:
                j += 1
            piece = run[i : j + 1].strip(_EDGE)
            if len(piece) < 2:
                i = j
                continue
            pairs = [piece[k : k + 2] for k in range(len(piece) - 1)]
            if any(p in weights and not _generic(p) for p in pairs):
                yield piece
            i = j
    i = 0
    while i < len(words):
        if words[i] not in passage or words[i] not in weights:
            i += 1
            continue
        j = i
        while j < len(words) and words[j] in passage:
            j += 1
        kept = [w for w in words[i:j] if w in weights]
        if any(not _generic(w) for w in kept):
            yield " ".join(kept)
        i = j


# English words that frame nothing: a title's articles, prepositions and conjunctions
_FUNCTION_EN = frozenset(
    ["a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "at", "by", "with", "from",
     "into", "as", "its", "their", "this", "that", "than"]
)  # fmt: skip


def _chinese(piece: set[str]) -> bool:
    return any(not t.isascii() for t in piece)


def _title_pieces(text: str, words: list[str], passage: set[str]) -> Iterable[set[str]]:
    """The separate stretches of a (folded) title whose terms the passage holds — generic
    words included, since a goal's own verb and domain (培育, 产业) frame its object — each as
    its set of terms; pairs made only by the cut (和培, of a particle) are no piece."""
    for run in _HAN.findall(text):
        piece: set[str] = set()
        for i in range(len(run) - 1):
            pair = run[i : i + 2]
            if pair in passage and not any(ch in _EDGE for ch in pair):
                piece.add(pair)
            elif piece:
                yield piece
                piece = set()
        if piece:
            yield piece
    piece = set()
    for word in words:
        if word in passage and word not in _FUNCTION_EN:
            piece.add(word)
        elif word not in _FUNCTION_EN and piece:
            yield piece
            piece = set()
    if piece:
        yield piece
