"""Stepping and scoring the diagnostic quiz: pure functions over the question bank and an answer map.

A category's score % is the mean band of its counted answers ("I don't know" and unanswered questions
do not count); its estimated points are that % of the category's points; the total sums the categories
that have a counted answer and says `partial` when any category has none. See docs/quiz.md.
"""

from __future__ import annotations

import json

from bot.kb.model import KnowledgeBase
from bot.kb.quizbank import Question, QuizBank

MODES = ("quick", "full")
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


def score(kb: KnowledgeBase, mode: str, answers: dict[str, int], lang: str = "en") -> dict:
    """The estimate for an attempt; the same answers always give the same result."""
    bank = kb.quiz
    asked = [bank.questions[qid] for qid in bank.modes[mode]]
    categories = {}
    for cat in bank.categories.values():
        qs = [q for q in asked if q.category == cat.topic]
        counted = [q.options[answers[q.id]].band for q in qs if q.id in answers and answers[q.id] < q.unknown_index]
        unknown = sum(1 for q in qs if answers.get(q.id) == q.unknown_index)
        if counted:
            pct = round(sum(counted) / len(counted), 1)
            level = bank.level_for(pct)
            categories[cat.topic] = {
                "score_pct": pct, "level": level.level, "level_name": level.name[lang],
                "points": round(pct * cat.points / 100, 1), "max_points": cat.points,
                "answered": len(counted), "unknown": unknown, "questions": len(qs),
            }
        else:
            categories[cat.topic] = {
                "score_pct": None, "level": None, "level_name": None, "points": None,
                "max_points": cat.points, "answered": 0, "unknown": unknown, "questions": len(qs),
            }
    scored = {c: v for c, v in categories.items() if v["score_pct"] is not None}
    total = round(sum(v["points"] for v in scored.values()), 1)
    order, strongest, weakest, all_equal = extremes({c: v["score_pct"] for c, v in scored.items()},
                                                    {c: v["max_points"] for c, v in scored.items()})
    return {
        "mode": mode,
        "lang": lang,
        "total": total,
        "max_total": 1000,
        "partial": len(scored) < len(categories),
        "answered": sum(v["answered"] for v in categories.values()),
        "unknown": sum(v["unknown"] for v in categories.values()),
        "categories": categories,
        "strongest": strongest,
        "weakest": weakest,
        "all_equal": all_equal,
        "recommendations": recommendations(kb, asked, answers, order, lang, even=all_equal),
    }


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


def recommendation(entry, lang: str, why: str) -> dict:
    """One recommendation as results, reports and `quiz --answers` show it."""
    return {"topic": entry.topic, "entry": entry.id, "title": entry.title[lang], "why": why}


def recommendations(kb, asked, answers, order, lang, even=False, minimum=3, maximum=5) -> list[dict]:
    """What to work on: the focus category's lowest answers first, each linked to its entries.

    The focus is the lowest-scoring category (`order[0]`; among equal scores, the one with more points);
    `even` says all counted categories scored the same, so the reasons speak of points, not of weakness.
    Each reason says what actually happened: the option chosen, "I don't know", or no answer at all.
    """
    bank = kb.quiz
    recs: list[dict] = []
    used: set[str] = set()

    def add(entry_id: str, why: str) -> None:
        if entry_id in used or entry_id not in kb.entries or len(recs) >= maximum:
            return
        used.add(entry_id)
        recs.append(recommendation(kb.entries[entry_id], lang, why))

    if not order:
        for eid in ("practice.getting_started", "practice.self_assessment", "model.overview"):
            add(eid, _WHY_NONE[lang])
        return recs
    focus = order[0]
    cat_name = bank.categories[focus].name[lang]

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
        said = q.options[answers[q.id]].text[lang].rstrip("。.；;") if kind == "chosen" else ""
        add(fresh, _WHY[kind][lang].format(category=cat_name, said=said, question=q.text[lang], advice=q.advice[lang]))
    # Fewer than three distinct entries: add the category's own entries (the category, then its items).
    situation = "even" if even else "lowest" if len(order) > 1 else "only"
    for eid in kb.by_topic.get(focus, ()) + tuple(
            e for t, ids in kb.by_topic.items() if t.startswith(focus + ".") for e in ids):
        if len(recs) < minimum:
            add(eid, _WHY_CAT[situation][lang].format(category=cat_name))
    if len(order) > 1 and len(recs) < maximum:
        second = order[1]
        for eid in kb.by_topic.get(second, ()):
            add(eid, _WHY_NEXT["even" if even else "lowest"][lang].format(category=bank.categories[second].name[lang]))
    return recs


_WHY = {
    "chosen": {
        "zh": "{category}：你选择了「{said}」。{advice}",
        "en": "{category}: you chose \u201c{said}\u201d. {advice}",
    },
    "unknown": {
        "zh": "{category}：对「{question}」你选择了「不知道」。{advice}",
        "en": "{category}: to \u201c{question}\u201d you answered \u201cI don't know\u201d. {advice}",
    },
    "unanswered": {
        "zh": "{category}：「{question}」这一题没有作答。{advice}",
        "en": "{category}: \u201c{question}\u201d was not answered. {advice}",
    },
}
_WHY_CAT = {
    "lowest": {
        "zh": "{category}是你得分最低的类目，先读懂它要求什么。",
        "en": "{category} is your lowest-scoring category: start with what it asks for.",
    },
    "even": {
        "zh": "有计分回答的各类目得分相同；其中{category}分值最高，先读懂它要求什么。",
        "en": "Every category with a counted answer scored the same; {category} carries the most points: "
              "start with what it asks for.",
    },
    "only": {
        "zh": "{category}是唯一有计分回答的类目，先读懂它要求什么。",
        "en": "{category} is the only category with a counted answer: start with what it asks for.",
    },
}
_WHY_NEXT = {
    "lowest": {"zh": "{category}是你第二弱的类目。", "en": "{category} is your second-weakest category."},
    "even": {"zh": "{category}的分值次高。", "en": "{category} carries the next-most points."},
}
_WHY_NONE = {
    "zh": "还没有计分的回答：先了解模式和自评方法，再做一次测评。",
    "en": "No answer was counted yet: learn the model and how to self-assess, then take the quiz again.",
}


def changes(current: dict, previous: dict | None) -> dict | None:
    """Change per category (percentage points) and in the total since the previous attempt."""
    if not previous:
        return None
    delta = {}
    for cat, now in current["categories"].items():
        before = previous["categories"].get(cat, {})
        if now["score_pct"] is not None and before.get("score_pct") is not None:
            delta[cat] = round(now["score_pct"] - before["score_pct"], 1)
    return {"categories": delta, "total": round(current["total"] - previous["total"], 1),
            "comparable": current["mode"] == previous["mode"]}
