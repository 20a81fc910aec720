"""Presenting a scored quiz result in the reader's language: the worded result, its text, the radar chart,
and the change since the last attempt.

`as_dict` words a language-free `Result` (or a stored row, old or new) at the moment it is shown; every
other function here reads that worded form, so chat, history, PDF and comparison speak one language.
"""

from __future__ import annotations

import textwrap

from bot.assessment import scoring
from bot.assessment.scoring import Recommendation, Result
from bot.kb.quizbank import QuizBank
from bot.reports import chart
from bot.ui.replies import Text
from bot.ui.texts import number, t
from bot.ui.texts.reasons import ANSWER_REASONS, CATEGORY_REASONS, NEXT_REASONS, NONE_REASON


def as_dict(kb, result: Result | dict, lang: str) -> dict:
    """The result worded in `lang`: what `quiz --answers --json` prints and every renderer below reads."""
    if isinstance(result, dict):
        result = Result.from_json(result)
    bank = kb.quiz
    categories = {}
    for cat_id, c in result.categories.items():
        level = next((lv for lv in bank.levels if lv.level == c.level), None) if c.level is not None else None
        categories[cat_id] = {"score_pct": c.score_pct, "level": c.level,
                              "level_name": level.name[lang] if level else None, "points": c.points,
                              "max_points": c.max_points, "answered": c.answered, "unknown": c.unknown,
                              "questions": c.questions}
    recs = [worded for worded in (_recommendation(kb, r, lang) for r in result.recommendations) if worded]
    return {
        "mode": result.mode, "lang": lang, "total": result.total, "max_total": result.max_total,
        "partial": result.partial, "answered": result.answered, "unknown": result.unknown,
        "categories": categories, "strongest": result.strongest, "weakest": result.weakest,
        "all_equal": result.all_equal,
        # a row stored before reason codes keeps its words; its titles follow the reader's language
        "recommendations": recs + [_retitled(kb, r, lang) for r in result.worded],
    }


def _retitled(kb, worded: dict, lang: str) -> dict:
    entry = kb.entries.get(worded.get("entry"))
    return {**worded, "title": entry.title[lang]} if entry else worded


def score(kb, mode: str, answers: dict[str, int], lang: str = "en") -> dict:
    """Score and word in one step (the CLI's `--answers`)."""
    return as_dict(kb, scoring.score(kb, mode, answers), lang)


def _recommendation(kb, rec: Recommendation, lang: str) -> dict | None:
    """A recommendation with its title and reason in `lang`; None when a reload removed what it names."""
    bank = kb.quiz
    entry = kb.entries.get(rec.entry)
    category = bank.categories.get(rec.category) if rec.category else None
    if entry is None or (rec.category and category is None):
        return None
    name = category.name[lang] if category else ""
    if rec.reason in ANSWER_REASONS:
        q = bank.questions.get(rec.question or "")
        if q is None:
            return None
        chosen = q.options[rec.option] if rec.option is not None and rec.option < len(q.options) else None
        said = chosen.text[lang].rstrip("。.；;") if chosen else ""
        why = ANSWER_REASONS[rec.reason][lang].format(category=name, said=said, question=q.text[lang],
                                                      advice=q.advice[lang])
    elif rec.reason in CATEGORY_REASONS:
        why = CATEGORY_REASONS[rec.reason][lang].format(category=name)
    elif rec.reason.startswith("next_"):
        why = NEXT_REASONS[rec.reason.removeprefix("next_")][lang].format(category=name)
    else:
        why = NONE_REASON[lang]
    return scoring.recommendation(entry, lang, why)


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + number(x)


def result_text(bank: QuizBank, result: dict, lang: str, change: dict | None = None,
                previous_date: str = "", previous_mode: str = "") -> Text:
    mode = t("mode_" + result["mode"], lang)
    text = Text().b(t("result_title", lang, mode=mode)).nl()
    text.b(total_line(result, lang)).nl(2)
    for cat_id, cat in bank.categories.items():
        c = result["categories"][cat_id]
        name = cat.name[lang]
        if c["score_pct"] is None:
            text.add("• " + t("result_line_none", lang, name=name)).nl()
        else:
            text.add("• " + t("result_line", lang, name=name, pct=number(c["score_pct"]), level=c["level"],
                              level_name=c["level_name"], points=round(c["points"]), max=c["max_points"])).nl()
    if result["partial"] and has_estimate(result):
        missing = [bank.categories[c].name[lang] for c, v in result["categories"].items() if v["score_pct"] is None]
        sep = "、" if lang == "zh" else ", "
        text.nl().i(t("result_partial", lang, cats=sep.join(missing))).nl()
    if result["unknown"]:
        text.add(t("result_unknown", lang, n=result["unknown"])).nl()
    line = strength_line(bank, result, lang)
    if line:
        text.nl().add(line).nl()
    if change:
        text.nl().b(t("result_change", lang, date=previous_date[:10])).nl()
        parts = [f"{bank.categories[c].name[lang]} {_signed(d)}" for c, d in change["categories"].items()]
        parts.append(t("result_change_total", lang, delta=_signed(change["total"])))
        text.add(("；" if lang == "zh" else "; ").join(parts)).nl()
        if not change["comparable"]:
            text.i(t("result_change_mode", lang, mode=t("mode_" + previous_mode, lang))).nl()
    if result["recommendations"]:
        text.nl().b(t("result_recs", lang)).nl()
        for i, rec in enumerate(result["recommendations"], 1):
            text.add(f"{i}. ").b(rec["title"]).add(" — " + rec["why"]).nl()
    text.nl().i(t("result_disclaimer", lang))
    return text


def has_estimate(result: dict) -> bool:
    """At least one category has a counted answer; otherwise a total of 0 would only mislead."""
    return any(c["score_pct"] is not None for c in result["categories"].values())


def total_line(result: dict, lang: str) -> str:
    """"Estimated total: 542 / 1000", or that there is nothing to estimate from."""
    if not has_estimate(result):
        return t("result_no_estimate", lang)
    return t("result_total", lang, total=round(result["total"]))


def strength_line(bank: QuizBank, result: dict, lang: str) -> str | None:
    """Strongest and weakest category, or that every counted category is at the same level; None when there
    is nothing to compare (fewer than two counted categories, or a result stored before `all_equal`)."""
    if result.get("all_equal"):
        c = next(v for v in result["categories"].values() if v["score_pct"] is not None)
        return t("result_even_partial" if result["partial"] else "result_even", lang, pct=number(c["score_pct"]),
                 level=c["level"], level_name=c["level_name"])
    if result["strongest"] and result["weakest"] and result["strongest"] != result["weakest"]:
        pcts = {c: v["score_pct"] for c, v in result["categories"].items() if v["score_pct"] is not None}
        return t("result_strong_weak", lang, strong=tie_names(bank, pcts, result["strongest"], lang),
                 weak=tie_names(bank, pcts, result["weakest"], lang))
    return None


def tie_names(bank: QuizBank, pcts: dict[str, float], category: str, lang: str) -> str:
    """The category's name, or every category tied with it, said to be tied (for a person or a team)."""
    same = scoring.tied_with(pcts, category)
    joined = ("、" if lang == "zh" else ", ").join(bank.categories[c].name[lang] for c in same)
    return joined if len(same) == 1 else t("tied_names", lang, names=joined)


def chart_texts(bank: QuizBank, result: dict, lang: str) -> dict:
    """Every string drawn on the chart (the glyph test checks the font against these)."""
    values = [result["categories"][c]["score_pct"] for c in bank.categories]
    labels = [f"{textwrap.fill(c.name[lang], 14)}\n{number(v) + '%' if v is not None else '—'}"
              for c, v in zip(bank.categories.values(), values, strict=True)]
    total = round(result["total"]) if has_estimate(result) else "—"  # no answer counted: no 0
    return {"labels": labels, "title": t("chart_title", lang) + f"  {total}/1000",
            "legend": (t("chart_now", lang), t("chart_before", lang)), "values": values}


def result_chart(bank: QuizBank, result: dict, lang: str, previous: dict | None = None) -> bytes:
    texts = chart_texts(bank, result, lang)
    before = [previous["categories"].get(c, {}).get("score_pct") for c in bank.categories] if previous else None
    return chart.radar_png(texts["labels"], texts["values"], texts["title"], previous=before, legend=texts["legend"])
