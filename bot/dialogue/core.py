"""The running product as one value: settings, the current knowledge (base + index), and the store.

The knowledge base and its index travel together as one `Knowledge` value, so a reload swaps both at
once and a conversation in flight never sees half of each.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering.answerer import Answerer, Thresholds
from bot.answering.retrieval import build_retriever
from bot.config import Settings
from bot.kb import cache as kbcache
from bot.kb.model import KnowledgeBase
from bot.kb.problems import KnowledgeError

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Knowledge:
    kb: KnowledgeBase
    answerer: Answerer


def load_knowledge(directory: Path, cache_dir: Path | None, thresholds: Thresholds | None = None) -> Knowledge:
    """Validate, index and wrap a knowledge directory; raises KnowledgeError if it is broken."""
    kb = kbcache.load_cached(directory, cache_dir)
    retriever = build_retriever(kb, cache_dir)
    return Knowledge(kb, Answerer(kb, retriever, thresholds or Thresholds()))


class Core:
    """The running product: settings, the current knowledge, and the store."""

    def __init__(self, settings: Settings, knowledge: Knowledge, store: Store | None, clock=time.time):
        self.settings = settings
        self.knowledge = knowledge
        self._store = store
        self.clock = clock
        self.bot_username: str | None = None  # set by the Telegram adapter: invitation links use it

    @property
    def store(self) -> Store:
        if self._store is None:  # `awardbot ask` without --record never opens the database
            from bot.store import Store  # sqlite-utils costs 0.1 s of start-up: only when needed

            self._store = Store(self.settings.db_path, clock=self.clock)
        return self._store

    @property
    def kb(self) -> KnowledgeBase:
        return self.knowledge.kb

    def try_load(self, directory: Path | None = None) -> tuple[Knowledge | None, list[str]]:
        """A fresh, validated and indexed knowledge base, or the problem lines. Touches no shared state,
        so it may run in a worker thread while the bot keeps answering."""
        try:
            return load_knowledge(directory or self.settings.knowledge_dir, self.settings.cache_dir), []
        except KnowledgeError as exc:
            log.warning("reload refused: %d problem(s) in the knowledge base", len(exc.problems))
            return None, [str(p) for p in exc.problems]

    def swap(self, fresh: Knowledge) -> None:
        """One assignment: a conversation in flight sees either the old base or the new one."""
        self.knowledge = fresh
        log.info("knowledge reloaded: %d entries", len(fresh.kb.entries))

    def reload(self, directory: Path | None = None) -> list[str]:
        """Swap in a new knowledge base if it validates; otherwise keep the old one and return the
        `file:entry: field: problem` lines."""
        fresh, problems = self.try_load(directory)
        if fresh is not None:
            self.swap(fresh)
        return problems

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
