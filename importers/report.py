"""The import report: every rejected, skipped or warned row, in the source file's column layout.

The original headers come first, in their order, with the original values; then 原行号, 导入结果
and 导入说明, and 核实说明 when a row was rejected only for an ID checksum or birth date (the clerk
fills in the reason there to accept the number on the next import, importers/id_override.py). The clerk corrects the rows in this file and imports it again: the header finder
reads it like the source (the extra columns name no field), and the title keeps the source's
title and file name so the category is inferred the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

from importers.headers import title_texts
from store.fsio import create_owner_only, os_error_text, sweep_temps
from importers.id_override import HEADER as REASON_HEADER, HINT as REASON_HINT, report_marks

EXTRA_HEADERS = ["原行号", "导入结果", "导入说明"]
RESULT_LABELS = {"rejected": "未导入", "skipped": "已跳过", "inserted": "已导入（有提示）",
                 "updated": "已导入（有提示）", "unchanged": "已导入（有提示）"}
BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
REJECT_FONT = Font(color="C00000")
REASON_FILL = PatternFill("solid", fgColor="FFF2CC")
NUMERIC_TEXT = re.compile(r"[\s'+\-.,/:%0-9０-９Xx]+")  # text Excel would turn into a number or date on editing


def needs_report(outcome: Any) -> bool:
    """True for a rejected or skipped row, or one with warnings."""
    return outcome.final in ("rejected", "skipped") or bool(outcome.warnings)


def reason_of(outcome: Any) -> str:
    """The Chinese reason (rejections and skips first, then warnings)."""
    reasons = list(outcome.reasons)
    if outcome.final == "rejected" and outcome.data is not None and outcome.data.reason:
        reasons.append(outcome.data.reason)
    return "；".join(reasons + list(outcome.warnings))


def text_cell(ws: Any, value: str, **style: Any) -> WriteOnlyCell:
    """A cell that stays text even when it starts with = + - @ (never a formula)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.number_format = "@"
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def value_cell(ws: Any, value: Any) -> Any:
    """A data cell with its original value: text as text, numbers and dates as they were. Plain
    values go in as they are (no styled cell each: 30,000 reported rows take 7 s with, 3 s without);
    text openpyxl would read as a formula or an error, and numbers kept as text (ID numbers, phones,
    leading zeros), get a text cell formatted 「@」, so Excel keeps them text when edited."""
    if isinstance(value, str):
        if not value.isprintable() and ILLEGAL_CHARACTERS_RE.search(value):  # isprintable: C speed
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control codes openpyxl refuses to write
        if value[:1] == "=" or value in ERROR_CODES or NUMERIC_TEXT.fullmatch(value):
            return text_cell(ws, value)
        return value
    if isinstance(value, (dt.time, dt.timedelta)):
        return text_cell(ws, str(value))
    if isinstance(value, (dt.date, dt.datetime)):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value  # numbers, booleans, blanks: openpyxl writes them as they are


def _title(prep: Any) -> str:
    """The report title: the source's own titles and its file name."""
    titles = title_texts(prep.sheet.rows, prep.match.row_index)
    source = " ".join(titles[:2]) or prep.path.stem
    return f"{source} 导入报告（来源：{prep.path.name}，改正后可直接再次导入本文件）"


def _reason_cell(ws: Any) -> WriteOnlyCell:
    """An empty text-formatted 「核实说明」 cell for the clerk to fill."""
    cell = WriteOnlyCell(ws, value=None)
    cell.number_format = "@"
    return cell


def _rows(ws: Any, prep: Any, outcomes: list[Any], width: int) -> None:
    """The header row and one row per reported outcome (plus 「核实说明」 when an ID could be accepted)."""
    marks, add_reason = report_marks(prep.match, outcomes)
    headers = list(prep.match.headers) + [""] * (width - len(prep.match.headers))
    ws.append([text_cell(ws, h, font=BOLD, fill=HEAD_FILL) for h in headers]
              + [text_cell(ws, h, font=BOLD, fill=HEAD_FILL) for h in EXTRA_HEADERS]
              + ([text_cell(ws, REASON_HEADER, font=BOLD, fill=REASON_FILL)] if add_reason else []))
    for out, mark in zip(outcomes, marks):
        if not needs_report(out):
            continue
        cells = list(out.cells) + [""] * (width - len(out.cells))
        label = RESULT_LABELS.get(out.final, out.final)
        result = text_cell(ws, label, font=REJECT_FONT) if out.final == "rejected" else label
        reason = reason_of(out) + (f"；{REASON_HINT}" if mark else "")
        ws.append([value_cell(ws, v) for v in cells]
                  + [out.source_row, result, value_cell(ws, reason)]
                  + ([_reason_cell(ws)] if add_reason else []))


def write_report(target: str | os.PathLike, prep: Any, outcomes: list[Any]) -> Path:
    """Write the report (temp file, then os.replace); returns its path."""
    target = Path(target)
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp.xlsx")
    sweep_temps(target.parent, re.escape(f".{target.stem}.") + r"(?P<pid>\d+)\.tmp\.xlsx")  # a killed import's
    try:  # before the workbook exists: a name too long or a folder not writable stops here, cleanly
        tmp.unlink(missing_ok=True)
        create_owner_only(tmp)  # the report holds full ID numbers and phones
    except OSError as exc:
        raise _report_error(target, exc) from exc
    width = max([len(prep.match.headers)] + [len(o.cells) for o in outcomes])
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("导入报告")
    for col in range(width + len(EXTRA_HEADERS) + 1):
        letter = _letter(col)
        ws.column_dimensions[letter].width = 40 if col == width + 2 else 24 if col > width + 2 else 14
    ws.freeze_panes = "A3"
    _print_setup(ws)
    ws.append([text_cell(ws, _title(prep), font=Font(bold=True, size=14))])
    _rows(ws, prep, outcomes, width)
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise _report_error(target, exc) from exc
    return target


def _report_error(target: Path, exc: OSError) -> OSError:
    """The Chinese reason a report could not be written (the import then writes nothing)."""
    if exc.errno == errno.ENAMETOOLONG or getattr(exc, "winerror", None) == 206:
        reason = "文件名或路径太长，请用 --report 指定较短的文件名"
    else:
        reason = os_error_text(exc, path=False)
    return OSError(f"无法写入导入报告：{target}（{reason}），本次导入未写入数据库")


def _print_setup(ws: Any) -> None:
    """Print landscape on A4, fit to one page wide (the reason on the same page as the name), the
    title and header rows on every page."""
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:2"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def _letter(col: int) -> str:
    """0-based column index to letters."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)
