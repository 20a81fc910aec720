"""The README documents every command; /help lists every chat command; CI runs the README's command."""

from __future__ import annotations

import re

from bot.cli import build_parser
from bot.config import ENV
from bot.dialogue import ADMIN_COMMANDS, COMMANDS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_every_chat_command_is_in_the_readme_and_in_help(chat):
    chat.say("/help")
    for command in COMMANDS:
        assert f"`/{command}`" in README, command
        assert f"/{command}" in chat.text, command


def test_every_admin_command_is_in_the_readme():
    for command in ADMIN_COMMANDS:
        assert f"`/{command}" in README, command


def test_every_cli_command_is_in_the_readme():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:
        assert f"awardbot {name}" in README, name


def test_every_setting_the_program_reads_is_documented():
    for name in ENV:
        assert name in README, name


def test_ci_runs_exactly_the_readmes_test_command():
    ci = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()[-1]
    assert ci in README
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert ci in blocks[1]
    assert "awardbot chat" in blocks[0]
