"""Conversations as transcripts: say something, press a button, read what the bot replied.

`SCENARIOS` is the one list of channel-independent transcripts; `tests/support/channels.py` runs each of
them through every channel (the dialogue core, the console, the real Telegram Application), so every
channel is held to the same behaviour.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

from bot.dialogue import Dialogue, Event
from bot.ui.replies import Button, Reply


@dataclass
class Chat:
    dialogue: Dialogue
    user: str = "console:alice"
    lang_hint: str | None = None
    last: list[Reply] = field(default_factory=list)
    shown: list[list[Reply]] = field(default_factory=list)  # every step's replies, oldest first

    @property
    def channel(self) -> str:
        return "telegram" if self.user.startswith("tg:") else "console"

    def _handle(self, event: Event) -> list[Reply]:
        from dataclasses import replace

        self.last = self.dialogue.handle(replace(event, channel=self.channel))
        self.shown.append(self.last)
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

    def press_earlier(self, label_part: str) -> list[Reply]:
        """Press a button from an earlier reply (the oldest that matches), as a user scrolling up would."""
        for replies in self.shown[:-1]:
            for b in (b for r in replies for row in r.buttons for b in row):
                if label_part in b.label:
                    return self.press_data(b.data)
        raise AssertionError(f"no earlier button with {label_part!r}")

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last)

    def kinds(self) -> list[str]:
        return [r.kind for r in self.last]


# Channel-independent transcripts: (action, argument, substrings the reply must contain). An action is a
# method of the channel's driver: say, press, or press_earlier (a button of an earlier message: stale).
QUIZ_TO_RESULT = [("say", "/quiz quick", ["第 1/14 题"]), *[("press", "C", [])] * 13, ("press", "C", ["估计总分"])]
SCENARIOS = {
    "greeting": [("say", "你好", ["你好！"]), ("say", "谢谢", ["不客气"])],
    "answer_and_read_more": [
        ("say", "战略部署怎么写", ["4.2.3", "通常引用的分值 50 分"]),
        ("press", "展开详细", ["评审员通常要看的证据", "第一步："]),
    ],
    "did_you_mean": [("say", "顾客", ["是下面这些吗"]), ("press", "4.3 顾客与市场", ["4.3", "顾客"])],
    "english_answer": [("say", "how is a results item scored?", ["levels", "trends"])],
    "out_of_scope": [("say", "明天北京天气怎么样", ["超出了我的范围"])],
    "language_sticks": [
        ("say", "/lang en", ["English"]),
        ("say", "战略部署怎么写", ["Strategy deployment"]),
        ("say", "/lang auto", ["language of each message"]),
        ("say", "战略部署怎么写", ["战略部署"]),
    ],
    "unknown_command": [("say", "/quizz", ["/quiz", "/help"])],
    "quiz_start": [("say", "/quiz", ["快速版"]), ("press", "⚡", ["第 1/14 题"]), ("press", "C", ["第 2/14 题"])],
    "quiz_to_the_result": QUIZ_TO_RESULT,
    "stale_button": [
        ("say", "/quiz quick", ["第 1/14 题"]), ("press", "C", ["第 2/14 题"]),
        ("say", "/quiz", ["继续"]), ("press", "重新开始", ["第 1/14 题"]),
        ("press_earlier", "C", ["这个按钮已经过期了"]),  # the abandoned attempt's button changes nothing
    ],
    "delete": [
        ("say", "/quiz quick", ["第 1/14 题"]), ("press", "C", ["第 2/14 题"]),
        ("say", "/delete", ["永久删除"]), ("press", "确定删除", ["已删除你的全部数据"]),
        ("say", "/quiz", ["快速版"]),  # nothing left to resume
    ],
}


def run_scenario(chat, steps) -> None:
    """Play steps through a synchronous driver (the core's `Chat`, the console)."""
    for action, arg, expected in steps:
        getattr(chat, action)(arg)
        for part in expected:
            assert part in chat.text, (action, arg, part, chat.text[:300])


async def play(driver, steps) -> None:
    """Play steps through any driver, synchronous or asynchronous (Telegram, web)."""
    for action, arg, expected in steps:
        done = getattr(driver, action)(arg)
        if inspect.isawaitable(done):
            await done
        for part in expected:
            assert part in driver.text, (action, arg, part, driver.text[:300])
