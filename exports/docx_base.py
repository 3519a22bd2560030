"""Helpers for Chinese official-style (公文, GB/T 9704) .docx documents, built on python-docx."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from .atomic import atomic_write

TITLE_FONT = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体_GB2312"
FANGSONG = "仿宋_GB2312"
SONG = "宋体"
SIZE_2 = 22  # 二号
SIZE_3 = 16  # 三号
SIZE_4 = 14  # 四号
SIZE_SMALL_4 = 12  # 小四
BODY_LINE = Pt(28)  # 固定值 28 磅
HEADING_FONTS = {1: (HEI, False), 2: (KAI, False), 3: (FANGSONG, True), 4: (FANGSONG, False)}
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: object) -> str:
    """Text for a document: None as empty, dates in Chinese, XML-illegal characters dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float):
        return f"{value:.2f}"
    return _ILLEGAL.sub("", str(value))


def set_run_font(run, name: str, size_pt: float, bold: bool = False) -> None:
    """Set a run's font for Latin and East-Asian text (w:eastAsia), its size and weight."""
    run.font.name = name  # sets w:ascii and w:hAnsi only
    run.font.size = Pt(size_pt)
    run.font.bold = True if bold else None
    rfonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_style_font(style, name: str, size_pt: float) -> None:
    """Set a paragraph style's default font, including the East-Asian slot."""
    style.font.name = name
    style.font.size = Pt(size_pt)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _add_runs(paragraph: Paragraph, text: object, font: str, size: float, bold: bool = False) -> Paragraph:
    """Add `text` (as clean_text renders it) to the paragraph, turning newlines into line breaks, all in one font."""
    lines = clean_text(text).split("\n")
    for i, line in enumerate(lines, 1):
        run = paragraph.add_run(line)
        set_run_font(run, font, size, bold)
        if i < len(lines):
            run.add_break()
    return paragraph


def _body_format(paragraph: Paragraph, size: float, indent: bool = True) -> None:
    """Fixed 28 pt line spacing, no extra space, first line indented two characters."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = BODY_LINE
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(2 * size)
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")


def _field_run(paragraph: Paragraph, kind: str, text: str | None = None):
    """A run holding one piece of a field: begin / separate / end, the instruction, or its cached value."""
    run = paragraph.add_run()
    set_run_font(run, SONG, SIZE_4)
    if kind == "instr":
        el = OxmlElement("w:instrText")
        el.set(qn("xml:space"), "preserve")
        el.text = text
    elif kind == "text":
        el = OxmlElement("w:t")
        el.text = text
    else:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
    run._element.append(el)
    return run


def _page_number(paragraph: Paragraph, cached: str, align, indent: str) -> None:
    """「— 1 —」 in 宋体 四号 (GB/T 9704), the PAGE field with a cached value (WPS shows it)."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    setattr(fmt, indent, Pt(SIZE_4))  # 空一字 from the edge
    set_run_font(paragraph.add_run("— "), SONG, SIZE_4)
    _field_run(paragraph, "begin")
    _field_run(paragraph, "instr", " PAGE ")
    _field_run(paragraph, "separate")
    _field_run(paragraph, "text", cached)
    _field_run(paragraph, "end")
    set_run_font(paragraph.add_run(" —"), SONG, SIZE_4)


def _add_page_number(doc: DocxDocument, section) -> None:
    """Page numbers as GB/T 9704 sets them: odd pages on the right, even pages on the left."""
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], "1", WD_ALIGN_PARAGRAPH.RIGHT, "right_indent")
    _page_number(section.even_page_footer.paragraphs[0], "2", WD_ALIGN_PARAGRAPH.LEFT, "left_indent")


# Fonts most office PCs lack, with the ones Windows and WPS always have (w:altName).
FONT_FALLBACKS = {FANGSONG: "仿宋", TITLE_FONT: "宋体", KAI: "楷体"}


def _add_font_fallbacks(doc: DocxDocument) -> None:
    """Name a fallback for each 公文 font in the font table, so WPS and Word substitute alike."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for name, alt in FONT_FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "modern"), ("w:pitch", "fixed")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def new_document() -> DocxDocument:
    """A4 portrait document with 公文 margins (3.7/3.5/2.8/2.6 cm), 仿宋 三号 body, page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.5)
    _set_style_font(doc.styles["Normal"], FANGSONG, SIZE_3)
    doc.core_properties.author = "应保尽保"
    doc.core_properties.comments = ""
    _add_page_number(doc, section)
    _add_font_fallbacks(doc)
    return doc


def add_title(doc: DocxDocument, text: str) -> Paragraph:
    """Document title: 方正小标宋简体 二号 (22 pt), centred, a blank line's space below."""
    paragraph = _add_runs(doc.add_paragraph(), text, TITLE_FONT, SIZE_2)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(36)
    fmt.space_before, fmt.space_after = Pt(0), BODY_LINE
    return paragraph


def add_heading_cn(doc: DocxDocument, text: str, level: int = 1) -> Paragraph:
    """Heading: 1 黑体 「一、」, 2 楷体 「（一）」, 3 仿宋 bold 「1.」, 4 仿宋 「（1）」; all 三号."""
    if level not in HEADING_FONTS:
        raise ValueError(f"heading level must be 1-4, got {level}")
    font, bold = HEADING_FONTS[level]
    paragraph = _add_runs(doc.add_paragraph(), text, font, SIZE_3, bold)
    _body_format(paragraph, SIZE_3)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), str(level - 1))
    paragraph._p.get_or_add_pPr().append(outline)
    return paragraph


def add_paragraph_cn(doc: DocxDocument, text: str) -> Paragraph:
    """Body paragraph: 仿宋_GB2312 三号, justified, first line indented 2 characters, 28 pt lines."""
    paragraph = _add_runs(doc.add_paragraph(), text, FANGSONG, SIZE_3)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _body_format(paragraph, SIZE_3)
    return paragraph


def add_addressee(doc: DocxDocument, text: str) -> Paragraph:
    """主送机关: 仿宋 三号, flush left (no indent), ending in a full-width colon."""
    paragraph = _add_runs(doc.add_paragraph(), text, FANGSONG, SIZE_3)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _body_format(paragraph, SIZE_3, indent=False)
    return paragraph


def add_signature(doc: DocxDocument, signer: str, date_text: str) -> list[Paragraph]:
    """落款: a blank line, the signer and the date as separate right-aligned paragraphs, 4 characters
    from the right margin (never a justified paragraph with a manual break: it prints stretched)."""
    if doc.paragraphs:  # the last body line goes with the 落款: never a page holding only the signature
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
    out = []
    for text in ("", signer, date_text):
        paragraph = _add_runs(doc.add_paragraph(), text, FANGSONG, SIZE_3)
        _body_format(paragraph, SIZE_3, indent=False)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(4 * SIZE_3)
        paragraph.paragraph_format.keep_with_next = text != date_text
        out.append(paragraph)
    return out[1:]


def add_page_break(doc: DocxDocument) -> None:
    """Start what follows on a new page."""
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _fill_cell(cell, value: object, font: str, bold: bool) -> None:
    """Put one value into a table cell: centred, single spacing, no indent."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.first_line_indent, fmt.space_before, fmt.space_after = Pt(0), Pt(0), Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _add_runs(paragraph, value, font, SIZE_SMALL_4, bold)


def _repeat_header(row) -> None:
    """Mark a table row to repeat at the top of every page."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def add_table_cn(doc: DocxDocument, headers: Sequence[str], rows: Iterable[Sequence]) -> Table:
    """Bordered table: 黑体 小四 header (repeated on each page), 仿宋 小四 body, centred."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers):
        _fill_cell(cell, header, HEI, False)
    _repeat_header(table.rows[0])
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            _fill_cell(cell, value, FANGSONG, False)
    return table


def save_document(doc: DocxDocument, path: str | os.PathLike) -> None:
    """Save `doc` to `path` atomically (temp file, fsync, rename); raises ExportError in Chinese."""
    atomic_write(path, doc.save)
