"""The import reading layer: sniffing, reading sheets, header detection and cell values."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from importers import headers, sniff as sniff_mod, values
from importers.errors import MSG_FORMULA, MSG_INVALID, MSG_PASSWORD, ImportFileError
from importers.headers import apply_overrides, detect_header, find_report_date, infer_category, pick_sheet
from importers.formulas import formula_cells_without_value
from importers.read import fill_merged, list_sheets, read_sheets
from importers.sniff import sniff
from tests import import_fixtures as fx

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"  # the example lists, in the repository
HEADER = ["序号", "姓名", "身份证号", "村(居)", "自付金额(元)"]
ROWS = [[1, "张三", "350505199001011234", "后龙村", 12000.5], [2, "李四", "35050519800202222X", "上西村", 800]]


def read_one(path: Path):
    """Sniff, read and pick the data sheet of a file."""
    return pick_sheet(read_sheets(path, sniff(path)))


def rejects(path: Path, text: str) -> None:
    """Assert that sniffing (or else reading) the file fails with `text` in the message."""
    with pytest.raises(ImportFileError) as err:
        read_sheets(path, sniff(path))
    assert text in err.value.message


@pytest.fixture(scope="session")
def bomb(tmp_path_factory) -> Path:
    """A 200 MB-of-zeros zip bomb named .xlsx, built once (about 1 s)."""
    return fx.zip_bomb(tmp_path_factory.mktemp("bomb") / "名单.xlsx")


# --- sniffing and hostile files (BAD_INPUTS 17-21) ---------------------------------------------

def test_sniff_real_formats(tmp_path):
    assert sniff(fx.write_xlsx(tmp_path / "a.xlsx", {"S": [HEADER]})) == sniff_mod.Sniffed("xlsx")
    assert sniff(fx.write_xls(tmp_path / "a.xls", {"S": [HEADER]})).kind == "xls"
    assert sniff(fx.write_ods(tmp_path / "a.ods", {"S": [HEADER]})).kind == "ods"
    assert sniff(fx.write_csv(tmp_path / "a.csv", [HEADER], "utf-8")).kind == "csv"


def test_xls_renamed_xlsx_is_read_and_noted(tmp_path):
    path = fx.write_xls(tmp_path / "名单.xlsx", {"说明": [["填表说明"]], "名单": [HEADER] + ROWS})
    found = sniff(path)
    assert found.kind == "xls" and "97-2003" in found.note and ".xlsx" in found.note
    sheet, match = read_one(path)
    assert sheet.name == "名单" and match.row_index == 0 and sheet.rows[1][1] == "张三"


@pytest.mark.parametrize("name", ["名单.xlsx", "名单.xls"])
def test_encrypted_ole2_workbook_is_refused(tmp_path, name):
    rejects(fx.encrypted_xlsx_stub(tmp_path / name), MSG_PASSWORD)


@pytest.mark.parametrize("name", ["名单.xls", "名单.XLS", "名单.xlsx"])
def test_password_xls_is_refused_by_reader(tmp_path, name):
    rejects(fx.write_xls(tmp_path / name, {"S": [HEADER]}, password=True), MSG_PASSWORD)


@pytest.mark.parametrize("content", [b"<html><body><table><tr><td>1</td></tr></table></body></html>",
                                     "姓名,身份证号\n张三,1\n".encode("gb18030")])
def test_html_or_csv_renamed_xlsx_is_invalid(tmp_path, content):
    (tmp_path / "a.xlsx").write_bytes(content)
    rejects(tmp_path / "a.xlsx", MSG_INVALID)


def test_truncated_downloads_are_invalid(tmp_path):
    xlsx = fx.write_xlsx(tmp_path / "a.xlsx", {"S": [HEADER] + ROWS * 50})
    rejects(fx.truncated_copy(xlsx, tmp_path / "cut.xlsx"), MSG_INVALID)
    xls = fx.write_xls(tmp_path / "a.xls", {"S": [HEADER] + ROWS * 50})
    rejects(fx.truncated_copy(xls, tmp_path / "cut.xls", 0.3), MSG_INVALID)


def test_other_zips_are_refused(tmp_path):
    import zipfile
    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    rejects(tmp_path / "a.xlsx", MSG_INVALID)
    with zipfile.ZipFile(tmp_path / "b.xlsb", "w") as zf:
        zf.writestr("xl/workbook.bin", b"\0")
    rejects(tmp_path / "b.xlsb", "xlsb")


def test_zip_bomb_rejected_in_milliseconds(bomb):
    # Refused from the zip directory alone (bench/ times it); never inflated.
    with pytest.raises(ImportFileError) as err:
        sniff(bomb)
    assert "压缩比异常" in err.value.message


def test_zip_declared_size_and_entry_caps(bomb, tmp_path, monkeypatch):
    monkeypatch.setattr(sniff_mod, "MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)
    rejects(bomb, "解压后过大")
    monkeypatch.setattr(sniff_mod, "MAX_ZIP_ENTRIES", 50)
    import zipfile
    with zipfile.ZipFile(tmp_path / "many.xlsx", "w") as zf:
        for i in range(60):
            zf.writestr(f"xl/x{i}.xml", "")
    rejects(tmp_path / "many.xlsx", "条目过多")


def test_size_cap_empty_and_missing(tmp_path):
    rejects(fx.sparse_file(tmp_path / "big.xlsx", 101 * 1024 * 1024), "超过100MB")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    rejects(tmp_path / "empty.xlsx", "文件为空")
    rejects(tmp_path / "missing.xlsx", "文件不存在")
    rejects(tmp_path, "不是文件")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    path = fx.write_csv(tmp_path / "信访.csv", [["姓名", "身份证号", "来访日期"], ["𠮷田" if encoding != "gb18030" else "曾江",
                                                                             "350505199001011234", "2021.03.05"]], encoding)
    found = sniff(path)
    assert found.kind == "csv" and found.encoding == ("gb18030" if encoding == "gb18030" else "utf-8-sig")
    sheet, match = read_one(path)
    assert sheet.rows[0][0] == "姓名" and match.columns == {0: "name", 1: "id_number", 2: "petition_date"}
    assert sheet.rows[1][1] == "350505199001011234"


def test_tab_separated_txt(tmp_path):
    (tmp_path / "名单.txt").write_bytes("姓名\t身份证号\t备注\n张三\t350505199001011234\t有,逗号\n".encode("gb18030"))
    sheet, match = read_one(tmp_path / "名单.txt")
    assert sheet.rows == [["姓名", "身份证号", "备注"], ["张三", "350505199001011234", "有,逗号"]]


def test_csv_undecodable_and_binary(tmp_path):
    (tmp_path / "a.csv").write_bytes("姓名,身份证号\n".encode() + b"\xff\xfe\x80\x80\n")
    rejects(tmp_path / "a.csv", "编码")
    (tmp_path / "b.csv").write_bytes(b"a,b\x00c\n")
    rejects(tmp_path / "b.csv", "编码")


def test_ods_with_encryption_manifest_is_refused(tmp_path):
    import zipfile
    with zipfile.ZipFile(tmp_path / "a.ods", "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", "<manifest><manifest:encryption-data/></manifest>")
    rejects(tmp_path / "a.ods", MSG_PASSWORD)


# --- reading shapes (BAD_INPUTS 1, 2, 10-14; issue 3) ---------------------------------------------

def test_merged_title_rows_header_on_row_3(tmp_path):
    rows = [["2021年低保对象自付医疗费用名单"] + [""] * 4, ["填报单位：后龙镇人民政府  2022年8月5日"] + [""] * 4,
            HEADER] + ROWS
    path = fx.write_xlsx(tmp_path / "a.xlsx", {"名单": rows}, merges={"名单": ["A1:E1", "A2:E2"]})
    sheet, match = read_one(path)
    assert match.row_index == 2 and match.first_data_row == 3 and match.missing_required == []
    assert (0, 0, 0, 4) in sheet.merged and match.units == {4: "元"}
    above = sheet.rows[: match.row_index]
    assert find_report_date(above) == date(2022, 8, 5)
    assert infer_category(headers.title_texts(sheet.rows, match.row_index), match.fields) == 2


def test_header_variants(tmp_path):
    head = ["序\n号", "户主姓名", "姓  名", "身份证\n号码", "村（居）", "乡镇（街道）", "自付费用（万元）", "证件号码 "]
    match = detect_header([["标题"], head])
    assert match.row_index == 1
    assert match.columns == {0: "seq", 1: "household_head", 2: "name", 3: "id_number", 4: "village",
                             5: "town", 6: "self_paid"}
    assert match.units == {6: "万元"} and match.duplicates == ["证件号码"]
    alone = detect_header([["户主姓名", "公民身份号码", "所属村居", "医疗总费用"]])
    assert alone.columns == {0: "name", 1: "id_number", 2: "village", 3: "medical_total"}


def test_missing_required_column_is_named():
    match = detect_header([["姓名", "村(居)", "联系电话", "备注说明"]])
    assert match.missing_required == ["身份证号"]
    assert detect_header([["2021年名单"], ["说明：请如实填写"]]) is None


def test_instructions_and_hidden_sheets(tmp_path):
    sheets = {"填表说明": [HEADER, ["姓名：填写户主姓名"]], "名单": [["标题"], HEADER[:3]] + ROWS,
              "村名单": [HEADER + ["联系电话", "性别"]]}
    path = fx.write_xlsx(tmp_path / "a.xlsx", sheets, hidden=("村名单",))
    assert [(s.name, s.hidden) for s in list_sheets(path, "xlsx")] == [
        ("填表说明", False), ("名单", False), ("村名单", True)]
    sheet, match = read_one(path)
    assert sheet.name == "名单" and match.row_index == 1
    xls = fx.write_xls(tmp_path / "a.xls", sheets, hidden=("村名单",))
    assert [s.hidden for s in read_sheets(xls, "xls")] == [False, False, True]


def test_blank_rows_kept_total_row_and_town_column(tmp_path):
    rows = [["乡镇", "姓名", "身份证号"], ["后龙镇", "张三", "1"], ["", "", ""], ["界山镇", "李四", "2"],
            ["合  计", "", ""], ["", "", ""], ["", "", ""]]
    sheet, match = read_one(fx.write_xlsx(tmp_path / "a.xlsx", {"S": rows}))
    assert match.columns[0] == "town" and len(sheet.rows) == 5
    assert sheet.rows[2] == ["", "", ""] and sheet.rows[3][0] == "界山镇"
    assert [values.is_total_row(r) for r in sheet.rows[1:]] == [False, False, False, True]


def test_vertically_merged_village_forward_filled_only_inside_merges(tmp_path):
    rows = [["2021年名单", "", ""], ["姓名", "身份证号", "村(居)"], ["张三", "1", "后龙村"], ["李四", "2", ""],
            ["王五", "3", ""], ["赵六", "4", ""]]
    path = fx.write_xlsx(tmp_path / "a.xlsx", {"S": rows}, merges={"S": ["A1:C1", "C3:C5"]})
    sheet, match = read_one(path)
    assert fill_merged(sheet, match.first_data_row) == {(3, 2), (4, 2)}
    assert [r[2] for r in sheet.rows[2:]] == ["后龙村", "后龙村", "后龙村", ""]
    assert sheet.rows[0] == ["2021年名单", "", ""]
    xls = fx.write_xls(tmp_path / "a.xls", {"S": rows}, merges={"S": [(0, 0, 0, 2), (2, 2, 4, 2)]})
    ods = fx.write_ods(tmp_path / "a.ods", {"S": rows}, spans={"S": {(0, 0): (1, 3), (2, 2): (3, 1)}})
    for other in (xls, ods):
        sheet, match = read_one(other)
        assert fill_merged(sheet, match.first_data_row) == {(3, 2), (4, 2)}


def test_chart_sheets_are_left_out(tmp_path):
    from openpyxl.chart import BarChart, Reference
    path = fx.write_xlsx(tmp_path / "a.xlsx", {"名单": [HEADER] + ROWS})
    wb = fx.openpyxl.load_workbook(path)
    chart = BarChart()
    chart.add_data(Reference(wb["名单"], min_col=5, min_row=1, max_row=3))
    wb.create_chartsheet("图表").add_chart(chart)
    wb.save(path)
    assert [s.name for s in read_sheets(path, "xlsx")] == [s.name for s in list_sheets(path, "xlsx")] == ["名单"]


def test_wrong_dimension_reads_all_rows(tmp_path):
    body = fx.rows_xml([HEADER] + ROWS * 10)
    path = fx.write_raw_xlsx(tmp_path / "a.xlsx", {"S": fx.sheet_xml(body, dimension="A1:A1")})
    sheet, match = read_one(path)
    assert len(sheet.rows) == 21 and sheet.rows[20][1] == "李四" and list_sheets(path, "xlsx")[0].rows == 21


def test_formula_cells_without_cached_value(tmp_path):
    body = (fx.rows_xml([HEADER]) + '<row r="2"><c r="A2"><v>1</v></c><c r="E2"><f>1+1</f></c></row>'
            '<row r="3"><c r="E3"><f>2*2</f><v>4</v></c><c r="D3" t="str"><f>""</f><v></v></c></row>'
            '<row r="4"><c r="E4"><f>SUM(E2:E3)</f><v></v></c></row>')
    path = fx.write_raw_xlsx(tmp_path / "a.xlsx", {"说明": fx.sheet_xml(""), "名单": fx.sheet_xml(body)})
    assert formula_cells_without_value(path, "名单") == {(1, 4), (3, 4)}
    assert formula_cells_without_value(path, "说明") == set()
    written = fx.write_xlsx(tmp_path / "b.xlsx", {"S": [HEADER, [1, "张三", "1", "后龙村", "=1+2"]]})
    assert formula_cells_without_value(written, "S") == {(1, 4)}
    assert formula_cells_without_value(fx.write_csv(tmp_path / "c.csv", [HEADER], "utf-8"), "c") == set()
    assert "公式无计算结果" in MSG_FORMULA


def test_empty_workbook_and_header_only(tmp_path):
    sheets = read_sheets(fx.write_xlsx(tmp_path / "a.xlsx", {"S": []}), "xlsx")
    assert sheets[0].rows == [] and pick_sheet(sheets) is None
    sheet, match = read_one(fx.write_xlsx(tmp_path / "b.xlsx", {"S": [HEADER, ["", "", ""]]}))
    assert match.first_data_row == len(sheet.rows) == 1


def test_row_cap(tmp_path):
    rejects_rows = fx.write_xlsx(tmp_path / "a.xlsx", {"S": [HEADER] + ROWS * 5})
    with pytest.raises(ImportFileError, match="超过10行"):
        read_sheets(rejects_rows, "xlsx", max_rows=10)
    with pytest.raises(ImportFileError, match="超过10行"):
        read_sheets(fx.write_csv(tmp_path / "a.csv", [HEADER] + ROWS * 5, "utf-8"), "csv", max_rows=10)


def test_id_stored_as_number_is_not_repaired(tmp_path):
    sheet, match = read_one(fx.write_xlsx(tmp_path / "a.xlsx", {"S": [HEADER, [1, "张三", 350505199001011234]]}))
    raw = sheet.rows[1][2]
    assert isinstance(raw, float) and values.clean_text(raw) != "350505199001011234"


def test_two_row_header_and_numbering_row():
    rows = [["序号", "姓名", "身份证号", "医疗费用", "", ""], ["", "", "", "总费用", "统筹支付", "个人自付"],
            ["1", "2", "3", "4", "5", "6"], [1, "张三", "1", 100, 50, 50]]
    match = detect_header(rows)
    assert match.columns == {0: "seq", 1: "name", 2: "id_number", 3: "medical_total", 4: "reimbursed",
                             5: "self_paid"}
    assert match.header_rows == 3 and match.first_data_row == 3


def test_read_50k_rows_all_read(tmp_path):
    head = ["序号", "姓名", "身份证号", "性别", "村(居)", "联系电话", "住址", "与户主关系", "户主姓名",
            "医疗总费用", "报销金额", "自付金额(元)", "残疾类别", "残疾等级", "备注"]
    path = fx.write_big_xlsx(tmp_path / "big.xlsx", head, 50_000, lambda i: [
        i + 1, f"张{i % 997}", f"350505{19400101 + i % 500000:08d}{i % 1000:03d}X", "男", "后龙村",
        13700000000 + i, f"后龙村{i}号", "户主", f"李{i}", 12345.67, 2345.5, 9999.17, "肢体", "二级", ""])
    sheet, match = read_one(path)
    assert len(sheet.rows) == 50_001 and len(match.columns) == 15


# --- the sample lists --------------------------------------------------------------------------

@pytest.mark.parametrize("name, category, fields, header_row, n_rows", [
    ("2021年特困人员医疗费用明细表.xlsx", 1, {"name", "id_number", "village", "medical_total", "self_paid"}, 1, 42),
    ("2021年低保对象自付医疗费用名单.xlsx", 2, {"name", "household_head", "id_number", "village", "self_paid"}, 0, 62),
    ("2021年以来新增持证残疾人名单.xlsx", 4, {"name", "id_number", "disability_category", "disability_grade", "cert_date"}, 0, 36),
    ("社会救助信访人员名单.csv", 5, {"name", "id_number", "village", "petition_date", "petition_reply"}, 0, 16),
])
def test_samples(tmp_path, name, category, fields, header_row, n_rows):
    path = SAMPLES / name
    sheet, match = read_one(path)
    assert match.row_index == header_row and fields <= match.fields and match.missing_required == []
    assert len(sheet.rows) == n_rows and match.unknown == []
    texts = headers.title_texts(sheet.rows, match.row_index) + [path.stem]
    assert infer_category(texts, match.fields) == category
    copy = shutil.copy(path, tmp_path / path.name)
    assert sniff(copy).note is None


# --- mapping overrides and category inference ---------------------------------------------------

def test_apply_overrides():
    match = detect_header([["姓名", "证件号", "所在村", "联系人电话", "备注"]])
    assert match.unknown == ["联系人电话"]
    changed = apply_overrides(match, {"联系人电话": "phone", "备注": "忽略", "C": "address"})
    assert changed.columns == {0: "name", 1: "id_number", 2: "address", 3: "phone"}
    assert changed.unknown == [] and changed.duplicates == ["备注"] and match.columns[2] == "village"
    assert apply_overrides(match, {"姓名": "身份证号", "证件号": ""}).columns[0] == "id_number"
    with pytest.raises(ValueError, match="表头中没有"):
        apply_overrides(match, {"不存在的列": "name"})
    with pytest.raises(ValueError, match="未知字段"):
        apply_overrides(match, {"姓名": "nickname"})


@pytest.mark.parametrize("texts, fields, expected", [
    (["2021年自付医疗费用4.2万元以上普通居民名单"], set(), 3),
    (["2022年防返贫监测预警对象"], {"monitor_category"}, 6),
    (["名单"], {"petition_date"}, 5),
    (["名单"], {"disability_grade"}, 4),
    (["名单"], {"self_paid"}, None),
    (["特困、低保对象医疗费用"], set(), None),
    (["2021年特困人员医疗费用"], {"disability_category"}, None),
])
def test_infer_category(texts, fields, expected):
    assert infer_category(texts, fields) == expected


def test_synonym_table_is_consistent():
    table = headers.synonyms()
    for name, spec in table["fields"].items():
        assert headers.lookup_field(spec["label"])[0] == name
    assert set(table["required"]) <= set(table["fields"])


# --- cell values (BAD_INPUTS 5, 7-9, 16) ---------------------------------------------------------

@pytest.mark.parametrize("raw", [datetime(2021, 3, 5, 0, 0), date(2021, 3, 5), 44260, 44260.0, "44260",
                                 "2021-03-05", "2021/3/5", "2021.3.5", "2021.03.05", "2021年3月5日",
                                 "20210305", 20210305, " ２０２１年３月５日 ", "2021-03-05 00:00:00"])
def test_parse_date_formats(raw):
    assert values.parse_date(raw) == date(2021, 3, 5)


@pytest.mark.parametrize("raw", ["2024/13/01", "2021-02-29", "", None, "明天", "21.3.5", 60, 0, -1, True, 1e9])
def test_parse_date_rejects(raw):
    with pytest.raises(ValueError):
        values.parse_date(raw)


def test_parse_date_serial_edges():
    assert values.parse_date(45292) == date(2024, 1, 1)
    assert values.parse_date(59) == date(1900, 2, 28) and values.parse_date(61) == date(1900, 3, 1)
    assert values.parse_date(1, datemode=1) == date(1904, 1, 2)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)))
def test_parse_date_roundtrip(day):
    serial = (day - date(1899, 12, 30)).days
    for raw in (serial, day.isoformat(), f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y%m%d"),
                f"{day.year}.{day.month}.{day.day}"):
        assert values.parse_date(raw) == day


@pytest.mark.parametrize("raw, unit, expected", [
    (12000.5, "元", "12000.50"), ("1,234.56", None, "1234.56"), ("300元", None, "300.00"),
    ("1.2万元", None, "12000.00"), (1.5, "万元", "15000.00"), ("2,000", "元", "2000.00"),
    ("１２３．４", None, "123.40"), (48354.03, None, "48354.03"), ("3万", "元", "30000.00"), (0.125, None, "0.13")])
def test_parse_amount(raw, unit, expected):
    assert values.parse_amount(raw, unit) == Decimal(expected)


@pytest.mark.parametrize("raw", ["约三千", "", None, "--", "1.2.3", True, float("nan")])
def test_parse_amount_rejects(raw):
    with pytest.raises(ValueError):
        values.parse_amount(raw)


@given(st.decimals(min_value=0, max_value=10**7, places=2))
def test_parse_amount_roundtrip(amount):
    assert values.parse_amount(f"{amount:,}元") == amount and values.parse_amount(str(amount)) == amount


def test_text_and_names():
    assert values.clean_text(13700003333.0) == "13700003333" and values.clean_text(5.0) == "5"
    assert values.clean_text("\u3000 ＡＢ１２ ") == "AB12" and values.clean_text(None) == ""
    assert values.clean_name(" 张三 ") == "张三" and values.clean_name("张　 三") == "张三"
    for dot in "·•・‧･":
        assert values.clean_name(f"阿依古丽{dot}买买提") == "阿依古丽\u00b7买买提"
    assert values.clean_name("𠮷田 ") == "𠮷田" and values.clean_text("﨑") == "﨑"


@pytest.mark.parametrize("raw", ["后龙村", "后龙村委会", "后龙村民委员会", "后龙村村民委员会", " 后龙村 ",
                                 "福建省泉港区后龙镇后龙村", "后龙"])
def test_village_key_village(raw):
    assert values.village_key(raw) == "后龙"


@pytest.mark.parametrize("raw", ["礁头社区", "礁头社区居委会", "礁头社区居民委员会", "礁头社区委会",
                                 "泉港区后龙镇礁头社区"])
def test_village_key_community(raw):
    assert values.village_key(raw) == "礁头"


def test_sex_and_disability_codes():
    assert [values.parse_sex(v) for v in ["男", " 女性", 1.0, "2", "x", ""]] == ["男", "女", "男", "女", None, None]
    grades = ["一级", "1级", 1, 2.0, "Ⅰ级", "III级", "四级残疾", "贰级", "三级（智力）", "5", "", "重度"]
    assert [values.parse_disability_grade(v) for v in grades] == [1, 1, 1, 2, 1, 3, 4, 2, 3, None, None, None]
    cats = ["视力", "听力残疾", "言语", "肢体", "智力", "精神残疾", "多重", "肢体、言语", "6", "其他"]
    assert [values.parse_disability_category(v) for v in cats] == [1, 2, 3, 4, 5, 6, 7, 7, 6, None]


def test_import_file_error_message():
    err = ImportFileError("文件为空")
    assert err.message == str(err) == "文件为空"
