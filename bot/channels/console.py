"""The console adapter: the same conversations as Telegram, in a terminal.

Buttons appear as numbered choices: type the number (or the button's label, e.g. "B") to press it.
Images and files are written to the user's folder under `files/` beside the database (mode 0600) and
their paths printed. `step()` handles one line and returns
what it printed, so tests drive the console without a terminal; `run()` is the read loop.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

from bot.channels.decode import NOTE, from_argv, from_bytes
from bot.dialogue import Dialogue, Event
from bot.store import files
from bot.ui.replies import Button, Reply
from bot.ui.texts import LANGS, t

log = logging.getLogger(__name__)


class Console:
    def __init__(self, dialogue: Dialogue, out_dir: Path, user: str = "console:local",
                 out: TextIO | None = None):
        self.dialogue = dialogue
        self.out_dir = out_dir
        self.user = from_argv(user)[0]  # `--user` bytes that are not UTF-8 must not reach SQLite as surrogates
        self.out = out or sys.stdout
        self.buttons: list[Button] = []  # the numbered choices on screen
        self.saved: list[Path] = []  # images and files written so far

    def event_for(self, line: str) -> Event:
        text = line.strip()
        if text.startswith("/") and len(text) > 1:
            name, _, arg = text[1:].partition(" ")
            return Event(self.user, "command", arg, command=name.split("@")[0])
        chosen = self._choice(text)
        if chosen is not None:
            return Event(self.user, "button", chosen.data)
        return Event(self.user, "text", line)

    def _choice(self, text: str) -> Button | None:
        if text.isdigit() and 1 <= int(text) <= len(self.buttons):
            return self.buttons[int(text) - 1]
        for b in self.buttons:
            if len(text) == 1 and b.label.strip().lower() == text.lower():
                return b
        return None

    def step(self, line: str) -> str:
        """Handle one input line; return (and print) everything the bot said.

        The same error policy as Telegram's: an unexpected error in the core is logged first, with its
        traceback, then the user reads a short apology in both languages and the loop goes on."""
        try:
            shown = self.render(self.dialogue.handle(self.event_for(line)))
        except Exception:
            log.exception("error while handling a console line for %s", self.user)
            shown = "\n".join(t("error", lang) for lang in LANGS) + "\n\n"
        self.out.write(shown)
        self.out.flush()
        return shown

    def render(self, replies: list[Reply]) -> str:
        lines: list[str] = []
        buttons: list[Button] = []
        for r in replies:
            if r.toast:
                lines.append(f"({r.toast})")
            if r.text:
                lines.append(r.text.rstrip())
            for row in r.buttons:
                for b in row:
                    buttons.append(b)
                    lines.append(f"  [{len(buttons)}] {b.label}")
            for data, name in ((r.image_bytes(), r.image_name), (r.document_bytes(), r.document_name)):
                if data is not None:
                    path = self._save(name, data)
                    lines.append(f"📎 {path}")
            lines.append("")
        # the choices on screen stay until a reply brings others or replaces them; a file or a chart
        # delivered (a PDF, the radar) replaces nothing: the result's other buttons can still be pressed
        if buttons or any(r.buttons == () and r.kind not in ("feedback", "quiz_chart")
                          and r.image is None and r.document is None for r in replies):
            self.buttons = buttons
        return "\n".join(lines) + "\n"

    def _save(self, name: str, data: bytes) -> Path:
        """Into the user's own folder, readable by the owner only: /delete and retention remove it (store)."""
        path = files.write_private(files.user_dir(self.out_dir, self.user) / Path(name or "awardbot-file").name, data)
        self.saved.append(path)
        return path.resolve()

    def run(self, stdin: TextIO | None = None, first: str | None = "/start", stop_on: str | None = None) -> int:
        """Read lines until EOF, Ctrl-C or /quit; `stop_on` ends the loop after a reply of that kind."""
        stdin = stdin or sys.stdin
        interactive = stdin.isatty()
        if first:
            self.step(first)
        while True:
            if interactive:
                self.out.write("› ")
                self.out.flush()
            try:
                line, replaced = _readline(stdin)
            except KeyboardInterrupt:
                self.out.write("\n")
                return 0
            if replaced:
                self.out.write(NOTE + "\n")
            if not line or line.strip() in ("/quit", "/exit"):
                return 0
            if not line.strip():
                continue
            shown_before = len(self.saved)
            self.step(line.rstrip("\n"))
            if stop_on and any(p.name.endswith(".png") for p in self.saved[shown_before:]):
                return 0


def _readline(stdin: TextIO) -> tuple[str, bool]:
    """One line, decoded here from the bytes when the stream has them (GBK or noise on a pipe must not
    raise half-way through a conversation), and whether anything was replaced."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        return stdin.readline(), False
    return from_bytes(buffer.readline())
