"""Presenting a scored quiz result: text, the radar chart, and the change since the last attempt."""

from __future__ import annotations

import textwrap

from bot.kb.quizbank import QuizBank
from bot.reports import chart
from bot.ui.replies import Text
from bot.ui.texts import number, t


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
        return t("result_strong_weak", lang, strong=bank.categories[result["strongest"]].name[lang],
                 weak=bank.categories[result["weakest"]].name[lang])
    return None


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
