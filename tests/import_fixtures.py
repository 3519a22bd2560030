"""Build import fixture files in a temp dir: xlsx (openpyxl or raw XML), csv, ods, xls and hostile files.

The .xls and .ods writers are minimal hand-made encoders (no LibreOffice here): BIFF8 records in a
version-3 compound file, and an ODF zip with content.xml. They carry only what the reader needs.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], *, hidden: tuple[str, ...] = (),
               merges: dict[str, list[str]] | None = None) -> Path:
    """Write an xlsx with openpyxl: {sheet name: rows}, hidden sheet names, merged ranges."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def col_letter(col: int) -> str:
    """0-based column index to letters (0 -> A)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_xml(row: int, col: int, value: Any) -> str:
    """One <c> element (inline string or number) for a raw sheet."""
    ref = f"{col_letter(col)}{row + 1}"
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows: list[list[Any]], start: int = 0) -> str:
    """<row> elements for rows of values ('' and None cells are left out)."""
    out = []
    for r, row in enumerate(rows, start):
        cells = "".join(cell_xml(r, c, v) for c, v in enumerate(row) if v not in ("", None))
        out.append(f'<row r="{r + 1}">{cells}</row>')
    return "".join(out)


def sheet_xml(body: str, dimension: str | None = None) -> str:
    """A worksheet part around <row> elements, with an optional (possibly wrong) <dimension>."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{dim}<sheetData>{body}</sheetData></worksheet>'


def write_raw_xlsx(path: Path, sheets: dict[str, str]) -> Path:
    """Write a minimal xlsx package from ready-made worksheet XML ({sheet name: xml})."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _write_package_parts(zf, list(sheets))
        for i, xml in enumerate(sheets.values(), 1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path


def _write_package_parts(zf: zipfile.ZipFile, names: list[str]) -> None:
    """Content types, relationships and workbook.xml for `names`."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1))
    zf.writestr("[Content_Types].xml", (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'{overrides}</Types>'))
    zf.writestr("_rels/.rels", (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
    sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    zf.writestr("xl/workbook.xml", (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        f'<sheets>{sheets}</sheets></workbook>'))
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, len(names) + 1))
    zf.writestr("xl/_rels/workbook.xml.rels", (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{rels}</Relationships>'))


def write_big_xlsx(path: Path, header: list[str], n_rows: int, make_row) -> Path:
    """Stream a one-sheet xlsx with `n_rows` rows from make_row(i) (fast: raw XML, no openpyxl)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        _write_package_parts(zf, ["名单"])
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
            fh.write(rows_xml([header]).encode())
            for start in range(0, n_rows, 5000):
                chunk = [make_row(i) for i in range(start, min(start + 5000, n_rows))]
                fh.write(rows_xml(chunk, start + 1).encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def write_csv(path: Path, rows: list[list[Any]], encoding: str) -> Path:
    """Write rows as comma-separated text in `encoding` (utf-8, utf-8-sig, gb18030)."""
    text = "\r\n".join(",".join(str(v) for v in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def zip_bomb(path: Path, megabytes: int = 200) -> Path:
    """A zip named like an xlsx whose one entry inflates to `megabytes` MB of zeros."""
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(megabytes):
                fh.write(zeros)
    return path


def truncated_copy(src: Path, dst: Path, keep: float = 0.6) -> Path:
    """A copy of `src` cut short, like an interrupted download."""
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


def sparse_file(path: Path, size: int, head: bytes = b"PK\x03\x04") -> Path:
    """A sparse file of `size` bytes starting with `head` (no real disk use)."""
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


# --- ODS ---------------------------------------------------------------------------------------

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def _ods_cell(value: Any, span: tuple[int, int] | None, covered: bool) -> str:
    """One ODS cell element."""
    if covered:
        return "<table:covered-table-cell/>"
    attrs = f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"' if span else ""
    if value in ("", None):
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, (int, float)):
        return f'<table:table-cell{attrs} office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell{attrs} office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: dict[str, list[list[Any]]],
              spans: dict[str, dict[tuple[int, int], tuple[int, int]]] | None = None) -> Path:
    """Write a minimal .ods; spans = {sheet: {(row, col): (rows, cols)}} for merged cells."""
    tables = []
    for name, rows in sheets.items():
        merged = (spans or {}).get(name, {})
        covered = {(r + dr, c + dc) for (r, c), (nr, nc) in merged.items()
                   for dr in range(nr) for dc in range(nc) if dr or dc}
        body = "".join("<table:table-row>" + "".join(
            _ods_cell(v, merged.get((r, c)), (r, c) in covered) for c, v in enumerate(row))
            + "</table:table-row>" for r, row in enumerate(rows))
        tables.append(f'<table:table table:name="{escape(name)}">{body}</table:table>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet></office:body>'
               '</office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


# --- OLE2 compound file and BIFF8 (.xls) ---------------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A version-3 compound file holding `streams`, each padded to 4096+ bytes (no mini stream)."""
    blobs = [s + b"\0" * (max(4096, -(-len(s) // 512) * 512) - len(s)) for s in streams.values()]
    fat, starts, sector = [FATSECT, ENDOFCHAIN], [], 2
    for blob in blobs:
        count = len(blob) // 512
        starts.append(sector)
        fat += list(range(sector + 1, sector + count)) + [ENDOFCHAIN]
        sector += count
    if len(fat) > 128 or len(streams) > 3:
        raise ValueError("fixture compound file too large")
    fat += [FREESECT] * (128 - len(fat))
    header = (OLE2_MAGIC + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108)
    entries = [_dir_entry("Root Entry", 5, ENDOFCHAIN, 0, child=1)]
    for i, (name, start, blob) in enumerate(zip(streams, starts, blobs)):
        right = i + 2 if i + 1 < len(streams) else NOSTREAM
        entries.append(_dir_entry(name, 2, start, len(blob), right=right))
    directory = b"".join(entries).ljust(512, b"\0")
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + b"".join(blobs))
    return path


def _dir_entry(name: str, kind: int, start: int, size: int, *, child: int = NOSTREAM,
               right: int = NOSTREAM) -> bytes:
    """One 128-byte compound-file directory entry."""
    raw = name.encode("utf-16-le")
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw) + 2, kind, 1)
            + struct.pack("<III", NOSTREAM, right, child) + bytes(16 + 4 + 16)
            + struct.pack("<II", start, size) + bytes(4))


def _record(typ: int, data: bytes) -> bytes:
    """One BIFF record."""
    return struct.pack("<HH", typ, len(data)) + data


def _bof(dt: int) -> bytes:
    """BIFF8 BOF record (dt 0x0005 globals, 0x0010 worksheet)."""
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))


def _sheet_stream(rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> bytes:
    """A worksheet substream: LABEL and NUMBER cells, MERGEDCELLS, EOF."""
    out = [_bof(0x0010)]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out.append(_record(0x0203, struct.pack("<HHHd", r, c, 0, float(v))))
            elif v not in ("", None):
                raw = str(v).encode("utf-16-le")
                out.append(_record(0x0204, struct.pack("<HHHHB", r, c, 0, len(raw) // 2, 1) + raw))
    if merges:
        ranges = b"".join(struct.pack("<HHHH", r0, r1, c0, c1) for r0, c0, r1, c1 in merges)
        out.append(_record(0x00E5, struct.pack("<H", len(merges)) + ranges))
    return b"".join(out) + _record(0x000A, b"")


def write_xls(path: Path, sheets: dict[str, list[list[Any]]], *, hidden: tuple[str, ...] = (),
              merges: dict[str, list[tuple[int, int, int, int]]] | None = None,
              password: bool = False) -> Path:
    """Write a minimal BIFF8 .xls (strings and numbers, hidden sheets, merged ranges, FILEPASS)."""
    bodies = [_sheet_stream(rows, (merges or {}).get(name, [])) for name, rows in sheets.items()]
    names = [name.encode("utf-16-le") for name in sheets]
    filepass = _record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48)) if password else b""
    bound_len = sum(4 + 6 + 2 + len(n) for n in names)
    pos = len(_bof(0x0005)) + len(filepass) + bound_len + 4
    bound = []
    for name, raw, body in zip(sheets, names, bodies):
        state = 1 if name in hidden else 0
        bound.append(_record(0x0085, struct.pack("<IBBBB", pos, state, 0, len(raw) // 2, 1) + raw))
        pos += len(body)
    stream = _bof(0x0005) + filepass + b"".join(bound) + _record(0x000A, b"") + b"".join(bodies)
    return write_cfb(path, {"Workbook": stream})


def encrypted_xlsx_stub(path: Path) -> Path:
    """An OLE2 file shaped like a password-protected xlsx (EncryptionInfo + EncryptedPackage)."""
    return write_cfb(path, {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(200),
                            "EncryptedPackage": struct.pack("<Q", 1000) + bytes(1000)})
