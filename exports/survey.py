"""入户调查表: one A4 page per household of a village, a zone or the marked cases, to take on the
home visit (逐一入户走访): members, income, housing and assets, what the visit found, and the
signature lines of the 入户人员, the 村（居）委会 and the 户主 (签字或手印).

Prefilled from what is known (ID numbers masked unless asked, audited) or blank (only village,
zone, head and address, for the visitor to fill in by hand). Never posted: it carries health and
disability data, so it is an internal paper (内部资料) like the ledger."""

from __future__ import annotations

import datetime as dt
import os

from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Cm, Pt

from store.reports.export_rows import export_scope
from store.reports.survey_rows import SurveyHousehold, survey_households, zone_id_of

from .common import cn_date, finish, show_id
from .docx_base import FANGSONG, HEI, TITLE_FONT, clean_text, new_document, save_document, set_run_font

MEMBER_HEADERS = ["姓名", "与户主关系", "性别", "出生日期", "身份证号", "健康状况", "就业（就学）"]
MEMBER_WIDTHS = [2.0, 2.2, 1.3, 2.3, 4.4, 2.2, 2.6]  # cm, 17 cm in all
MIN_MEMBER_ROWS, MAX_MEMBER_ROWS = 6, 8
TEXT_LIMIT = 160  # characters of a visit's findings or needs that fit their box
MARK = "内部资料（注意保管，不得张贴或外传）"
OPINIONS = "□低保  □低保边缘  □特困供养  □临时救助  □孤儿/事实无人抚养儿童  □暂不符合，纳入动态监测"
SIZE = 10.5  # 五号


def _para(container, text: str, *, size: float = SIZE, font: str = FANGSONG, bold: bool = False,
          align=WD_ALIGN_PARAGRAPH.LEFT, space_after: float = 0):
    """A single-spaced paragraph (in the document or a cell's first paragraph when empty)."""
    paragraph = container.paragraphs[0] if (hasattr(container, "_tc") and not container.paragraphs[0].text) \
        else container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.first_line_indent, fmt.space_before, fmt.space_after = Pt(0), Pt(0), Pt(space_after)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    lines = clean_text(text).split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        set_run_font(run, font, size, bold)
        if i < len(lines) - 1:
            run.add_break()
    return paragraph


def _cut(text: str) -> str:
    """Text that fits its box: longer findings end in ... (the rest is in the app)."""
    text = (text or "").strip()
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT] + "...（详见系统记录）"


def _grid(doc, rows: list[tuple], widths: list[float]):
    """A bordered table of label/value cells; a row of two cells spans the value over the rest."""
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cells in rows:
        height = cells[-1] if isinstance(cells[-1], float) else None
        cells = cells[:-1] if height else cells
        row = table.add_row()
        if height:
            row.height, row.height_rule = Cm(height), WD_ROW_HEIGHT_RULE.AT_LEAST
        targets = row.cells
        if len(cells) == 2:
            targets = [targets[0], targets[1].merge(targets[-1])]
        for i, (cell, text) in enumerate(zip(targets, cells)):
            _para(cell, text, font=HEI if i % 2 == 0 else FANGSONG,
                  align=WD_ALIGN_PARAGRAPH.CENTER if i % 2 == 0 else WD_ALIGN_PARAGRAPH.LEFT)
    _widths(table, widths)
    return table


def _widths(table, widths: list[float]) -> None:
    """Fixed column widths (Word reads the cells, LibreOffice the grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Cm(width)


def _members(doc, h: SurveyHousehold, mask: bool, blank: bool) -> None:
    """The members table: the known members, then empty lines to write in."""
    known = [] if blank else h.members[:MAX_MEMBER_ROWS]
    empty = max(MIN_MEMBER_ROWS, min(h.size or 0, MAX_MEMBER_ROWS)) - len(known)
    table = doc.add_table(rows=1, cols=len(MEMBER_HEADERS))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, MEMBER_HEADERS):
        _para(cell, text, font=HEI, align=WD_ALIGN_PARAGRAPH.CENTER)
    for m in known:
        values = [m.name, m.relation, m.sex, m.birth_date.isoformat() if m.birth_date else "",
                  show_id(m.id_number, mask) or "", m.health, ""]
        for cell, text in zip(table.add_row().cells, values):
            _para(cell, text, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)  # an 18-digit number on one line
    for row in table.rows[1:]:
        row.height, row.height_rule = Cm(0.75), WD_ROW_HEIGHT_RULE.AT_LEAST
    for _ in range(max(empty, 0)):
        row = table.add_row()
        row.height, row.height_rule = Cm(0.75), WD_ROW_HEIGHT_RULE.AT_LEAST
    _widths(table, MEMBER_WIDTHS)


def _page(doc, h: SurveyHousehold, mask: bool, blank: bool, town: str, printed: str) -> None:
    """One household's page."""
    _para(doc, MARK, size=9, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"{town}困难群众入户调查表", size=18, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    listed = "、".join(m.name for m in h.members if m.listed)
    where = (f"村（居）：{h.village}    片区：{h.zone or '______'}    排查对象：{listed or '______'}"
             f"（{'、'.join(h.categories) or '______'}）")
    _para(doc, where, space_after=4)
    size = "" if blank or not h.size else f"{h.size}人"
    income = "" if blank or h.income is None else f"{h.income}元"
    _grid(doc, [
        ("户主姓名", h.head, "家庭人口", size),
        ("家庭住址", h.address),
        ("家庭年人均收入", income, "主要收入来源", ""),
        ("住房情况", "" if blank else h.housing, 1.4),
        ("财产情况（车辆、存款、经营等）", "" if blank else h.assets, 1.4),
    ], [3.2, 5.3, 3.0, 5.5])
    _para(doc, "家庭成员情况", font=HEI, space_after=2).paragraph_format.space_before = Pt(6)
    _members(doc, h, mask, blank)
    _para(doc, "", size=4)
    _grid(doc, [
        ("走访发现（家庭困难情况）", "" if blank else _cut(h.findings), 4.6),
        ("主要诉求", "" if blank else _cut(h.needs), 2.2),
        ("初步意见", OPINIONS, 1.2),
    ], [3.2, 5.3, 3.0, 5.5])
    _para(doc, "", size=6)
    for line in ("入户人员（签字）：________________    ________________    日期：______年____月____日",
                 "村（居）委会（盖章）：______________________________    日期：______年____月____日",
                 "户主（签字或手印）：________________    与户主关系：________    日期：______年____月____日"):
        _para(doc, line, space_after=10)
    _para(doc, f"打印日期：{printed}", size=9, align=WD_ALIGN_PARAGRAPH.RIGHT)


def write_survey(path: str | os.PathLike, *, campaign_id: int | None = None, villages: list[str] | None = None,
                 as_of: dt.date | None = None, mask: bool = True, print_date: dt.date | None = None,
                 zone: str | None = None, case_ids: list[int] | None = None, blank: bool = False):
    """Write the forms; rows = households (pages). A scope without any household gives one blank page."""
    scope = export_scope(campaign_id, villages, as_of)
    zone_id = zone_id_of(scope.village_names[0] if scope.village_names and len(scope.village_names) == 1 else None,
                         zone) if zone else None
    pages = survey_households(scope.campaign_id, scope.village_ids, zone_id, case_ids)
    doc = new_document()
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(1.6), Cm(1.6)
    section.left_margin, section.right_margin = Cm(2.0), Cm(2.0)
    section.footer_distance = Cm(0.8)
    town = scope.town or ""
    for i, h in enumerate(pages or [SurveyHousehold("", "", "", "", None, None, "", "")]):
        if i:
            doc.add_page_break()
        _page(doc, h, mask, blank or not pages, town, cn_date(print_date or dt.date.today()))
    save_document(doc, path)
    return finish("survey", path, len(pages), mask)
