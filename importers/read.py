"""Read a sniffed file into sheets of raw cell values (python-calamine, or csv for text).

Cells come back as calamine gives them: str, float (also for whole numbers), bool, date, datetime,
time, timedelta, and '' for a blank cell. Row and column indexes are 0-based and absolute (row 0 is
the sheet's first row, even when it is empty). Nothing in a file is ever evaluated.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import python_calamine as pc
from defusedxml import ElementTree as SafeET

from importers.errors import MSG_INVALID, MSG_PASSWORD, ImportFileError
from importers.sniff import decode_text
from importers.xlsx_extent import trimmed_sheet

MAX_ROWS = 1_000_000
Merged = tuple[int, int, int, int]  # first row, first col, last row, last col (inclusive)


@dataclass
class SheetData:
    """One sheet: its name, whether it is hidden, its rows of raw values and merged ranges."""

    name: str
    hidden: bool
    rows: list[list[Any]]
    merged: list[Merged] = field(default_factory=list)


@dataclass(frozen=True)
class SheetInfo:
    """A sheet as listed for the clerk: name, hidden flag and row count."""

    name: str
    hidden: bool
    rows: int


def read_sheets(path: str | os.PathLike, kind: Any, *, max_rows: int = MAX_ROWS,
                names: Iterable[str] | None = None) -> list[SheetData]:
    """Read every sheet (or only `names`) of a file whose real format is `kind`."""
    trims = getattr(kind, "trims", ())
    kind = getattr(kind, "kind", kind)
    if kind == "csv":
        return [_read_csv(Path(path), max_rows)]
    wanted = set(names) if names is not None else None
    sheets = []
    with _workbook(path, kind, trims) as wb:
        for meta in _worksheets(wb):
            if wanted is None or meta.name in wanted:
                sheets.append(_read_sheet(wb, meta, max_rows))
    if kind == "ods" and not any(s.merged for s in sheets):
        _add_ods_merges(Path(path), sheets)
    return sheets


def list_sheets(path: str | os.PathLike, kind: Any) -> list[SheetInfo]:
    """List the sheets with their hidden flag and row count, without converting cells."""
    trims = getattr(kind, "trims", ())
    kind = getattr(kind, "kind", kind)
    if kind == "csv":
        return [SheetInfo(Path(path).stem, False, len(_read_csv(Path(path), MAX_ROWS).rows))]
    with _workbook(path, kind, trims) as wb:
        return [SheetInfo(m.name, _is_hidden(m), _height(wb.get_sheet_by_name(m.name)))
                for m in _worksheets(wb)]


def fill_merged(sheet: SheetData, first_row: int) -> set[tuple[int, int]]:
    """Copy the value of each vertically merged range starting at or below `first_row` down it."""
    filled = set()
    for r0, c0, r1, _c1 in sheet.merged:
        if r1 <= r0 or r0 < first_row or r0 >= len(sheet.rows) or c0 >= len(sheet.rows[r0]):
            continue
        value = sheet.rows[r0][c0]
        for r in range(r0 + 1, min(r1, len(sheet.rows) - 1) + 1):
            row = sheet.rows[r]
            if c0 < len(row) and _is_blank(row[c0]):
                row[c0] = value
                filled.add((r, c0))
    return filled


@contextmanager
def _workbook(path: str | os.PathLike, kind: str,
              trims: tuple[tuple[str, int, int, str], ...] = ()) -> Iterator[pc.CalamineWorkbook]:
    """Open a workbook by its real format (so a renamed .xls works); translate reader errors. With
    ``trims`` (importers.sniff: stray cells far right of the data), a copy without them is read."""
    with reader_errors():
        wb = pc.CalamineWorkbook.from_filelike(_without_far_cells(Path(path), trims)) if trims \
            else _open_workbook(Path(path), kind)
        try:
            yield wb
        finally:
            wb.close()


def _without_far_cells(path: Path, trims: tuple[tuple[str, int, int, str], ...]) -> io.BytesIO:
    """The xlsx in memory with each trimmed sheet written again without its cells right of its last
    kept column (importers.xlsx_extent.trimmed_sheet): the reader then allocates only the data's columns."""
    keep = {name: last for name, last, *_ in trims}
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = trimmed_sheet(src, info.filename, keep[info.filename]) if info.filename in keep \
                else src.read(info)
            dst.writestr(info, data)
    out.seek(0)
    return out


def _open_workbook(path: Path, kind: str) -> pc.CalamineWorkbook:
    """from_path when the extension is right; else from the bytes, keeping a password error."""
    if path.suffix == f".{kind}":
        return pc.CalamineWorkbook.from_path(path)
    try:
        with path.open("rb") as fh:
            return pc.CalamineWorkbook.from_filelike(fh)
    except pc.CalamineError:
        if kind != "xls":
            raise
        # format auto-detection hides PasswordError: retry once under the right extension
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
            named = Path(tmp) / f"book.{kind}"
            shutil.copyfile(path, named)
            return pc.CalamineWorkbook.from_path(named)


@contextmanager
def reader_errors() -> Iterator[None]:
    """Turn any calamine failure (including a Rust panic) into ImportFileError."""
    try:
        yield
    except ImportFileError:
        raise
    except pc.PasswordError:
        raise ImportFileError(MSG_PASSWORD) from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException:  # pyo3's PanicException derives from BaseException
        raise ImportFileError(MSG_INVALID) from None


def _worksheets(wb: pc.CalamineWorkbook) -> list[pc.SheetMetadata]:
    """The workbook's worksheets (chart, macro and dialog sheets are left out)."""
    return [m for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]


def _is_hidden(meta: pc.SheetMetadata) -> bool:
    """True for hidden and very hidden sheets."""
    return meta.visible != pc.SheetVisibleEnum.Visible


def _height(sheet: pc.CalamineSheet) -> int:
    """Rows from row 0 to the last used row."""
    end = sheet.end
    return end[0] + 1 if end else 0


def _read_sheet(wb: pc.CalamineWorkbook, meta: pc.SheetMetadata, max_rows: int) -> SheetData:
    """Convert one calamine sheet to SheetData, refusing one over `max_rows` rows."""
    sheet = wb.get_sheet_by_name(meta.name)
    if _height(sheet) > max_rows:
        raise ImportFileError(f"工作表「{meta.name}」超过{max_rows}行，已拒绝")
    rows = sheet.to_python(skip_empty_area=False) if sheet.end else []
    _trim_blank_tail(rows)
    merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
    return SheetData(meta.name, _is_hidden(meta), rows, merged)


def _is_blank(value: Any) -> bool:
    """A cell is blank when it is None, '' or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def _trim_blank_tail(rows: list[list[Any]]) -> None:
    """Drop trailing rows whose cells are all blank."""
    while rows and all(_is_blank(v) for v in rows[-1]):
        rows.pop()


def _read_csv(path: Path, max_rows: int) -> SheetData:
    """Decode a text file strictly and split it into rows with the csv module."""
    text, _encoding = decode_text(path.read_bytes())
    first = text.split("\n", 1)[0].split("\r", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        # newline=None: CR-only line ends (old Mac files) are lines too, not one long line
        rows = [row for _, row in zip(range(max_rows + 1),
                                      csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))]
    except csv.Error:
        raise ImportFileError("CSV文件格式错误，无法解析") from None
    if len(rows) > max_rows:
        raise ImportFileError(f"文件超过{max_rows}行，已拒绝")
    _trim_blank_tail(rows)
    width = max((len(r) for r in rows), default=0)
    return SheetData(path.stem, False, [r + [""] * (width - len(r)) for r in rows], [])


def xml_local_name(tag: str) -> str:
    """An XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def xml_attr(elem: Any, name: str) -> str | None:
    """An attribute by local name, whatever its namespace."""
    for key, value in elem.attrib.items():
        if xml_local_name(key) == name:
            return value
    return None


def _add_ods_merges(path: Path, sheets: list[SheetData]) -> None:
    """calamine gives no merges for ods: read the spans from content.xml."""
    by_name = {s.name: s for s in sheets}
    with reader_errors(), zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        table, row, col, rrep = None, 0, 0, 1
        for event, elem in SafeET.iterparse(fh, events=("start", "end")):
            tag = xml_local_name(elem.tag)
            if event == "start" and tag == "table":
                table, row = by_name.get(xml_attr(elem, "name") or ""), 0
            elif event == "start" and tag == "table-row":
                col, rrep = 0, int(xml_attr(elem, "number-rows-repeated") or 1)
            elif event == "start" and tag in ("table-cell", "covered-table-cell"):
                spans = int(xml_attr(elem, "number-rows-spanned") or 1), int(xml_attr(elem, "number-columns-spanned") or 1)
                if table is not None and tag == "table-cell" and max(spans) > 1:
                    table.merged.append((row, col, row + spans[0] - 1, col + spans[1] - 1))
                col += int(xml_attr(elem, "number-columns-repeated") or 1)
            elif event == "end" and tag == "table-row":
                row += rrep
                elem.clear()
