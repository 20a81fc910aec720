"""Composition root: builds the core from settings. Adapters, the CLI and tests call `build()`.

Nothing here runs at import. The knowledge base and its index travel together as one `Knowledge` value,
so a reload swaps both at once and a conversation in flight never sees half of each.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from bot import knowledge as knowledge_mod
from bot.answers import Answerer, Thresholds
from bot.config import Settings
from bot.knowledge import KnowledgeBase
from bot.problems import KnowledgeError
from bot.retrieval import build_retriever
from bot.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Knowledge:
    kb: KnowledgeBase
    answerer: Answerer


def load_knowledge(directory: Path, cache_dir: Path | None, thresholds: Thresholds | None = None) -> Knowledge:
    """Validate, index and wrap a knowledge directory; raises KnowledgeError if it is broken."""
    kb = knowledge_mod.load(directory)
    retriever = build_retriever(kb, cache_dir)
    return Knowledge(kb, Answerer(kb, retriever, thresholds or Thresholds()))


class Core:
    """The running product: settings, the current knowledge, and the store."""

    def __init__(self, settings: Settings, knowledge: Knowledge, store: Store | None, clock=time.time):
        self.settings = settings
        self.knowledge = knowledge
        self._store = store
        self.clock = clock

    @property
    def store(self) -> Store:
        if self._store is None:  # `awardbot ask` without --record never opens the database
            self._store = Store(self.settings.db_path, clock=self.clock)
        return self._store

    @property
    def kb(self) -> KnowledgeBase:
        return self.knowledge.kb

    def reload(self, directory: Path | None = None) -> list[str]:
        """Swap in a new knowledge base if it validates; otherwise keep serving the old one.

        Returns the `file:entry: field: problem` lines (empty when the new base was swapped in).
        """
        try:
            fresh = load_knowledge(directory or self.settings.knowledge_dir, self.settings.cache_dir)
        except KnowledgeError as exc:
            log.warning("reload refused: %d problem(s) in the knowledge base", len(exc.problems))
            return [str(p) for p in exc.problems]
        self.knowledge = fresh
        log.info("knowledge reloaded: %d entries", len(fresh.kb.entries))
        return []

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def build(settings: Settings, store: Store | None = None, clock=time.time, open_store: bool = True) -> Core:
    """Build the core; `open_store=False` defers opening SQLite until something needs it."""
    knowledge = load_knowledge(settings.knowledge_dir, settings.cache_dir)
    if store is None and open_store:
        store = Store(settings.db_path, clock=clock)
    return Core(settings, knowledge, store, clock)
