"""Team assessment and the anonymous peer benchmark: aggregates only, never one person's answers.

A team report needs at least MIN_GROUP respondents; a role group smaller than that is counted in the
totals but not shown on its own. A peer comparison needs at least MIN_PEERS other results.
"""

from __future__ import annotations

import statistics

from bot.assessment import scoring
from bot.store.teams import ROLES
from bot.ui.texts import number, t

MIN_GROUP = 3
MIN_PEERS = 5
INDUSTRIES = ("manufacturing", "construction", "services", "it", "healthcare", "education", "public", "other")
SIZES = ("lt50", "50_299", "300_999", "ge1000")


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def team_report(team: dict, rows: list[dict], categories: dict) -> dict:
    """Per category: the mean, the spread (how much people disagree), the mean per role where the role
    has enough respondents, and the leader–staff gap when both groups do."""
    roles = {r: [row for row in rows if row["member_role"] == r] for r in ROLES}
    out = {
        "team": {"id": team["id"], "name": team["name"], "status": team["status"], "respondents": len(rows)},
        "min_group": MIN_GROUP,
        "enough": len(rows) >= MIN_GROUP,
        "roles": {r: len(v) for r, v in roles.items()},
        "categories": {},
        "total": None,
        "most_disagreement": [],
    }
    if not out["enough"]:
        return out

    def by_role(values_of) -> dict:
        shown = {}
        for role, members in roles.items():
            values = [v for v in (values_of(m) for m in members) if v is not None]
            shown[role] = {"n": len(values), "mean": _mean(values)} if len(values) >= MIN_GROUP else \
                {"n": len(values), "mean": None, "suppressed": bool(values)}
        return shown

    spreads = {}
    for cat in categories:
        def pct(row, cat=cat):
            return row["result"]["categories"].get(cat, {}).get("score_pct")
        values = [v for v in (pct(r) for r in rows) if v is not None]
        per_role = by_role(pct)
        lead, staff = per_role["leader"]["mean"], per_role["staff"]["mean"]
        spread = round(statistics.pstdev(values), 1) if len(values) >= 2 else None
        out["categories"][cat] = {
            "n": len(values), "mean": _mean(values), "spread": spread, "by_role": per_role,
            "gap_leaders_minus_staff": round(lead - staff, 1) if lead is not None and staff is not None else None,
        }
        if spread:  # a category everyone rated alike is no disagreement, however it ranks
            spreads[cat] = spread
    totals = [r["result"]["total"] for r in rows]
    out["total"] = {"n": len(totals), "mean": _mean(totals), "by_role": by_role(lambda r: r["result"]["total"])}
    out["most_disagreement"] = sorted(spreads, key=lambda c: -spreads[c])[:3]
    return out


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


def percentiles(mine: dict, peers: list[dict]) -> dict[str, dict | None]:
    """Where each of my category scores stands among the peers': `higher`, the share (0–100) of peers I
    scored strictly higher than, and `same`, how many peers scored exactly as I did. Ties are said as ties,
    never counted half: at 0 % with four others at 0 %, nobody is "below" me."""
    out = {}
    for cat, c in mine["categories"].items():
        own = c["score_pct"]
        others = [p["categories"].get(cat, {}).get("score_pct") for p in peers]
        others = [o for o in others if o is not None]
        if own is None or len(others) < MIN_PEERS:
            out[cat] = None
            continue
        out[cat] = {"higher": round(100 * sum(o < own for o in others) / len(others)),
                    "same": sum(o == own for o in others)}
    return out
