"""What a channel hands the dialogue (an `Event`), the turn being handled, and the one rule for the
reply language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.answering.textnorm import has_language, language_of
from bot.dialogue.core import Core
from bot.ui.texts import LANGS

NON_TEXT = ("sticker", "photo", "voice", "video", "document", "location", "contact")


@dataclass(frozen=True)
class Event:
    user: str  # channel-qualified id, e.g. "tg:123" or "console:local"
    kind: str  # text | command | button | other | edited
    text: str = ""  # message text, command arguments, button data, or the non-text kind
    command: str = ""
    channel: str = "console"
    chat: str | None = None
    lang_hint: str | None = None  # the client's language (Telegram language_code)
    admin: bool = False  # the channel vouches for an operator (web: the admin secret was presented)
    group: bool = False  # said in a group chat: private commands answer with a link to the private chat


def command_link(payload: str) -> str:
    """A deep link where a channel has none of its own: the command that does the same."""
    return f"/start {payload}"


@dataclass
class Turn:
    """One event being handled: the core, who is speaking, the language to answer in, and how this
    channel links back to the bot (`link("team_ab12")`: a t.me URL in Telegram, a command elsewhere)."""

    core: Core
    user_id: str
    user: dict
    lang: str
    channel: str
    link: Callable[[str], str] = command_link
    admin: bool = False  # the channel vouched for an operator


def lang_from_hint(hint: str | None, default: str = "zh") -> str:
    """A client's language code ("zh-hans", "en-US") as a reply language; `default` when there is none."""
    hint = (hint or "").lower()
    if not hint:
        return default
    return "zh" if hint.startswith("zh") else "en"


def choose_lang(user: dict, event: Event) -> str:
    """/lang wins; then the script of this message; then the last language used; then the client's."""
    if user.get("lang") in LANGS:
        return user["lang"]
    if event.kind == "text" and has_language(event.text):
        return language_of(event.text)
    if user.get("last_lang") in LANGS:
        return user["last_lang"]
    return lang_from_hint(event.lang_hint)
