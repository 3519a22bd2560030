"""Formula cells of an xlsx that carry no computed value (python-calamine reads them as blanks):
found in the sheet's XML so their rows are rejected with a reason instead of imported half empty."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import PurePosixPath
from typing import Any

from defusedxml import ElementTree as SafeET

from importers.read import reader_errors, xml_attr, xml_local_name


FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def parts_with_formulas(path: str | os.PathLike) -> dict[str, bool] | None:
    """Whether each worksheet part of an xlsx holds any formula (None when the file is no zip): a
    cheap pass run while python-calamine reads the file, which leaves Python's lock free meanwhile."""
    try:
        with zipfile.ZipFile(path) as zf:
            return {n: _has_formula(zf, n) for n in zf.namelist()
                    if n.lower().startswith("xl/worksheets/") and n.lower().endswith(".xml")}
    except (zipfile.BadZipFile, OSError):
        return None


def formula_cells_without_value(path: str | os.PathLike, sheet_name: str,
                                with_formulas: dict[str, bool] | None = None,
                                trims: tuple[tuple[str, int, int, str], ...] = ()) -> set[tuple[int, int]]:
    """(row, col) of xlsx formula cells that carry no cached value; empty for other formats.
    with_formulas: parts_with_formulas(path), when already known; trims (importers.sniff): cells right
    of a sheet's last read column are not part of the list."""
    try:
        with zipfile.ZipFile(path) as zf:
            part = _sheet_part(zf, sheet_name)
            if part is None:
                return set()
            known = (with_formulas or {}).get(part)
            if not (_has_formula(zf, part) if known is None else known):
                return set()
            with zf.open(part) as fh, reader_errors():
                cells = _scan_formulas(fh)
            last = next((t[1] for t in trims if t[0] == part), None)
            return cells if last is None else {(r, c) for r, c in cells if c < last}
    except zipfile.BadZipFile:
        return set()


def _sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip path of a sheet's XML, through workbook.xml and its relationships."""
    names = {n.lower(): n for n in zf.namelist()}
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    with reader_errors():
        workbook = SafeET.fromstring(zf.read(names["xl/workbook.xml"]))
        rels = SafeET.fromstring(zf.read(names["xl/_rels/workbook.xml.rels"]))
    rel_id = next((xml_attr(e, "id") for e in workbook.iter() if xml_local_name(e.tag) == "sheet"
                   and e.get("name") == sheet_name), None)
    target = next((e.get("Target") for e in rels.iter() if e.get("Id") == rel_id), None)
    if not target:
        return None
    full = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return names.get(full.lower())


def _has_formula(zf: zipfile.ZipFile, part: str) -> bool:
    """Cheap streaming pre-check: does the sheet XML contain any <f> element at all?"""
    tail = b""
    with zf.open(part) as fh:
        while chunk := fh.read(1024 * 1024):
            window = tail + chunk
            if (b"<f" in window or b":f" in window) and FORMULA_TAG.search(window):
                return True
            tail = chunk[-64:]
    return False


def _scan_formulas(fh: Any) -> set[tuple[int, int]]:
    """Stream the sheet XML and collect formula cells with a missing or empty cached value."""
    found, row, col = set(), -1, -1
    has_f = value = None
    for event, elem in SafeET.iterparse(fh, events=("start", "end")):
        tag = xml_local_name(elem.tag)
        if event == "start" and tag == "row":
            row, col = (int(elem.get("r")) - 1 if elem.get("r") else row + 1), -1
        elif event == "start" and tag == "c":
            col, has_f, value = _cell_col(elem.get("r"), col), False, None
        elif event == "end" and tag == "f":
            has_f = True
        elif event == "end" and tag == "v":
            value = elem.text or ""
        elif event == "end" and tag == "c":
            if has_f and not value and not (value == "" and elem.get("t") in ("str", "inlineStr")):
                found.add((row, col))
            elem.clear()
    return found


def _cell_col(ref: str | None, prev: int) -> int:
    """The 0-based column of a cell reference like 'E5' (or the next column without one)."""
    match = CELL_REF.match(ref or "")
    if not match:
        return prev + 1
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return col - 1
