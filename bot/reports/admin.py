"""What the operator needs: usage figures, unanswered questions grouped for authors, quiz exports.

Shared by the CLI (`awardbot stats | unanswered | export`) and the admin chat commands.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections import Counter
from pathlib import Path

from bot.answering.textnorm import language_of
from bot.ui.replies import Text
from bot.ui.texts import t


def stats_text(s: dict, lang: str) -> Text:
    text = Text().b(t("stats_title", lang)).nl(2)
    text.add(t("stats_users", lang, **s["users"])).nl()
    text.add(t("stats_questions", lang, **s["questions"])).nl()
    text.add(t("stats_quiz", lang, **s["quiz"])).nl()
    if s["top_topics"]:
        text.nl().b(t("stats_topics", lang)).nl()
        text.bullets(f"{row['topic']} ({row['questions']})" for row in s["top_topics"])
    if s["feedback"]:
        text.nl().b(t("stats_feedback", lang)).nl()
        text.bullets(f"{f['entry']}: {f['up']}/{f['down']}" for f in s["feedback"][:10])
    return text


def _unit(counts: Counter) -> dict[str, float]:
    norm = math.sqrt(sum(c * c for c in counts.values())) or 1.0
    return {t: c / norm for t, c in counts.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def group_unanswered(rows: list[dict], answerer, threshold: float = 0.5) -> list[dict]:
    """Greedy grouping by token cosine to each group's centroid (the retrieval tokenizer, so 繁體 and
    typos group with their twins); each group gets its count, examples and the nearest topics, so an
    author knows what to extend or write."""
    analyzer = answerer.retriever.analyzer
    groups: list[dict] = []
    for row in rows:
        # Words and Chinese characters/bigrams only: character n-grams (for typos) and English word pairs
        # would make "weather today" and "weather tomorrow" look like different questions.
        counts = Counter(t for t in analyzer(row["text"]) if not t.startswith("#") and " " not in t)
        vec = _unit(counts)
        best = max(groups, key=lambda g: _cosine(vec, g["centroid"]), default=None)
        if best is not None and _cosine(vec, best["centroid"]) >= threshold - 1e-9:
            best["rows"].append(row)
            best["counts"].update(counts)
            best["centroid"] = _unit(best["counts"])
        else:
            groups.append({"counts": counts, "centroid": vec, "rows": [row]})
    out = []
    for g in groups:
        first = g["rows"][0]["text"]
        nearest = [c.entry.topic for c in answerer.rank(first, k=3).inside]
        out.append({
            "count": len(g["rows"]),
            "examples": [r["text"][:200] for r in g["rows"][:3]],
            "statuses": dict(Counter(r["status"] for r in g["rows"])),
            "languages": dict(Counter(language_of(r["text"]) for r in g["rows"])),
            "nearest_topics": nearest,
            "last_seen": max(r["ts"] for r in g["rows"]),
        })
    out.sort(key=lambda g: g["last_seen"], reverse=True)
    out.sort(key=lambda g: -g["count"])  # stable: most frequent first, then most recent
    return out


def unanswered_text(groups: list[dict], lang: str, limit: int = 15) -> Text:
    text = Text().b(t("unanswered_title", lang)).nl(2)
    if not groups:
        return text.add(t("unanswered_none", lang))
    for g in groups[:limit]:
        text.b(f"×{g['count']} ").add(" | ".join(g["examples"])).nl()
        text.i(t("unanswered_nearest", lang) + ", ".join(g["nearest_topics"] or ["—"])).nl(2)
    return text


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
