"""A team's result in words: the strongest and weakest categories by the team's means and what to work
on, in the reader's language. The numbers come from assessment.benchmark.team_report."""

from __future__ import annotations

from bot.assessment import scoring
from bot.ui.texts import number, t


def team_focus(report: dict, kb, lang: str, maximum: int = 5) -> dict:
    """Strongest and weakest category by the team's mean, and what to work on: the weakest category's
    own entries, then a calibration discussion where people disagree most. Named only when two counted
    categories differ (as for one person's result), so no category is both at once."""
    bank = kb.quiz
    means = {c: v["mean"] for c, v in report.get("categories", {}).items() if v["mean"] is not None}
    order, strongest, weakest, all_equal = scoring.extremes(means, {c: bank.categories[c].points for c in means})
    out = {"strongest": strongest, "weakest": weakest, "all_equal": all_equal, "recommendations": [],
           # every category sharing the strongest / weakest mean: named as a tie
           "strongest_tied": scoring.tied_with(means, strongest) if strongest else [],
           "weakest_tied": scoring.tied_with(means, weakest) if weakest else []}
    if not order:
        return out
    focus = order[0]
    recs, used = out["recommendations"], set()

    def add(entry_id: str, why: str) -> None:
        if entry_id in kb.entries and entry_id not in used and len(recs) < maximum:
            used.add(entry_id)
            recs.append(scoring.recommendation(kb.entries[entry_id], lang, why))

    name = bank.categories[focus].name[lang]
    key = ("team_rec_weakest_tied" if len(out["weakest_tied"]) > 1 else "team_rec_weakest") if weakest \
        else "team_rec_even"
    add_first = t(key, lang, category=name,
                  mean=number(report["categories"][focus]["mean"]))
    for eid in (*kb.by_topic.get(focus, ()), *(e.id for e in kb.items_of(focus))):
        add(eid, add_first if not recs else t("team_rec_item", lang, category=name))
        if len(recs) >= 3:
            break
    disputed = report.get("most_disagreement") or []
    if disputed:
        top = report["categories"][disputed[0]]
        add("practice.self_assessment", t("team_rec_disagree", lang, category=bank.categories[disputed[0]].name[lang],
                                          spread=number(top["spread"])))
    return out


def focus_line(bank, focus: dict, lang: str) -> str | None:
    """"Strongest: …; weakest: …", or that every category has the same team average."""
    if focus["strongest"]:
        def named(which: str) -> str:
            cats = focus.get(which + "_tied") or [focus[which]]
            joined = ("、" if lang == "zh" else ", ").join(bank.categories[c].name[lang] for c in cats)
            return joined if len(cats) == 1 else t("tied_names", lang, names=joined)

        return t("result_strong_weak", lang, strong=named("strongest"), weak=named("weakest"))
    return t("team_even_line", lang) if focus["all_equal"] else None
