"""Conversations as transcripts: say something, press a button, read what the bot replied.

The same transcript steps drive the dialogue core directly, the console adapter and (in
test_telegram.py) the real Telegram Application, so every channel is held to the same behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.dialogue import Dialogue, Event
from bot.replies import Button, Reply


@dataclass
class Chat:
    dialogue: Dialogue
    user: str = "console:alice"
    lang_hint: str | None = None
    last: list[Reply] = field(default_factory=list)

    def _handle(self, event: Event) -> list[Reply]:
        self.last = self.dialogue.handle(event)
        return self.last

    def say(self, text: str) -> list[Reply]:
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            return self._handle(Event(self.user, "command", arg, command=name, lang_hint=self.lang_hint))
        return self._handle(Event(self.user, "text", text, lang_hint=self.lang_hint))

    def send(self, kind: str, text: str = "") -> list[Reply]:
        return self._handle(Event(self.user, kind, text, lang_hint=self.lang_hint))

    def press_data(self, data: str) -> list[Reply]:
        return self._handle(Event(self.user, "button", data, lang_hint=self.lang_hint))

    def buttons(self) -> list[Button]:
        return [b for r in self.last for row in r.buttons for b in row]

    def press(self, label_part: str) -> list[Reply]:
        """Press the first button on screen whose label contains `label_part`."""
        for b in self.buttons():
            if label_part in b.label:
                return self.press_data(b.data)
        raise AssertionError(f"no button with {label_part!r}; on screen: {[b.label for b in self.buttons()]}")

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last)

    def kinds(self) -> list[str]:
        return [r.kind for r in self.last]
