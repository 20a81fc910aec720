"""From a question to a decision: answered, unsure, declined or small talk, with ranked candidates.

This is the only path by which any channel (console, Telegram, `awardbot ask`) answers a question.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering import smalltalk
from bot.answering.retrieval import Retriever
from bot.answering.textnorm import CJK_RE, EN_STOP, TOKEN_RE, language_of
from bot.kb.model import Entry, KnowledgeBase

MAX_QUESTION = 1000  # longer input (a pasted document) is refused politely, not searched
LOG_LIMIT = 4096  # the question log keeps at most one Telegram message of text


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on the development set (docs/retrieval.md, `awardbot eval --calibrate`), then moved one
    step towards caution: the development optimum (answer 0.19) sits next to a cliff where out-of-scope
    questions start being answered."""

    answer: float = 0.21  # top score at or above: answer with the best entry
    unsure: float = 0.11  # at or above (but below `answer`): offer the top three to pick from
    out_of_scope: float = 0.25  # an out-of-scope entry at least this strong and ahead: decline, say where to ask


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

    def rank(self, question: str, k: int = 5, basic: str | None = None) -> Ranking:
        # Ask for enough that k in-scope entries remain after out-of-scope ones are set apart.
        ranked = self.retriever.search(question, k=k + self._n_outside)
        inside = [Candidate(self.kb.entries[e], s) for e, s in ranked if self.kb.entries[e].in_scope]
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
        ranking = self.rank(stripped, k, basic)
        if not ranking.smalltalk and too_vague(basic):
            # "b", "a b": nothing to go on. The candidates stay (for `ask`), but nothing is claimed.
            return Answer(question, lang, "declined", ranking.inside, reason="no_match")
        return self.decide(question, lang, ranking, self.thresholds)

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
        if top_in >= t.answer:
            return Answer(question, lang, "answered", candidates)
        if top_in >= t.unsure:
            return Answer(question, lang, "unsure", candidates)
        return Answer(question, lang, "declined", candidates, "no_match")


def too_vague(text: str) -> bool:
    """No Chinese character, no number and no English word of two letters or more beyond stop words (`text`
    normalised): a lone letter matches whatever entry happens to mention "Annex B" or "Plan-Do-Check-Act"."""
    if CJK_RE.search(text):
        return False
    return not any((len(w) > 1 and w not in EN_STOP) or w.isdigit() for w in TOKEN_RE.findall(text))
