"""The diagnostic question bank (``quiz.yaml``): parsed and validated with the rest of the knowledge.

Options are ordered from the lowest scoring band to the highest; each carries the band % it stands for.
The "I don't know" option is not written in the file: it is appended as the last option everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.kb.fields import bilingual_text
from bot.kb.problems import Problems

PROCESS_DIMENSIONS = ("approach", "deployment", "learning", "integration")
RESULTS_DIMENSIONS = ("levels", "trends", "comparisons", "integration")
CATEGORY_TOPICS = (
    "cat.leadership", "cat.strategy", "cat.customers", "cat.resources",
    "cat.process", "cat.measurement", "cat.results",
)
RESULTS_CATEGORY = "cat.results"
QUICK_MAX = 14
FULL_MIN_PER_CATEGORY = 4
TOTAL_POINTS = 1000
F = "quiz.yaml"


@dataclass(frozen=True)
class Category:
    topic: str
    clause: str
    points: int
    name: dict[str, str]


@dataclass(frozen=True)
class Level:
    level: int
    min_pct: int
    name: dict[str, str]


@dataclass(frozen=True)
class Option:
    band: int
    text: dict[str, str]


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    item: str | None
    dimension: str
    text: dict[str, str]
    options: tuple[Option, ...]  # without "I don't know"
    advice: dict[str, str]
    entries: tuple[str, ...]

    @property
    def unknown_index(self) -> int:
        """Index of the "I don't know" option: always the last one."""
        return len(self.options)

    @property
    def option_count(self) -> int:
        return len(self.options) + 1


@dataclass(frozen=True)
class QuizBank:
    categories: dict[str, Category]
    levels: tuple[Level, ...]
    questions: dict[str, Question]
    modes: dict[str, tuple[str, ...]]

    def level_for(self, pct: float) -> Level:
        chosen = self.levels[0]
        for lv in self.levels:
            if pct >= lv.min_pct:
                chosen = lv
        return chosen


def parse(doc: Any, entry_ids: set[str], topics: dict, problems: Problems) -> QuizBank | None:
    if doc is None:
        return None
    if not isinstance(doc, dict):
        problems.add(F, "-", "-", "expected a mapping with categories, levels, modes and questions")
        return None
    for k in set(doc) - {"categories", "levels", "modes", "questions"}:
        problems.add(F, "-", k, "unknown top-level key")
    categories = _categories(doc.get("categories"), topics, problems)
    levels = _levels(doc.get("levels"), problems)
    questions: dict[str, Question] = {}
    for i, raw in enumerate(doc.get("questions") or []):
        q = _question(i, raw, categories, entry_ids, problems)
        if q is None:
            continue
        if q.id in questions:
            problems.add(F, q.id, "id", "duplicate question id")
        questions[q.id] = q
    modes = _modes(doc.get("modes"), questions, categories, problems)
    return QuizBank(categories, levels, questions, modes)


def _categories(raw, topics, problems) -> dict[str, Category]:
    out: dict[str, Category] = {}
    if not isinstance(raw, list):
        problems.add(F, "-", "categories", "expected a list of the seven categories")
        return out
    for i, c in enumerate(raw):
        if not isinstance(c, dict) or c.get("topic") not in CATEGORY_TOPICS:
            problems.add(F, f"categories#{i + 1}", "topic", f"must be one of {', '.join(CATEGORY_TOPICS)}")
            continue
        tid = c["topic"]
        if tid not in topics:
            problems.add(F, tid, "topic", "not in topics.yaml")
        points = c.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
            problems.add(F, tid, "points", "must be a positive whole number")
            points = 0
        name = bilingual_text(c, F, tid, "name", problems)
        out[tid] = Category(tid, str(c.get("clause", "")), points, name or {})
    missing = [t for t in CATEGORY_TOPICS if t not in out]
    if missing:
        problems.add(F, "-", "categories", "missing " + ", ".join(missing))
    total = sum(c.points for c in out.values())
    if not missing and total != TOTAL_POINTS:
        problems.add(F, "-", "categories.points", f"category points add up to {total}, not {TOTAL_POINTS}")
    return out


def _levels(raw, problems) -> tuple[Level, ...]:
    out = []
    if not isinstance(raw, list) or len(raw) != 5:
        problems.add(F, "-", "levels", "expected five maturity levels")
        return ()
    for i, lv in enumerate(raw):
        where = f"level {i + 1}"
        if not isinstance(lv, dict) or lv.get("level") != i + 1 or not isinstance(lv.get("min_pct"), int):
            problems.add(F, where, "level", "each level needs `level` (1..5 in order) and an integer `min_pct`")
            continue
        name = bilingual_text(lv, F, where, "name", problems)
        out.append(Level(i + 1, lv["min_pct"], name or {}))
    pcts = [lv.min_pct for lv in out]
    if out and (pcts[0] != 0 or pcts != sorted(set(pcts))):
        problems.add(F, "-", "levels.min_pct", "must start at 0 and rise strictly")
    return tuple(out)


def _question(i, raw, categories, entry_ids, problems) -> Question | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        problems.add(F, f"questions#{i + 1}", "id", "each question needs an `id`")
        return None
    qid = raw["id"]
    n = len(problems.items)
    allowed = {"id", "category", "item", "dimension", "text", "options", "advice", "entries"}
    for k in set(raw) - allowed:
        problems.add(F, qid, k, "unknown field")
    cat = raw.get("category")
    if cat not in categories:
        problems.add(F, qid, "category", f"unknown category `{cat}`")
    item = raw.get("item")
    if item is not None:
        item = str(item)
        clause = categories[cat].clause if cat in categories else ""
        if not item.startswith(clause + "."):
            problems.add(F, qid, "item", f"`{item}` is not an item of clause {clause}")
    dims = RESULTS_DIMENSIONS if cat == RESULTS_CATEGORY else PROCESS_DIMENSIONS
    dim = raw.get("dimension")
    if dim not in dims:
        problems.add(F, qid, "dimension", f"`{dim}` is not one of {', '.join(dims)}")
    text = bilingual_text(raw, F, qid, "text", problems)
    advice = bilingual_text(raw, F, qid, "advice", problems)
    options = []
    raw_opts = raw.get("options")
    if not isinstance(raw_opts, list) or not 3 <= len(raw_opts) <= 6:
        problems.add(F, qid, "options", "expected 3 to 6 options (\"I don't know\" is added by the bot)")
        raw_opts = []
    for j, o in enumerate(raw_opts):
        band = o.get("band") if isinstance(o, dict) else None
        if not isinstance(band, int) or isinstance(band, bool) or not 0 <= band <= 100:
            problems.add(F, qid, f"options[{j}].band", "must be a whole percentage 0..100")
            continue
        otext = bilingual_text(o, F, qid, "text", problems, label=f"options[{j}].text")
        options.append(Option(band, otext or {}))
    bands = [o.band for o in options]
    if bands != sorted(set(bands)):
        problems.add(F, qid, "options", "order options from the lowest band to the highest, no repeats")
    entries = raw.get("entries") or []
    if not entries:
        problems.add(F, qid, "entries", "link at least one knowledge entry that explains what to do")
    for e in entries:
        if e not in entry_ids:
            problems.add(F, qid, "entries", f"`{e}` is not an entry id")
    if len(problems.items) > n:
        return None
    return Question(qid, cat, item, dim, text, tuple(options), advice, tuple(entries))


def _modes(raw, questions, categories, problems) -> dict[str, tuple[str, ...]]:
    modes: dict[str, tuple[str, ...]] = {}
    if not isinstance(raw, dict) or "quick" not in raw:
        problems.add(F, "-", "modes", "expected `quick: [question ids]` (full uses every question)")
        return modes
    for k in set(raw) - {"quick"}:
        problems.add(F, "-", f"modes.{k}", "unknown mode (full always uses every question)")
    quick = raw.get("quick") or []
    for qid in quick:
        if qid not in questions:
            problems.add(F, "modes", "quick", f"`{qid}` is not a question id")
    if len(quick) > QUICK_MAX:
        problems.add(F, "modes", "quick", f"{len(quick)} questions: the quick mode takes at most {QUICK_MAX}")
    modes["quick"] = tuple(q for q in quick if q in questions)
    modes["full"] = tuple(questions)
    for mode, ids in modes.items():
        per_cat = dict.fromkeys(categories, 0)
        for qid in ids:
            per_cat[questions[qid].category] += 1
        need = 1 if mode == "quick" else FULL_MIN_PER_CATEGORY
        for c, count in per_cat.items():
            if count < need:
                problems.add(F, "modes", mode, f"{c} has {count} questions, needs at least {need}")
    return modes
