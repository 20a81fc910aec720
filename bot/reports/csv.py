"""Quiz results as spreadsheet-ready CSV for the quality department (`awardbot export`)."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path


def pseudonym(user_id: str) -> str:
    """A stable respondent code for exports: the quality department sees who is who only as a code."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:10]


def export_csv(rows: list[dict], bank, directory: Path) -> list[Path]:
    """Quiz results and per-category scores as spreadsheet-ready CSV (UTF-8 with BOM for Excel)."""
    directory.mkdir(parents=True, exist_ok=True)
    results, categories = directory / "quiz_results.csv", directory / "category_scores.csv"
    with results.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["attempt", "respondent", "finished_at", "mode", "total", "max_total", "partial",
                    "answered", "unknown", "strongest", "weakest", "team", "role", "industry", "size"])
        for r in rows:
            p = r["parsed"]
            w.writerow([r["session_id"], pseudonym(r["user_id"]), r["finished_at"], r["mode"], p["total"], 1000,
                        int(p["partial"]), p["answered"], p["unknown"], p["strongest"] or "", p["weakest"] or "",
                        r.get("team_id") or "", r.get("role") or "", r.get("industry") or "", r.get("size") or ""])
    with categories.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["attempt", "respondent", "finished_at", "category", "clause", "名称", "name", "score_pct",
                    "level", "points", "max_points", "answered", "unknown"])
        for r in rows:
            for cat_id, c in r["parsed"]["categories"].items():
                cat = bank.categories.get(cat_id)
                w.writerow([r["session_id"], pseudonym(r["user_id"]), r["finished_at"], cat_id,
                            cat.clause if cat else "", cat.name["zh"] if cat else "", cat.name["en"] if cat else "",
                            "" if c["score_pct"] is None else c["score_pct"], c["level"] or "",
                            "" if c["points"] is None else c["points"], c["max_points"], c["answered"], c["unknown"]])
    return [results, categories]
