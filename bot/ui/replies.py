"""What the dialogue core returns: plain values that any adapter can render.

Text is a tuple of styled spans, so each adapter escapes and formats it its own way (HTML for Telegram,
plain text for the console) and knowledge text can never inject markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

CALLBACK_LIMIT = 64  # Telegram's limit for callback data, in bytes


@dataclass(frozen=True)
class Span:
    text: str
    style: str = ""  # "" | "b" (bold) | "i" (italic)


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # opaque to users; the core checks it against stored state when pressed

    def __post_init__(self) -> None:
        if len(self.data.encode()) > CALLBACK_LIMIT:
            raise ValueError(f"button data over {CALLBACK_LIMIT} bytes: {self.data!r}")


Render = Callable[[], bytes]  # a deferred rendering: the adapter runs it off its event loop


@dataclass(frozen=True)
class Reply:
    spans: tuple[Span, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    image: bytes | Render | None = None  # PNG, or how to draw it (charts take a fraction of a second)
    image_name: str = ""
    document: bytes | Render | None = None  # or how to make it (a PDF takes most of a second)
    document_name: str = ""
    edit: bool = False  # replace the message whose button was pressed (quiz steps)
    toast: str = ""  # a short notice for the button press itself
    kind: str = ""  # what this reply is, for adapters and tests: "answer", "quiz_question", ...

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    def image_bytes(self) -> bytes | None:
        return self.image() if callable(self.image) else self.image

    def document_bytes(self) -> bytes | None:
        return self.document() if callable(self.document) else self.document


class Text:
    """A small builder for styled text: Text().b("Title").nl().add("body").spans."""

    def __init__(self) -> None:
        self._spans: list[Span] = []

    def add(self, text: str, style: str = "") -> Text:
        if text:
            self._spans.append(Span(text, style))
        return self

    def b(self, text: str) -> Text:
        return self.add(text, "b")

    def i(self, text: str) -> Text:
        return self.add(text, "i")

    def nl(self, count: int = 1) -> Text:
        return self.add("\n" * count)

    def bullets(self, items, prefix: str = "• ") -> Text:
        for item in items:
            self.add(f"{prefix}{item}").nl()
        return self

    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(self._spans)

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self._spans)


def reply(text: Text | str, buttons=(), **kwargs) -> Reply:
    spans = text.spans if isinstance(text, Text) else (Span(text),)
    rows = tuple(tuple(row) for row in buttons)
    return Reply(spans=spans, buttons=rows, **kwargs)
