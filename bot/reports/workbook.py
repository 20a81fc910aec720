"""The self-assessment report workbook: a Word document to start the 自评报告 from.

Cover, how to use it, the city rules to check, a preparation timeline, the diagnosis (a person's result or
a team's, with the leaders-vs-staff gaps), the organizational profile as headed prompts, then every
category and item of GB/T 19580 as the knowledge base describes them: points, what the clause asks, the
evidence checklist, common weak spots, the first step, ADLI or LeTCI prompts (results items add a KPI
table template) and a length budget. Where the diagnosis shows an area weak, the quiz answer and the first
step are shaded. Everything clause-specific comes from the knowledge base; the frame is in
bot/ui/texts/workbook.py.
"""

from __future__ import annotations

import io
from datetime import date

from bot.kb.model import KnowledgeBase
from bot.kb.quizbank import RESULTS_CATEGORY
from bot.reports import docx_style as dx
from bot.reports import summary, team_summary
from bot.reports.workbook_diagnosis import diagnosis_section
from bot.reports.workbook_plan import Category, Diagnosis, clauses, item_budgets
from bot.ui.texts import number
from bot.ui.texts import workbook as wt

DEFAULT_WORDS = 30000  # Shenzhen 2016's cap, a commonly cited example; caps vary by city


def label(key: str, lang: str, **kwargs) -> str:
    text = wt.DOC[key][lang]
    return text.format(**kwargs) if kwargs else text


def columns(key: str, lang: str, **kwargs) -> list[str]:
    return label(key, lang, **kwargs).split("|")


def colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def person_workbook(kb: KnowledgeBase, mode: str, answers: dict[str, int], lang: str, **kwargs) -> bytes:
    """From one person's answers (scored and worded here, in the workbook's language)."""
    result = summary.score(kb, mode, answers, lang)
    return build(kb, lang, Diagnosis(kb, result=result, answers=dict(answers)), **kwargs)


def team_workbook(kb: KnowledgeBase, report: dict, lang: str, **kwargs) -> bytes:
    """From a team report (aggregates only: no one person's answers appear)."""
    return build(kb, lang, Diagnosis(kb, team=report, focus=team_summary.team_focus(report, kb, lang)), **kwargs)


def build(kb: KnowledgeBase, lang: str, diagnosis: Diagnosis | None = None, *, organisation: str = "",
          words: int = DEFAULT_WORDS, today: date | None = None) -> bytes:
    diagnosis = diagnosis or Diagnosis(kb)
    today = today or date.today()
    doc = dx.new_document(lang, label("title", lang))
    dx.footer(doc, label("footer", lang), label("footer_tail", lang))
    cats = clauses(kb)
    budget = item_budgets(cats, words)
    _cover(doc, lang, diagnosis, organisation, today)
    _guide(doc, lang, words)
    diagnosis_section(doc, kb, lang, diagnosis)
    _profile(doc, kb, lang, words)
    for cat in cats:
        _category(doc, kb, lang, cat, diagnosis, budget)
        for entry in cat.items:
            _item(doc, kb, lang, cat, entry, diagnosis, budget[entry.clause], today)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cover(doc, lang, diagnosis: Diagnosis, organisation: str, today: date) -> None:
    for _ in range(4):
        doc.add_paragraph()
    doc.add_paragraph(label("title", lang), style="Title")
    doc.add_paragraph(label("subtitle", lang), style="Subtitle")
    doc.add_paragraph()
    dx.para(doc, organisation or label("org_blank", lang), label=label("org", lang) + colon(lang), size=12)
    dx.para(doc, today.isoformat(), label=label("date", lang) + colon(lang), size=12)
    dx.para(doc, _based_on(diagnosis, lang), label=label("based_on", lang) + colon(lang), size=12)
    doc.add_paragraph()
    dx.para(doc, label=label("draft", lang), flag=True)
    dx.para(doc, label("generated", lang), size=9)


def _based_on(diagnosis: Diagnosis, lang: str) -> str:
    from bot.ui.texts import t

    if diagnosis.kind == "team":
        team = diagnosis.team["team"]
        return label("based_team", lang, name=team["name"], n=team["respondents"])
    if diagnosis.kind == "person":
        r = diagnosis.result
        return label("based_person", lang, mode=t("mode_" + r["mode"], lang), answered=r["answered"])
    return label("based_none", lang)


def _guide(doc, lang: str, words: int) -> None:
    dx.new_page_heading(doc, label("h_use", lang))
    for line in wt.GUIDE[lang]:
        dx.para(doc, line.format(words=f"{words:,}"), style="List Bullet")
    doc.add_heading(label("h_rules", lang), level=1)
    dx.para(doc, label("rules_intro", lang))
    dx.table(doc, columns("rules_cols", lang), [[rule, example, ""] for rule, example in wt.RULES[lang]],
             widths=[3.6, 8.8, 4.2])
    doc.add_heading(label("h_timeline", lang), level=1)
    dx.para(doc, label("timeline_intro", lang))
    dx.table(doc, columns("timeline_cols", lang), [list(row) for row in wt.TIMELINE[lang]], widths=[3.0, 13.6])


def _profile(doc, kb: KnowledgeBase, lang: str, words: int) -> None:
    dx.new_page_heading(doc, label("h_profile", lang))
    entry = kb.entries.get("model.organizational_profile")
    if entry is not None:
        dx.para(doc, entry.answer[lang].split("\n")[0])
    dx.para(doc, label("profile_budget", lang, words=f"{words:,}"))
    dx.para(doc, label("profile_split", lang))
    for heading, prompts in wt.PROFILE[lang]:
        doc.add_heading(heading, level=2)
        for prompt in prompts:
            dx.para(doc, prompt, style="List Bullet")
        dx.para(doc, label("write_section", lang), size=9)


def _points(entry, lang: str) -> str:
    key = "points_verified" if entry.points_verified else "points_cited"
    return label(key, lang, points=entry.points)


def _info(doc, rows: list[tuple[str, str]]) -> None:
    dx.table(doc, [rows[0][0], rows[0][1]], [list(r) for r in rows[1:]], widths=[3.4, 13.2], size=9.5)


def _evidence(doc, lang: str, entry) -> None:
    doc.add_heading(label("evidence", lang), level=3)
    rows = [[e, "", "", ""] for e in (entry.evidence or {}).get(lang, ())] or [["", "", "", ""]]
    dx.table(doc, columns("evidence_cols", lang), rows, widths=[9.0, 2.4, 2.2, 3.0])


def _pitfalls(doc, lang: str, entry) -> None:
    pitfalls = (entry.pitfalls or {}).get(lang, ())
    if pitfalls:
        doc.add_heading(label("pitfalls", lang), level=3)
        for p in pitfalls:
            dx.para(doc, p, style="List Bullet")


def _category(doc, kb, lang: str, cat: Category, diagnosis: Diagnosis, budget: dict[str, int]) -> None:
    entry = cat.entry
    dx.new_page_heading(doc, entry.title[lang])
    sep = "；" if lang == "zh" else "; "
    _info(doc, [(label("clause", lang), entry.clause), (label("points", lang), _points(entry, lang)),
                      (label("budget", lang), label("budget_cat", lang, n=f"{budget[entry.clause]:,}")),
                      (label("items", lang), sep.join(e.title[lang] for e in cat.items))])
    weak = cat.topic in diagnosis.weak_categories()
    line = _category_line(kb, lang, cat.topic, diagnosis)
    if line:
        if weak:
            dx.para(doc, label=label("weak_flag", lang), flag=True, highlight=True)
        dx.para(doc, line, highlight=weak)
    if weak and entry.first_step:
        dx.para(doc, entry.first_step[lang], label=label("first_step", lang), flag=True, highlight=True)
    doc.add_heading(label("asks", lang), level=3)
    dx.text_block(doc, entry.answer[lang])
    _evidence(doc, lang, entry)
    _pitfalls(doc, lang, entry)
    if entry.first_step and not weak:
        dx.para(doc, entry.first_step[lang], label=label("first_step", lang))


def _category_line(kb, lang: str, topic: str, diagnosis: Diagnosis) -> str | None:
    name = kb.quiz.categories[topic].name[lang]
    if diagnosis.kind == "team":
        c = diagnosis.team["categories"].get(topic) or {}
        if c.get("mean") is None:
            return None
        by_role = c["by_role"]
        return label("cat_team", lang, name=name, mean=number(c["mean"]), leader=number(by_role["leader"]["mean"]),
                     staff=number(by_role["staff"]["mean"]))
    c = (diagnosis.result or {}).get("categories", {}).get(topic) or {}
    if c.get("score_pct") is None:
        return None
    level = kb.quiz.levels[c["level"] - 1]
    return label("cat_score", lang, name=name, pct=number(c["score_pct"]), level=level.level,
                 level_name=level.name[lang])


def _item(doc, kb, lang: str, cat: Category, entry, diagnosis: Diagnosis, budget: int, today: date) -> None:
    results = cat.topic == RESULTS_CATEGORY
    doc.add_heading(entry.title[lang], level=2)
    _info(doc, [(label("clause", lang), entry.clause), (label("points", lang), _points(entry, lang)),
                      (label("budget", lang), label("budget_value", lang, n=f"{budget:,}"))])
    doc.add_heading(label("asks", lang), level=3)
    dx.text_block(doc, entry.answer[lang])
    answered = diagnosis.item_answers(entry.clause)
    weak = diagnosis.item_weak(entry.clause)
    if answered:
        doc.add_heading(label("quiz_answer", lang), level=3)
        if weak:
            dx.para(doc, label=label("weak_flag", lang), flag=True, highlight=True)
        for q, option in answered:
            chosen = label("unknown", lang) if option >= q.unknown_index else q.options[option].text[lang]
            low = diagnosis.answer_weak(q, option)
            dx.para(doc, label("answer_line", lang, question=q.text[lang], chosen=chosen), highlight=low)
            if low:
                dx.para(doc, q.advice[lang], label=label("advice", lang), highlight=True)
    if entry.first_step:
        dx.para(doc, entry.first_step[lang], label=label("first_step", lang), flag=weak, highlight=weak)
    doc.add_heading(label("prompts", lang), level=3)
    order = wt.RESULTS_ORDER if results else wt.PROCESS_ORDER
    asked = {("results_integration" if results and q.dimension == "integration" else q.dimension): q
             for q in kb.quiz.questions.values() if q.item == entry.clause}
    for dim in order:
        name, prompt = wt.DIMENSIONS[lang][dim]
        dx.para(doc, prompt, label=name + colon(lang))
        if dim in asked:
            dx.para(doc, asked[dim].text[lang], label=label("quiz_asked", lang), style="List Bullet")
    if results:
        doc.add_heading(label("kpi", lang), level=3)
        years = {f"y{i}": str(today.year - 4 + i) for i in (1, 2, 3)}
        dx.table(doc, columns("kpi_cols", lang, **years), [[""] * 8 for _ in range(4)],
                 widths=[3.4, 1.4, 1.4, 1.4, 1.4, 1.6, 3.2, 2.8], size=8.5)
        dx.para(doc, label("kpi_note", lang), size=9)
    _evidence(doc, lang, entry)
    _pitfalls(doc, lang, entry)
    dx.para(doc, label("write_here", lang, n=f"{budget:,}"), size=9)
