"""Shared fixtures: the packaged knowledge, a real SQLite file per test, a session-wide index cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# PTB 22 warns about RetryAfter.retry_after as an int (deprecated); the suite turns warnings into errors.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot import config
from bot.dialogue import Dialogue
from bot.dialogue.core import Core, load_knowledge
from tests.support.transcript import Chat

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """One fitted index for the whole run: fitting imports scikit-learn and takes seconds."""
    return tmp_path_factory.mktemp("index-cache")


@pytest.fixture(scope="session")
def knowledge(cache_dir):
    return load_knowledge(KNOWLEDGE, cache_dir)


@pytest.fixture
def settings(tmp_path, cache_dir) -> config.Settings:
    return config.Settings(knowledge_dir=KNOWLEDGE, db_path=tmp_path / "awardbot.db", cache_dir=cache_dir,
                           admins=frozenset({4242}))


@pytest.fixture
def core(settings, knowledge):
    c = Core(settings, knowledge, None)
    yield c
    c.close()


@pytest.fixture
def chat(core) -> Chat:
    return Chat(Dialogue(core), user="console:alice")


@pytest.fixture
def kb_copy(tmp_path) -> Path:
    """A private copy of the knowledge directory, to break on purpose."""
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest


def run_cli(*args: str, env: dict | None = None, input: str | bytes | None = None, timeout: float = 60,
            ) -> subprocess.CompletedProcess:
    """Run the real `awardbot` entry point in a subprocess (what a user runs)."""
    # Hermetic: no AWARDBOT_* setting leaks in from the developer's shell.
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=input, capture_output=True, timeout=timeout, env=full_env,
        text=not isinstance(input, bytes), cwd=ROOT, check=False,
    )


@pytest.fixture
def cli_env(tmp_path, cache_dir) -> dict:
    return {"AWARDBOT_DB": str(tmp_path / "cli.db"), "AWARDBOT_CACHE": str(cache_dir),
            "AWARDBOT_KNOWLEDGE": str(KNOWLEDGE), "XDG_DATA_HOME": str(tmp_path / "data")}


@pytest.fixture
async def fake():
    """A fake Telegram Bot API server on 127.0.0.1 for the bot under test."""
    from tests.support.fakebotapi import FakeBotAPI
    from tests.support.tgharness import TOKEN

    async with FakeBotAPI(tokens={TOKEN}, bot_username="awardbot_test") as server:
        yield server
