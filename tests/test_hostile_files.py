"""Hostile import files (issue 20, 7): a tiny xlsx whose used range is huge is refused before the reader,
or read only up to the list's columns when the range comes from stray cells far to the right."""

from __future__ import annotations

import re
import sqlite3

import pytest
from typer.testing import CliRunner

import python_calamine as pc
from importers.errors import ImportFileError
from importers.read import read_sheets
from importers.sniff import sniff
from main import app
from store.db import close_db
from tests import import_fixtures as fx
from tests.import_helpers import ident

runner = CliRunner()
HEADER = ["姓名", "身份证号", "村(居)"]


def hostile(path, far: str):
    """A header, five rows and one cell far away (e.g. XFD60000): about 2 KB zipped."""
    rows = fx.rows_xml([HEADER] + [[f"张{i}", ident(i), "后龙村"] for i in range(1, 6)])
    row = int("".join(ch for ch in far if ch.isdigit()))
    body = rows + f'<row r="{row}"><c r="{far}"><v>1</v></c></row>'
    return fx.write_raw_xlsx(path, {"名单": fx.sheet_xml(body, dimension="A1:C6")})


@pytest.fixture
def no_reader(monkeypatch):
    """The reader must never be reached: calamine would allocate rows x columns cells."""
    def refuse(*args, **kwargs):
        raise AssertionError("calamine opened a hostile file")

    monkeypatch.setattr(pc.CalamineWorkbook, "from_path", refuse)
    monkeypatch.setattr(pc.CalamineWorkbook, "from_filelike", refuse)


@pytest.mark.parametrize("far", ["C1000000", "AB900000", "A30000000"])
def test_a_range_too_tall_to_trim_is_refused_before_reading(tmp_path, no_reader, far):
    path = hostile(tmp_path / "名单.xlsx", far)
    assert path.stat().st_size < 4096
    with pytest.raises(ImportFileError) as info:
        sniff(path)
    message = info.value.message  # the range, or a row number past Excel's last row
    assert "疑似恶意或损坏" in message and far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") in message


@pytest.mark.parametrize("far", ["XFD2000", "XFD8000", "XFD60000", "AMJ99999"])
def test_a_stray_cell_far_right_is_left_out_and_only_the_lists_columns_read(tmp_path, monkeypatch, far):
    """The reader gets a copy holding the list's columns only (it never sees the far cell)."""
    opened = []
    real = pc.CalamineWorkbook.from_filelike
    monkeypatch.setattr(pc.CalamineWorkbook, "from_path", lambda *a, **k: pytest.fail("read the file as it is"))
    monkeypatch.setattr(pc.CalamineWorkbook, "from_filelike", lambda fh: opened.append(fh) or real(fh))
    path = hostile(tmp_path / "名单.xlsx", far)
    found = sniff(path)
    assert found.trims and found.note == f"表格右侧远处有 1 个零散单元格（最远在 {far}），不在名单的列内，已忽略；只读取到第 Z 列"
    sheet = read_sheets(path, found)[0]
    assert len(opened) == 1 and far.encode() not in opened[0].getvalue()
    assert [row[:3] for row in sheet.rows] == [HEADER] + [[f"张{i}", ident(i), "后龙村"] for i in range(1, 6)]
    assert max(len(row) for row in sheet.rows) == 3


def test_the_cli_imports_such_a_list_and_says_what_it_left_out(tmp_path, db_path):
    close_db()
    runner.invoke(app, ["--db", str(db_path), "init", "--town", "后龙镇", "--district", "泉港区"])
    runner.invoke(app, ["--db", str(db_path), "village", "add", "后龙村"])
    path = hostile(tmp_path / "名单.xlsx", "XFD60000")
    result = runner.invoke(app, ["--db", str(db_path), "import", str(path), "--category", "5"])
    close_db()
    assert result.exit_code == 0, result.output
    assert "最远在 XFD60000" in result.output
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM person").fetchone() == (5,)


def test_data_beyond_z_stays_when_the_columns_run_on(tmp_path):
    """A list 40 columns wide with one stray cell at column 2000: the 40 columns are read."""
    header = HEADER + [f"列{i}" for i in range(4, 41)]
    rows = [header] + [[f"张{r}", ident(r), "后龙村"] + [f"v{r}-{c}" for c in range(4, 41)] for r in range(1, 6)]
    body = fx.rows_xml(rows) + '<row r="200000"><c r="BXX200000"><v>1</v></c></row>'
    path = fx.write_raw_xlsx(tmp_path / "宽.xlsx", {"名单": fx.sheet_xml(body, dimension="A1:AN6")})
    found = sniff(path)
    assert found.trims == (("xl/worksheets/sheet1.xml", 40, 1, "BXX200000"),)
    sheet = read_sheets(path, found)[0]
    assert sheet.rows[0] == header and sheet.rows[5][39] == "v5-40" and len(sheet.rows) == 6


def test_a_normal_wide_list_still_passes(tmp_path):
    wide = [HEADER + [f"列{i}" for i in range(100)]] + [[f"张{r}", ident(r), "后龙村"] + list(range(100))
                                                      for r in range(1, 30)]  # 103 columns, 30 rows
    path = fx.write_xlsx(tmp_path / "宽表.xlsx", {"名单": wide})
    assert sniff(path).kind == "xlsx"


def ods(path, body: str):
    """A minimal ods package around one table's rows."""
    import zipfile

    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="名单">{body}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                                             'xmlns:manifest:1.0"/>', zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def cell(text: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def test_an_ods_cell_repeated_over_a_huge_range_is_refused(tmp_path, no_reader):
    """731 bytes: one value repeated 2,000 columns x 20,000 rows made the reader abort."""
    body = (f"<table:table-row>{cell('姓名')}{cell('身份证号')}</table:table-row>"
            '<table:table-row table:number-rows-repeated="20000"><table:table-cell table:number-columns-repeated="2000"'
            ' office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')
    path = ods(tmp_path / "名单.ods", body)
    assert path.stat().st_size < 2048
    with pytest.raises(ImportFileError) as info:
        sniff(path)
    assert "数据范围异常" in info.value.message and "20001 行 x 2000 列" in info.value.message


def test_an_ods_with_the_empty_tail_libreoffice_writes_passes(tmp_path):
    rows = "".join(f"<table:table-row>{cell(f'张{i}')}{cell(ident(i))}"
                   '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>' for i in range(1, 6))
    tail = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>')
    path = ods(tmp_path / "名单.ods", f"<table:table-row>{cell('姓名')}{cell('身份证号')}</table:table-row>{rows}{tail}")
    assert sniff(path).kind == "ods"


def test_a_stray_formula_far_right_does_not_reject_its_row(tmp_path, db_path):
    """A formula without a value at XFD3 is one of the left-out cells, not a fault of row 3."""
    rows = fx.rows_xml([HEADER] + [[f"张{i}", ident(i), "后龙村"] for i in range(1, 6)])
    body = rows.replace('</c></row><row r="4">', '</c><c r="XFD3"><f>1+1</f></c></row><row r="4">', 1)
    assert 'r="XFD3"' in body
    path = fx.write_raw_xlsx(tmp_path / "名单.xlsx", {"名单": fx.sheet_xml(body + '<row r="9000"><c r="XFD9000">'
                                                                             "<v>1</v></c></row>")})
    close_db()
    runner.invoke(app, ["--db", str(db_path), "init", "--town", "后龙镇", "--district", "泉港区"])
    runner.invoke(app, ["--db", str(db_path), "village", "add", "后龙村"])
    result = runner.invoke(app, ["--db", str(db_path), "import", str(path), "--category", "5"])
    close_db()
    assert result.exit_code == 0 and "2 个零散单元格" in result.output, result.output
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM person").fetchone() == (5,)


# Attack shapes a reviewer built against the first version of the trim (issue 20, item 7): each is a
# few KB; each must be refused, or read with the list's cells intact, in well under a second.
ROWS = fx.rows_xml([HEADER] + [[f"张{i}", ident(i), "后龙村"] for i in range(1, 6)])
NAMES = [HEADER] + [[f"张{i}", ident(i), "后龙村"] for i in range(1, 6)]


def raw(tmp_path, name: str, body: str) -> object:
    return fx.write_raw_xlsx(tmp_path / f"{name}.xlsx", {"名单": fx.sheet_xml(body)})


@pytest.mark.parametrize("far_cell", [
    "<c r='XFD60000'><v>1</v></c>",  # single quotes
    '<c r = "XFD60000"><v>1</v></c>',  # spaces around =
    '<c r="XFD0000060000"><v>1</v></c>',  # leading zeros
    '<c r="xfd60000"><v>1</v></c>',  # lower case
])
def test_odd_spellings_of_a_far_reference_are_seen(tmp_path, far_cell):
    path = raw(tmp_path, "odd", ROWS + f'<row r="60000">{far_cell}</row>')
    found = sniff(path)
    assert found.trims and "XFD60000" in (found.note or "")
    assert [row[:3] for row in read_sheets(path, found)[0].rows] == NAMES


@pytest.mark.parametrize("body", [
    ROWS.replace("</row>", '<c r="XFD1"><v>1</v></c></row>', 1) + '<row r="999999">' + "<c><v>1</v></c>" * 26 + "</row>",
    ROWS + "<row><c><v>1</v></c></row>" * 3 + '<row r="900000"><c><v>1</v></c></row>',  # rows and cells without r=
    ROWS + '<row r="192000"><c r="Z192000"><v>1</v></c></row>',
])
def test_a_tall_sparse_range_is_refused_however_it_is_written(tmp_path, no_reader, body):
    with pytest.raises(ImportFileError) as info:
        sniff(raw(tmp_path, "tall", body))
    assert "数据范围异常" in info.value.message


@pytest.mark.parametrize("odd", ['<c r="XFD1"><v>9</v></c >', '<c r="ZZ1" foo="a&gt;b"><v>9</v></c>',
                                 '<c r="ZZ1" foo="a>b"/>'])
def test_an_odd_far_cell_never_takes_a_kept_cell_with_it(tmp_path, odd):
    path = raw(tmp_path, "odd", ROWS.replace("</row>", odd + "</row>", 1)
               + '<row r="60000"><c r="XFD60000"><v>1</v></c></row>')
    rows = read_sheets(path, sniff(path))[0].rows
    assert [row[:3] for row in rows] == NAMES  # 张1 in A2 is still there


def test_a_prefixed_sheet_is_trimmed_too(tmp_path):
    body = ROWS + '<row r="60000"><c r="XFD60000"><v>1</v></c></row>'
    prefixed = body.replace("<row", "<x:row").replace("</row>", "</x:row>").replace("<c ", "<x:c ") \
        .replace("</c>", "</x:c>").replace("<is>", "<x:is>").replace("</is>", "</x:is>") \
        .replace("<t>", "<x:t>").replace("</t>", "</x:t>").replace("<v>", "<x:v>").replace("</v>", "</x:v>")
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{fx.MAIN_NS}"><x:sheetData>{prefixed}'
           "</x:sheetData></x:worksheet>")
    path = fx.write_raw_xlsx(tmp_path / "prefixed.xlsx", {"名单": xml})
    found = sniff(path)
    assert found.trims
    assert [row[:3] for row in read_sheets(path, found)[0].rows] == NAMES


def test_one_sheet_named_many_times_counts_many_times(tmp_path, no_reader):
    import zipfile

    dense = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>2</v></c><c r="C{r}"><v>3</v></c></row>'
                    for r in range(7, 45_000))
    path = raw(tmp_path, "many", ROWS + dense + '<row r="100000"><c r="A100000"><v>1</v></c></row>')
    assert sniff(path).kind == "xlsx"  # once: 100,000 rows x 26 columns at most, 135,000 cells: fine
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    sheets = "".join(f'<sheet name="表{i}" sheetId="{i}" r:id="rId1"/>' for i in range(1, 12))
    parts["xl/workbook.xml"] = re.sub(rb"<sheets>.*</sheets>", f"<sheets>{sheets}</sheets>".encode(), parts["xl/workbook.xml"])
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(ImportFileError) as info:
        sniff(path)  # eleven times: more than the whole workbook may hold
    assert "合计过大" in info.value.message


def test_a_shared_string_table_announcing_billions_is_refused(tmp_path, no_reader):
    import zipfile

    path = raw(tmp_path, "sst", ROWS)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{fx.MAIN_NS}" count="4000000000" '
                                            'uniqueCount="4000000000"><si><t>a</t></si></sst>')
    with pytest.raises(ImportFileError) as info:
        sniff(path)
    assert "4000000000 个字符串" in info.value.message


def test_a_long_narrow_list_is_measured_by_its_real_columns(tmp_path):
    """60,000 rows of one column: 26 columns assumed would make it look sparse; the walk counts one."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 60_001))
    assert sniff(raw(tmp_path, "narrow", body)).kind == "xlsx"


# A second review read calamine's source and built files where it and the first rebuilt check disagreed.

def _rezip(path, change) -> None:
    """Rewrite a package's entries through change({name: bytes})."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def test_a_prefixed_cell_in_an_unprefixed_sheet_is_seen(tmp_path):
    path = raw(tmp_path, "mixed", ROWS + f'<row r="38000"><x:c xmlns:x="{fx.MAIN_NS}" r=\'XFD38000\'><x:v>1</x:v></x:c></row>')
    found = sniff(path)
    assert found.trims and "XFD38000" in (found.note or "")
    assert [row[:3] for row in read_sheets(path, found)[0].rows] == NAMES


@pytest.mark.parametrize("ref", ['<c r="AAAB1"><v>1</v></c>', '<c r="A4295005296"><v>1</v></c>'])
def test_a_reference_calamine_would_read_otherwise_is_refused(tmp_path, no_reader, ref):
    """Four letters, or a row past Excel's last (calamine wraps it at 2^32), in a sheet the walk measures."""
    with pytest.raises(ImportFileError) as info:
        sniff(raw(tmp_path, "ref", ROWS + "<row><c><v>1</v></c></row>" + f"<row>{ref}</row>"))
    assert "写法异常" in info.value.message


def test_sheet_data_under_any_entry_name_is_measured(tmp_path, no_reader):
    """The reader may find a part by a path this check would spell otherwise: every entry holding sheet
    data is measured, named by the workbook or not."""
    path = raw(tmp_path, "hidden", ROWS)
    evil = fx.sheet_xml(ROWS + '<row r="900000"><c r="C900000"><v>1</v></c></row>').encode()
    _rezip(path, lambda parts: parts.__setitem__("evil/worksheets/sheet1.xml", evil))
    with pytest.raises(ImportFileError) as info:
        sniff(path)
    assert "C900000" in info.value.message


@pytest.mark.parametrize("extra", [("XL/WORKBOOK.XML", b"<workbook/>"), ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                                   ("xl\\worksheets\\sheet9.xml", b"<worksheet/>")])
def test_an_ambiguous_package_is_refused(tmp_path, no_reader, extra):
    """Names differing in case only, a second format's parts, a backslash: the reader could open what
    the check did not measure."""
    path = raw(tmp_path, "ambiguous", ROWS)
    _rezip(path, lambda parts: parts.__setitem__(*extra))
    with pytest.raises(ImportFileError) as info:
        sniff(path)
    assert "文件内部结构异常" in info.value.message


def test_a_shared_string_count_hidden_after_padding_is_found(tmp_path, no_reader):
    path = raw(tmp_path, "sst2", ROWS)
    sst = (f'<?xml version="1.0"?><!--{"x" * 5000}--><sst xmlns="{fx.MAIN_NS}" xmlns:pad="urn:{"p" * 5000}" '
           'uniqueCount="4000000000"><si><t>a</t></si></sst>').encode()
    _rezip(path, lambda parts: parts.__setitem__("xl/sharedStrings.xml", sst))
    with pytest.raises(ImportFileError) as info:
        sniff(path)
    assert "4000000000 个字符串" in info.value.message


def test_a_run_of_zeros_costs_no_backtracking(tmp_path):
    """r="AB" then 60,000 zeros and no closing quote, in a comment: took 10 s of regex backtracking."""
    path = raw(tmp_path, "zeros", ROWS + f'<!-- r="AB{"0" * 60_000} -->')
    assert [row[:3] for row in read_sheets(path, sniff(path))[0].rows] == NAMES


@pytest.mark.parametrize("spelling", ["table:number-rows-repeated='20000'", 'table:number-rows-repeated = "+20000"'])
def test_an_ods_range_in_any_attribute_spelling_is_refused(tmp_path, no_reader, spelling):
    body = (f"<table:table-row>{cell('姓名')}{cell('身份证号')}</table:table-row>"
            f'<table:table-row {spelling}><table:table-cell table:number-columns-repeated="2000"'
            ' office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row >')
    with pytest.raises(ImportFileError) as info:
        sniff(ods(tmp_path / "名单.ods", body))
    assert "数据范围异常" in info.value.message


def test_a_long_list_beside_many_small_sheets_is_read(tmp_path):
    """A 100,000-row list and nineteen small sheets: the total counts each sheet as it is."""
    long = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>' for r in range(1, 100_001))
    sheets = {"名单": fx.sheet_xml(long)} | {f"村{i}": fx.sheet_xml(ROWS) for i in range(19)}
    path = fx.write_raw_xlsx(tmp_path / "多表.xlsx", sheets)
    assert sniff(path).kind == "xlsx"
