"""The knowledge base as immutable values: entries, topics, groups, synonyms and the quiz bank.

`kb/load.py` reads and validates `knowledge/*.yaml` into these; `kb/cache.py` stores them as JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.kb import quizbank
from bot.kb.fields import LANGS


@dataclass(frozen=True)
class Topic:
    id: str
    group: str
    contract: bool
    covers: str


@dataclass(frozen=True)
class Group:
    id: str
    name: dict[str, str]
    in_scope: bool
    start: str | None = None  # the entry that introduces the group (listed first when /topics opens it)


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    title: dict[str, str]
    questions: dict[str, tuple[str, ...]]
    keywords: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    sources: tuple[str, ...]
    file: str
    in_scope: bool = True
    clause: str | None = None
    points: int | None = None
    points_verified: bool = False
    details: dict[str, str] | None = None
    related: tuple[str, ...] = ()
    evidence: dict[str, tuple[str, ...]] | None = None
    pitfalls: dict[str, tuple[str, ...]] | None = None
    first_step: dict[str, str] | None = None


@dataclass(frozen=True)
class SynonymGroup:
    canonical: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    entries: dict[str, Entry]
    topics: dict[str, Topic]
    groups: dict[str, Group]
    synonyms: tuple[SynonymGroup, ...]
    quiz: quizbank.QuizBank
    fingerprint: str
    directory: str = ""
    by_topic: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def items_of(self, topic: str) -> list[Entry]:
        """The entries under a topic ("cat.strategy" → 4.2.1, 4.2.2, …), in clause order."""
        return sorted((self.entries[e] for t, ids in self.by_topic.items() if t.startswith(topic + ".")
                       for e in ids), key=clause_order)

    def in_group(self, group: str) -> list[Entry]:
        """Every entry of a topic group ("cat", "award", …), clause order first, then as written."""
        return sorted((self.entries[e] for t, ids in self.by_topic.items() if t.split(".")[0] == group
                       for e in ids), key=clause_order)

    def topic_counts(self) -> dict[str, dict[str, int]]:
        """Entries per topic and language: every entry is written in both, so the counts agree."""
        counts = {t: {"zh": 0, "en": 0} for t in self.topics}
        for e in self.entries.values():
            for lang in LANGS:
                if e.answer.get(lang):
                    counts[e.topic][lang] += 1
        return counts


def clause_order(entry: Entry) -> tuple[int, ...]:
    """Sort key by clause (4.2 < 4.2.2 < 4.2.3 < 4.10); entries without one (or a leading number in the
    English title) come after, in their original order (sorted() is stable)."""
    clause = entry.clause or (re.match(r"[\d.]+", entry.title["en"]) or [""])[0]
    return tuple(int(p) for p in clause.split(".") if p.isdigit()) or (999,)
