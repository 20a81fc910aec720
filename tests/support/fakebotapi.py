"""A fake Telegram Bot API server (aiohttp) for driving a python-telegram-bot v22 bot in tests.

It speaks the wire protocol PTB speaks (``/bot<token>/<method>``; query string, JSON, urlencoded or
multipart parameters, where PTB JSON-encodes every non-string value) and answers with the Bot API
envelope, reproducing the server behaviour real bots trip over:

* HTML is parsed like TDLib's ``parse_html`` (same tag set, same nesting rules, same error texts,
  byte offsets included); length limits count visible characters after entity parsing;
* ``editMessageText`` / ``editMessageReplyMarkup`` answer "message is not modified" when the new
  text, entities *and* inline keyboard equal the current ones — and, as on Telegram, omitting
  ``reply_markup`` in an edit removes the keyboard;
* callback and inline query ids expire and can be answered once;
* long polling: a new waiting ``getUpdates`` terminates the one already waiting with 409 (this is
  what telegram-bot-api does: ``abort_long_poll`` fails the *older* query); a set webhook makes
  ``getUpdates`` fail with 409;
* callback_data over 64 bytes, command names outside ``[a-z0-9_]``, language codes other than two
  lowercase letters (``zh-hans`` is refused by setMyCommands), sends to chats the bot never saw.

Everything binds to and talks to loopback only. No global state: run as many servers as you like.

API: ``FakeBotAPI(tokens, bot_username, *, callback_ttl=15, strict_chats=True, privacy_mode=False,
strict_ampersand=False, webhook_rate_limit=True)``; ``start()``/``stop()``/``async with``;
``base_url``, ``base_file_url``, ``make_bot()``. Updates: ``push_update``, ``message``,
``group_message``, ``callback``, ``edited``, ``inline``, ``photo``, ``document``, ``voice``,
``sticker`` (each returns the pushed update dict), ``add_user``/``add_chat``, ``deliver_webhook``,
``flush_webhook``. Faults: ``block``/``unblock``, ``rate_limit``, ``fail_next`` (any status, per method, N
times), ``slow`` (the call takes effect, then the answer is late: a client that times out cannot know
it was delivered). Inspection: ``calls``,
``calls_of``, ``wait_for``, ``reset_calls``, ``sent_to``, ``texts_to``, ``pending_updates``,
``is_polling``, ``commands``, ``callback_answers``, ``inline_answers``, ``webhook``, ``files``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import itertools
import json
import mimetypes
import re
import secrets
import ssl
import struct
import time
import zlib
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.request import HTTPXRequest

__all__ = ["TINY_PNG", "Call", "FakeBotAPI", "StoredMessage", "UploadedFile", "detect_entities", "fast_request",
           "make_png", "parse_html"]

JSON = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Small value types
# --------------------------------------------------------------------------------------------


class UploadedFile(bytes):
    """The bytes of an uploaded multipart file, with the name and type it was sent with.

    It *is* ``bytes`` (``call.params["photo"] == png_bytes`` holds) and also carries ``filename``
    and ``content_type``.
    """

    filename: str
    content_type: str

    def __new__(cls, content: bytes, filename: str = "", content_type: str = "application/octet-stream"):
        obj = super().__new__(cls, content)
        obj.filename = filename
        obj.content_type = content_type
        return obj

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {len(self)} bytes, {self.content_type!r})"


@dataclass
class Call:
    """One request the bot made, decoded. ``status``/``result``/``description`` are the answer."""

    method: str
    params: dict[str, Any]
    ts: float
    status: int = 200
    result: Any = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def summary(self) -> str:
        shown = {k: (v if not isinstance(v, str) or len(v) <= 60 else v[:57] + "...") for k, v in self.params.items()}
        tail = "ok" if self.ok else f"{self.status} {self.description}"
        return f"{self.method}({shown}) -> {tail}"


@dataclass
class StoredMessage:
    """A message as the fake keeps it: visible text plus what was sent to produce it."""

    chat_id: int
    message_id: int
    from_bot: bool
    date: int
    chat: JSON
    sender: JSON
    text: str | None = None  # visible text: tags stripped, entities decoded, trimmed
    raw_text: str | None = None  # exactly what the bot sent
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    caption: str | None = None
    raw_caption: str | None = None
    caption_entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None  # the inline keyboard Telegram shows (and echoes back)
    sent_reply_markup: JSON | None = None  # whatever reply_markup was sent (reply keyboards too)
    photo: bytes | None = None
    document: bytes | None = None
    media: JSON = field(default_factory=dict)  # Bot API fields: photo sizes, document, sticker, voice
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    edits: int = 0
    deleted: bool = False
    synthetic: bool = False  # fabricated by a builder (reply_to_bot without a real bot message)

    @property
    def buttons(self) -> list[JSON]:
        """The inline keyboard's buttons, row by row, flattened."""
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    filename: str = ""
    mime_type: str = "application/octet-stream"


@dataclass
class _Query:
    """An issued callback/inline query id."""

    kind: str
    issued: float
    answered: bool = False


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSON | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


class EntityParseError(ValueError):
    """What TDLib's parse_html reports; the Bot API prefixes it with "can't parse entities: "."""


# --------------------------------------------------------------------------------------------
# HTML, as TDLib parses it (td/telegram/MessageEntity.cpp: parse_html, decode_html_entity)
# --------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset({
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "tg-time",
    "span", "pre", "code", "blockquote",
})
_SPACES = " \t\r\n\0\v\f"  # td::is_space (NUL included: it also marks the end of the C string)
_HEX = "0123456789abcdefABCDEF"
_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SIMPLE = {"i": "italic", "em": "italic", "b": "bold", "strong": "bold", "s": "strikethrough",
           "strike": "strikethrough", "del": "strikethrough", "u": "underline", "ins": "underline",
           "tg-spoiler": "spoiler", "span": "spoiler"}


def _u16(s: str) -> int:
    """Length in UTF-16 code units: what Telegram's entity offsets count."""
    return sum(2 if ord(c) > 0xFFFF else 1 for c in s)


def _lower(s: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_html_entity(text: str, pos: int) -> tuple[str | None, int]:
    """``&...;`` at ``pos`` → (character, position after it), or (None, pos) when not an entity."""

    def at(k: int) -> str:
        return text[k] if k < len(text) else "\0"

    end = pos + 1
    if at(pos + 1) == "#":
        end += 1
        code = 0
        if at(pos + 2) == "x":
            end += 1
            while at(end) in _HEX and at(end) != "\0":
                code = code * 16 + int(at(end), 16)
                end += 1
        else:
            while at(end) in _DIGITS and at(end) != "\0":
                code = code * 10 + int(at(end))
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None, pos
        char = chr(code)
    else:
        while at(end) in _LETTERS and at(end) != "\0":
            end += 1
        char = _NAMED.get(text[pos + 1:end])
        if char is None:
            return None, pos  # unsupported entities (&nbsp; ...) stay as typed
    if at(end) == ";":
        end += 1
    return char, end


def _checked_link(url: str) -> str | None:
    """A rough LinkManager::get_checked_link: known schemes kept, bare domains get http://."""
    scheme, sep, _ = url.partition(":")
    if sep and _lower(scheme) in {"http", "https", "tg", "ton", "tonsite"}:
        return url
    if "." in url and not any(c in url for c in " <>\"") and "://" not in url:
        return "http://" + url
    return None


def _close_entity(tag: str, argument: str, offset: int, length: int, inner: str, entities: list[JSON]) -> None:
    if tag in _SIMPLE:
        entities.append({"type": _SIMPLE[tag], "offset": offset, "length": length})
    elif tag == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entities.append({"type": "custom_emoji", "offset": offset, "length": length, "custom_emoji_id": argument})
    elif tag == "a":
        url = argument or inner
        if m := re.fullmatch(r"tg://user\?id=(\d+)", url):
            user = {"id": int(m.group(1)), "is_bot": False, "first_name": ""}
            entities.append({"type": "text_mention", "offset": offset, "length": length, "user": user})
        elif (checked := _checked_link(url)) is not None:
            entities.append({"type": "text_link", "offset": offset, "length": length, "url": checked})
    elif tag == "pre":
        last = entities[-1] if entities else None
        if last and last["type"] == "code" and (last["offset"], last["length"]) == (offset, length) \
                and last.get("language"):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        last = entities[-1] if entities else None
        if last and last["type"] == "pre" and (last["offset"], last["length"]) == (offset, length) and argument:
            last["language"] = argument
        else:
            entities.append({"type": "code", "offset": offset, "length": length, "language": argument})
    elif tag == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
    # tg-time: a formatted date; not modelled (no entity), like a tg-time without "unix"


def _read_attributes(text: str, i: int, tag: str, begin: int) -> tuple[int, str]:
    """Parse a start tag's attributes from ``i`` up to its ``>``; returns (index of '>', argument)."""

    def at(k: int) -> str:
        return text[k] if k < len(text) else "\0"

    where = f"at byte offset {_byte_offset(text, begin)}"
    argument = ""
    while at(i) != ">":
        while at(i) != "\0" and at(i) in _SPACES:
            i += 1
        if at(i) == ">":
            break
        name_begin = i
        while at(i) not in _SPACES and at(i) not in "=>/\"'":
            i += 1
        name = text[name_begin:i]
        if not name:
            raise EntityParseError(f'Empty attribute name in the tag "{tag}" {where}')
        while at(i) != "\0" and at(i) in _SPACES:
            i += 1
        if at(i) != "=":
            if at(i) == "\0":
                raise EntityParseError(f'Unclosed start tag "{tag}" {where}')
            if tag == "blockquote" and name == "expandable":
                argument = "1"
            continue
        i += 1
        while at(i) != "\0" and at(i) in _SPACES:
            i += 1
        if at(i) == "\0":
            raise EntityParseError(f'Unclosed start tag "{tag}" {where}')
        if at(i) not in "'\"":
            token_begin = i
            while at(i).isascii() and (at(i).isalnum() or at(i) in ".-"):
                i += 1
            value = _lower(text[token_begin:i])
            if at(i) not in _SPACES and at(i) != ">":
                raise EntityParseError(f"Unexpected end of name token at byte offset {_byte_offset(text, token_begin)}")
        else:
            quote = at(i)
            i += 1
            chars: list[str] = []
            while at(i) != quote and at(i) != "\0":
                if at(i) == "&":
                    char, after = _decode_html_entity(text, i)
                    if char is not None:
                        chars.append(char)
                        i = after
                        continue
                chars.append(text[i])
                i += 1
            if at(i) == quote:
                i += 1
            value = "".join(chars)
        if at(i) == "\0":
            raise EntityParseError(f"Unclosed start tag {where}")
        if (tag, name) in {("a", "href"), ("tg-emoji", "emoji-id")}:
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[len("language-"):]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[3:]
        elif tag == "blockquote" and name == "expandable":
            argument = "1"
    return i, argument


def parse_html(text: str) -> tuple[str, list[JSON]]:
    """Telegram's HTML parse mode: (visible text, entities) or EntityParseError with TDLib's wording."""

    def at(k: int) -> str:
        return text[k] if k < len(text) else "\0"

    out: list[str] = []
    utf16 = 0
    nested: list[tuple[str, str, int, int]] = []  # tag, argument, utf16 offset, index in `out`
    entities: list[JSON] = []
    surrogate = False
    i = 0
    while i < len(text):
        c = text[i]
        if c == "&":
            char, after = _decode_html_entity(text, i)
            if char is not None:
                surrogate = surrogate or 0xD800 <= ord(char) <= 0xDFFF
                out.append(char)
                utf16 += _u16(char)
                i = after
                continue
        if c != "<":
            out.append(c)
            utf16 += _u16(c)
            i += 1
            continue
        begin = i
        i += 1
        where = f"at byte offset {_byte_offset(text, begin)}"
        if at(i) != "/":
            while at(i) not in _SPACES and at(i) != ">":
                i += 1
            if at(i) == "\0":
                raise EntityParseError(f"Unclosed start tag {where}")
            tag = _lower(text[begin + 1:i])
            if tag not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" {where}')
            i, argument = _read_attributes(text, i, tag, begin)
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" {where}')
            nested.append((tag, argument, utf16, len(out)))
            i += 1
            continue
        if not nested:
            raise EntityParseError(f"Unexpected end tag {where}")
        while at(i) not in _SPACES and at(i) != ">":
            i += 1
        end_tag = _lower(text[begin + 2:i])
        while at(i) != "\0" and at(i) in _SPACES:
            i += 1
        if at(i) != ">":
            raise EntityParseError(f"Unclosed end tag {where}")
        tag, argument, offset, out_index = nested[-1]
        if end_tag and end_tag != tag:
            raise EntityParseError(f'Unmatched end tag {where}, expected "</{tag}>", found "</{end_tag}>"')
        if utf16 > offset:
            _close_entity(tag, argument, offset, utf16 - offset, "".join(out[out_index:]), entities)
        nested.pop()
        i += 1
    if nested:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{nested[-1][0]}"')
    if surrogate:
        raise EntityParseError("Text contains invalid Unicode characters after decoding HTML entities")
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


_TRIM = " \t\r\n\v\f"


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram trims leading and trailing whitespace of message texts; entities follow."""
    stripped_left = text.lstrip(_TRIM)
    shift = _u16(text[: len(text) - len(stripped_left)])
    result = stripped_left.rstrip(_TRIM)
    limit = _u16(result)
    fixed = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return result, fixed


# Entities Telegram finds by itself in incoming texts (td: match_bot_commands, match_mentions).
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")
_MENTION = re.compile(r"(?<!\w)@[A-Za-z0-9_]{2,32}(?!\w)")
_URL = re.compile(r"(?<![\w@])https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")
_SHORT_USERNAMES = frozenset({"gif", "nft", "pic", "ufc", "vid"})


def detect_entities(text: str) -> list[JSON]:
    """bot_command, mention and url entities, as Telegram attaches them to a user's message.

    "/start" and "/start@bot arg" are commands; "/开始" and "/start你好" are not (the command must be
    ASCII letters, digits or "_" and must not run into a word character).
    """
    found: list[tuple[int, int, str]] = []
    for m in _BOT_COMMAND.finditer(text):
        found.append((m.start(), m.end(), "bot_command"))
    for m in _MENTION.finditer(text):
        name = m.group()[1:]
        if len(name) >= 4 or _lower(name) in _SHORT_USERNAMES:
            found.append((m.start(), m.end(), "mention"))
    for m in _URL.finditer(text):
        found.append((m.start(), m.end(), "url"))
    found.sort()
    entities: list[JSON] = []
    last_end = -1
    for start, end, kind in found:
        if start < last_end:
            continue  # overlapping matches: the first one wins
        entities.append({"type": kind, "offset": _u16(text[:start]), "length": _u16(text[start:end])})
        last_end = end
    return entities


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def make_png(width: int = 1, height: int = 1) -> bytes:
    """A valid RGB PNG of this size (solid red)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


TINY_PNG = make_png()


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF, JPEG, BMP or WebP, or None when it is not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"BM" and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return width, abs(height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        if data[12:16] == b"VP8X" and len(data) >= 30:
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 4 <= len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            if marker == 0xFF:
                i += 1
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                if i + 9 > len(data):
                    return None
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return None


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------

# Fields whose (form) value is a JSON document. PTB json.dumps every non-str value.
_JSON_FIELDS = frozenset({
    "reply_markup", "entities", "caption_entities", "commands", "scope", "results", "allowed_updates",
    "link_preview_options", "reply_parameters", "menu_button", "media", "button", "options",
    "explanation_entities", "question_entities", "reaction", "rights", "prices", "message_ids",
    "input_message_content", "permissions", "default_administrator_rights",
})
# Fields that are strings even when they look like numbers ("text": "123" stays "123").
_STRING_FIELDS = frozenset({
    "text", "caption", "query", "data", "url", "secret_token", "parse_mode", "callback_query_id",
    "inline_query_id", "language_code", "action", "emoji", "title", "description", "name",
    "short_description", "next_offset", "ip_address", "question", "explanation", "first_name",
    "last_name", "phone_number", "address", "sticker", "photo", "document", "video", "audio", "voice",
    "animation", "thumbnail", "file_id", "custom_title", "payload", "currency", "start_parameter",
    "inline_message_id", "business_connection_id", "message_effect_id", "switch_pm_text",
    "switch_pm_parameter", "filename", "username", "certificate",
})
_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"-?\d+\.\d+(?:[eE][-+]?\d+)?")


def _decode_field(name: str, value: str) -> Any:
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            what = "reply keyboard markup" if name == "reply_markup" else name
            raise _bad(f"can't parse {what} JSON object") from None
    if name in _STRING_FIELDS:
        return value
    if _INT.fullmatch(value):
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    if value in ("true", "false"):
        return value == "true"
    if value[:1] in "[{":
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def _as_int(params: JSON, name: str, default: int | None = None) -> int | None:
    value = params.get(name, default)
    if value is None or isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad(f"invalid {name} specified") from None


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_CONFLICT_OTHER = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
_CONFLICT_WEBHOOK = ("Conflict: can't use getUpdates method while webhook is active; "
                     "use deleteWebhook to delete the webhook first")
_NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly the same "
                 "as a current content and reply markup of the message")
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_UNSET: Any = object()


def _is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def fast_request(connection_pool_size: int = 8, **kwargs: Any) -> HTTPXRequest:
    """A PTB HTTPXRequest for tests: one shared SSL context (each default client loads the CA
    bundle, ~0.2 s, and a Bot has two) and ``trust_env=False`` (no proxy variable can reroute
    loopback traffic)."""
    from telegram.request import HTTPXRequest

    httpx_kwargs = {"verify": _ssl_context(), "trust_env": False, **kwargs.pop("httpx_kwargs", {})}
    return HTTPXRequest(connection_pool_size=connection_pool_size, httpx_kwargs=httpx_kwargs, **kwargs)


@dataclass
class _LongPoll:
    future: asyncio.Future[None]
    offset: int


class FakeBotAPI:
    """A Bot API server on 127.0.0.1 for one fake bot; see the module docstring.

    ``async with FakeBotAPI(tokens={"123:ABC"}, bot_username="awardbot_test") as server:`` then
    ``telegram.Bot(token, base_url=server.base_url, base_file_url=server.base_file_url)``.
    """

    def __init__(
        self,
        tokens: Iterable[str] = ("123:ABC",),
        bot_username: str = "awardbot_test",
        *,
        bot_name: str = "Award Bot (test)",
        callback_ttl: float = 15.0,
        strict_chats: bool = True,
        privacy_mode: bool = False,
        strict_ampersand: bool = False,
        webhook_rate_limit: bool = True,
        host: str = "127.0.0.1",
    ) -> None:
        self.tokens: set[str] = {tokens} if isinstance(tokens, str) else set(tokens)
        if not self.tokens:
            raise ValueError("at least one token is needed")
        if not _is_loopback_host(host):
            raise ValueError(f"the fake serves loopback only, not {host!r}")
        self.host = host
        self.bot_username = bot_username
        first = sorted(self.tokens)[0].split(":", 1)[0]
        self.bot_id = int(first) if first.isdigit() else 1
        self.bot_user: JSON = {"id": self.bot_id, "is_bot": True, "first_name": bot_name, "username": bot_username}
        self.callback_ttl = callback_ttl
        self.strict_chats = strict_chats
        self.privacy_mode = privacy_mode
        self.strict_ampersand = strict_ampersand
        self.webhook_rate_limit = webhook_rate_limit
        self.webhook_timeout = 10.0  # seconds deliver_webhook waits for the receiver

        self.calls: list[Call] = []
        self.users: dict[int, JSON] = {}
        self.chats: dict[int, JSON] = {}
        self.messages: dict[int, dict[int, StoredMessage]] = {}
        self.blocked: set[int] = set()
        self.commands: dict[tuple[str, str], list[JSON]] = {}  # (scope JSON, language_code) → commands
        self.menu_buttons: dict[int | None, JSON] = {}
        self.callback_answers: dict[str, JSON] = {}
        self.inline_answers: dict[str, JSON] = {}
        self.files: dict[str, _StoredFile] = {}
        self.dropped_updates: list[JSON] = []  # pushed but filtered out by allowed_updates
        self.deliveries: list[tuple[JSON, int]] = []  # webhook deliveries: (update, HTTP status)
        self.unimplemented: list[str] = []
        self.logged_out = False
        self.closed = False

        self.webhook: JSON = {}  # url, secret_token, max_connections, ip_address, ...
        self.allowed_updates: list[str] | None = None
        self._updates: deque[JSON] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._queries: dict[str, _Query] = {}
        self._faults: dict[str, deque[_ApiError]] = {}
        self._delays: dict[str, deque[float]] = {}
        self._poll: _LongPoll | None = None
        self._next_set_webhook = 0.0
        self._calls_changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Callable[[JSON], Awaitable[Any]]] = {
            name[len("_m_"):]: getattr(self, name) for name in dir(self) if name.startswith("_m_")
        }
        self._by_lower = {name.lower(): name for name in self._handlers}

    # ---- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeBotAPI:
        if self._runner is not None:
            raise RuntimeError("already started")
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        runner = web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._runner = runner
        self._port = runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._poll is not None and not self._poll.future.done():
            self._poll.future.set_result(None)  # a waiting getUpdates answers [] at once
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def make_bot(self, token: str | None = None, **kwargs: Any) -> Bot:
        """A telegram.Bot pointed at this server (not initialised: use ``async with``)."""
        from telegram import Bot

        kwargs.setdefault("request", fast_request())
        kwargs.setdefault("get_updates_request", fast_request(connection_pool_size=1))
        return Bot(token or sorted(self.tokens)[0], base_url=self.base_url, base_file_url=self.base_file_url,
                   **kwargs)

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the server is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    # ---- fault injection -----------------------------------------------------------------------

    def block(self, user_id: int) -> None:
        """From now on every send/edit to this user's chat answers 403 "bot was blocked by the user"."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` ("*": any) answer 429 with retry_after."""
        for _ in range(times):
            self._fault(method).append(_ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}))

    def fail_next(self, method: str, status: int, description: str, *, parameters: JSON | None = None,
                  times: int = 1) -> None:
        """The next ``times`` calls of ``method`` ("*": any) answer this error, with no side effect."""
        for _ in range(times):
            self._fault(method).append(_ApiError(status, description, parameters))

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` ("*": any) take effect at once (recorded, messages
        stored), but their answer comes ``seconds`` later: a client with a shorter read timeout sees a
        timeout although the call was carried out, as on a congested network."""
        self._delays.setdefault(method.lower(), deque()).extend([seconds] * times)

    def _take_delay(self, method: str) -> float:
        for key in (method.lower(), "*"):
            queue = self._delays.get(key)
            if queue:
                return queue.popleft()
        return 0.0

    def _fault(self, method: str) -> deque[_ApiError]:
        return self._faults.setdefault(method.lower(), deque())

    def _take_fault(self, method: str) -> _ApiError | None:
        for key in (method.lower(), "*"):
            queue = self._faults.get(key)
            if queue:
                return queue.popleft()
        return None

    # ---- test helpers --------------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def reset_calls(self) -> None:
        self.calls.clear()

    def sent_to(self, chat_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        """The bot's messages in this chat, oldest first, in their current (edited) state."""
        return [m for m in self.messages.get(chat_id, {}).values()
                if m.from_bot and not m.synthetic and (include_deleted or not m.deleted)]

    def texts_to(self, chat_id: int) -> list[str]:
        """Visible texts (or captions) of the bot's messages in this chat."""
        return [m.text if m.text is not None else (m.caption or "") for m in self.sent_to(chat_id)]

    async def wait_for(self, predicate: Callable[[Call], bool] | str | None = None,
                       timeout: float = 5.0, *, start: int = 0) -> Call:  # noqa: ASYNC109 (the helper's contract)
        """The first recorded call (from index ``start``) satisfying ``predicate``, waiting for it.

        ``predicate`` may be a method name. Raises AssertionError listing the calls on timeout.
        """
        if isinstance(predicate, str):
            method = predicate.lower()

            def check(call: Call) -> bool:
                return call.method.lower() == method
        else:
            check = predicate or (lambda call: True)
        deadline = asyncio.get_running_loop().time() + timeout
        index = start
        while True:
            if index > len(self.calls):  # reset_calls() while waiting
                index = 0
            for call in self.calls[index:]:
                if check(call):
                    return call
            index = max(index, len(self.calls))
            event = self._calls_changed
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        shown = "\n  ".join(c.summary() for c in self.calls[-40:]) or "(none)"
        raise AssertionError(f"no matching call within {timeout}s; {len(self.calls)} call(s) recorded:\n  {shown}")

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        event, self._calls_changed = self._calls_changed, asyncio.Event()
        event.set()

    # ---- users, chats, messages ----------------------------------------------------------------

    def add_user(self, user_id: int, *, first_name: str = "Test", language_code: str | None = "zh-hans",
                 username: str | None = None, started: bool = True) -> JSON:
        """Make a user known; ``started`` also opens the private chat (the user pressed Start)."""
        user = self._user(user_id, first_name, language_code, username)
        if started:
            self._private_chat(user)
        return user

    def add_chat(self, chat_id: int, *, chat_type: str = "group", title: str = "Test group") -> JSON:
        chat = {"id": chat_id, "type": chat_type, "title": title}
        self.chats[chat_id] = chat
        return chat

    def _user(self, user_id: int, first_name: str, language_code: str | None, username: str | None,
              last_name: str | None = None) -> JSON:
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        return user

    def _private_chat(self, user: JSON) -> JSON:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        self.chats[user["id"]] = chat
        return chat

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _store(self, msg: StoredMessage) -> StoredMessage:
        self.messages.setdefault(msg.chat_id, {})[msg.message_id] = msg
        return msg

    def _find(self, chat_id: int, message_id: int | None) -> StoredMessage | None:
        msg = self.messages.get(chat_id, {}).get(message_id) if message_id is not None else None
        return None if msg is None or msg.deleted else msg

    def _message_dict(self, msg: StoredMessage, *, with_reply: bool = True) -> JSON:
        data: JSON = {"message_id": msg.message_id, "from": msg.sender, "chat": msg.chat, "date": msg.date}
        if msg.edit_date:
            data["edit_date"] = msg.edit_date
        if with_reply and msg.reply_to_message_id is not None:
            target = self.messages.get(msg.chat_id, {}).get(msg.reply_to_message_id)
            if target is not None:
                data["reply_to_message"] = self._message_dict(target, with_reply=False)
        if msg.text is not None:
            data["text"] = msg.text
            if msg.entities:
                data["entities"] = msg.entities
        data.update(msg.media)
        if msg.caption:
            data["caption"] = msg.caption
            if msg.caption_entities:
                data["caption_entities"] = msg.caption_entities
        if msg.reply_markup:
            data["reply_markup"] = msg.reply_markup
        return data

    # ---- updates -------------------------------------------------------------------------------

    def push_update(self, update: JSON) -> int:
        """Queue an update (assigning the next update_id) and wake a waiting getUpdates."""
        update_id = next(self._update_ids)
        update["update_id"] = update_id
        kind = next((k for k in update if k != "update_id"), "")
        allowed = set(self.allowed_updates) if self.allowed_updates else None
        if (kind not in allowed) if allowed is not None else (kind in _DEFAULT_EXCLUDED_UPDATES):
            self.dropped_updates.append(update)
            return update_id
        self._updates.append(update)
        if self._poll is not None and not self._poll.future.done() and update_id >= self._poll.offset:
            self._poll.future.set_result(None)
        return update_id

    @property
    def pending_updates(self) -> list[JSON]:
        return list(self._updates)

    @property
    def is_polling(self) -> bool:
        """A getUpdates is waiting (long polling) right now."""
        return self._poll is not None and not self._poll.future.done()

    def _user_message(self, user_id: int, chat: JSON, *, first_name: str, language_code: str | None,
                      username: str | None, reply_to_message_id: int | None = None, **content: Any) -> StoredMessage:
        user = self._user(user_id, first_name, language_code, username)
        if chat["type"] == "private":
            chat = self._private_chat(user)
        if reply_to_message_id is not None and self._find(chat["id"], reply_to_message_id) is None:
            raise ValueError(f"no message {reply_to_message_id} in chat {chat['id']} to reply to")
        msg = StoredMessage(chat_id=chat["id"], message_id=self._next_message_id(chat["id"]), from_bot=False,
                            date=int(time.time()), chat=chat, sender=user,
                            reply_to_message_id=reply_to_message_id, **content)
        return self._store(msg)

    def _chat_for(self, user_id: int, chat_id: int | None, chat_type: str, title: str = "Test group") -> JSON:
        if chat_type == "private":
            if chat_id not in (None, user_id):
                raise ValueError("a private chat's id is the user's id")
            return {"id": user_id, "type": "private"}
        if chat_id is None:
            raise ValueError(f"a {chat_type} message needs chat_id")
        chat = self.chats.get(chat_id)
        if chat is None or chat.get("type") != chat_type:
            chat = self.add_chat(chat_id, chat_type=chat_type, title=title)
        return chat

    def message(self, user_id: int, text: str, *, chat_id: int | None = None, chat_type: str = "private",
                        first_name: str = "Test", language_code: str | None = "zh-hans",
                        username: str | None = None, reply_to_message_id: int | None = None,
                        entities: list[JSON] | None = None) -> JSON:
        """A text message from a user; "/cmd" gets its bot_command entity, as Telegram adds it."""
        chat = self._chat_for(user_id, chat_id, chat_type)
        msg = self._user_message(user_id, chat, first_name=first_name, language_code=language_code,
                                 username=username, reply_to_message_id=reply_to_message_id, text=text,
                                 raw_text=text, entities=detect_entities(text) if entities is None else entities)
        update = {"message": self._message_dict(msg)}
        self.push_update(update)
        return update

    def group_message(self, user_id: int, chat_id: int, text: str, mention: bool = False, reply_to_bot: bool = False,
                      *, first_name: str = "Test", language_code: str | None = "zh-hans",
                      username: str | None = None, chat_type: str = "group", title: str = "Test group") -> JSON:
        """A message in a group. ``mention`` puts "@bot_username" in the text (with its mention
        entity); ``reply_to_bot`` makes it a reply to the bot's latest message there."""
        chat = self._chat_for(user_id, chat_id, chat_type, title)
        handle = f"@{self.bot_username}"
        if mention and handle.lower() not in text.lower():
            text = f"{handle} {text}"
        reply_to = None
        if reply_to_bot:
            own = [m for m in self.messages.get(chat_id, {}).values() if m.from_bot and not m.deleted]
            if not own:
                own = [self._store(StoredMessage(
                    chat_id=chat_id, message_id=self._next_message_id(chat_id), from_bot=True,
                    date=int(time.time()), chat=chat, sender=self.bot_user, text="…", raw_text="…",
                    synthetic=True))]
            reply_to = own[-1].message_id
        msg = self._user_message(user_id, chat, first_name=first_name, language_code=language_code,
                                 username=username, reply_to_message_id=reply_to, text=text, raw_text=text,
                                 entities=detect_entities(text))
        update = {"message": self._message_dict(msg)}
        delivered = (not self.privacy_mode or text.startswith("/") or reply_to_bot
                     or handle.lower() in text.lower())
        if delivered:
            self.push_update(update)
        return update

    def callback(self, user_id: int, data: str, *, message_id: int, chat_id: int | None = None,
                 first_name: str = "Test", language_code: str | None = "zh-hans", username: str | None = None,
                 check_button: bool = True) -> JSON:
        """A press on the button with this callback_data of the bot's message ``message_id``.

        The message is included as the fake stores it now. With ``check_button`` (default) the
        button must exist on that message, as it must for a real user to press it.
        """
        chat_id = user_id if chat_id is None else chat_id
        msg = self._find(chat_id, message_id)
        if msg is None or not msg.from_bot:
            raise ValueError(f"no bot message {message_id} in chat {chat_id}")
        if check_button and data not in msg.callback_data:
            raise ValueError(f"message {message_id} has no button with callback_data {data!r}: {msg.callback_data}")
        user = self._user(user_id, first_name, language_code, username)
        query_id = str(secrets.randbits(63))
        self._queries[query_id] = _Query("callback", time.monotonic())
        update = {"callback_query": {
            "id": query_id, "from": user, "message": self._message_dict(msg),
            "chat_instance": str(abs(hash((self.bot_id, chat_id)))), "data": data,
        }}
        self.push_update(update)
        return update

    def edited(self, user_id: int, text: str, message_id: int, *, chat_id: int | None = None) -> JSON:
        """The user edits their message ``message_id``: an edited_message update."""
        chat_id = user_id if chat_id is None else chat_id
        msg = self._find(chat_id, message_id)
        if msg is None or msg.from_bot or msg.sender["id"] != user_id:
            raise ValueError(f"no message {message_id} of user {user_id} in chat {chat_id}")
        msg.text, msg.raw_text, msg.entities = text, text, detect_entities(text)
        msg.edit_date = int(time.time())
        msg.edits += 1
        update = {"edited_message": self._message_dict(msg)}
        self.push_update(update)
        return update

    def inline(self, user_id: int, query: str, *, offset: str = "", chat_type: str = "sender",
               first_name: str = "Test", language_code: str | None = "zh-hans", username: str | None = None) -> JSON:
        """An inline query ("@bot query" typed anywhere), with a fresh id."""
        user = self._user(user_id, first_name, language_code, username)
        query_id = str(secrets.randbits(63))
        self._queries[query_id] = _Query("inline", time.monotonic())
        update = {"inline_query": {"id": query_id, "from": user, "query": query, "offset": offset,
                                   "chat_type": chat_type}}
        self.push_update(update)
        return update

    def _register_file(self, content: bytes, folder: str, ext: str, filename: str = "",
                       mime_type: str = "application/octet-stream") -> _StoredFile:
        n = next(self._file_ids)
        stored = _StoredFile(file_id=f"FAKE{folder[:3].upper()}{n:06d}{secrets.token_hex(6)}",
                             file_unique_id=f"U{n:06d}", content=bytes(content),
                             file_path=f"{folder}/file_{n}{ext}", filename=filename, mime_type=mime_type)
        self.files[stored.file_id] = stored
        return stored

    def _photo_sizes(self, stored: _StoredFile, width: int, height: int) -> list[JSON]:
        sizes = []
        biggest = max(width, height, 1)
        for limit in (90, 320, 800, 1280, 2560):
            scale = min(1.0, limit / biggest)
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            if sizes and (sizes[-1]["width"], sizes[-1]["height"]) == size:
                continue
            file_id = stored.file_id if scale == 1.0 or limit == 2560 else f"{stored.file_id}_{limit}"
            self.files.setdefault(file_id, stored)
            sizes.append({"file_id": file_id, "file_unique_id": f"{stored.file_unique_id}_{limit}",
                          "width": size[0], "height": size[1],
                          "file_size": max(1, round(len(stored.content) * scale * scale))})
            if scale == 1.0:
                break
        return sizes

    def _media_message(self, user_id: int, chat_id: int | None, chat_type: str, media: JSON, *,
                       caption: str | None, photo: bytes | None = None, document: bytes | None = None,
                       first_name: str, language_code: str | None, username: str | None) -> JSON:
        chat = self._chat_for(user_id, chat_id, chat_type)
        msg = self._user_message(user_id, chat, first_name=first_name, language_code=language_code,
                                 username=username, media=media, caption=caption, raw_caption=caption,
                                 caption_entities=detect_entities(caption) if caption else [],
                                 photo=photo, document=document)
        update = {"message": self._message_dict(msg)}
        self.push_update(update)
        return update

    def sticker(self, user_id: int, *, emoji: str = "👍", set_name: str = "TestStickers", chat_id: int | None = None,
                chat_type: str = "private", first_name: str = "Test", language_code: str | None = "zh-hans",
                username: str | None = None) -> JSON:
        stored = self._register_file(b"RIFF\x00\x00\x00\x00WEBPVP8 ", "stickers", ".webp", mime_type="image/webp")
        media = {"sticker": {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "type": "regular",
                             "width": 512, "height": 512, "is_animated": False, "is_video": False,
                             "emoji": emoji, "set_name": set_name, "file_size": len(stored.content)}}
        return self._media_message(user_id, chat_id, chat_type, media, caption=None, first_name=first_name,
                                   language_code=language_code, username=username)

    def photo(self, user_id: int, *, content: bytes | None = None, caption: str | None = None,
              chat_id: int | None = None, chat_type: str = "private", first_name: str = "Test",
              language_code: str | None = "zh-hans", username: str | None = None) -> JSON:
        content = make_png(64, 48) if content is None else content
        width, height = _image_size(content) or (64, 48)
        stored = self._register_file(content, "photos", ".jpg", mime_type="image/jpeg")
        media = {"photo": self._photo_sizes(stored, width, height)}
        return self._media_message(user_id, chat_id, chat_type, media, caption=caption, photo=content,
                                   first_name=first_name, language_code=language_code, username=username)

    def voice(self, user_id: int, *, duration: int = 3, content: bytes | None = None, chat_id: int | None = None,
              chat_type: str = "private", first_name: str = "Test", language_code: str | None = "zh-hans",
              username: str | None = None) -> JSON:
        content = b"OggS\x00\x02" + bytes(58) if content is None else content
        stored = self._register_file(content, "voice", ".oga", mime_type="audio/ogg")
        media = {"voice": {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                           "duration": duration, "mime_type": "audio/ogg", "file_size": len(content)}}
        return self._media_message(user_id, chat_id, chat_type, media, caption=None, first_name=first_name,
                                   language_code=language_code, username=username)

    def document(self, user_id: int, *, file_name: str = "report.pdf", content: bytes | None = None,
                 mime_type: str | None = None, caption: str | None = None, chat_id: int | None = None,
                 chat_type: str = "private", first_name: str = "Test", language_code: str | None = "zh-hans",
                 username: str | None = None) -> JSON:
        content = b"%PDF-1.4\n% fake\n%%EOF\n" if content is None else content
        mime_type = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        ext = mimetypes.guess_extension(mime_type) or ""
        stored = self._register_file(content, "documents", ext, filename=file_name, mime_type=mime_type)
        media = {"document": {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                              "file_name": file_name, "mime_type": mime_type, "file_size": len(content)}}
        return self._media_message(user_id, chat_id, chat_type, media, caption=caption, document=content,
                                   first_name=first_name, language_code=language_code, username=username)

    # ---- webhook delivery ----------------------------------------------------------------------

    async def deliver_webhook(self, update: JSON, *, secret: str | None = _UNSET) -> int:
        """POST ``update`` as JSON to the registered webhook (loopback only); returns the HTTP status.

        The secret header carries the registered secret_token unless ``secret`` is given (``None``:
        no header). A 2xx answer removes the update from the pending queue, as Telegram does.
        """
        url = self.webhook.get("url")
        if not url:
            raise RuntimeError("no webhook is set (call setWebhook first)")
        host = urlsplit(url).hostname
        if not _is_loopback_host(host):
            raise RuntimeError(f"refusing to deliver to non-loopback host {host!r}: the fake never leaves 127.0.0.1")
        if "update_id" not in update:
            update["update_id"] = next(self._update_ids)
        headers = {"Content-Type": "application/json"}
        token = self.webhook.get("secret_token") if secret is _UNSET else secret
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        body = json.dumps(update, ensure_ascii=False).encode()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.webhook_timeout)) as session:
            try:
                async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                    status = response.status
                    reason = response.reason or ""
                    await response.read()
            except aiohttp.ClientError as exc:
                self.webhook["last_error_date"] = int(time.time())
                self.webhook["last_error_message"] = f"Connection failed: {exc}"
                raise
        self.deliveries.append((update, status))
        if 200 <= status < 300:
            with contextlib.suppress(ValueError):
                self._updates.remove(update)
        else:
            self.webhook["last_error_date"] = int(time.time())
            self.webhook["last_error_message"] = f"Wrong response from the webhook: {status} {reason}".strip()
        return status

    async def flush_webhook(self) -> list[int]:
        """Deliver every pending update to the webhook, in order; the statuses."""
        return [await self.deliver_webhook(update) for update in list(self._updates)]

    # ---- HTTP ----------------------------------------------------------------------------------

    @staticmethod
    def _envelope(status: int, payload: JSON) -> web.Response:
        return web.Response(status=status, text=json.dumps(payload, ensure_ascii=False),
                            content_type="application/json")

    def _error(self, error: _ApiError) -> web.Response:
        body: JSON = {"ok": False, "error_code": error.status, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return self._envelope(error.status, body)

    async def _handle_unknown(self, request: web.Request) -> web.Response:
        return self._error(_ApiError(404, "Not Found"))

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] not in self.tokens:
            return self._error(_ApiError(401, "Unauthorized"))
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return self._error(_ApiError(404, "Not Found"))
        return web.Response(body=stored.content, content_type=stored.mime_type)

    async def _read_params(self, request: web.Request) -> JSON:
        params: JSON = {k: _decode_field(k, v) for k, v in request.query.items()}
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise _bad("JSON object expected as request body")
            for key, value in body.items():
                params[key] = _decode_field(key, value) if isinstance(value, str) and key in _JSON_FIELDS else value
            return params
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                params[key] = UploadedFile(content, value.filename or "", value.content_type)
            elif isinstance(value, str):
                params[key] = _decode_field(key, value)
            else:
                params[key] = bytes(value)
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] not in self.tokens:
            return self._error(_ApiError(401, "Unauthorized"))
        if request.method not in ("GET", "POST"):
            return self._error(_ApiError(404, "Not Found"))
        raw_method = request.match_info["method"]
        method = self._by_lower.get(raw_method.lower())
        ts = time.time()
        try:
            params = await self._read_params(request)
        except _ApiError as exc:
            self._record(Call(method or raw_method, {}, ts, exc.status, None, exc.description))
            return self._error(exc)
        if method is None:
            self.unimplemented.append(raw_method)
            self._record(Call(raw_method, params, ts, 404, None, "Not Found"))
            return self._error(_ApiError(404, "Not Found"))
        try:
            fault = self._take_fault(method)
            if fault is not None:
                raise fault
            outcome = await self._handlers[method](params)
        except _ApiError as exc:
            self._record(Call(method, params, ts, exc.status, None, exc.description))
            return self._error(exc)
        result, description = outcome if isinstance(outcome, tuple) else (outcome, None)
        self._record(Call(method, params, ts, 200, result, description))
        delay = self._take_delay(method)
        if delay:
            await asyncio.sleep(delay)  # done already; only the answer is late
        body: JSON = {"ok": True, "result": result}
        if description:
            body["description"] = description
        return self._envelope(200, body)

    # ---- checks shared by methods ----------------------------------------------------------------

    def _check_chat(self, params: JSON) -> None:
        """The chat must exist for the bot and the user must not have blocked it (after parsing,
        as on Telegram: a malformed text is reported before an unknown or blocked chat)."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if not isinstance(chat_id, int):
            raise _bad("chat not found")
        if self.strict_chats and chat_id not in self.chats:
            if chat_id in self.users:
                raise _ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise _bad("chat not found")
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")

    def _chat(self, chat_id: int) -> JSON:
        return self.chats.get(chat_id) or {"id": chat_id, "type": "private" if chat_id > 0 else "group",
                                           **({"first_name": "User"} if chat_id > 0 else {"title": "Chat"})}

    def _formatted(self, text: Any, parse_mode: Any, entities: Any) -> tuple[str, list[JSON]]:
        """Visible text and entities of a text/caption, with Telegram's errors."""
        text = "" if text is None else str(text)
        mode = _lower(str(parse_mode or ""))
        if mode == "html" and text:
            if self.strict_ampersand:
                for m in re.finditer("&", text):
                    if _decode_html_entity(text, m.start())[0] is None:
                        raise _bad(f"can't parse entities: bare '&' at byte offset {_byte_offset(text, m.start())}")
            try:
                visible, found = parse_html(text)
            except EntityParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        elif mode in ("", "none", "markdown", "markdownv2"):
            visible = text  # Markdown is not validated by the fake
            found = entities if isinstance(entities, list) else []
        else:
            raise _bad("unsupported parse_mode")
        return _trim(visible, found)

    def _text_message_parts(self, params: JSON) -> tuple[str, list[JSON]]:
        raw = params.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        visible, entities = self._formatted(raw, params.get("parse_mode"), params.get("entities"))
        if not visible:
            raise _bad("text must be non-empty")
        if len(visible) > 4096:
            raise _bad("message is too long")
        return visible, entities

    def _caption_parts(self, params: JSON) -> tuple[str | None, list[JSON]]:
        if not params.get("caption"):
            return None, []
        visible, entities = self._formatted(params["caption"], params.get("parse_mode"),
                                            params.get("caption_entities"))
        if len(visible) > 1024:
            raise _bad("message caption is too long")
        return visible or None, entities

    @staticmethod
    def _keyboard(params: JSON) -> tuple[JSON | None, JSON | None]:
        """(inline keyboard as Telegram echoes it, reply_markup as sent), validated."""
        markup = params.get("reply_markup")
        if markup is None:
            return None, None
        if not isinstance(markup, dict):
            raise _bad("object expected as reply markup")
        if "inline_keyboard" not in markup:
            if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
                raise _bad("can't parse reply keyboard markup JSON object")
            return None, markup
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
        for row in rows:
            for button in row:
                if not isinstance(button, dict):
                    raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
                actions = {k for k in button if k != "text" and button[k] not in (None, "", False)}
                if not actions:
                    raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and len(str(data).encode()) > 64:
                    raise _bad("BUTTON_DATA_INVALID")
        return (markup if any(rows) else None), markup

    def _reply_target(self, params: JSON, chat_id: int) -> int | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):  # the pre-7.0 form
            reply = {"message_id": params.get("reply_to_message_id"),
                     "allow_sending_without_reply": params.get("allow_sending_without_reply", False)}
        message_id = reply.get("message_id")
        if message_id is None:
            return None
        allow = _as_bool(reply.get("allow_sending_without_reply", False))
        if self._find(chat_id, int(message_id)) is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return int(message_id)

    def _bot_message(self, chat_id: int, **fields: Any) -> StoredMessage:
        msg = StoredMessage(chat_id=chat_id, message_id=self._next_message_id(chat_id), from_bot=True,
                            date=int(time.time()), chat=self._chat(chat_id), sender=self.bot_user, **fields)
        return self._store(msg)

    def _editable(self, params: JSON) -> StoredMessage:
        msg = self._find(params["chat_id"], _as_int(params, "message_id"))
        if msg is None:
            raise _bad("message to edit not found")
        if not msg.from_bot:
            raise _bad("message can't be edited")
        return msg

    def _check_query(self, query_id: Any, kind: str) -> _Query:
        query = self._queries.get(str(query_id))
        if query is None or query.kind != kind or query.answered \
                or time.monotonic() - query.issued > self.callback_ttl:
            raise _bad(_QUERY_INVALID)
        return query

    def _input_file(self, value: Any, folder: str) -> tuple[_StoredFile, bytes | None]:
        if isinstance(value, UploadedFile):
            if not value:
                raise _bad("file must be non-empty")
            ext = "." + value.filename.rsplit(".", 1)[-1] if "." in value.filename else ""
            mime = value.content_type
            if mime in ("", "application/octet-stream"):
                mime = mimetypes.guess_type(value.filename)[0] or "application/octet-stream"
            return self._register_file(value, folder, ext, filename=value.filename, mime_type=mime), bytes(value)
        if isinstance(value, str) and value:
            if value.startswith(("http://", "https://")):
                raise _bad("failed to get HTTP URL content")  # the fake never fetches anything
            stored = self.files.get(value)
            if stored is None:
                raise _bad("wrong file identifier/HTTP URL specified")
            return stored, None
        raise _bad("there is no file in the request")

    # ---- methods: a `_m_<name>` coroutine per Bot API method; returns result or (result, description)

    async def _m_getMe(self, params: JSON) -> JSON:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": not self.privacy_mode,
                "supports_inline_queries": True, "can_connect_to_business": False, "has_main_web_app": False}

    async def _m_logOut(self, params: JSON) -> bool:
        self.logged_out = True
        return True

    async def _m_close(self, params: JSON) -> bool:
        self.closed = True
        return True

    async def _m_getUpdates(self, params: JSON) -> list[JSON]:
        if self.webhook.get("url"):
            raise _ApiError(409, _CONFLICT_WEBHOOK)
        offset = _as_int(params, "offset", 0) or 0
        limit = min(max(_as_int(params, "limit", 100) or 100, 1), 100)
        timeout = min(max(_as_int(params, "timeout", 0) or 0, 0), 50)
        if isinstance(params.get("allowed_updates"), list):
            self.allowed_updates = list(params["allowed_updates"])
        self._confirm(offset)
        if self._updates or timeout == 0:
            return self._take(limit)
        previous = self._poll
        if previous is not None and not previous.future.done():
            # telegram-bot-api's abort_long_poll: the query that was waiting is the one terminated
            previous.future.set_exception(_ApiError(409, _CONFLICT_OTHER))
        poll = _LongPoll(asyncio.get_running_loop().create_future(), offset)
        self._poll = poll
        try:
            await asyncio.wait({poll.future}, timeout=timeout)
        finally:
            if self._poll is poll:
                self._poll = None
            if not poll.future.done():
                poll.future.cancel()
            error = None if poll.future.cancelled() else poll.future.exception()  # retrieved even if cancelled
        if error is not None:
            raise error
        return self._take(limit)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        elif offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()

    def _take(self, limit: int) -> list[JSON]:
        return [dict(u) for u in itertools.islice(self._updates, limit)]

    async def _m_setWebhook(self, params: JSON) -> tuple[bool, str]:
        url = str(params.get("url") or "")
        if not url:
            return await self._m_deleteWebhook(params)
        now = time.monotonic()
        if self.webhook_rate_limit and now < self._next_set_webhook:
            raise _ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self._next_set_webhook = now + 1
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _bad("invalid webhook URL specified")
        if not _is_loopback_host(parts.hostname):
            if parts.scheme != "https":
                raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
            if (parts.port or 443) not in (80, 88, 443, 8443):
                raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = str(params.get("secret_token") or "")
        if len(secret) > 256:
            raise _bad("secret token is too long")
        if not re.fullmatch(r"[A-Za-z0-9_-]*", secret):
            raise _bad("secret token contains unallowed characters")
        drop = _as_bool(params.get("drop_pending_updates", False))
        if isinstance(params.get("allowed_updates"), list):
            self.allowed_updates = list(params["allowed_updates"])
        new = {"url": url, "secret_token": secret or None,
               "max_connections": _as_int(params, "max_connections", 40),
               "ip_address": params.get("ip_address")}
        current = {k: self.webhook.get(k) for k in new}
        if current == new and not drop:
            return True, "Webhook is already set"
        if self._poll is not None and not self._poll.future.done():
            self._poll.future.set_exception(_ApiError(409, "Conflict: terminated by setWebhook request"))
        if drop:
            self._updates.clear()
        self.webhook = new
        return True, "Webhook was set"

    async def _m_deleteWebhook(self, params: JSON) -> tuple[bool, str]:
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        was_set = bool(self.webhook.get("url"))
        self.webhook = {}
        return True, "Webhook was deleted" if was_set else "Webhook is already deleted"

    async def _m_getWebhookInfo(self, params: JSON) -> JSON:
        info: JSON = {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                      "pending_update_count": len(self._updates)}
        if self.webhook.get("url"):
            info["max_connections"] = self.webhook.get("max_connections") or 40
            for key in ("ip_address", "last_error_date", "last_error_message"):
                if self.webhook.get(key):
                    info[key] = self.webhook[key]
            if self.allowed_updates:
                info["allowed_updates"] = self.allowed_updates
        return info

    async def _m_sendMessage(self, params: JSON) -> JSON:
        visible, entities = self._text_message_parts(params)
        inline, sent = self._keyboard(params)
        self._check_chat(params)
        chat_id = params["chat_id"]
        reply_to = self._reply_target(params, chat_id)
        msg = self._bot_message(chat_id, text=visible, raw_text=params["text"], parse_mode=params.get("parse_mode"),
                                entities=entities, reply_markup=inline, sent_reply_markup=sent,
                                reply_to_message_id=reply_to)
        return self._message_dict(msg)

    async def _m_sendPhoto(self, params: JSON) -> JSON:
        caption, caption_entities = self._caption_parts(params)
        inline, sent = self._keyboard(params)
        self._check_chat(params)
        stored, content = self._input_file(params.get("photo"), "photos")
        size = _image_size(stored.content)
        if size is None:
            raise _bad("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10000 or max(width, height) > 20 * max(min(width, height), 1):
            raise _bad("PHOTO_INVALID_DIMENSIONS")
        chat_id = params["chat_id"]
        reply_to = self._reply_target(params, chat_id)
        msg = self._bot_message(chat_id, media={"photo": self._photo_sizes(stored, width, height)},
                                photo=content if content is not None else stored.content, caption=caption,
                                raw_caption=params.get("caption"), caption_entities=caption_entities,
                                parse_mode=params.get("parse_mode"), reply_markup=inline, sent_reply_markup=sent,
                                reply_to_message_id=reply_to)
        return self._message_dict(msg)

    async def _m_sendDocument(self, params: JSON) -> JSON:
        caption, caption_entities = self._caption_parts(params)
        inline, sent = self._keyboard(params)
        self._check_chat(params)
        stored, _content = self._input_file(params.get("document"), "documents")
        chat_id = params["chat_id"]
        reply_to = self._reply_target(params, chat_id)
        document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                    "file_name": stored.filename or "document", "mime_type": stored.mime_type,
                    "file_size": len(stored.content)}
        msg = self._bot_message(chat_id, media={"document": document},
                                document=UploadedFile(stored.content, stored.filename, stored.mime_type),
                                caption=caption, raw_caption=params.get("caption"),
                                caption_entities=caption_entities, parse_mode=params.get("parse_mode"),
                                reply_markup=inline, sent_reply_markup=sent, reply_to_message_id=reply_to)
        return self._message_dict(msg)

    async def _m_getFile(self, params: JSON) -> JSON:
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _bad("invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.content), "file_path": stored.file_path}

    async def _m_editMessageText(self, params: JSON) -> JSON | bool:
        visible, entities = self._text_message_parts(params)
        inline, sent = self._keyboard(params)
        if "chat_id" not in params and params.get("inline_message_id"):
            return True  # inline messages are not tracked
        self._check_chat(params)
        msg = self._editable(params)
        if msg.text is None:
            raise _bad("there is no text in the message to edit")
        if (msg.text, msg.entities, msg.reply_markup) == (visible, entities, inline):
            raise _bad(_NOT_MODIFIED)
        msg.text, msg.raw_text, msg.entities, msg.parse_mode = visible, params["text"], entities, params.get(
            "parse_mode")
        msg.reply_markup, msg.sent_reply_markup = inline, sent
        msg.edit_date, msg.edits = int(time.time()), msg.edits + 1
        return self._message_dict(msg)

    async def _m_editMessageCaption(self, params: JSON) -> JSON | bool:
        caption, caption_entities = self._caption_parts(params)
        inline, sent = self._keyboard(params)
        if "chat_id" not in params and params.get("inline_message_id"):
            return True
        self._check_chat(params)
        msg = self._editable(params)
        if msg.text is not None:
            raise _bad("there is no caption in the message to edit")
        if (msg.caption, msg.caption_entities, msg.reply_markup) == (caption, caption_entities, inline):
            raise _bad(_NOT_MODIFIED)
        msg.caption, msg.raw_caption, msg.caption_entities = caption, params.get("caption"), caption_entities
        msg.reply_markup, msg.sent_reply_markup = inline, sent
        msg.edit_date, msg.edits = int(time.time()), msg.edits + 1
        return self._message_dict(msg)

    async def _m_editMessageReplyMarkup(self, params: JSON) -> JSON | bool:
        inline, sent = self._keyboard(params)
        if "chat_id" not in params and params.get("inline_message_id"):
            return True
        self._check_chat(params)
        msg = self._editable(params)
        if msg.reply_markup == inline:
            raise _bad(_NOT_MODIFIED)
        msg.reply_markup, msg.sent_reply_markup = inline, sent
        msg.edit_date, msg.edits = int(time.time()), msg.edits + 1
        return self._message_dict(msg)

    async def _m_deleteMessage(self, params: JSON) -> bool:
        chat_id = params.get("chat_id")
        msg = self._find(chat_id, _as_int(params, "message_id")) if isinstance(chat_id, int) else None
        if msg is None:
            raise _bad("message to delete not found")
        msg.deleted = True
        return True

    async def _m_sendChatAction(self, params: JSON) -> bool:
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._check_chat(params)
        return True

    async def _m_getChat(self, params: JSON) -> JSON:
        chat = self.chats.get(params.get("chat_id"))
        if chat is None:
            raise _bad("chat not found")
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": {
            "unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False, "premium_subscription": False}}

    async def _m_answerCallbackQuery(self, params: JSON) -> bool:
        query = self._check_query(params.get("callback_query_id"), "callback")
        if len(str(params.get("text") or "")) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        query.answered = True
        self.callback_answers[str(params["callback_query_id"])] = params
        return True

    async def _m_answerInlineQuery(self, params: JSON) -> bool:
        query = self._check_query(params.get("inline_query_id"), "inline")
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad("can't parse results JSON object")
        if len(results) > 50:
            raise _bad("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results if isinstance(r, dict)]
        if len(set(ids)) != len(ids):
            raise _bad("RESULT_ID_DUPLICATE")
        if any(not i or len(i.encode()) > 64 for i in ids):
            raise _bad("RESULT_ID_INVALID")
        for result in results:
            content = result.get("input_message_content") if isinstance(result, dict) else None
            if isinstance(content, dict) and "message_text" in content:
                if not content["message_text"]:
                    raise _bad("message text is empty")
                visible, _ = self._formatted(content["message_text"], content.get("parse_mode"),
                                             content.get("entities"))
                if len(visible) > 4096:
                    raise _bad("MESSAGE_TOO_LONG")
        query.answered = True
        self.inline_answers[str(params["inline_query_id"])] = params
        return True

    def _commands_key(self, params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad("can't parse BotCommandScope JSON object")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch("[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return json.dumps(scope, sort_keys=True), language

    async def _m_setMyCommands(self, params: JSON) -> bool:
        key = self._commands_key(params)
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for item in commands:
            name = str(item.get("command", "")).strip().removeprefix("/") if isinstance(item, dict) else ""
            description = str(item.get("description", "")).strip() if isinstance(item, dict) else ""
            if not name:
                raise _bad("command must be non-empty")
            if len(name) > 32:
                raise _bad("command length must not exceed 32")
            if not description:
                raise _bad("command description must be non-empty")
            if len(description) > 256:
                raise _bad("command description length must not exceed 256")
            if not re.fullmatch("[a-z0-9_]+", name):
                raise _bad("BOT_COMMAND_INVALID")
            cleaned.append({"command": name, "description": description})
        self.commands[key] = cleaned
        return True

    async def _m_getMyCommands(self, params: JSON) -> list[JSON]:
        return list(self.commands.get(self._commands_key(params), []))

    async def _m_deleteMyCommands(self, params: JSON) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _m_setChatMenuButton(self, params: JSON) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
            raise _bad("can't parse menu button JSON object")
        chat_id = params.get("chat_id")
        if chat_id is not None and chat_id not in self.chats and self.strict_chats:
            raise _bad("chat not found")
        self.menu_buttons[chat_id] = button
        return True

    async def _m_getChatMenuButton(self, params: JSON) -> JSON:
        chat_id = params.get("chat_id")
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "default"}
