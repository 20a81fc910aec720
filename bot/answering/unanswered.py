"""Unanswered questions grouped for knowledge authors: each group with its count, examples and the
nearest topics, so an author knows what to extend or write. Shared by `awardbot unanswered` and /unanswered."""

from __future__ import annotations

import math
from collections import Counter

from bot.answering.textnorm import language_of


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
