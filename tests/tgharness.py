"""Moved to tests/support/tgharness.py; this name stays until every test imports from there."""

from tests.support.tgharness import SENDS, TOKEN, TgChat, running_bot, settle, stop_process, wait_line  # noqa: F401
