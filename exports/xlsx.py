"""Shared .xlsx layer: text that never becomes a formula, a print-ready table, atomic save.

Speed: openpyxl needs ~6 s for 20,000 x 15 styled cells, so `write_table` keeps the body rows
(all data rows but the last) aside and `save_workbook` streams them straight into the sheet XML,
in openpyxl's own format (inline strings, style ids from the workbook's style table). Title,
header, last data row and 合计 row are ordinary openpyxl cells, so `ws.max_row` and the sheet's
<dimension> stay right. Workbooks from `new_workbook()` stream their bodies on any save; a
plain openpyxl Workbook must be saved with `save_workbook`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from typing import Any
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

from .atomic import atomic_write
from .xlsx_stream import BODIES, FORMULA_START, Body, row_height, save_with_bodies, wrapped_lines

KINDS = ("text", "int", "money", "percent", "date")
NO_RATE = "—"  # printed for a rate with nothing to divide; paper has no ambiguous-width problem
NUMBER_FORMATS = {"text": "@", "int": "0", "money": "#,##0.00", "percent": "0.0%", "date": "yyyy-mm-dd"}
MAX_WIDTH = 40  # widest data column, in character cells (a CJK character counts 2)
LANDSCAPE_OVER = 100  # summed column width (Excel units) above which a table prints landscape
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STYLE_IDS: WeakKeyDictionary = WeakKeyDictionary()  # workbook -> {(kind, variant): (plain, quoted)}
_SHEET_BAD = str.maketrans({c: "_" for c in "[]:*?/\\"})

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(name="黑体", size=16, bold=True, charset=134)
_SUBTITLE_FONT = Font(name="宋体", size=11, charset=134)
_HEADER_FONT = Font(name="黑体", size=11, charset=134)
_BODY_FONT = Font(name="宋体", size=11, charset=134)
_TOTAL_FONT = Font(name="宋体", size=11, bold=True, charset=134)
_HEADER_FILL = PatternFill(fill_type="solid", fgColor="E7E6E6")
_SHADE_FILL = PatternFill(fill_type="solid", fgColor="FCE4D6")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_ALIGN = {kind: Alignment(horizontal=h, vertical="center", wrap_text=kind == "text") for kind, h in
          (("text", "left"), ("int", "right"), ("money", "right"), ("percent", "right"), ("date", "center"))}


INTERNAL_MARK = "内部资料（注意保管，不得张贴或外传）"


@dataclass(frozen=True)
class SignOff:
    """The lines under a printed table: who made it, who checked it, the date, room for the seal."""

    preparer: str = ""
    reviewer: str = ""
    date: dt.date | None = None
    note: str = ""  # a line printed above the sign-off (e.g. where to object, the 监督电话)

    def text(self) -> str:
        """制表人：张三    审核人：________    日期：2026年11月29日."""
        day = f"{self.date.year}年{self.date.month}月{self.date.day}日" if self.date else "    年  月  日"
        return (f"制表人：{self.preparer or '________'}        审核人：{self.reviewer or '________'}"
                f"        日期：{day}")


@dataclass
class Column:
    """One table column: header text (may hold \\n), fixed width in Excel units or None, value kind."""

    header: str
    width: float | None = None
    kind: str = "text"

    def __post_init__(self):
        """Reject an unknown kind early."""
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; expected one of {KINDS}")




def safe_text(value: object) -> str:
    """Return `value` as text a sheet can hold: XML-illegal characters dropped, length capped."""
    text = value if isinstance(value, str) else str(value)
    return _ILLEGAL.sub("", text)[:32767]


def write_text(cell: Cell, value: object) -> None:
    """Store `value` in `cell` as a string, never as a formula or error code."""
    text = safe_text(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):  # Excel would take it for a formula once edited
        cell.quotePrefix = True


def text_width(text: str) -> int:
    """Display width in character cells of the widest line of `text` (CJK counts 2)."""
    return max(cell_len(line) for line in text.split("\n"))


def new_workbook() -> Workbook:
    """Return an empty workbook (no sheets); add them with `add_sheet`."""
    wb = ExportWorkbook()
    wb.remove(wb.active)
    wb.properties.creator = "应保尽保"
    return wb


def sheet_title(text: str) -> str:
    """Make `text` a legal sheet name: no []:*?/\\ and at most 31 characters."""
    return safe_text(text).translate(_SHEET_BAD).strip("' ")[:31] or "Sheet"


def add_sheet(wb: Workbook, title: str) -> Worksheet:
    """Append a new sheet named after `title` (sanitised)."""
    return wb.create_sheet(sheet_title(title))


def normalise(value: Any) -> Any:
    """Map a Python value onto what a cell holds: str, number, date/datetime, or None (type() identity
    tests first: this runs for every cell of an export, and mypy does not narrow them, hence Any)."""
    t = type(value)
    if value is None or t is int or t is dt.date:
        return value
    if t is str:
        return safe_text(value) or None
    if t is float:
        return value if math.isfinite(value) else None
    if t is bool:
        return "是" if value else "否"
    if t is Decimal:
        return value if value.is_finite() else None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float, Decimal)):
        return normalise(float(value))
    return safe_text(value) or None


def value_width(value: Any, kind: str) -> int:
    """Printed width in cells of a normalised value under its column's number format."""
    if value is None:
        return 0
    if type(value) is str:
        return text_width(value) if "\n" in value else cell_len(value)
    if isinstance(value, dt.date):
        return 10
    if kind == "money":
        return len(f"{value:,.2f}")
    if kind == "percent":
        return len(f"{value * 100:.1f}") + 1
    return len(f"{value:.0f}") if kind == "int" else len(str(value))


def excel_width(cells: int) -> float:
    """Convert a width in character cells to Excel column-width units, with padding."""
    return round(cells * 1.1 + 2, 1)


def _style(cell: Cell, kind: str, variant: str) -> Cell:
    """Give a body cell its style: 宋体 (bold in 合计), border, alignment, number format, fill."""
    cell.font = _TOTAL_FONT if variant == "total" else _BODY_FONT
    cell.border, cell.alignment = _BOX, _ALIGN[kind]
    cell.number_format = NUMBER_FORMATS[kind]
    if variant == "shade":
        cell.fill = _SHADE_FILL
    return cell


def _style_ids(ws: Worksheet, kind: str, variant: str) -> tuple[int, int]:
    """Workbook style ids (plain, quote-prefixed) for a body cell of this kind and variant.

    Style ids belong to the workbook, so they are computed once per workbook: a workbook with
    one table per village (30 sheets) would otherwise spend most of a second hashing styles.
    """
    cache = _STYLE_IDS.setdefault(ws.parent, {})
    if (kind, variant) not in cache:
        plain, quoted = _style(Cell(ws), kind, variant), _style(Cell(ws), kind, variant)
        quoted.quotePrefix = True
        cache[kind, variant] = (plain.style_id, quoted.style_id)
    return cache[kind, variant]


def _put_row(ws: Worksheet, row: int, values: Sequence, columns, variant: str, wrap) -> None:
    """Write one body row as ordinary openpyxl cells (the last data row and 合计)."""
    for c, (v, col) in enumerate(zip(values, columns), 1):
        cell = _style(ws.cell(row=row, column=c), col.kind, variant)
        if type(v) is str:
            write_text(cell, v)
        else:
            cell.value = v
    ws.row_dimensions[row].height = row_height(values, wrap)


def _title_rows(ws: Worksheet, title: str, subtitle: str | None, ncols: int) -> int:
    """Write the merged title (and subtitle) rows; return the last row used."""
    rows = [(title, _TITLE_FONT, 30)] + ([(subtitle, _SUBTITLE_FONT, 20)] if subtitle else [])
    for r, (text, font, height) in enumerate(rows, 1):
        cell = ws.cell(row=r, column=1)
        write_text(cell, text)
        cell.font, cell.alignment = font, _CENTRE
        ws.row_dimensions[r].height = height
        if ncols > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
    return len(rows)


def _header_row(ws: Worksheet, row: int, columns: list[Column], wrap: list[int]) -> None:
    """Write the header row: 黑体, centred, wrapped, light fill, borders, fitted height."""
    for c, col in enumerate(columns, 1):
        cell = ws.cell(row=row, column=c)
        write_text(cell, col.header)
        cell.font, cell.alignment, cell.fill, cell.border = _HEADER_FONT, _CENTRE, _HEADER_FILL, _BOX
    lines = max(wrapped_lines(col.header, w) for col, w in zip(columns, wrap))
    ws.row_dimensions[row].height = 16 * lines + 6


def _prepare(columns: list[Column], rows: Iterable[Sequence], totals: Sequence | None):
    """Normalise every value and measure each column's widest value (character cells)."""
    n, kinds = len(columns), [col.kind for col in columns]
    widths = [0] * n
    measured = [i for i, col in enumerate(columns) if col.width is None]  # fixed widths need no measuring
    rates = [i for i, kind in enumerate(kinds) if kind == "percent"]
    data = []
    for row in rows:
        values = [normalise(v) for v in row[:n]]
        values += [None] * (n - len(values))
        for i in rates:  # a rate with nothing to divide (no cases, no check, no survey yet)
            if values[i] is None:
                values[i] = NO_RATE
        data.append(values)
        for i in measured:
            w = value_width(values[i], kinds[i])
            if w > widths[i]:
                widths[i] = w
    total = None
    if totals is not None:
        total = ([normalise(v) for v in totals[:n]] + [None] * n)[:n]
        total[0] = "合计" if total[0] is None else total[0]
        for i in rates:
            if total[i] is None:
                total[i] = NO_RATE
        widths = [max(w, value_width(v, k) + 1) for w, v, k in zip(widths, total, kinds)]  # bold sums are wider
    widths = [max(text_width(c.header), min(w, MAX_WIDTH)) for c, w in zip(columns, widths)]
    return data, total, widths


def _page_setup(ws: Worksheet, header_row: int, landscape: bool, print_date: dt.date) -> None:
    """A4, one page wide, title rows repeated, centred, Chinese page-number and date footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.right.text = f"打印日期：{print_date.isoformat()}"
    ws.oddFooter.center.font = ws.oddFooter.right.font = "宋体,Regular"


def _sign_rows(ws: Worksheet, row: int, ncols: int, sign: SignOff) -> None:
    """Below the table: a blank row, the 制表人 / 审核人 / 日期 line, and a tall row for the seal."""
    lines = ([(sign.note, 24, "left")] if sign.note else []) + [(sign.text(), 24, "left"), ("（盖章）", 60, "right")]
    for r, (text, height, align) in enumerate(lines, row + 1):
        cell = ws.cell(row=r, column=1)
        write_text(cell, text)
        cell.font, cell.alignment = _SUBTITLE_FONT, Alignment(horizontal=align, vertical="top")
        ws.row_dimensions[r].height = height
        if ncols > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)


def write_table(ws: Worksheet, *, title: str, subtitle: str | None, columns: list[Column],
                rows: Iterable[Sequence], totals: Sequence | None = None, landscape: bool | None = None,
                shade_rows: set[int] | None = None, print_date: dt.date | None = None,
                internal: bool = False, sign: SignOff | None = None) -> int:
    """Write a titled, bordered, print-ready table on an empty sheet; return data rows written.

    `internal` marks it 内部资料 (subtitle and page header); `sign` adds the sign-off lines."""
    if not columns or ws in BODIES or ws.max_row > 1 or ws.max_column > 1:
        raise ValueError("write_table needs columns and an empty sheet, once per sheet")
    if internal:
        subtitle = INTERNAL_MARK + ("    " + subtitle if subtitle else "")
    data, total, widths = _prepare(columns, rows, totals)
    units = [col.width or excel_width(w) for col, w in zip(columns, widths)]
    wrap = [max(1, int((u - 1) / 1.05)) for u in units]  # cells that fit in one line
    header_row = _title_rows(ws, title, subtitle, len(columns)) + 1
    _header_row(ws, header_row, columns, wrap)
    shade = shade_rows or set()
    if len(data) > 1:
        cols = [(get_column_letter(c), (_style_ids(ws, col.kind, "data"), _style_ids(ws, col.kind, "shade")))
                for c, col in enumerate(columns, 1)]
        BODIES[ws] = Body(header_row + 1, data[:-1], shade, cols, wrap)
    if data:
        last = len(data) - 1
        _put_row(ws, header_row + 1 + last, data[-1], columns, "shade" if last in shade else "data", wrap)
    if total is not None:
        _put_row(ws, header_row + 1 + len(data), total, columns, "total", wrap)
    if sign is not None:
        _sign_rows(ws, header_row + len(data) + (1 if total is not None else 0) + 1, len(columns), sign)
    for c, unit in enumerate(units, 1):
        ws.column_dimensions[get_column_letter(c)].width = unit
    ws.freeze_panes = f"A{header_row + 1}"
    _page_setup(ws, header_row, sum(units) > LANDSCAPE_OVER if landscape is None else landscape,
                print_date or dt.date.today())
    if internal:
        ws.oddHeader.left.text = "内部资料"
        ws.oddHeader.left.font = "黑体,Regular"
    return len(data)


def save_workbook(wb: Workbook, path: str | os.PathLike) -> None:
    """Save `wb` to `path` atomically (temp file, fsync, rename); raises ExportError in Chinese."""
    atomic_write(path, lambda tmp: save_with_bodies(wb, tmp))


class ExportWorkbook(Workbook):
    """A workbook whose plain ``save()`` also streams the kept table bodies, atomically."""

    def save(self, filename) -> None:  # noqa: D102 - same contract as Workbook.save
        save_workbook(self, filename)
