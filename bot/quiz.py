"""Stepping and scoring the diagnostic quiz: pure functions over the question bank and an answer map.

A category's score % is the mean band of its counted answers ("I don't know" and unanswered questions
do not count); its estimated points are that % of the category's points; the total sums the categories
that have a counted answer and says `partial` when any category has none. See docs/quiz.md.
"""

from __future__ import annotations

from bot.knowledge import KnowledgeBase
from bot.quizbank import Question, QuizBank

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
            raise QuizInputError(
                f"question `{qid}`: option {opt!r} is out of range 0..{q.option_count - 1} "
                f"({q.unknown_index} is \"I don't know\")")
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
    # Ties: the category carrying more points matters more, for strengths and for gaps alike.
    order = sorted(scored, key=lambda c: (scored[c]["score_pct"], -scored[c]["max_points"]))
    weakest = order[0] if order else None
    strongest = max(scored, key=lambda c: (scored[c]["score_pct"], scored[c]["max_points"])) if scored else None
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
        "recommendations": recommendations(kb, asked, answers, weakest, order, lang),
    }


def recommendations(kb, asked, answers, weakest, order, lang, minimum=3, maximum=5) -> list[dict]:
    """What to work on: the weakest category's lowest answers first, each linked to its entries."""
    bank = kb.quiz
    recs: list[dict] = []
    used: set[str] = set()

    def add(entry_id: str, why: str) -> None:
        if entry_id in used or entry_id not in kb.entries or len(recs) >= maximum:
            return
        used.add(entry_id)
        e = kb.entries[entry_id]
        recs.append({"topic": e.topic, "entry": e.id, "title": e.title[lang], "why": why})

    if weakest is None:
        for eid in ("practice.getting_started", "practice.self_assessment", "model.overview"):
            add(eid, _WHY_NONE[lang])
        return recs
    cat_name = bank.categories[weakest].name[lang]

    def low_first(q: Question) -> tuple:
        opt = answers.get(q.id)
        counted = opt is not None and opt < q.unknown_index
        return (0 if counted else 1, q.options[opt].band if counted else 0)

    for q in sorted((q for q in asked if q.category == weakest), key=low_first):
        opt = answers.get(q.id)
        if opt is not None and opt < q.unknown_index and q.options[opt].band >= STRONG_BAND:
            continue  # already integrated practice: nothing to recommend there
        said = q.options[opt].text[lang] if opt is not None and opt < q.unknown_index else _UNKNOWN[lang]
        fresh = next((eid for eid in q.entries if eid not in used and eid in kb.entries), None)
        if fresh:  # one recommendation per weak answer, with that answer's own advice
            add(fresh, _WHY[lang].format(category=cat_name, said=said.rstrip("。.；;"), advice=q.advice[lang]))
    # Fewer than three distinct entries: add the category's own entries (the category, then its items).
    for eid in kb.by_topic.get(weakest, ()) + tuple(
            e for t, ids in kb.by_topic.items() if t.startswith(weakest + ".") for e in ids):
        if len(recs) < minimum:
            add(eid, _WHY_CAT[lang].format(category=cat_name))
    if len(order) > 1 and len(recs) < maximum:
        second = order[1]
        for eid in kb.by_topic.get(second, ()):
            add(eid, _WHY_NEXT[lang].format(category=bank.categories[second].name[lang]))
    return recs


_WHY = {
    "zh": "{category}：你选择了「{said}」。{advice}",
    "en": "{category}: you chose \u201c{said}\u201d. {advice}",
}
_UNKNOWN = {"zh": "不知道", "en": "I don't know"}
_WHY_CAT = {
    "zh": "{category}是你得分最低的类目，先读懂它要求什么。",
    "en": "{category} is your lowest-scoring category: start with what it asks for.",
}
_WHY_NEXT = {"zh": "{category}是你第二弱的类目。", "en": "{category} is your second-weakest category."}
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
