"""Moved to tests/support/transcript.py; this name stays until every test imports from there."""

from tests.support.transcript import SCENARIOS, Chat, run_scenario  # noqa: F401
