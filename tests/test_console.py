"""The console adapter runs the same conversations as Telegram: numbered buttons, EOF, a real process."""

from __future__ import annotations

import io

import pytest

from bot.channels.console import Console
from bot.dialogue import Dialogue
from tests.conftest import run_cli
from tests.transcript import SCENARIOS, Chat, run_scenario


class ConsoleChat:
    """Drives the console adapter line by line, pressing buttons by their number as a user would."""

    def __init__(self, core, tmp_path):
        self.console = Console(Dialogue(core), tmp_path / "files", user="console:carol", out=io.StringIO())
        self.text = ""

    def say(self, line: str) -> None:
        self.text = self.console.step(line)

    def press(self, label_part: str) -> None:
        numbers = [i for i, b in enumerate(self.console.buttons, 1) if label_part in b.label]
        assert numbers, (label_part, [b.label for b in self.console.buttons])
        self.text = self.console.step(str(numbers[0]))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_spine_transcripts_run_through_the_core(core, name):
    run_scenario(Chat(Dialogue(core), user="console:dave"), SCENARIOS[name])


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_spine_transcripts_run_through_the_console(core, tmp_path, name):
    run_scenario(ConsoleChat(core, tmp_path), SCENARIOS[name])


def test_buttons_are_numbered_and_a_letter_presses_a_quiz_option(core, tmp_path):
    chat = ConsoleChat(core, tmp_path)
    chat.say("/quiz quick")
    assert "  [1] A" in chat.text
    assert "🤷 不知道" in chat.text
    chat.say("b")  # the option's letter works as well as its number
    assert "第 2/14 题" in chat.text
    chat.say("99")  # not a button on screen: read as a question, answered politely
    assert chat.text.strip()


def test_images_and_files_are_written_and_their_path_printed(core, tmp_path):
    chat = ConsoleChat(core, tmp_path)
    chat.say("/mydata")
    path = chat.text.split("📎 ")[1].strip()
    assert path.endswith("awardbot-mydata.json")
    assert (tmp_path / "files" / "console%3Acarol" / "awardbot-mydata.json").exists()  # the user's own folder


def test_the_chat_command_ends_cleanly_at_end_of_input(cli_env):
    out = run_cli("chat", input="战略部署怎么写\n", env=cli_env)
    assert out.returncode == 0
    assert "4.2.3" in out.stdout
    assert "Traceback" not in out.stderr
