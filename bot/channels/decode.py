"""Text from the outside world, decoded once at the edge: whatever bytes arrive (GBK, Latin-1, noise),
the core only ever sees valid Unicode, with U+FFFD where a byte could not be read.

Without this, Python hands undecodable command-line bytes over as lone surrogates ("\\udcd5"), which
SQLite, OpenCC and the log cannot encode: a traceback half-way through a reply.
"""

from __future__ import annotations

NOTE = "(输入不是有效的 UTF-8，无法识别的字节显示为 � / input was not valid UTF-8: unreadable bytes are shown as �)"


def from_bytes(raw: bytes) -> tuple[str, bool]:
    """The text, and whether anything had to be replaced."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), True


def from_argv(text: str) -> tuple[str, bool]:
    """A command-line argument as text: its original bytes (surrogateescape) read again as UTF-8."""
    try:
        raw = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no byte produced
        raw = text.encode("utf-8", errors="replace")
    return from_bytes(raw)
