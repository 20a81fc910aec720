"""The workbook's diagnosis section: a person's scores, or a team's means and leaders-vs-staff gaps, then
the weakest categories with their first steps and the quiz's recommendations."""

from __future__ import annotations

from bot.kb.model import KnowledgeBase
from bot.reports import docx_style as dx
from bot.reports import summary
from bot.reports.workbook_plan import Diagnosis
from bot.ui.texts import number, t
from bot.ui.texts import workbook as wt

GAPS_SHOWN = 3


def _label(key: str, lang: str, **kwargs) -> str:
    text = wt.DOC[key][lang]
    return text.format(**kwargs) if kwargs else text


def _signed(x: float | None) -> str:
    return "—" if x is None else ("+" if x > 0 else "") + number(x)


def diagnosis_section(doc, kb: KnowledgeBase, lang: str, diagnosis: Diagnosis) -> None:
    dx.new_page_heading(doc, _label("h_diagnosis", lang))
    if diagnosis.kind is None:
        dx.para(doc, _label("diag_none", lang))
        return
    recs = _team(doc, kb, lang, diagnosis) if diagnosis.kind == "team" else _person(doc, kb, lang, diagnosis)
    _weakest(doc, kb, lang, diagnosis)
    if recs:
        doc.add_heading(_label("diag_recs", lang), level=2)
        for rec in recs:
            dx.para(doc, " — " + rec["why"], label=rec["title"], style="List Bullet")
    dx.para(doc, _label("generated", lang), size=9)


def _person(doc, kb, lang: str, diagnosis: Diagnosis) -> list[dict]:
    result, bank = diagnosis.result, kb.quiz
    if summary.has_estimate(result):
        mode = t("mode_" + result["mode"], lang)
        dx.para(doc, label=_label("diag_total", lang, total=round(result["total"]), mode=mode))
    else:
        dx.para(doc, _label("diag_no_total", lang))
    rows = []
    for topic, cat in bank.categories.items():
        c = result["categories"][topic]
        if c["score_pct"] is None:
            rows.append([f"{cat.clause} {cat.name[lang]}", "—", "—", f"— / {cat.points}"])
            continue
        level = bank.levels[c["level"] - 1]
        rows.append([f"{cat.clause} {cat.name[lang]}", number(c["score_pct"]) + "%",
                     f"{level.level} {level.name[lang]}", f"{round(c['points'])} / {cat.points}"])
    dx.table(doc, _label("diag_cols", lang).split("|"), rows, widths=[6.6, 2.6, 4.2, 3.2], size=9.5)
    return result["recommendations"]


def _team(doc, kb, lang: str, diagnosis: Diagnosis) -> list[dict]:
    report, bank = diagnosis.team, kb.quiz
    roles = report["roles"]
    dx.para(doc, _label("team_line", lang, name=report["team"]["name"], n=report["team"]["respondents"],
                        total=number(report["total"]["mean"]), **roles))
    rows = []
    for topic, c in report["categories"].items():
        cat = bank.categories[topic]
        per = c["by_role"]
        rows.append([f"{cat.clause} {cat.name[lang]}", number(c["mean"]), number(c["spread"]),
                     number(per["leader"]["mean"]), number(per["manager"]["mean"]), number(per["staff"]["mean"]),
                     _signed(c["gap_leaders_minus_staff"])])
    dx.table(doc, _label("team_cols", lang).split("|"), rows, widths=[4.6, 2, 1.8, 1.8, 2, 1.8, 2.6], size=9)
    dx.para(doc, _label("team_small", lang), size=9)
    doc.add_heading(_label("team_gaps", lang), level=2)
    gaps = {c: v["gap_leaders_minus_staff"] for c, v in report["categories"].items()
            if v["gap_leaders_minus_staff"] is not None}
    if not gaps:
        dx.para(doc, _label("team_gap_hidden", lang))
    else:
        for topic in sorted(gaps, key=lambda c: -abs(gaps[c]))[:GAPS_SHOWN]:
            per = report["categories"][topic]["by_role"]
            dx.para(doc, _label("team_gap_line", lang, name=bank.categories[topic].name[lang],
                                leader=number(per["leader"]["mean"]), staff=number(per["staff"]["mean"]),
                                gap=_signed(gaps[topic])), style="List Bullet")
        dx.para(doc, _label("team_gap_note", lang))
    return diagnosis.focus["recommendations"] if diagnosis.focus else []


def _weakest(doc, kb, lang: str, diagnosis: Diagnosis) -> None:
    bank = kb.quiz
    doc.add_heading(_label("diag_weakest", lang), level=2)
    weak = diagnosis.weak_categories()[:3]
    if not weak:
        even = (diagnosis.focus if diagnosis.kind == "team" else diagnosis.result or {}).get("all_equal")
        dx.para(doc, _label("diag_even" if even else "diag_no_weak", lang))
        return
    for topic in weak:
        pct = diagnosis.category_pct(topic)
        level = bank.level_for(pct)
        cat = bank.categories[topic]
        dx.para(doc, label=f"{cat.clause} " + _label("diag_weak_line", lang, name=cat.name[lang], pct=number(pct),
                                                    level=level.level, level_name=level.name[lang]), flag=True)
        entry = kb.entries.get(topic)
        if entry is not None and entry.first_step:
            dx.para(doc, entry.first_step[lang], label=_label("first_step", lang), highlight=True)
