"""Team assessment and the anonymous peer benchmark: aggregates only, never one person's answers.

A team report needs at least MIN_GROUP respondents; a role group smaller than that is counted in the
totals but not shown on its own. A peer comparison needs at least MIN_PEERS other results.
"""

from __future__ import annotations

import statistics

from bot.store.teams import ROLES

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
