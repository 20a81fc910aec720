"""Every channel as a transcript driver, so that one list of scenarios runs through all of them.

A driver has `say(text)`, `press(label)`, `press_earlier(label)` (sync or async) and `text` (what the
bot said in the last step). `CHANNELS` maps a channel's name to an async context manager that opens a
driver over the test's core; `tests/test_transcripts.py` plays every scenario through every entry.
A new channel adds itself with a driver and one line here, e.g. `CHANNELS["web"] = web_driver`.
"""

from __future__ import annotations

import contextlib
import io

from bot.channels.console import Console
from bot.dialogue import Dialogue, Event
from bot.ui.replies import Button
from tests.support.fakebotapi import FakeBotAPI
from tests.support.tgharness import TOKEN, TgChat, running_bot
from tests.support.transcript import Chat


class ConsoleChat:
    """Drives the console adapter line by line, pressing buttons by their number as a user would."""

    def __init__(self, core, tmp_path, user: str = "console:carol"):
        self.console = Console(Dialogue(core), tmp_path / "files", user=user, out=io.StringIO())
        self.text = ""
        self.screens: list[list[Button]] = []  # the numbered choices of every step, oldest first

    def _shown(self, text: str) -> None:
        self.text = text
        self.screens.append(list(self.console.buttons))

    def say(self, line: str) -> None:
        self._shown(self.console.step(line))

    def press(self, label_part: str) -> None:
        numbers = [i for i, b in enumerate(self.console.buttons, 1) if label_part in b.label]
        assert numbers, (label_part, [b.label for b in self.console.buttons])
        self._shown(self.console.step(str(numbers[0])))

    def press_earlier(self, label_part: str) -> None:
        """A choice from an earlier screen: the console cannot type it any more, so the press is sent as
        the console would have sent it then."""
        button = next(b for screen in self.screens[:-1] for b in screen if label_part in b.label)
        replies = self.console.dialogue.handle(Event(self.console.user, "button", button.data))
        self._shown(self.console.render(replies))


@contextlib.asynccontextmanager
async def core_driver(request):
    yield Chat(Dialogue(request.getfixturevalue("core")), user="console:dave")


@contextlib.asynccontextmanager
async def console_driver(request):
    yield ConsoleChat(request.getfixturevalue("core"), request.getfixturevalue("tmp_path"))


@contextlib.asynccontextmanager
async def telegram_driver(request):
    async with (FakeBotAPI(tokens={TOKEN}, bot_username="awardbot_test") as fake,
                running_bot(request.getfixturevalue("core"), fake)):
        yield TgChat(fake, 1001)


CHANNELS = {"core": core_driver, "console": console_driver, "telegram": telegram_driver}
