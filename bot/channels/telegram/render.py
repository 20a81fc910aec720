"""Replies → Telegram HTML: every span escaped, long texts split under the 4096-character limit."""

from __future__ import annotations

import html

from bot.ui.replies import Span

MESSAGE_LIMIT = 4096  # visible characters (after entity parsing) of one Telegram message
_TAGS = {"b": ("<b>", "</b>"), "i": ("<i>", "</i>")}


def span_html(span: Span) -> str:
    text = html.escape(span.text, quote=False)
    open_, close = _TAGS.get(span.style, ("", ""))
    return f"{open_}{text}{close}" if text else ""


def to_html(spans) -> str:
    return "".join(span_html(s) for s in spans)


def split_spans(spans, limit: int = MESSAGE_LIMIT) -> list[tuple[Span, ...]]:
    """Chunks of spans, each at most `limit` visible characters, cut at paragraph breaks when possible.

    A span too long on its own is cut at its last line break (or space) before the limit.
    """
    chunks: list[list[Span]] = [[]]
    size = 0
    for span in spans:
        text = span.text
        while text:
            room = limit - size
            if len(text) <= room:
                chunks[-1].append(Span(text, span.style))
                size += len(text)
                break
            cut = _cut_point(text, room)
            if cut == 0:  # nothing fits in this chunk: start a new one
                chunks.append([])
                size = 0
                continue
            chunks[-1].append(Span(text[:cut], span.style))
            chunks.append([])
            size = 0
            text = text[cut:].lstrip("\n")
    return [tuple(_trim(c)) for c in chunks if "".join(s.text for s in c).strip()]


def _cut_point(text: str, room: int) -> int:
    if room <= 0:
        return 0
    window = text[:room]
    for sep in ("\n\n", "\n", "。", ". ", " "):
        at = window.rfind(sep)
        if at > room // 3:
            return at + len(sep)
    return room if room > 200 else 0


def _trim(chunk: list[Span]) -> list[Span]:
    while chunk and not chunk[-1].text.strip():
        chunk.pop()
    return chunk
