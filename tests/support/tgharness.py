"""Drive the real python-telegram-bot Application against the fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bot.channels.telegram.app import TelegramOptions, build_application
from tests.support.fakebotapi import FakeBotAPI

TOKEN = "123456:TEST-token"
SENDS = {"sendMessage", "editMessageText", "sendPhoto", "sendDocument", "answerCallbackQuery",
         "answerInlineQuery", "editMessageReplyMarkup"}


ROOT = Path(__file__).resolve().parents[2]


async def spawn_bot(fake: FakeBotAPI, cli_env: dict, *args: str):
    """The real `awardbot telegram` process against the fake Bot API, with only the test's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDBOT_")} | cli_env | {
        "AWARDBOT_TOKEN": TOKEN, "AWARDBOT_API_BASE_URL": fake.base_url}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", *args, env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


@contextlib.asynccontextmanager
async def running_bot(core, fake: FakeBotAPI, **options):
    """The real Application, polling the fake. The in-process lifecycle skips post_init/post_shutdown,
    so they are called here, as run_polling would."""
    opts = TelegramOptions(**{"token": TOKEN, "base_url": fake.base_url, "rate_limit": 0,
                              "reminder_check_seconds": 0.2, **options})
    app = build_application(core, opts)
    await app.initialize()
    await app.post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1,
                                    allowed_updates=["message", "edited_message", "callback_query", "inline_query"],
                                    # as run_polling does: polling errors go to the error handler
                                    error_callback=lambda exc: app.create_task(app.process_error(None, exc)))
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.post_shutdown(app)
        await app.shutdown()


async def settle(fake: FakeBotAPI, quiet: float = 0.25, limit: float = 20.0, start: int = 0) -> None:
    """Wait until the bot has made no new API call for `quiet` seconds.

    A chat action ("sending a file…") announces a rendering still under way, so it never ends a step
    until a photo or document follows it (a toast or an edit may come in between; a PDF on a loaded
    machine takes seconds)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit

    def rendering() -> bool:
        methods = [c.method for c in fake.calls[start:]]
        if "sendChatAction" not in methods:
            return False
        after = methods[len(methods) - 1 - methods[::-1].index("sendChatAction"):]
        return not any(m in ("sendPhoto", "sendDocument") for m in after)

    count = -1
    while (count != len(fake.calls) or rendering()) and loop.time() < end:
        count = len(fake.calls)
        await asyncio.sleep(quiet)


@dataclass
class TgChat:
    """A Telegram user in a private chat, read as a transcript."""

    fake: FakeBotAPI
    user_id: int
    language_code: str = "zh-hans"
    new_calls: list = field(default_factory=list)

    async def _step(self, push) -> None:
        start = len(self.fake.calls)
        push()
        await self.fake.wait_for(lambda c: c.method in SENDS, start=start, timeout=10)
        await settle(self.fake, start=start)
        self.new_calls = self.fake.calls[start:]

    async def say(self, text: str) -> None:
        await self._step(lambda: self.fake.message(self.user_id, text, language_code=self.language_code))

    async def _press_on(self, messages, label_part: str) -> None:
        for msg in messages:
            for b in msg.buttons:
                if label_part in b["text"] and "callback_data" in b:
                    await self._step(lambda m=msg, b=b: self.fake.callback(
                        self.user_id, b["callback_data"], message_id=m.message_id,
                        language_code=self.language_code))
                    return
        raise AssertionError(f"no button {label_part!r} in the chat")

    async def press(self, label_part: str) -> None:
        """Press a button on the newest message that shows one."""
        await self._press_on(reversed(self.fake.sent_to(self.user_id)), label_part)

    async def press_earlier(self, label_part: str) -> None:
        """Press a button on the oldest message that still shows one (a stale press)."""
        await self._press_on(self.fake.sent_to(self.user_id)[:-1], label_part)

    @property
    def text(self) -> str:
        """Visible text of everything the bot sent or edited in the last step, and its toasts."""
        out = []
        for c in self.new_calls:
            if c.method in ("sendMessage", "editMessageText") and c.ok:
                out.append(c.result.get("text", "") if isinstance(c.result, dict) else "")
            elif c.method == "answerCallbackQuery" and c.ok and c.params.get("text"):
                out.append(c.params["text"])
        return "\n".join(out)

    def calls(self, method: str) -> list:
        return [c for c in self.new_calls if c.method == method]


async def stop_process(proc) -> str:
    """SIGTERM a bot subprocess, check it stopped cleanly, and return what it wrote to stderr; a bot that
    does not stop is killed, so no test leaves one behind."""
    try:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), timeout=30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    return (await proc.stderr.read()).decode()


async def wait_line(stream, needle: str, limit: float = 60) -> str:
    """Read a subprocess's output until a line contains `needle`."""
    async def read() -> str:
        while True:
            line = (await stream.readline()).decode()
            if not line:
                raise AssertionError(f"the process stopped before writing {needle!r}")
            if needle in line:
                return line

    return await asyncio.wait_for(read(), limit)
