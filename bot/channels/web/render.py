"""Replies → the JSON the page shows: every span escaped, then only links the bot itself makes.

`html` is built from escaped text, so no knowledge text and no user text can inject markup. After
escaping, three things become links: http(s) URLs; the deep link the core words as `/start team_<token>`
(an invitation) becomes this site's `?start=team_<token>` URL; a known `/command` becomes a link that
sends the command (the page handles `data-cmd` clicks; no inline script).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from bot.ui.replies import Reply, Span

_TAGS = {"b": ("<b>", "</b>"), "i": ("<i>", "</i>")}
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)）。，]")
_DEEP = re.compile(r"(?<![\w/])/start (team_[A-Za-z0-9_-]{4,64})")


def span_html(span: Span) -> str:
    text = html.escape(span.text, quote=True)
    open_, close = _TAGS.get(span.style, ("", ""))
    return f"{open_}{text}{close}" if text else ""


def linkify(escaped: str, base_url: str, commands) -> str:
    """Links in already-escaped text (so the patterns can never match markup of their own making)."""
    if not escaped:
        return escaped

    def url(m: re.Match) -> str:
        return f'<a href="{m.group(0)}" target="_blank" rel="noopener noreferrer">{m.group(0)}</a>'

    out = []
    pos = 0
    for m in _URL.finditer(escaped):  # URLs first; commands and deep links only in the text between them
        out.append(_commands(_deep_links(escaped[pos:m.start()], base_url), commands))
        out.append(url(m))
        pos = m.end()
    out.append(_commands(_deep_links(escaped[pos:], base_url), commands))
    return "".join(out)


def _deep_links(text: str, base_url: str) -> str:
    def link(m: re.Match) -> str:
        href = f"{base_url}?start={m.group(1)}"
        return f'<a href="{href}" class="invite">{href}</a>'
    return _DEEP.sub(link, text)


def _commands(text: str, commands) -> str:
    if not commands or "/" not in text:
        return text
    return _command_pattern(tuple(commands)).sub(
        lambda m: f'<a href="#" class="cmd" data-cmd="/{m.group(1)}">/{m.group(1)}</a>', text)


@lru_cache(maxsize=8)
def _command_pattern(commands: tuple) -> re.Pattern:
    return re.compile(r"(?<![\w/=\">])/(" + "|".join(sorted(commands, key=len, reverse=True)) + r")\b(?!/)")


def to_html(spans, base_url: str = "", commands=()) -> str:
    return "".join(linkify(span_html(s), base_url, commands) if s.style == "" else span_html(s) for s in spans)


def reply_json(reply: Reply, message_id: str, base_url: str, commands=(), image: str | None = None,
               file: dict | None = None, replaces: str | None = None) -> dict:
    """One reply in the API's shape: text, html, buttons, image, file (plus id, kind, replaces, toast)."""
    return {
        "id": message_id,
        "text": reply.text,
        "html": to_html(reply.spans, base_url, commands),
        "buttons": [[{"label": b.label, "data": b.data} for b in row] for row in reply.buttons],
        "image": image,
        "file": file,
        "kind": reply.kind,
        "replaces": replaces,
        "toast": reply.toast,
    }
