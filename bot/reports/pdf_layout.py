"""Page layout for the PDF reports (fpdf2): line breaking, blocks that keep headings with their first
lines and move rather than leave a lone line at a page edge, paragraphs with hanging markers, tables.

Nothing here knows about quizzes or teams: report_pdf.py says what goes on the page, this says how.
"""

from __future__ import annotations

import re

BLUE = (31, 111, 178)
GREY = (110, 110, 110)
CJK_FONT = "noto"  # Noto Sans SC: the Chinese font, and the fallback for Chinese in English reports
KEEP_LINES = 3  # a heading stays on the page only if this many lines of its content fit below it
MAX_MOVE = 6  # a block of at most this many lines moves whole to the next page rather than leave one line behind


def set_style(pdf, size: float, colour=(0, 0, 0), bold: bool = False) -> None:
    pdf.set_font(pdf.body_font, style=pdf.bold if bold else "", size=size)
    pdf.set_text_color(*colour)


# Chinese line breaking: no closing punctuation at the start of a line, no opening punctuation at its end,
# Latin words and numbers kept whole. (fpdf2 breaks Chinese text after any character.)
NO_LINE_START = set("，。、；：！？）」』》〉】〕”’…%,.;:!?)]}·")
NO_LINE_END = set("（「『《〈【〔“‘([{")
_UNITS = re.compile(r"\s+|[A-Za-z0-9][A-Za-z0-9_.\-–/+%']*|.", re.S)  # ASCII only: \w would take Chinese too


def _cjk_units(text: str) -> list[str]:
    """Pieces a line may end after: single Chinese characters and whole Latin words, with punctuation glued on."""
    units: list[str] = []
    for piece in _UNITS.findall(text):
        if units and not piece.isspace() and (piece[0] in NO_LINE_START or units[-1][-1] in NO_LINE_END):
            units[-1] += piece
        else:
            units.append(piece)
    return units


def wrap_cjk(pdf, text: str, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in _cjk_units(paragraph):
            if line and pdf.get_string_width(line + unit) > width:
                lines.append(line.rstrip())
                line = "" if unit.isspace() else unit
            else:
                line += unit
        lines.append(line.rstrip())
    return lines


def wrap(pdf, text: str, width: float) -> list[str]:
    """The lines `text` takes in a column `width` mm wide (with fpdf2's cell margins), in the current font."""
    if pdf.body_font == CJK_FONT:
        return wrap_cjk(pdf, text, width - 2 * pdf.c_margin)
    return pdf.multi_cell(width, 5, text, dry_run=True, output="LINES") or [""]


def at_top(pdf) -> bool:
    return pdf.y <= pdf.t_margin + 0.5


def keep_room(pdf, height: float) -> None:
    """Start a new page unless `height` mm fit below the current position."""
    if pdf.y + height > pdf.page_break_trigger and not at_top(pdf):
        pdf.add_page()


def _marker_gap(pdf, marker: str) -> float:
    """Space between a hanging marker and its text; Noto Sans SC's • and ： are full width and carry their own."""
    cjk = pdf.body_font == CJK_FONT
    if cjk and marker.endswith("："):
        return 0.0
    return pdf.get_string_width(" ") * (1.0 if cjk and marker.endswith("•") else 1.5)


class Block:
    """A paragraph measured before it is drawn: optional hanging marker (bullet, number, label), then text."""

    def __init__(self, pdf, text: str, size: float = 10, colour=(0, 0, 0), *, marker: str = "",
                 indent: float = 0.0, bold: bool = False, marker_width: float | None = None, leading: float = 0.5):
        self.text, self.size, self.colour, self.bold = text, size, colour, bold
        self.marker, self.indent = marker, indent
        self.h = size * leading  # line height in mm
        set_style(pdf, size, colour, bold)
        gap = _marker_gap(pdf, marker)
        self.marker_width = (marker_width if marker_width is not None
                             else (pdf.get_string_width(marker) + gap if marker else 0.0))
        self.width = pdf.epw - indent - self.marker_width
        self.lines = wrap(pdf, text, self.width)
        self.n = len(self.lines)

    def height(self, lines: int | None = None) -> float:
        return self.h * (self.n if lines is None else min(lines, self.n))

    def draw(self, pdf) -> None:
        """Draw line by line, moving the whole block to the next page rather than leaving one line alone on
        either page (when the block is at most MAX_MOVE lines, so little space is lost)."""
        room = int((pdf.page_break_trigger - pdf.y) // self.h + 1e-6)
        if self.n > room and not at_top(pdf) and (room < 2 or (self.n - room < 2 and self.n <= MAX_MOVE)):
            pdf.add_page()
        set_style(pdf, self.size, self.colour, self.bold)
        x = pdf.l_margin + self.indent
        for i, line in enumerate(self.lines):
            if pdf.will_page_break(self.h):
                pdf.add_page()
            pdf.set_x(x)
            if i == 0 and self.marker:
                pdf.cell(self.marker_width, self.h, self.marker)
            pdf.set_x(x + self.marker_width)
            pdf.cell(self.width, self.h, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)


def para(pdf, text: str, size: float = 10, colour=(0, 0, 0), **kw) -> None:
    Block(pdf, text, size, colour, **kw).draw(pdf)


def heading(pdf, text: str, size: float = 14, keep: float = 0.0) -> None:
    """A blue heading; `keep` mm of what follows must fit on the same page, or the heading starts a new one."""
    block = Block(pdf, text, size, BLUE, leading=0.55)
    keep_room(pdf, block.height() + 1.5 + keep)
    block.draw(pdf)
    pdf.ln(1.5)


def first_lines(blocks: list[Block], count: int = KEEP_LINES, gap: float = 0.0) -> float:
    """Height that the first `count` lines of a run of blocks (`gap` mm apart) need on the page: short blocks
    count whole, as `Block.draw` would move them whole rather than split off one line."""
    total = 0.0
    for b in blocks:
        take = b.n if b.n <= MAX_MOVE else min(b.n, max(count, 2))
        total += b.height(take) + gap
        count -= take
        if count <= 0:
            break
    return total


def table(pdf, header: list[str], rows: list[list[str]], widths: tuple) -> None:
    from fpdf.fonts import FontFace

    set_style(pdf, 9.5)
    heading = FontFace(color=BLUE, fill_color=(235, 242, 250), emphasis=pdf.bold or None)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5.5, headings_style=heading) as table:
        head = table.row()
        for h in header:
            head.cell(h)
        for r in rows:
            row = table.row()
            for cell in r:
                row.cell(cell)
    pdf.ln(3)
