"""From a question to a decision: answered, unsure, declined or small talk, with ranked candidates.

This is the only path by which any channel (console, Telegram, `awardbot ask`) answers a question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import smalltalk
from bot.knowledge import Entry, KnowledgeBase
from bot.retrieval import Retriever
from bot.textnorm import language_of

MAX_QUESTION = 4096  # a Telegram message; longer input is refused politely, not searched


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on the development set (docs/retrieval.md): see `awardbot eval --calibrate`."""

    answer: float = 0.30  # top score at or above: answer with the best entry
    unsure: float = 0.15  # at or above (but below `answer`): offer the top three to pick from
    out_of_scope: float = 0.30  # an out-of-scope entry this close wins: decline and say where to ask


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
    extras: dict = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        return self.status == "answered"

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Answerer:
    def __init__(self, kb: KnowledgeBase, retriever: Retriever, thresholds: Thresholds = Thresholds()):
        self.kb = kb
        self.retriever = retriever
        self.thresholds = thresholds

    def answer(self, question: str, lang: str | None = None, k: int = 5) -> Answer:
        stripped = question.strip()
        lang = lang or language_of(stripped)
        if not stripped:
            return Answer(question, lang, "declined", reason="empty")
        if len(question) > MAX_QUESTION:
            return Answer(question, lang, "declined", reason="too_long")
        # Ask for a few more than k: out-of-scope entries are taken out of the list shown.
        ranked = self.retriever.search(stripped, k=k + 8)
        inside = [Candidate(self.kb.entries[e], s) for e, s in ranked if self.kb.entries[e].in_scope]
        outside = [Candidate(self.kb.entries[e], s) for e, s in ranked if not self.kb.entries[e].in_scope]
        candidates = tuple(inside[:k])
        kind = smalltalk.classify(self.retriever.analyzer.normalize.basic(stripped))
        if kind:
            return Answer(question, lang, "smalltalk", candidates, reason=kind)
        top_in = inside[0].score if inside else 0.0
        t = self.thresholds
        if outside and outside[0].score >= t.out_of_scope and outside[0].score > top_in:
            return Answer(question, lang, "declined", candidates, "out_of_scope", outside[0].entry)
        if top_in >= t.answer:
            return Answer(question, lang, "answered", candidates)
        if top_in >= t.unsure:
            return Answer(question, lang, "unsure", candidates)
        return Answer(question, lang, "declined", candidates, "no_match")
