"""Identify an import file's real format from its bytes, before any parser sees it.

`sniff(path)` returns a `Sniffed(kind, note, encoding)`: `kind` is "xlsx" | "xls" | "ods" | "csv";
`note` is a Chinese sentence for the clerk when the real format differs from the extension or stray
cells far to the right of the data are left out (otherwise None); `encoding` is the text encoding for
"csv" ("utf-8-sig" or "gb18030"); `trims` names the xlsx sheets to read only up to a column (importers.read).
Anything unreadable, hostile or too big raises `ImportFileError` with a one-line Chinese reason.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from importers.errors import MSG_INVALID, MSG_PASSWORD, ImportFileError

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_RATIO = 200
RATIO_CHECK_FLOOR = 1024 * 1024  # the ratio rule only applies above 1 MB unzipped

# A sheet's used range (rows x columns) the reader fills cell by cell: refused above MAX_AREA, or
# above SPARSE_AREA when it is mostly empty (more than MAX_SPARSENESS times its cells).
MAX_AREA = 25_000_000
SPARSE_AREA = 5_000_000
MAX_SPARSENESS = 20
# Cells to the right of the data (a stray entry at XFD2000) are left out when the sheet would be refused
# with them: the data's columns are A-Z and every further column within COLUMN_GAP of the last one kept.
COLUMN_GAP = 26
# One pass finds both: a cell of column AA or beyond, and a row (or cell) of row 100,000 or beyond.
FAR_REF = re.compile(rb'r="(?:([A-Z]{2,3})([0-9]{1,8})|([A-Z]?)([0-9]{6,8}))"')
ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table(?=[\s>]))([^>]*)>|</table:table-row>")
ODS_ROWS = re.compile(rb'number-rows-repeated="(\d{1,9})"')
ODS_COLS = re.compile(rb'number-columns-repeated="(\d{1,9})"')
DATE1904 = re.compile(rb'date1904\s*=\s*["\'](?:1|true)["\']')
ANY_ROW = re.compile(rb'\br="[A-Z]{0,3}([0-9]{1,8})"')
CELL_ROW = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,8})"')

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
ENCRYPTED_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
TEXT_EXTENSIONS = {".csv", ".txt"}
KIND_LABELS = {"xlsx": "xlsx", "xls": "Excel 97-2003(.xls)", "ods": "ods", "csv": "csv"}
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Sniffed:
    """The real format of a file, with a note for the clerk and the csv text encoding."""

    kind: str
    note: str | None = None
    encoding: str | None = None
    datemode: int = 0  # 1: the workbook counts dates from 1904 (a bare serial number means another day)
    trims: tuple[tuple[str, int, int, str], ...] = ()  # (sheet part, last column read, cells left out, farthest)

    def __str__(self) -> str:
        """The kind, so a Sniffed prints like the plain format name."""
        return self.kind


def sniff(path: str | os.PathLike) -> Sniffed:
    """Return the real format of the file at `path`, or raise ImportFileError."""
    path = Path(path)
    size = _check_file(path)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(ZIP_MAGIC):
        kind, datemode, trims = _sniff_zip(path, size)
        notes = [n for n in (_extension_note(path, kind), _trim_note(trims)) if n]
        return Sniffed(kind, "；".join(notes) or None, None, datemode, tuple(trims))
    elif head == OLE2_MAGIC:
        kind = _sniff_ole2(path)
    elif path.suffix.lower() in TEXT_EXTENSIONS:
        return Sniffed("csv", None, decode_text(path.read_bytes())[1])
    else:
        raise ImportFileError(MSG_INVALID)
    return Sniffed(kind, _extension_note(path, kind))


def _check_file(path: Path) -> int:
    """Check existence, type, permission and size; return the size in bytes."""
    try:
        return _check_file_stat(path)
    except OSError as exc:  # a name too long, a path through a file ...
        from store.fsio import os_error_text

        raise ImportFileError(f"无法读取该文件（{os_error_text(exc, path=False)}），请检查文件名和路径：{path}") from exc


def _check_file_stat(path: Path) -> int:
    """_check_file's checks (they may raise OSError)."""
    if not path.exists():
        raise ImportFileError(f"文件不存在：{path}")
    if not path.is_file():
        raise ImportFileError(f"不是文件：{path}")
    if not os.access(path, os.R_OK):
        raise ImportFileError("没有权限读取该文件")
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError("文件为空")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"文件超过100MB（{size / 1024 / 1024:.0f}MB），请拆分后再导入")
    return size


def _sniff_zip(path: Path, size: int) -> tuple[str, int, list[tuple[str, int, int, str]]]:
    """Check a zip's entries against the caps and tell xlsx from ods; with the workbook's date mode and
    the sheets to read only up to a column (part name, last column, cells left out, farthest one)."""
    trims: list[tuple[str, int, int, str]] = []
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_zip_caps(infos, size)
            names = {info.filename.lower(): info.filename for info in infos}
            if "xl/workbook.xml" in names:
                for low, name in names.items():
                    if low.startswith("xl/worksheets/") and low.endswith(".xml"):
                        trim = _check_extent(zf, name)
                        if trim is not None:
                            trims.append((name, *trim))
                return "xlsx", _datemode(_read_small(zf, names["xl/workbook.xml"], 256 * 1024)), trims
            if "mimetype" in names and _read_small(zf, names["mimetype"]).strip().startswith(ODS_MIME.encode()):
                _check_ods_encryption(zf, names.get("meta-inf/manifest.xml"))
                if "content.xml" in names:
                    _check_ods_extent(zf, names["content.xml"])
                return "ods", 0, trims
            if "xl/workbook.bin" in names:
                raise ImportFileError("不支持xlsb格式，请用Excel另存为xlsx后再导入")
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, EOFError):
        raise ImportFileError(MSG_INVALID) from None
    raise ImportFileError(MSG_INVALID)


def _check_zip_caps(infos: list[zipfile.ZipInfo], size: int) -> None:
    """Refuse a zip whose declared contents are too many, too big or too compressed."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportFileError(f"文件内部条目过多（{len(infos)}个），疑似恶意文件，已拒绝")
    unzipped = sum(info.file_size for info in infos)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ImportFileError(f"文件解压后过大（{unzipped / 1024 / 1024:.0f}MB），疑似恶意文件，已拒绝")
    packed = max(sum(info.compress_size for info in infos), 1)
    if unzipped > RATIO_CHECK_FLOOR and unzipped / packed > MAX_ZIP_RATIO:
        raise ImportFileError(f"文件压缩比异常（{unzipped // packed}:1），疑似恶意文件，已拒绝")


def column_number(letters: bytes) -> int:
    """A column's number from its letters: A -> 1, XFD -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _check_extent(zf: zipfile.ZipFile, name: str) -> tuple[int, int, str] | None:
    """Refuse a sheet whose used range is huge but nearly empty (one cell at XFD60000 made the
    reader allocate rows x columns cells: 5 GB from a 2 KB file), unless leaving out the stray cells to
    the right of the data's columns (see COLUMN_GAP) makes it sound: then return (last column kept,
    cells left out, the farthest of them) for importers.read to read only those columns.

    One pass over the sheet's XML looks only at references with two or more column letters or a row
    number of six or more digits (a normal list has none, so its area bound is 26 x 99,999, too small
    to need more); the cells are counted, in a second pass, only when the area could be too big."""
    max_row, max_col, far = 99_999, 26, ""
    wide: dict[int, list[int]] = {}  # column (AA or beyond) -> [cells, last row]
    narrow_row = 0  # the last row of a far reference in columns A-Z
    for letters, digits in _far_refs(zf, name):
        row, col = int(digits), column_number(letters) if letters else 0
        if col >= 27:
            seen = wide.setdefault(col, [0, 0])
            seen[0] += 1
            seen[1] = max(seen[1], row)
            if row * col > max_row * max_col or not far:
                far = (letters + digits).decode()
        elif letters:  # a cell (a bare r="200000" is a <row>: its cells say where data is)
            narrow_row = max(narrow_row, row)
        if row > max_row or (row == max_row and letters and col < 27):
            max_row, far = row, (letters + digits).decode() if letters else f"第{row}行"
        max_col = max(max_col, col)
    area = max_row * max_col
    if area <= SPARSE_AREA:
        return None
    cells = _count_cells(zf, name)
    if _too_big(area, cells) and max_row == 99_999:  # the row bound was a guess: count the rows
        area = _last_row(zf, name) * max_col
    if not _too_big(area, cells):
        return None
    trim = _trimmed(zf, name, wide, narrow_row, cells)
    if trim is not None:
        return trim
    raise ImportFileError(f"工作表的数据范围异常（最远的单元格在 {far}，整张表只有 {cells} 个单元格），"
                          "疑似恶意或损坏的文件，已拒绝。如确是下发的名单，请把数据复制到新的工作簿另存后再导入")


def _trimmed(zf: zipfile.ZipFile, name: str, wide: dict[int, list[int]], narrow_row: int,
             cells: int) -> tuple[int, int, str] | None:
    """(last column kept, cells left out, the farthest of them) when the sheet is sound without the
    cells right of its data's columns; None when it is not (or nothing lies right of them)."""
    keep = 26
    for col in sorted(wide):
        if col > keep + COLUMN_GAP:
            break
        keep = col
    dropped = {col: seen for col, seen in wide.items() if col > keep}
    if not dropped:
        return None
    left_out = sum(seen[0] for seen in dropped.values())
    kept_rows = max([narrow_row] + [seen[1] for col, seen in wide.items() if col <= keep])
    rows = kept_rows if kept_rows >= 99_999 else _last_row(zf, name, keep)
    if _too_big(rows * keep, cells - left_out):
        return None
    col = max(dropped)
    return keep, left_out, f"{_col_letters(col)}{dropped[col][1]}"


def _col_letters(n: int) -> str:
    """A column's letters from its number: 1 -> A, 16384 -> XFD."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _trim_note(trims: list[tuple[str, int, int, str]]) -> str | None:
    """The clerk's note on stray cells left out, or None."""
    if not trims:
        return None
    left_out = sum(t[2] for t in trims)
    far = trims[0][3]
    return (f"表格右侧远处有 {left_out} 个零散单元格（最远在 {far}），不在名单的列内，已忽略；"
            f"只读取到第 {_col_letters(trims[0][1])} 列")


def _chunks(zf: zipfile.ZipFile, name: str):
    """A zip entry's bytes in large pieces, each cut before its last tag."""
    tail = b""
    with zf.open(name) as fh:
        while chunk := fh.read(4 * CHUNK):
            buf = tail + chunk
            cut = buf.rfind(b"<")
            body, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")
            yield body
    yield tail


def _far_refs(zf: zipfile.ZipFile, name: str):
    """(column letters, row digits) of every far reference (FAR_REF) in the sheet."""
    for body in _chunks(zf, name):
        for wide_letters, wide_digits, letters, digits in FAR_REF.findall(body):
            yield (wide_letters, wide_digits) if wide_letters else (letters, digits)


def _count_cells(zf: zipfile.ZipFile, name: str) -> int:
    """The cells written in the sheet (and the few <col>s: only a bound is needed)."""
    return sum(body.count(b"<c") for body in _chunks(zf, name))


def _check_ods_extent(zf: zipfile.ZipFile, name: str) -> None:
    """The ods form of _check_extent: a cell repeated 2,000 times across a row repeated 20,000 times is
    a 731-byte file the reader expands to 40M cells (it aborted). One pass over content.xml's row and
    cell tags: the used range (rows to the last non-empty one x columns to the last non-empty one)
    against the cell elements written."""
    last_row = max_col = rows = cells = width = col = row_rep = 0
    tail = b""
    with zf.open(name) as fh:
        while chunk := fh.read(4 * CHUNK):
            buf = tail + chunk
            cut = buf.rfind(b"<")
            body, tail = (buf[:cut], buf[cut:]) if cut > 0 else (buf, b"")
            for m in ODS_TAG.finditer(body):
                tag, attrs = m.group(1), m.group(2) or b""
                if tag == b"table":
                    rows = 0
                elif tag == b"table-row":
                    rep = ODS_ROWS.search(attrs)
                    row_rep, col, width = int(rep.group(1)) if rep else 1, 0, 0
                    if attrs.endswith(b"/"):
                        rows += row_rep
                elif tag is None:  # </table:table-row>
                    if width:
                        last_row, max_col = max(last_row, rows + row_rep), max(max_col, width)
                    rows += row_rep
                else:
                    rep = ODS_COLS.search(attrs)
                    cells += 1
                    col += int(rep.group(1)) if rep else 1
                    if b"value-type" in attrs or not attrs.endswith(b"/"):
                        width = col
    area = last_row * max_col
    if _too_big(area, cells):
        raise ImportFileError(f"工作表的数据范围异常（{last_row} 行 x {max_col} 列，文件中只写了 {cells} 个单元格），"
                              "疑似恶意或损坏的文件，已拒绝。如确是下发的名单，请把数据复制到新的工作簿另存后再导入")


def _datemode(workbook_xml: bytes) -> int:
    """1 when the workbook uses the 1904 date system (<workbookPr date1904="1"/>, Mac Excel), else 0."""
    return 1 if DATE1904.search(workbook_xml) else 0


def _too_big(area: int, cells: int) -> bool:
    """A used range too big to fill, or too big for how few cells it holds."""
    return area > MAX_AREA or (area > SPARSE_AREA and area > cells * MAX_SPARSENESS)


def _last_row(zf: zipfile.ZipFile, name: str, keep: int | None = None) -> int:
    """The highest row number any row or cell reference of the sheet names (a second, slower pass,
    only for a wide sheet); with ``keep``, only cells up to that column count."""
    last = 1
    for body in _chunks(zf, name):
        if keep is None:
            rows = ANY_ROW.findall(body)
            if rows:
                last = max(last, max(map(int, rows)))
            continue
        for letters, digits in CELL_ROW.findall(body):
            if column_number(letters) <= keep:
                last = max(last, int(digits))
    return last


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 64 * 1024) -> bytes:
    """Read at most `limit` bytes of a zip entry."""
    with zf.open(name) as fh:
        return fh.read(limit)


def _check_ods_encryption(zf: zipfile.ZipFile, manifest: str | None) -> None:
    """Refuse a password-protected ods (its manifest carries encryption data)."""
    if manifest and b"encryption-data" in _read_small(zf, manifest, 1024 * 1024):
        raise ImportFileError(MSG_PASSWORD)


def _sniff_ole2(path: Path) -> str:
    """An OLE2 file is an encrypted OOXML workbook or a real .xls."""
    if _contains_any(path, ENCRYPTED_STREAMS):
        raise ImportFileError(MSG_PASSWORD)
    return "xls"


def _contains_any(path: Path, needles: tuple[bytes, ...]) -> bool:
    """Stream the file and report whether any needle occurs in it."""
    overlap = max(len(n) for n in needles) - 1
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            window = tail + chunk
            if any(n in window for n in needles):
                return True
            tail = window[-overlap:]
    return False


def _extension_note(path: Path, kind: str) -> str | None:
    """A Chinese note when the extension does not match the real format."""
    ext = path.suffix.lower().lstrip(".")
    if ext == kind or (kind == "xls" and ext == "et"):
        return None
    shown = f".{ext}" if ext else "无扩展名"
    return f"文件扩展名为{shown}，实际格式是{KIND_LABELS[kind]}，已按实际格式读取"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text strictly as utf-8-sig, else gb18030; return (text, encoding)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, encoding
    raise ImportFileError("无法识别文件编码（不是UTF-8或GBK/GB18030），请用Excel另存为xlsx后再导入")
