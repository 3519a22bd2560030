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
from importers.xlsx_extent import check_workbook, column_letters, too_big

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_RATIO = 200
RATIO_CHECK_FLOOR = 1024 * 1024  # the ratio rule only applies above 1 MB unzipped

# An ods table, row or cell tag with its attributes (either quote, spaces around =; calamine reads both),
# whether it closes itself, or the end of a row (a space allowed before >).
ODS_TAG = re.compile(rb'<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])'
                     rb'((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*)\s*(/?)>|</table:table-row\s*>')
ODS_ROWS = re.compile(rb'number-rows-repeated\s*=\s*["\']\s*\+?([0-9]{1,12})')
ODS_COLS = re.compile(rb'number-columns-repeated\s*=\s*["\']\s*\+?([0-9]{1,12})')
DATE1904 = re.compile(rb'date1904\s*=\s*["\'](?:1|true)["\']')

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
            _check_entry_names(infos, names)
            if "xl/workbook.xml" in names:
                trims = check_workbook(zf, names)
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


XLSX_MARKERS = ("xl/workbook.xml", "[content_types].xml", "_rels/.rels")
ODS_MARKERS = ("mimetype", "content.xml")


def _check_entry_names(infos: list[zipfile.ZipInfo], names: dict[str, str]) -> None:
    """Refuse entry names a reader could resolve otherwise than this check (two names differing in case
    only, a backslash, a . or .. segment) and a package that is both an xlsx and an ods: the reader
    guesses the format from the content and could read the part that was not checked."""
    odd = len(names) != len(infos) or any(
        "\\" in i.filename or any(seg in (".", "..") for seg in i.filename.split("/")) for i in infos)
    if odd or (any(m in names for m in XLSX_MARKERS) and any(m in names for m in ODS_MARKERS)):
        raise ImportFileError("文件内部结构异常（重名条目、特殊路径或同时含两种表格格式），疑似恶意或损坏的文件，已拒绝。"
                              "如确是下发的名单，请用 Excel 或 WPS 打开后另存为 xlsx 再导入")


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


def _trim_note(trims: list[tuple[str, int, int, str]]) -> str | None:
    """The clerk's note on stray cells left out, or None."""
    if not trims:
        return None
    left_out = sum(t[2] for t in trims)
    far = "、".join(t[3] for t in trims[:3])
    last = "、".join(sorted({column_letters(t[1]) for t in trims}))
    return f"表格右侧远处有 {left_out} 个零散单元格（最远在 {far}），不在名单的列内，已忽略；只读取到第 {last} 列"


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
                tag, attrs, closed = m.group(1), m.group(2) or b"", m.group(3) == b"/"
                if tag == b"table":
                    rows = 0
                elif tag == b"table-row":
                    rep = ODS_ROWS.search(attrs)
                    row_rep, col, width = int(rep.group(1)) if rep else 1, 0, 0
                    if closed:
                        rows += row_rep
                elif tag is None:  # </table:table-row>
                    if width:
                        last_row, max_col = max(last_row, rows + row_rep), max(max_col, width)
                    rows += row_rep
                else:
                    rep = ODS_COLS.search(attrs)
                    cells += 1
                    col += int(rep.group(1)) if rep else 1
                    if b"value-type" in attrs or b"formula" in attrs or not closed:  # a cell the reader fills
                        width = col
    area = last_row * max_col
    if too_big(area, cells):
        raise ImportFileError(f"工作表的数据范围异常（{last_row} 行 x {max_col} 列，文件中只写了 {cells} 个单元格），"
                              "疑似恶意或损坏的文件，已拒绝。如确是下发的名单，请把数据复制到新的工作簿另存后再导入")


def _datemode(workbook_xml: bytes) -> int:
    """1 when the workbook uses the 1904 date system (<workbookPr date1904="1"/>, Mac Excel), else 0."""
    return 1 if DATE1904.search(workbook_xml) else 0


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
