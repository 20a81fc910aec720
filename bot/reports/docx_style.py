"""Word (.docx) building blocks for the workbook: fonts, headings, shaded paragraphs, tables, page footer.

Chinese text needs its own font slot: Word and WPS take East Asian glyphs from `w:eastAsia` of `w:rFonts`,
not from the Latin font name, so every style sets both (宋体 for the body, 黑体 for headings), and the
document defaults say the East Asian language is zh-CN.
"""

from __future__ import annotations

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

BODY_EA = "宋体"  # SimSun
HEADING_EA = "黑体"  # SimHei
LATIN = {"zh": "Times New Roman", "en": "Calibri"}
HEADING_COLOUR = RGBColor(0x1F, 0x3A, 0x68)
FLAG_COLOUR = RGBColor(0xC0, 0x00, 0x00)
HIGHLIGHT_FILL = "FFF2CC"  # light amber: where the diagnosis shows the area weak
HEADER_FILL = "D9E2F3"
HEADING_SIZES = {"Title": 24, "Subtitle": 13, "Heading 1": 16, "Heading 2": 13.5, "Heading 3": 11.5, "Heading 4": 10.5}


def _fonts(rpr, latin: str, east_asia: str) -> None:
    """Set the Latin and East Asian fonts of a run-properties element (w:rPr)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)  # a theme font would win over the names below
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin), ("w:eastAsia", east_asia)):
        fonts.set(qn(attr), name)


def new_document(lang: str, title: str):
    doc = Document()
    latin = LATIN[lang]
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, latin, BODY_EA)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-US")
    lang_el.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _fonts(normal.element.get_or_add_rPr(), latin, BODY_EA)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.2
    for name in ("List Bullet", "Table Grid"):
        _fonts(doc.styles[name].element.get_or_add_rPr(), latin, BODY_EA)
    for name, size in HEADING_SIZES.items():
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = HEADING_COLOUR
        style.font.bold = name != "Subtitle"
        style.font.italic = False
        _fonts(style.element.get_or_add_rPr(), latin, HEADING_EA)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.2))
    doc.core_properties.title = title
    doc.core_properties.author = "awardbot"
    return doc


def footer(doc, before: str, after: str) -> None:
    """"Draft for internal use · page N" at the foot of every page (N is Word's PAGE field)."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = 1  # centre
    run = p.add_run(before)
    run.font.size = Pt(8)
    field = p.add_run()
    field.font.size = Pt(8)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        field._r.append(el)
    if after:
        tail = p.add_run(after)
        tail.font.size = Pt(8)


def shade(paragraph, fill: str = HIGHLIGHT_FILL) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def para(doc, text: str = "", *, style: str | None = None, bold: bool = False, label: str = "",
         flag: bool = False, highlight: bool = False, size: float | None = None):
    """A paragraph: an optional bold label (dark red when `flag`), then the text; shaded when `highlight`."""
    p = doc.add_paragraph(style=style)
    if label:
        r = p.add_run(label)
        r.bold = True
        if flag:
            r.font.color.rgb = FLAG_COLOUR
    if text:
        r = p.add_run(text)
        r.bold = bold
        if size:
            r.font.size = Pt(size)
    if highlight:
        shade(p)
    return p


def text_block(doc, text: str, highlight: bool = False) -> None:
    """Knowledge text as written: blank lines separate paragraphs, "• " lines become bullets."""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("•"):
            para(doc, line.lstrip("• ").strip(), style="List Bullet", highlight=highlight)
        else:
            para(doc, line, highlight=highlight)


def new_page_heading(doc, text: str, level: int = 1):
    """A heading that starts a page (no empty break paragraph that could spill onto a page of its own)."""
    h = doc.add_heading(text, level=level)
    h.paragraph_format.page_break_before = True
    return h


def table(doc, header: list[str], rows: list[list[str]], widths: list[float] | None = None, size: float = 9):
    """A grid table with a shaded, repeated header row; widths in cm."""
    tbl = doc.add_table(rows=1 + len(rows), cols=len(header))
    tbl.style = doc.styles["Table Grid"]
    if widths:
        tbl.autofit = False
        for col, width in zip(tbl.columns, widths, strict=True):
            col.width = Cm(width)  # the grid (w:gridCol) that LibreOffice and WPS lay out by
    for r, values in enumerate([header, *rows]):
        cells = tbl.rows[r].cells
        for c, value in enumerate(values):
            cell = cells[c]
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(value))
            run.font.size = Pt(size)
            if r == 0:
                run.bold = True
                tcpr = cell._tc.get_or_add_tcPr()
                shd = OxmlElement("w:shd")
                shd.set(qn("w:val"), "clear")
                shd.set(qn("w:color"), "auto")
                shd.set(qn("w:fill"), HEADER_FILL)
                tcpr.append(shd)
            if widths:
                cell.width = Cm(widths[c])
    trpr = tbl.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    doc.add_paragraph()  # Word runs two adjacent tables together without a paragraph between them
    return tbl
