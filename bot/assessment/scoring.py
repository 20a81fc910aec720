"""Stepping and scoring the diagnostic quiz: pure functions over the question bank and an answer map.

A category's score % is the mean band of its counted answers ("I don't know" and unanswered questions
do not count); its estimated points are that % of the category's points; the total sums the categories
that have a counted answer and says `partial` when any category has none. See docs/quiz.md.

A `Result` holds numbers and reason codes only, never words: it is stored as it is, and
`reports/summary.py` words it in the reader's language whenever it is shown, so a quiz taken in Chinese
reads in English after /lang en.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, fields, replace

from bot.kb.model import KnowledgeBase
from bot.kb.quizbank import Question, QuizBank

MODES = ("quick", "full")
MAX_TOTAL = 1000  # the award's points: the categories' points add up to this
STRONG_BAND = 80  # answers at or above this band are not turned into recommendations


class QuizInputError(ValueError):
    """Answers that cannot be scored: unknown question, option out of range, or outside the mode."""


def question_ids(bank: QuizBank, mode: str) -> list[str]:
    return list(bank.modes[mode])


def next_question(bank: QuizBank, ids: list[str], answers: dict[str, int]) -> tuple[int, Question] | None:
    """The first unanswered question of an attempt (index into `ids`), or None when all are answered."""
    for i, qid in enumerate(ids):
        if qid not in answers:
            return i, bank.questions[qid]
    return None


def validate_answers(bank: QuizBank, answers: dict, mode: str | None) -> str:
    """Check an answer map from outside (the CLI); return the mode it belongs to."""
    if not isinstance(answers, dict):
        raise QuizInputError("answers must be a JSON object mapping question id to option index")
    for qid, opt in answers.items():
        q = bank.questions.get(qid)
        if q is None:
            raise QuizInputError(f"unknown question id `{qid}` (see `awardbot quiz --list --json`)")
        if not isinstance(opt, int) or isinstance(opt, bool) or not 0 <= opt < q.option_count:
            given = json.dumps(opt, ensure_ascii=False)  # as it was written: "C", true, null
            raise QuizInputError(
                f"question `{qid}`: option {given} is not an option index: give a whole number from 0 to "
                f"{q.option_count - 1} (0 = option A; {q.unknown_index} is \"I don't know\")")
    if mode is None:
        mode = "quick" if set(answers) <= set(bank.modes["quick"]) else "full"
    outside = [qid for qid in answers if qid not in bank.modes[mode]]
    if outside:
        raise QuizInputError(f"question `{outside[0]}` is not part of the {mode} mode")
    return mode


@dataclass(frozen=True)
class CategoryScore:
    score_pct: float | None  # None: no counted answer in this category
    level: int | None
    points: float | None
    max_points: int
    answered: int
    unknown: int
    questions: int


@dataclass(frozen=True)
class Recommendation:
    """An entry to read and why, as a code: `chosen`, `unknown`, `unanswered` (an answer to `question`
    in `category`, with the `option` chosen), `lowest`, `even`, `only`, `next_lowest`, `next_even` (the
    category as a whole) or `none` (nothing counted yet)."""

    topic: str
    entry: str
    reason: str
    category: str | None = None
    question: str | None = None
    option: int | None = None


@dataclass(frozen=True)
class Result:
    mode: str
    total: float
    partial: bool
    answered: int
    unknown: int
    categories: dict[str, CategoryScore]
    strongest: str | None
    weakest: str | None
    all_equal: bool
    recommendations: tuple[Recommendation, ...] = ()
    max_total: int = MAX_TOTAL
    # old stored rows carried their words (title, why); kept only to show them when no code was stored
    worded: tuple[dict, ...] = field(default=(), compare=False)

    def to_json(self) -> dict:
        """What the store keeps: numbers and codes, in the key order of the shown result."""
        return {"mode": self.mode, "total": self.total, "max_total": self.max_total, "partial": self.partial,
                "answered": self.answered, "unknown": self.unknown,
                "categories": {c: asdict(v) for c, v in self.categories.items()},
                "strongest": self.strongest, "weakest": self.weakest, "all_equal": self.all_equal,
                "recommendations": [asdict(r) for r in self.recommendations]}

    @classmethod
    def from_json(cls, data: dict) -> Result:
        """A stored result, new or old: rows written before results became language-free carry `lang`,
        `level_name`, `title` and `why`; those words are dropped (the level is worded again from its
        number) except a recommendation's reason, which had no code then."""
        known = {f.name for f in fields(CategoryScore)}
        categories = {c: CategoryScore(**{k: v for k, v in raw.items() if k in known})
                      for c, raw in data["categories"].items()}
        # rows stored before points were whole numbers (104.5, 300.5): rounded the same way
        categories = {c: replace(v, points=whole(v.points)) if v.points is not None else v
                      for c, v in categories.items()}
        total = whole(data["total"])
        recs, worded = [], []
        for raw in data.get("recommendations", ()):
            if "reason" in raw:
                recs.append(Recommendation(**{k: raw.get(k) for k in ("topic", "entry", "reason", "category",
                                                                      "question", "option")}))
            else:
                worded.append(raw)
        return cls(mode=data["mode"], total=total, partial=bool(data["partial"]),
                   answered=data["answered"], unknown=data["unknown"], categories=categories,
                   strongest=data.get("strongest"), weakest=data.get("weakest"),
                   all_equal=bool(data.get("all_equal", False)), recommendations=tuple(recs),
                   max_total=data.get("max_total", MAX_TOTAL), worded=tuple(worded))

    @property
    def has_estimate(self) -> bool:
        """At least one category has a counted answer; otherwise a total of 0 would only mislead."""
        return any(c.score_pct is not None for c in self.categories.values())


def whole(x: float) -> int:
    """Points as everyone reads them: a whole number, halves up (104.5 → 105). The one place a score is
    rounded: chat, PDF, history, chart and CSV all show this number. The total is rounded from the exact
    sum (95 % everywhere is 950, not the 952 the rounded parts add up to)."""
    return math.floor(round(x, 6) + 0.5)


def pct_points(c: CategoryScore) -> float:
    """A category's exact points, before rounding."""
    return c.score_pct * c.max_points / 100


def score(kb: KnowledgeBase, mode: str, answers: dict[str, int]) -> Result:
    """The estimate for an attempt; the same answers always give the same result."""
    bank = kb.quiz
    asked = [bank.questions[qid] for qid in bank.modes[mode]]
    categories = {}
    for cat in bank.categories.values():
        qs = [q for q in asked if q.category == cat.topic]
        counted = [q.options[answers[q.id]].band for q in qs if q.id in answers and answers[q.id] < q.unknown_index]
        unknown = sum(1 for q in qs if answers.get(q.id) == q.unknown_index)
        pct = round(sum(counted) / len(counted), 1) if counted else None
        categories[cat.topic] = CategoryScore(
            score_pct=pct, level=bank.level_for(pct).level if counted else None,
            points=whole(pct * cat.points / 100) if counted else None, max_points=cat.points,
            answered=len(counted), unknown=unknown, questions=len(qs))
    scored = {c: v for c, v in categories.items() if v.score_pct is not None}
    order, strongest, weakest, all_equal = extremes({c: v.score_pct for c, v in scored.items()},
                                                    {c: v.max_points for c, v in scored.items()})
    return Result(
        mode=mode, total=whole(sum(pct_points(v) for v in scored.values())), partial=len(scored) < len(categories),
        answered=sum(v.answered for v in categories.values()), unknown=sum(v.unknown for v in categories.values()),
        categories=categories, strongest=strongest, weakest=weakest, all_equal=all_equal,
        recommendations=tuple(recommendations(kb, asked, answers, order, even=all_equal,
                                              pcts={c: v.score_pct for c, v in scored.items()})))


def extremes(pcts: dict[str, float], points: dict[str, int]) -> tuple[list[str], str | None, str | None, bool]:
    """(categories weakest first, strongest, weakest, all_equal) for counted category scores.

    Ties: the category carrying more points matters more, for strengths and for gaps alike. Strongest and
    weakest are named only when at least two categories differ; a lone category or a flat profile names
    neither (`all_equal` tells the two apart), so no category is both at once."""
    order = sorted(pcts, key=lambda c: (pcts[c], -points[c]))
    all_equal = len(pcts) >= 2 and len(set(pcts.values())) == 1
    if len(pcts) < 2 or all_equal:
        return order, None, None, all_equal
    return order, max(pcts, key=lambda c: (pcts[c], points[c])), order[0], all_equal


def tied_with(pcts: dict[str, float], category: str) -> list[str]:
    """Every counted category with the same score as `category`, itself included, in `pcts` order: one
    name when it stands alone, several when the result must say "tied"."""
    return [c for c, v in pcts.items() if v == pcts[category]]


def recommendation(entry, lang: str, why: str) -> dict:
    """One worded recommendation, as team reports show it (they are worded when made, never stored)."""
    return {"topic": entry.topic, "entry": entry.id, "title": entry.title[lang], "why": why}


def recommendations(kb, asked, answers, order, even=False, minimum=3, maximum=5,
                    pcts: dict[str, float] | None = None) -> list[Recommendation]:
    """What to work on: the focus category's lowest answers first, each linked to its entries.

    The focus is the lowest-scoring category (`order[0]`; among equal scores, the one with more points);
    `even` says all counted categories scored the same, so the reasons speak of points, not of weakness.
    With the scores (`pcts`), a focus or next category that shares its score with others is named as tied
    (`lowest_tied`, `next_tied_lowest`, `next_tied_second`), never as the one weakest or second-weakest.
    Each reason says what actually happened: the option chosen, "I don't know", or no answer at all.
    """
    recs: list[Recommendation] = []
    used: set[str] = set()

    def add(entry_id: str, reason: str, category: str | None = None, question: str | None = None,
            option: int | None = None) -> None:
        if entry_id in used or entry_id not in kb.entries or len(recs) >= maximum:
            return
        used.add(entry_id)
        recs.append(Recommendation(kb.entries[entry_id].topic, entry_id, reason, category, question, option))

    if not order:
        for eid in ("practice.getting_started", "practice.self_assessment", "model.overview"):
            add(eid, "none")
        return recs
    focus = order[0]

    def state(q: Question) -> str:
        opt = answers.get(q.id)
        return "unanswered" if opt is None else "unknown" if opt >= q.unknown_index else "chosen"

    def low_first(q: Question) -> tuple:
        kind = state(q)
        return ("chosen", "unknown", "unanswered").index(kind), q.options[answers[q.id]].band if kind == "chosen" else 0

    for q in sorted((q for q in asked if q.category == focus), key=low_first):
        kind = state(q)
        if kind == "chosen" and q.options[answers[q.id]].band >= STRONG_BAND:
            continue  # already integrated practice: nothing to recommend there
        fresh = next((eid for eid in q.entries if eid not in used and eid in kb.entries), None)
        if not fresh:
            continue
        # one recommendation per weak, unknown or missing answer, with that question's own advice
        add(fresh, kind, focus, q.id, answers.get(q.id) if kind == "chosen" else None)
    # Fewer than three distinct entries: add the category's own entries (the category, then its items).
    tied = (lambda c: len(tied_with(pcts, c)) > 1) if pcts else (lambda c: False)
    situation = "even" if even else ("lowest_tied" if tied(focus) else "lowest") if len(order) > 1 else "only"
    for eid in kb.by_topic.get(focus, ()) + tuple(
            e for t, ids in kb.by_topic.items() if t.startswith(focus + ".") for e in ids):
        if len(recs) < minimum:
            add(eid, situation, focus)
    if len(order) > 1 and len(recs) < maximum:
        second = order[1]
        if even:
            why = "next_even"
        elif pcts and pcts[second] == pcts[focus]:
            why = "next_tied_lowest"
        else:
            why = "next_tied_second" if tied(second) else "next_lowest"
        for eid in kb.by_topic.get(second, ()):
            add(eid, why, second)
    return recs


def changes(current: dict, previous: dict | None) -> dict | None:
    """Change per category (percentage points) and in the total since the previous attempt (stored form)."""
    if not previous:
        return None
    delta = {}
    for cat, now in current["categories"].items():
        before = previous["categories"].get(cat, {})
        if now["score_pct"] is not None and before.get("score_pct") is not None:
            delta[cat] = round(now["score_pct"] - before["score_pct"], 1)
    return {"categories": delta, "total": round(current["total"] - previous["total"], 1),
            "comparable": current["mode"] == previous["mode"]}
