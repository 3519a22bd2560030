"""An xlsx's sheets measured before python-calamine reads them (issue 20, item 7).

calamine fills rows x columns cells for a sheet's used range: one cell at XFD60000 in a 2 KB file made it
allocate 5 GB and abort. Every sheet the workbook names (through its relationships, as calamine finds
them) is measured here first, and the whole workbook's total is capped.

Two ways to measure a sheet:

- The fast pass, for the XML that Excel, WPS, LibreOffice, openpyxl and the OpenXML SDK write (every <row>
  and <c> with ``r="..."`` as its first attribute, with or without a namespace prefix; no comment, CDATA
  or processing instruction): regex passes find the references of column AA or beyond and of row 100,000
  or beyond; a normal list has none and is done.
- The exact pass, for anything else (cells or rows without r=, odd quoting) or when the fast pass finds
  the range too big: an XML parser walks every row and cell and numbers them as calamine does, refusing
  a reference calamine would read otherwise; at most EXACT_MAX_BYTES of XML per workbook.

Every entry holding sheet data is measured, named by the workbook or not, and ambiguous packages (names
differing in case, a backslash or a ./.. segment, xlsx and ods parts together) are refused in
importers.sniff: calamine finds parts and guesses formats in its own way.

Stray cells far right of the data (the data's columns: A-Z and every further column within COLUMN_GAP of
the last one kept, at most MAX_KEPT_COLUMNS) are not a refusal when the sheet is sound without them:
`trimmed_sheet` writes the sheet again with only the kept cells (importers.read gives that copy to
calamine), and the copy's exact range is what is checked.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, tostring

from defusedxml.ElementTree import fromstring, iterparse

from importers.errors import MSG_INVALID, ImportFileError

# A sheet's used range (rows x columns) calamine fills cell by cell: refused above MAX_AREA, or above
# SPARSE_AREA when it is mostly empty (more than MAX_SPARSENESS times its cells). The workbook's sheets
# together (a sheet named twice counts twice) may not exceed MAX_AREA either.
MAX_AREA = 25_000_000
SPARSE_AREA = 1_000_000
MAX_SPARSENESS = 20
COLUMN_GAP = 26
MAX_KEPT_COLUMNS = 256
CHUNK = 4 * 1024 * 1024
GUESSED_ROWS = 99_999  # the fast pass sees rows of six digits or more; below, this bound is assumed

# Far references: column AA or beyond, or row 100,000 or beyond (a row number too long to be one is
# among them; calamine would wrap it). No closing quote needed: nothing to backtrack over in a run of zeros.
FAR_REF = re.compile(rb'r="(?:([A-Za-z]{2,})([0-9]{1,12})|([A-Za-z]?)([0-9]{6,}))')
# What makes a sheet unusual (the exact walk measures it): a <c> or <row> without r= first, a prefixed c
# or row (found by its colon, then checked to be inside a tag name), a comment, CDATA, a DOCTYPE or a
# processing instruction. A '</c >' close needs no test: the trim regex stops at it and leaves the cell,
# which the trimmed copy's second measurement then sees.
ODD = re.compile(rb'<(?:c|row)(?![ ]r=")[\s/>]')
PREFIXED = re.compile(rb':(?:c|row)[\s/>]')
PREFIXED_CELL = re.compile(rb'<[\w.-]+:c r="')
ANY_ROW = re.compile(rb'\br="[A-Za-z]{0,3}([0-9]{1,12})"')
# A usual cell of column AA or beyond, whole: attributes without < or >, then /> or a body up to its </c>
# that holds no other cell (linear: the body stops at the next <c or </c). Used only on usual sheets, and
# what it leaves is measured again.
FAR_CELL = re.compile(rb'<c r="([A-Za-z]{2,})[0-9]{1,12}"(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*\s*'
                      rb'(?:/>|>(?:[^<]|<(?!/?c[\s/>]))*</c>)')
EMPTY_ROW = re.compile(rb'<row r="[0-9]+"[^<>]*(?:/>|>\s*</row\s*>)')
DIMENSION = re.compile(rb"<dimension\b[^<>]*>")
EXACT_MAX_BYTES = 4 * 1024 * 1024  # the workbook's sheets written otherwise are walked only up to this, together
REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")  # a cell reference as the exact walk accepts it
ROW_REF = re.compile(r"[0-9]{1,7}")
MAX_ROW, MAX_COL, MAX_DEPTH = 1_048_576, 16_384, 64
SST_TAG = re.compile(rb'<(?:[\w.-]+:)?sst((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*)\s*/?>')
UNIQUE_COUNT = re.compile(rb'\buniqueCount\s*=\s*["\']\s*\+?([0-9]+)')
SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet[\s/>]")
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REFUSED = "疑似恶意或损坏的文件，已拒绝。如确是下发的名单，请把数据复制到新的工作簿另存后再导入"


@dataclass
class Extent:
    """A sheet's used range as calamine would fill it, and the cells written in it."""

    rows: int
    cols: int
    cells: int
    far: str = ""  # the farthest reference, for the message
    guessed: bool = False  # rows is GUESSED_ROWS, not counted
    by_col: dict[int, list[int]] = field(default_factory=dict)  # exact pass: column -> [cells, last row]

    @property
    def area(self) -> int:
        """Rows x columns."""
        return self.rows * self.cols


def too_big(area: int, cells: int) -> bool:
    """A used range too big to fill, or too big for how few cells it holds."""
    return area > MAX_AREA or (area > SPARSE_AREA and area > cells * MAX_SPARSENESS)


def column_number(letters: bytes | str) -> int:
    """A column's number from its letters (either case): A -> 1, XFD -> 16384."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    """A column's letters from its number: 1 -> A, 16384 -> XFD."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_workbook(zf: zipfile.ZipFile, names: dict[str, str]) -> list[tuple[str, int, int, str]]:
    """Measure every sheet of the workbook and the shared strings; refuse (ImportFileError) what
    calamine cannot read safely. Returns the trims: (sheet part, last column kept, cells left out,
    the farthest of them) for sheets to read without their stray far cells.

    The sheets are the parts the workbook names through its relationships (counted once per name) and
    every other entry holding sheet data, whatever its name: calamine may find a part by a path this
    code would spell otherwise."""
    _check_shared_strings(zf, names)
    parts = sheet_parts(zf, names)
    declared = 1
    for info in zf.infolist():
        found, sheets = _scan_entry(zf, info.filename)
        declared = max(declared, sheets)
        if found and info.filename not in parts:
            parts[info.filename] = 1
    trims: list[tuple[str, int, int, str]] = []
    measured: list[tuple[str, Extent, int]] = []
    budget = [EXACT_MAX_BYTES]
    for part, refs in parts.items():
        extent, trim = _measure(zf, part, budget)
        measured.append((part, extent, refs))
        if trim is not None:
            trims.append((part, *trim))
    if _total(measured, declared) > MAX_AREA:
        for part, extent, _refs in measured:  # count the rows the fast pass only bounded
            if extent.guessed:
                extent.rows, extent.guessed = _last_row(_chunks(zf, part)), False
        total = _total(measured, declared)
        if total > MAX_AREA:
            raise ImportFileError(f"工作簿中各工作表的数据范围合计过大（{total} 个单元格），{REFUSED}")
    return trims


def _total(measured: list[tuple[str, Extent, int]], declared: int) -> int:
    """The cells the reader may fill for the whole workbook: each sheet once per name, and the biggest
    one for every declared sheet whose part could not be resolved here (the reader may resolve it)."""
    biggest = max((e.area for _p, e, _r in measured), default=0)
    resolved = sum(refs for _p, _e, refs in measured)
    return sum(e.area * refs for _p, e, refs in measured) + biggest * max(0, declared - resolved)


def _scan_entry(zf: zipfile.ZipFile, name: str) -> tuple[bool, int]:
    """(whether the entry holds sheet data, how many <sheet> elements it declares)."""
    sheets, listing = 0, False
    for body in _chunks(zf, name):
        if b"sheetData" in body:
            return True, 0
        listing = listing or b"sheets" in body
        if listing:
            sheets += len(SHEET_TAG.findall(body))
    return False, sheets


def sheet_parts(zf: zipfile.ZipFile, names: dict[str, str]) -> dict[str, int]:
    """The worksheet parts the workbook names, as calamine finds them (workbook.xml's sheets through
    its relationships), each with how many sheets name it; every xl/worksheets part when the
    relationships cannot be read."""
    found: dict[str, int] = {}
    every = {name: 1 for low, name in names.items() if low.startswith("xl/worksheets/") and low.endswith(".xml")}
    if "xl/_rels/workbook.xml.rels" not in names:
        return every
    try:
        workbook = fromstring(_read_small(zf, names["xl/workbook.xml"], 1024 * 1024))
        rels = fromstring(_read_small(zf, names["xl/_rels/workbook.xml.rels"], 1024 * 1024))
    except ImportFileError:
        raise
    except Exception:  # malformed XML, entities (defusedxml): the reader would fail on it too
        raise ImportFileError(MSG_INVALID) from None
    targets = {e.get("Id"): e.get("Target") or "" for e in rels.iter() if _local(e.tag) == "Relationship"}
    for sheet in (e for e in workbook.iter() if _local(e.tag) == "sheet"):
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        part = names.get(path.lower())
        if part is not None:
            found[part] = found.get(part, 0) + 1
    return found or every


def _local(tag: str) -> str:
    """An XML tag or attribute name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _read_small(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A small part whole; refused when it is bigger than ``limit``."""
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ImportFileError(MSG_INVALID)
    return data


def _check_shared_strings(zf: zipfile.ZipFile, names: dict[str, str]) -> None:
    """A shared-string table announcing more strings than its size can hold (calamine reserves room
    for them: uniqueCount="4000000000" asked for 96 GB); its <sst> tag must open the part."""
    for low, part in names.items():
        if not low.endswith("sharedstrings.xml"):
            continue
        size = zf.getinfo(part).file_size
        with zf.open(part) as fh:
            head = fh.read(64 * 1024)
        tag = SST_TAG.search(head)
        if tag is None:
            if size:
                raise ImportFileError(f"共享字符串表的写法异常，{REFUSED}")
            continue
        for count in UNIQUE_COUNT.findall(tag.group(1)):
            if int(count) > max(10_000, size // 7):  # <si><t/></si> is 13 bytes: 7 leaves room for any form
                raise ImportFileError(f"共享字符串表声明了 {int(count)} 个字符串，与文件大小不符，{REFUSED}")


def _measure(zf: zipfile.ZipFile, part: str, budget: list[int]) -> tuple[Extent, tuple[int, int, str] | None]:
    """A sheet's extent, and its trim (last column kept, cells left out, farthest) when it needs one;
    ImportFileError when it cannot be read safely even without its stray far cells. ``budget``: the bytes
    of XML the exact walk may still spend on this workbook."""
    extent = _fast_pass(_chunks(zf, part))
    if extent is not None:
        if not too_big(extent.area, extent.cells):
            return extent, None
        if extent.guessed:
            extent.rows, extent.guessed = _last_row(_chunks(zf, part)), False
            if not too_big(extent.area, extent.cells):
                return extent, None
        keep = _kept_columns(extent)
        if keep < extent.cols:
            trimmed = usual_trim(zf.read(part), keep)
            kept = _fast_pass(_pieces(trimmed))
            if kept is not None and kept.cols <= keep:
                if kept.guessed:
                    kept.rows, kept.guessed = _last_row(_pieces(trimmed)), False
                if kept.cells and not too_big(kept.area, kept.cells):
                    return kept, _trim_of(extent, keep)
        if zf.getinfo(part).file_size > budget[0]:  # (a small one: the walk counts its columns)
            raise ImportFileError(f"工作表的数据范围异常（最远的单元格在 {extent.far}，整张表只有 {extent.cells} 个单元格），"
                                  f"{REFUSED}")
    elif zf.getinfo(part).file_size > budget[0]:
        raise ImportFileError("工作表的写法与 Excel、WPS 保存的不同（单元格没有位置、带前缀或有注释），且文件较大，"
                              "无法安全读取。请用 Excel 或 WPS 打开后另存为 xlsx 再导入")
    budget[0] -= 2 * zf.getinfo(part).file_size  # the walk below, and the trimmed one if it comes to that
    exact = exact_extent(zf, part)
    if not too_big(exact.area, exact.cells):
        return exact, None
    keep = _kept_columns(exact)
    if keep < exact.cols:
        kept = exact_extent(zf, part, keep)
        if kept.cells and not too_big(kept.area, kept.cells):
            return kept, _trim_of(exact, keep)
    raise ImportFileError(f"工作表的数据范围异常（最远的单元格在 {exact.far}，整张表只有 {exact.cells} 个单元格），{REFUSED}")


def _trim_of(extent: Extent, keep: int) -> tuple[int, int, str]:
    """(last column kept, cells left out, the farthest of them) from a sheet's cells by column."""
    dropped = {col: seen for col, seen in extent.by_col.items() if col > keep}
    far_col = max(dropped)
    return keep, sum(seen[0] for seen in dropped.values()), f"{column_letters(far_col)}{dropped[far_col][1]}"


def _pieces(data: bytes) -> Iterator[bytes]:
    """Bytes in large pieces, each cut before its last tag (as _chunks does for a zip entry)."""
    start = 0
    while start < len(data):
        end = min(start + CHUNK, len(data))
        cut = data.rfind(b"<", start + 1, end) if end < len(data) else end
        end = cut if cut > start else end
        yield data[start:end]
        start = end


def _chunks(zf: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """A zip entry's bytes in large pieces, each cut before its last tag."""
    tail = b""
    with zf.open(name) as fh:
        while chunk := fh.read(CHUNK):
            buf = tail + chunk
            cut = buf.rfind(b"<")
            body, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")
            yield body
    yield tail


def _fast_pass(bodies: Iterator[bytes]) -> Extent | None:
    """The extent of a sheet written the usual way (see the module's docstring), from its far
    references, with the cells of each column beyond Z; None when the sheet is written otherwise."""
    max_row, max_col, far, cells, has_data = GUESSED_ROWS, 26, "", 0, False
    by_col: dict[int, list[int]] = {}
    for body in bodies:
        has_data = has_data or b"sheetData" in body
        unusual = _unusual(body)
        if unusual:
            return None
        cells += body.count(b'<c r="') + (len(PREFIXED_CELL.findall(body)) if unusual is None else 0)
        for (wide_letters, wide_digits, letters, digits), n in Counter(FAR_REF.findall(body)).items():
            letters, digits = (wide_letters, wide_digits) if wide_letters else (letters, digits)
            row, col = int(digits[:13]), column_number(letters) if letters else 0
            ref = f"{letters.decode().upper()}{digits[:13].decode()}" if letters else f"第{digits[:13].decode()}行"
            if col >= 27:
                seen = by_col.setdefault(col, [0, 0])
                seen[0] += n
                seen[1] = max(seen[1], row)
                if row * col > max_row * max_col or not far:
                    far = ref
            if row > max_row or (row == max_row and letters and col < 27):
                max_row, far = row, ref
            max_col = max(max_col, col)
    if cells and not has_data:
        return None
    return Extent(max_row, max_col, cells, far, guessed=max_row == GUESSED_ROWS, by_col=by_col)


def _unusual(body: bytes) -> bool | None:
    """True when a piece of sheet XML holds anything the fast pass does not read as calamine would;
    None when it is usual but writes its cells with a prefix (<x:c r="A1">, as some libraries do)."""
    if ODD.search(body):
        return True
    start = body.find(b"?>") + 2 if body.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml") else 0
    for mark in (b"!", b"?"):  # <!-- <![CDATA[ <!DOCTYPE <?pi: found by the rare byte, then its <
        pos = body.find(mark, start)
        while pos >= 0:
            if body[pos - 1] == 0x3C:
                return True
            pos = body.find(mark, pos + 1)
    prefixed = False
    for m in PREFIXED.finditer(body):
        start = body.rfind(b"<", 0, m.start())
        name = body[start + 1:m.start()]
        if start < 0 or not name or re.search(rb"[\s<>\"'=]", name.lstrip(b"/")):
            continue  # a colon in text or in an attribute value
        if not name.startswith(b"/") and not body.startswith((b':c r="', b':row r="'), m.start()):
            return True  # a prefixed c or row without r= first
        prefixed = True
    return None if prefixed else False


def usual_trim(data: bytes, keep: int) -> bytes:
    """A usual sheet's XML without its cells right of column ``keep``, the rows left empty and its
    <dimension> (the caller measures the result again before anyone reads it)."""

    def drop(m: re.Match[bytes]) -> bytes:
        """The cell, or nothing when it lies right of the last kept column."""
        return b"" if column_number(m.group(1)) > keep else m.group(0)

    return EMPTY_ROW.sub(b"", FAR_CELL.sub(drop, DIMENSION.sub(b"", data)))


def _last_row(bodies: Iterator[bytes]) -> int:
    """The highest row any row or cell reference of a usual sheet names (a second pass, only for a
    wide one)."""
    last = 1
    for body in bodies:
        rows = ANY_ROW.findall(body)
        if rows:
            last = max(last, max(map(int, rows)))
    return last


def _positions(zf: zipfile.ZipFile, part: str) -> Iterator[tuple[str, int, int, Element | None]]:
    """("row", row, 0, None) for each row and ("c", row, column, element) for each cell, numbered as
    calamine numbers them (an r= attribute, else one after the previous); a reference calamine would
    read otherwise (AAAB1, a row past 1,048,576, 'A 1') is refused. Elements are dropped after use, so
    memory stays flat whatever the sheet holds."""
    row = col = 0
    stack: list[Element] = []
    in_cell = 0
    try:
        with zf.open(part) as fh:
            for event, elem in iterparse(fh, events=("start", "end")):
                tag = _local(elem.tag)
                if event == "start":
                    stack.append(elem)
                    if len(stack) > MAX_DEPTH:
                        raise ImportFileError(f"工作表的写法异常（嵌套过深），{REFUSED}")
                    if tag == "row":
                        row, col = _row_number(elem.get("r"), row), 0
                        yield "row", row, 0, None
                    elif tag == "c":
                        in_cell += 1
                    continue
                stack.pop()
                if tag == "c":
                    in_cell -= 1
                    crow, col = _cell_position(elem.get("r"), row, col)
                    yield "c", crow, col, elem
                if not in_cell:
                    elem.clear()
                    if stack:
                        del stack[-1][-1]  # the element just ended is its parent's last child
    except ImportFileError:
        raise
    except Exception:  # not well-formed XML, entities (defusedxml), a truncated entry
        raise ImportFileError(MSG_INVALID) from None


def _row_number(r: str | None, previous: int) -> int:
    """A <row>'s number: its r=, else one after the previous; refused when calamine would read it otherwise."""
    if r is None:
        return previous + 1
    if not ROW_REF.fullmatch(r) or not 0 < int(r) <= MAX_ROW:
        raise ImportFileError(f"工作表中的行号写法异常（{r[:20]}），{REFUSED}")
    return int(r)


def _cell_position(r: str | None, row: int, col: int) -> tuple[int, int]:
    """A <c>'s (row, column): its r=, else the next column of the row; refused when calamine would read
    it otherwise."""
    if r is None:
        return row, col + 1
    m = REF.fullmatch(r)
    if m is None or not 0 < column_number(m.group(1)) <= MAX_COL or not 0 < int(m.group(2)) <= MAX_ROW:
        raise ImportFileError(f"工作表中的单元格位置写法异常（{r[:20]}），{REFUSED}")
    return int(m.group(2)), column_number(m.group(1))


def exact_extent(zf: zipfile.ZipFile, part: str, keep: int | None = None) -> Extent:
    """A sheet's extent from every row and cell (with ``keep``: only its cells up to that column, as
    trimmed_sheet writes them)."""
    rows = cols = cells = best = 0
    by_col: dict[int, list[int]] = {}
    far = ""
    for kind, row, col, _elem in _positions(zf, part):
        if kind == "row":
            rows = max(rows, row) if keep is None else rows
            continue
        if keep is not None and col > keep:
            continue
        cells += 1
        rows, cols = max(rows, row), max(cols, col)
        seen = by_col.setdefault(col, [0, 0])
        seen[0] += 1
        seen[1] = max(seen[1], row)
        if row * col >= best:
            best, far = row * col, f"{column_letters(col)}{row}"
    return Extent(rows, max(cols, 1), cells, far or f"第{rows}行", by_col=by_col)


def _kept_columns(extent: Extent) -> int:
    """The data's columns: A-Z and every further column within COLUMN_GAP of the last one kept."""
    keep = 26
    for col in sorted(extent.by_col):
        if col > keep + COLUMN_GAP or col > MAX_KEPT_COLUMNS:
            break
        keep = max(keep, col)
    return keep


def trimmed_sheet(zf: zipfile.ZipFile, part: str, keep: int) -> bytes:
    """The sheet without its cells right of column ``keep``: the copy calamine reads, made the way
    _measure checked it (a usual sheet by usual_trim, any other by walking its elements)."""
    if _fast_pass(_chunks(zf, part)) is not None:
        data = usual_trim(zf.read(part), keep)
        kept = _fast_pass(_pieces(data))
        if kept is not None and kept.cols <= keep:
            return data
    return _rewritten(zf, part, keep)


def _rewritten(zf: zipfile.ZipFile, part: str, keep: int) -> bytes:
    """The sheet written again with only its cells up to column ``keep`` (each with its r=, style, type
    and value) and its merged ranges inside them."""
    out = io.BytesIO()
    out.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
    current, cells = 0, list[bytes]()
    for kind, row, col, elem in _positions(zf, part):
        if kind == "row" or elem is None:
            continue
        if row != current:
            _write_row(out, current, cells)
            current, cells = row, []
        if col <= keep:
            cells.append(_cell_xml(elem, f"{column_letters(col)}{row}"))
    _write_row(out, current, cells)
    out.write(b"</sheetData>")
    merges = _merges(zf, part, keep)
    if merges:
        out.write(f'<mergeCells count="{len(merges)}">'.encode() + b"".join(
            f'<mergeCell ref="{ref}"/>'.encode() for ref in merges) + b"</mergeCells>")
    out.write(b"</worksheet>")
    return out.getvalue()


def _write_row(out: io.BytesIO, row: int, cells: list[bytes]) -> None:
    """One <row> of the copy (none when it holds no kept cell)."""
    if cells:
        out.write(f'<row r="{row}">'.encode() + b"".join(cells) + b"</row>")


def _cell_xml(elem: Element, ref: str) -> bytes:
    """A cell as plain XML: its r=, its s= and t= kept, its value, inline string or formula below."""
    cell = Element("c", {"r": ref, **{k: v for k, v in elem.attrib.items() if k in ("s", "t")}})
    for child in elem:
        cell.append(_plain(child))
    return tostring(cell)


def _plain(elem: Element) -> Element:
    """A copy of an element with every namespace taken off its tags and attributes."""
    copy = Element(_local(elem.tag), {_local(k): v for k, v in elem.attrib.items()})
    copy.text, copy.tail = elem.text, None
    for child in elem:
        copy.append(_plain(child))
    return copy


def _merges(zf: zipfile.ZipFile, part: str, keep: int) -> list[str]:
    """The sheet's merged ranges that lie inside the kept columns."""
    found = []
    try:
        with zf.open(part) as fh:
            for _event, elem in iterparse(fh, events=("end",)):
                if _local(elem.tag) == "mergeCell":
                    ref = elem.get("ref", "")
                    ends = [REF.fullmatch(x) for x in ref.split(":")]
                    if all(ends) and max(column_number(m.group(1)) for m in ends if m) <= keep:
                        found.append(ref.upper())
                elif _local(elem.tag) in ("row", "c"):
                    elem.clear()
    except Exception:
        raise ImportFileError(MSG_INVALID) from None
    return found
