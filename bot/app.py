"""Composition root: builds the core from settings. The CLI and tests call `build()`; nothing inside
the package imports this module, so the dependencies point one way. Nothing here runs at import."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.dialogue.core import Core, load_knowledge

if TYPE_CHECKING:
    from bot.store import Store


def build(settings: Settings, store: Store | None = None, clock=time.time, open_store: bool = True) -> Core:
    """Build the core; `open_store=False` defers opening SQLite until something needs it."""
    core = Core(settings, load_knowledge(settings.knowledge_dir, settings.cache_dir), store, clock)
    if open_store:
        _ = core.store  # open (and migrate) now, so that a broken database fails at start
    return core
