"""From a question to a decision: answered, unsure, declined or small talk, with ranked candidates.

This is the only path by which any channel (console, Telegram, `awardbot ask`) answers a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering import smalltalk
from bot.answering.pinyin import PinyinReader
from bot.answering.retrieval import Retriever
from bot.answering.textnorm import CJK_RE, EN_STOP, TOKEN_RE, language_of
from bot.kb.model import Entry, KnowledgeBase

# A clause of GB/T 19580 as the user typed it, after normalisation (4.2, 4.2.3, 4.7.9); not 4.5.1.2 or 14.2.
CLAUSE_RE = re.compile(r"(?<![\d.])4\.\d{1,2}(?:\.\d{1,2})?(?![\d.]*\d)")
MAX_QUESTION = 1000  # longer input (a pasted document) is refused politely, not searched
LOG_LIMIT = 4096  # the question log keeps at most one Telegram message of text


@dataclass(frozen=True)
class Thresholds:
    """Per reply language, calibrated on the development set and the held-out tune half
    (`awardbot eval --calibrate`, docs/retrieval.md): English questions score differently from Chinese
    ones (whole words, no character bigrams), so one global cut would serve neither."""

    answer: float = 0.18  # Chinese: top score at or above: answer with the best entry
    unsure: float = 0.12  # at or above (but below `answer`): offer the top three to pick from
    out_of_scope: float = 0.20  # an out-of-scope entry at least this strong and ahead: decline, say where to ask
    answer_en: float = 0.22
    unsure_en: float = 0.16
    # The best entry must lead the next one of another topic by this share of its own score to be claimed
    # as the answer; a near tie is a "did you mean" between the two, not a guess.
    margin: float = 0.1
    # A glossary entry's score on a question that does not ask what a term means ("how do we benchmark"
    # belongs to the practice entry, "what is a benchmark" to the glossary).
    glossary_other: float = 0.85

    def for_lang(self, lang: str) -> tuple[float, float]:
        return (self.answer_en, self.unsure_en) if lang == "en" else (self.answer, self.unsure)


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    lang: str
    status: str  # answered | unsure | declined | smalltalk
    candidates: tuple[Candidate, ...] = ()  # in-scope entries, best first
    reason: str = ""  # declined: empty | too_long | out_of_scope | no_match; smalltalk: its kind
    redirect: Entry | None = None  # the out-of-scope entry that explains where to ask instead

    @property
    def answered(self) -> bool:
        return self.status == "answered"

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True)
class Ranking:
    """What retrieval found for a question, before any threshold is applied."""

    inside: tuple[Candidate, ...]  # in-scope entries, best first
    outside: Candidate | None  # the best out-of-scope entry
    smalltalk: str | None


class Answerer:
    def __init__(self, kb: KnowledgeBase, retriever: Retriever, thresholds: Thresholds | None = None):
        self.kb = kb
        self.retriever = retriever
        self.thresholds = thresholds or Thresholds()
        self._n_outside = sum(1 for e in kb.entries.values() if not e.in_scope)
        self.pinyin = PinyinReader(retriever.a.vocabulary, retriever.a.idf)
        # Clause number → the category entry that explains it (glossary entries may cite a clause too).
        self._clauses: dict[str, Entry] = {}
        for e in kb.entries.values():
            if e.clause and (e.clause not in self._clauses or e.topic.startswith("cat.")):
                self._clauses[e.clause] = e

    def rank(self, question: str, k: int = 5, basic: str | None = None) -> Ranking:
        # Ask for enough that k in-scope entries remain after out-of-scope ones are set apart.
        ranked = self.retriever.search(question, k=k + self._n_outside)
        inside = [Candidate(self.kb.entries[e], s) for e, s in ranked if self.kb.entries[e].in_scope]
        if not asks_definition(question):  # a glossary entry owns "what is X", not "how do we do X"
            inside = [Candidate(c.entry, c.score * self.thresholds.glossary_other) if is_glossary(c.entry) else c
                      for c in inside]
            inside.sort(key=lambda c: -c.score)
        outside = next((Candidate(self.kb.entries[e], s) for e, s in ranked if not self.kb.entries[e].in_scope), None)
        kind = smalltalk.classify(basic if basic is not None else self.retriever.analyzer.normalize.basic(question))
        return Ranking(tuple(inside[:k]), outside, kind)

    def answer(self, question: str, lang: str | None = None, k: int = 5) -> Answer:
        stripped = question.strip()
        lang = lang or language_of(stripped)
        if not stripped:
            return Answer(question, lang, "declined", reason="empty")
        if len(question) > MAX_QUESTION:
            return Answer(question, lang, "declined", reason="too_long")
        basic = self.retriever.analyzer.normalize.basic(stripped)  # small talk and vagueness read it
        missing = self.missing_clause(basic)
        if missing:  # "4.7.9": no such clause; say so and offer the nearest ones rather than guess
            return Answer(question, lang, "declined", self.nearest_clauses(missing), reason="no_such_clause")
        heard = self.pinyin.to_chinese(basic)  # "zi ping bao gao zen me xie" → 自评 评报 报告 …
        ranking = self.rank(heard or stripped, k, basic)
        if not ranking.smalltalk and too_vague(heard or basic):
            # "b", "a b": nothing to go on. The candidates stay (for `ask`), but nothing is claimed.
            return Answer(question, lang, "declined", ranking.inside, reason="no_match")
        return self.decide(question, lang, ranking, self.thresholds)

    def missing_clause(self, basic: str) -> str | None:
        """A clause number in the question that GB/T 19580 does not have (4.7.9, 4.8). Each category's
        x.1 is its summary (提要), which the normaliser already reads as the category (4.7.1 → 4.7)."""
        return next((n for n in CLAUSE_RE.findall(basic) if n not in self._clauses), None)

    def nearest_clauses(self, number: str, n: int = 3) -> tuple[Candidate, ...]:
        """The existing clauses closest to `number`: the same category first, by distance of the item."""
        def position(clause: str) -> tuple[int, int]:
            category, item = ([*clause.split(".")[1:], "0"])[:2]
            return int(category), int(item)

        wanted = position(number)

        def key(clause: str) -> tuple:
            here = position(clause)
            return abs(here[0] - wanted[0]), abs(here[1] - wanted[1]), clause

        near = sorted((c for c in self._clauses if c.startswith("4.")), key=key)[:n]
        return tuple(Candidate(self._clauses[c], 0.0) for c in near)

    @staticmethod
    def decide(question: str, lang: str, ranking: Ranking, t: Thresholds) -> Answer:
        """The status for a ranking under given thresholds (calibration replays this)."""
        candidates = ranking.inside
        if ranking.smalltalk:
            return Answer(question, lang, "smalltalk", candidates, reason=ranking.smalltalk)
        top_in = candidates[0].score if candidates else 0.0
        out = ranking.outside
        if out is not None and out.score >= t.out_of_scope and out.score > top_in:
            return Answer(question, lang, "declined", candidates, "out_of_scope", out.entry)
        answer_at, unsure_at = t.for_lang(language_of(question))
        if top_in >= answer_at and lead(candidates) >= t.margin * top_in:
            return Answer(question, lang, "answered", candidates)
        if top_in >= unsure_at:
            return Answer(question, lang, "unsure", candidates)
        return Answer(question, lang, "declined", candidates, "no_match")


# "什么是标杆", "标杆是什么意思", "what is a benchmark", "define key process", "meaning of PDCA".
_DEFINITION_RE = re.compile(
    r"什么是|什么叫|何谓|是什么|是啥|啥是|指什么|指的是|的定义|的含义|什么意思|啥意思|解释一下|名词解释"
    r"|^\s*(what is|what's|whats|what are|what does|define|definition of|meaning of|explain the term|term)\b"
    r"|\bmean(s|ing)?\b|\bdefin(e|ed|ition)\b", re.IGNORECASE)
_HOW_RE = re.compile(r"怎么|怎样|如何|哪些|步骤|做法|^\s*how\b|\bhow (do|to|can|should|does)\b", re.IGNORECASE)


def asks_definition(question: str) -> bool:
    """A question about what a term means, or a bare term of a few words (no how-to)."""
    if _HOW_RE.search(question):
        return False
    if _DEFINITION_RE.search(question):
        return True
    return len(question) <= 6 if CJK_RE.search(question) else len(question.split()) <= 3


def is_glossary(entry: Entry) -> bool:
    return entry.topic.startswith("glossary.")


def lead(candidates: tuple[Candidate, ...]) -> float:
    """How far the best entry is ahead of the next entry of another topic (its own topic's
    "read more" entries do not compete with it)."""
    if not candidates:
        return 0.0
    best = candidates[0]
    rival = next((c.score for c in candidates[1:] if c.entry.topic != best.entry.topic), 0.0)
    return best.score - rival


def too_vague(text: str) -> bool:
    """No Chinese character, no number and no English word of two letters or more beyond stop words (`text`
    normalised): a lone letter matches whatever entry happens to mention "Annex B" or "Plan-Do-Check-Act"."""
    if CJK_RE.search(text):
        return False
    return not any((len(w) > 1 and w not in EN_STOP) or w.isdigit() for w in TOKEN_RE.findall(text))
