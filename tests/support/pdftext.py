"""Text of a PDF through each font's ToUnicode map, as PDF readers extract it.

pypdf's own extract_text() decodes fpdf2's embedded CMap encoding for CID-keyed CFF fonts as one-byte
codes (poppler's pdftotext reads the same files correctly), so the tests decode the two-byte codes
themselves with pypdf's parser.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.generic import ContentStream

_HEX = re.compile(r"<([0-9A-Fa-f]+)>")


def _to_unicode(font) -> tuple[dict[int, str], int]:
    if "/ToUnicode" not in font:
        return {}, 1
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        pairs = _HEX.findall(block)
        for src, dst in zip(pairs[::2], pairs[1::2], strict=False):
            table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        values = _HEX.findall(block)
        for lo, hi, dst in zip(values[::3], values[1::3], values[2::3], strict=False):
            start = ord(bytes.fromhex(dst).decode("utf-16-be"))
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(start + offset)
    width = 2 if font.get("/Subtype") == "/Type0" else 1
    return table, width


def extract(data: bytes) -> tuple[int, str]:
    """(number of pages, all text with whitespace removed)."""
    reader = PdfReader(io.BytesIO(data))
    out: list[str] = []
    for page in reader.pages:
        fonts = {name: _to_unicode(ref.get_object()) for name, ref in page["/Resources"]["/Font"].items()}
        table, width = {}, 1
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Tf":
                table, width = fonts.get(operands[0], ({}, 1))
            elif op in (b"Tj", b"'", b'"', b"TJ"):
                strings = operands[0] if op == b"TJ" else operands[-1:]
                for s in strings:
                    if isinstance(s, (bytes, str)) or hasattr(s, "original_bytes"):
                        raw = s.original_bytes if hasattr(s, "original_bytes") else bytes(s, "latin-1")
                        for i in range(0, len(raw) - width + 1, width):
                            code = int.from_bytes(raw[i : i + width], "big")
                            out.append(table.get(code, chr(code) if width == 1 else ""))
    return len(reader.pages), re.sub(r"\s+", "", "".join(out))
