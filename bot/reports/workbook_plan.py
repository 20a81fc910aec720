"""What the workbook covers and where it puts the weight: the clauses, the length budgets, the weak spots.

Pure functions over the knowledge base and a result; no document is built here.

- The clauses are the knowledge entries of the topic contract's categories that carry a clause number, in
  clause order: each category (4.1 …) followed by its items (4.1.2 …).
- Length budgets share the total among the items in proportion to their points, by largest remainder, so
  they add up exactly to the total; a category's budget is the sum of its items.
- An area is weak below the lower bound of maturity level 3 ("aligned"): a category by its score (or a
  team's mean), an item by any quiz answer about it below that band, or "I don't know". The weakest category
  is always named when the result names one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.assessment import scoring
from bot.kb.model import Entry, KnowledgeBase, clause_order
from bot.kb.quizbank import Question

MAX_WORDS = 1_000_000


@dataclass(frozen=True)
class Category:
    topic: str
    entry: Entry
    items: tuple[Entry, ...]


def clauses(kb: KnowledgeBase) -> list[Category]:
    """The categories of the topic contract, each with its items, in clause order."""
    contract = [e for e in kb.entries.values()
                if e.clause and e.topic in kb.topics and kb.topics[e.topic].contract and e.topic.startswith("cat.")]
    out = []
    for cat in kb.quiz.categories.values():
        head = next((e for e in contract if e.topic == cat.topic), None)
        if head is None:
            continue
        items = sorted((e for e in contract if e.topic.startswith(cat.topic + ".")), key=clause_order)
        out.append(Category(cat.topic, head, tuple(items)))
    return sorted(out, key=lambda c: clause_order(c.entry))


def budgets(points: dict[str, int], total: int) -> dict[str, int]:
    """Share `total` in proportion to `points` (largest remainder: the shares add up to `total` exactly).
    Ties in the remainder go to the clause with more points, then to the earlier one."""
    weight = sum(points.values())
    if total <= 0 or weight <= 0:
        return dict.fromkeys(points, 0)
    exact = {k: total * p / weight for k, p in points.items()}
    share = {k: int(v) for k, v in exact.items()}
    order = list(points)
    rest = total - sum(share.values())
    for k in sorted(order, key=lambda k: (-(exact[k] - share[k]), -points[k], order.index(k)))[:rest]:
        share[k] += 1
    return share


def item_budgets(cats: list[Category], total: int) -> dict[str, int]:
    """Budget per item clause; category clauses get the sum of their items."""
    items = {e.clause: e.points or 0 for c in cats for e in c.items}
    out = budgets(items, total)
    for c in cats:
        out[c.entry.clause] = sum(out[e.clause] for e in c.items)
    return out


@dataclass
class Diagnosis:
    """A person's result (with their answers, if known) or a team report, read for the workbook."""

    kb: KnowledgeBase
    result: dict | None = None
    answers: dict[str, int] = field(default_factory=dict)
    team: dict | None = None
    focus: dict | None = None  # team_focus for a team report

    @property
    def kind(self) -> str | None:
        return "team" if self.team else "person" if self.result else None

    @property
    def weak_below(self) -> int:
        levels = self.kb.quiz.levels
        return levels[2].min_pct if len(levels) > 2 else 50

    def category_pct(self, topic: str) -> float | None:
        if self.team:
            return self.team["categories"].get(topic, {}).get("mean")
        if self.result:
            return self.result["categories"].get(topic, {}).get("score_pct")
        return None

    def weakest(self) -> str | None:
        source = self.focus if self.team else self.result
        return (source or {}).get("weakest")

    def weak_categories(self) -> list[str]:
        """Weak categories, weakest first (ties: more points first, as the quiz orders them)."""
        bank = self.kb.quiz
        pcts = {c: p for c in bank.categories if (p := self.category_pct(c)) is not None}
        order, _strong, weakest, _even = scoring.extremes(pcts, {c: bank.categories[c].points for c in pcts})
        return [c for c in order if pcts[c] < self.weak_below or c == weakest]

    def item_answers(self, clause: str) -> list[tuple[Question, int]]:
        """This person's quiz answers about an item, in question-bank order."""
        bank = self.kb.quiz
        return [(q, self.answers[q.id]) for q in bank.questions.values() if q.item == clause and q.id in self.answers]

    def answer_weak(self, q: Question, option: int) -> bool:
        return option >= q.unknown_index or q.options[option].band < self.weak_below

    def item_weak(self, clause: str) -> bool:
        return any(self.answer_weak(q, o) for q, o in self.item_answers(clause))
