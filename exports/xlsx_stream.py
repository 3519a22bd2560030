"""Streaming of kept table bodies straight into the sheet XML at save time (see xlsx.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from weakref import WeakKeyDictionary

import math
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def wrapped_lines(text: str, cells: int) -> int:
    """Lines `text` takes when wrapped in a column `cells` wide."""
    return sum(max(1, math.ceil(cell_len(part) / cells)) for part in text.split("\n"))


def row_height(values: Sequence, wrap: Sequence[int]) -> float | None:
    """Height in points for a row whose text needs wrapping, or None for the default."""
    lines = 1
    for v, w in zip(values, wrap):
        if type(v) is str and (len(v) * 2 > w or "\n" in v):
            lines = max(lines, wrapped_lines(v, w))
    return min(409, 14.25 * min(lines, 20) + 2) if lines > 1 else None


@dataclass
class Body:
    """Data rows kept until save time, then streamed into the sheet XML."""

    first: int  # sheet row number of rows[0]
    rows: list[list]  # normalised values
    shade: set[int]  # indexes into rows
    cols: list[tuple[str, tuple[tuple[int, int], tuple[int, int]]]]  # letter, ((plain, quoted) x 2)
    wrap: list[int]  # column widths in cells, for row heights


BODIES: WeakKeyDictionary[Worksheet, "Body"] = WeakKeyDictionary()


def _cell_xml(ref: str, v: object, ids: tuple[int, int], epoch) -> str:
    """One <c> element in openpyxl's own format (inline strings, numbers, date serials)."""
    if v is None:
        return f'<c r="{ref}" s="{ids[0]}"/>'
    if type(v) is str:
        space = ' xml:space="preserve"' if v != v.strip() else ""
        return (f'<c r="{ref}" s="{ids[v.startswith(FORMULA_START)]}" t="inlineStr">'
                f"<is><t{space}>{v.translate(_ESCAPES)}</t></is></c>")
    if isinstance(v, dt.date):
        v = to_excel(v, epoch)
    return f'<c r="{ref}" s="{ids[0]}" t="n"><v>{v}</v></c>'  # str(float) is the shortest exact form


def _body_xml(body: Body, epoch) -> Iterator[str]:
    """Yield the <row> elements of a kept table body."""
    for i, values in enumerate(body.rows):
        r, variant = body.first + i, (1 if i in body.shade else 0)
        height = row_height(values, body.wrap)
        attrs = f' ht="{height}" customHeight="1"' if height else ""
        cells = "".join(_cell_xml(f"{letter}{r}", v, styles[variant], epoch)
                        for v, (letter, styles) in zip(values, body.cols))
        yield f'<row r="{r}"{attrs}>{cells}</row>'


def _splice(dst: zipfile.ZipFile, name: str, xml: bytes, body: Body, epoch) -> None:
    """Write sheet `name` with the kept body rows inserted before the row that follows them."""
    end = body.first + len(body.rows)
    taken = [n for n in map(int, re.findall(rb'<row r="(\d+)"', xml)) if body.first <= n < end]
    cut = xml.find(b'<row r="%d"' % end)
    if taken or cut < 0:
        raise ValueError("cells were written into a table body after write_table")
    with dst.open(name, "w", force_zip64=True) as out:
        out.write(xml[:cut])
        chunk: list[str] = []
        for row in _body_xml(body, epoch):
            chunk.append(row)
            if len(chunk) == 500:
                out.write("".join(chunk).encode("utf-8"))
                chunk.clear()
        out.write("".join(chunk).encode("utf-8"))
        out.write(xml[cut:])


def save_with_bodies(wb: Workbook, path: str) -> None:
    """Save through openpyxl into memory, then copy the zip to `path` with the bodies spliced in."""
    buf = io.BytesIO()
    Workbook.save(wb, buf)  # the plain openpyxl save, without bodies
    bodies = {ws.path.lstrip("/"): BODIES[ws] for ws in wb.worksheets if ws in BODIES}
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in bodies:
                _splice(dst, info.filename, src.read(info), bodies[info.filename], wb.epoch)
            else:
                dst.writestr(info, src.read(info))


