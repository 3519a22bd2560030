"""Tests for the shared export layer: exports/xlsx.py, exports/docx_base.py, exports/atomic.py."""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import docx
import openpyxl
import pytest
from docx.shared import Pt
from rich.cells import cell_len

from exports import atomic
from exports.atomic import ExportError, atomic_write
from exports.docx_base import (
    add_heading_cn,
    add_paragraph_cn,
    add_table_cn,
    add_title,
    new_document,
    save_document,
)
from exports.xlsx import (
    MAX_WIDTH,
    Column,
    add_sheet,
    excel_width,
    new_workbook,
    save_workbook,
    sheet_title,
    write_table,
    write_text,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PRINTED = dt.date(2026, 11, 29)
INJECTIONS = ['=HYPERLINK("http://x")', "+8613800000000", "-1+1", "@SUM(A1)", "\t=1+1", "\r=2", "#N/A"]
COLUMNS = [
    Column("村(居)"),
    Column("名单人数", kind="int"),
    Column("临时救助金额", kind="money"),
    Column("走访率", kind="percent"),
    Column("下次回访日期", kind="date"),
    Column("备注"),
]


def _rows(n: int) -> list[list]:
    """n plausible progress rows."""
    return [[f"后龙村{i}", i, i * 100.5, i / 100, dt.date(2022, 9, 1 + i % 28), f"备注{i}"] for i in range(n)]


def _save_table(tmp_path, rows, **kw):
    """Write one table to a new workbook, save it, and return (path, loaded worksheet)."""
    wb = new_workbook()
    ws = add_sheet(wb, "进度表")
    args = dict(title="后龙镇村(居)排查进度表", subtitle="泉港区后龙镇  截至2022年9月30日",
                columns=COLUMNS, rows=rows, print_date=PRINTED)
    args.update(kw)
    assert write_table(ws, **args) == len(rows)
    path = tmp_path / "表.xlsx"
    save_workbook(wb, path)
    return path, openpyxl.load_workbook(path)["进度表"]


def _sheet_xml(path) -> str:
    """The first worksheet's raw XML."""
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


# ---------------------------------------------------------------- xlsx layout


def test_title_header_data_and_totals(tmp_path):
    rows = _rows(25)
    path, ws = _save_table(tmp_path, rows, totals=[None, 300, 30150.0, None, None, None])
    assert ws["A1"].value == "后龙镇村(居)排查进度表"
    assert "A1:F1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].font.name == "黑体" and ws["A1"].font.bold and ws["A1"].font.sz == 16
    assert ws["A1"].alignment.horizontal == "center"
    assert ws["A2"].value.startswith("泉港区后龙镇") and ws["A2"].font.name == "宋体"
    assert [c.value for c in ws[3]] == [c.header for c in COLUMNS]
    assert ws["A3"].fill.fgColor.rgb.endswith("E7E6E6") and ws["A3"].border.left.style == "thin"
    for i, row in enumerate(rows):
        got = [c.value for c in ws[4 + i]]
        assert got[:4] == row[:4] and got[4].date() == row[4] and got[5] == row[5]
        assert ws.cell(4 + i, 1).font.name == "宋体" and ws.cell(4 + i, 3).border.bottom.style == "thin"
    total = ws[4 + len(rows)]
    assert [c.value for c in total][:3] == ["合计", 300, 30150.0]
    assert all(c.font.bold for c in total)
    assert ws.max_row == 4 + len(rows) and ws.freeze_panes == "A4"


def test_read_only_mode_sees_every_row(tmp_path):
    path, _ = _save_table(tmp_path, _rows(300), totals=[None, 1])
    wb = openpyxl.load_workbook(path, read_only=True)
    assert sum(1 for _ in wb["进度表"].iter_rows()) == 3 + 300 + 1
    ElementTree.fromstring(_sheet_xml(path).encode("utf-8"))  # well-formed


def test_small_tables(tmp_path):
    _, ws = _save_table(tmp_path, [], totals=[None, 0])
    assert ws["A4"].value == "合计" and ws.max_row == 4
    _, ws = _save_table(tmp_path, _rows(1), subtitle=None)
    assert ws["A3"].value == "后龙村0" and ws.max_row == 3 and ws.print_title_rows == "$1:$2"


def test_print_settings(tmp_path):
    _, ws = _save_table(tmp_path, _rows(5))
    setup = ws.page_setup
    assert int(setup.paperSize) == 9 and setup.orientation == "portrait"
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$3"
    assert ws.print_options.horizontalCentered
    assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert ws.oddFooter.right.text == "打印日期：2026-11-29"


def test_landscape_when_wide_or_asked(tmp_path):
    wide = [Column(f"第{i}类名单人数", kind="int") for i in range(12)]
    _, ws = _save_table(tmp_path, [list(range(12))], columns=wide)
    assert ws.page_setup.orientation == "landscape"
    _, ws = _save_table(tmp_path, _rows(2), landscape=True)
    assert ws.page_setup.orientation == "landscape"
    _, ws = _save_table(tmp_path, [list(range(12))], columns=wide, landscape=False)
    assert ws.page_setup.orientation == "portrait"


def test_column_widths_fit_cjk(tmp_path):
    columns = COLUMNS[:-1] + [Column("问题\n描述"), Column("决定文号", width=30)]
    rows = [r[:-1] + ["很长的备注" * 30, "x"] for r in _rows(3)]
    _, ws = _save_table(tmp_path, rows, columns=columns)
    for i, col in enumerate(columns, 1):
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
        widest_line = max(cell_len(line) for line in col.header.split("\n"))
        assert width >= widest_line
    assert ws.column_dimensions["A"].width >= cell_len("后龙村0")
    assert ws.column_dimensions["F"].width == excel_width(MAX_WIDTH)  # long note capped
    assert ws.column_dimensions["G"].width == 30
    assert ws.row_dimensions[4].height > 15  # the capped note wraps onto more lines


def test_shaded_rows(tmp_path):
    _, ws = _save_table(tmp_path, _rows(6), shade_rows={1, 5})
    shaded = [r for r in range(4, 10) if ws.cell(r, 1).fill.fgColor.rgb.endswith("FCE4D6")]
    assert shaded == [5, 9]
    assert ws.cell(5, 6).fill.fill_type == "solid" and ws.cell(5, 6).border.top.style == "thin"


# ---------------------------------------------------------------- xlsx values


def test_formula_injection_written_as_text(tmp_path):
    rows = [[text, 1] for text in INJECTIONS] + [["-5", 2], ['=HYPERLINK("http://x")', 3]]
    path, ws = _save_table(tmp_path, rows, columns=COLUMNS[:2])
    for r, row in enumerate(rows, 4):
        cell = ws.cell(r, 1)
        assert cell.value == row[0] and cell.data_type == "s", (r, cell.value)
    assert ws.cell(4, 1).quotePrefix and ws.cell(10, 1).quotePrefix is False  # "#N/A" is no formula
    assert ws.cell(4 + len(rows) - 1, 1).quotePrefix  # last row, written through openpyxl
    xml = _sheet_xml(path)
    assert not re.search(r"<f[ >]", xml)
    assert 't="e"' not in xml


def test_write_text_on_a_cell(tmp_path):
    wb = new_workbook()
    ws = add_sheet(wb, "x")
    for r, text in enumerate(INJECTIONS, 1):
        write_text(ws.cell(row=r, column=1), text)
    path = tmp_path / "t.xlsx"
    save_workbook(wb, path)
    back = openpyxl.load_workbook(path)["x"]
    assert [back.cell(r, 1).value for r in range(1, len(INJECTIONS) + 1)] == INJECTIONS
    assert all(back.cell(r, 1).data_type == "s" for r in range(1, len(INJECTIONS) + 1))
    assert not re.search(r"<f[ >]", _sheet_xml(path))


def test_numbers_and_dates_keep_their_types(tmp_path):
    row = ["后龙村", 12, Decimal("1234.50"), 0.8534, dt.datetime(2022, 9, 30, 8, 0), None]
    path, ws = _save_table(tmp_path, [row, ["上西村", 0, 0.0, 1, dt.date(2022, 1, 1), True]])
    b, c, d, e, f = (ws.cell(4, i) for i in range(2, 7))
    assert b.value == 12 and b.data_type == "n" and b.number_format == "0"
    assert c.value == 1234.5 and c.number_format == "#,##0.00"
    assert d.value == pytest.approx(0.8534) and d.number_format == "0.0%"
    assert e.value == dt.datetime(2022, 9, 30, 8, 0) and e.is_date and e.number_format == "yyyy-mm-dd"
    assert f.value is None and f.border.left.style == "thin"
    assert ws.cell(5, 5).value == dt.datetime(2022, 1, 1) and ws.cell(5, 6).value == "是"


def test_bad_characters_and_floats(tmp_path):
    rows = [["张\x07三\udcff", float("nan"), float("inf")], ["李四", 1, 2.0]]
    _, ws = _save_table(tmp_path, rows, columns=COLUMNS[:3])
    assert ws["A4"].value == "张三" and ws["B4"].value is None and ws["C4"].value is None


def test_sheet_rules(tmp_path):
    assert sheet_title("问题清单[后龙村]:2022/9?") == "问题清单_后龙村__2022_9_"
    assert len(sheet_title("长" * 40)) == 31
    wb = new_workbook()
    assert wb.sheetnames == []
    ws = add_sheet(wb, "a")
    write_table(ws, title="t", subtitle=None, columns=COLUMNS[:1], rows=[["x"]])
    with pytest.raises(ValueError):
        write_table(ws, title="t", subtitle=None, columns=COLUMNS[:1], rows=[["x"]])
    with pytest.raises(ValueError):
        Column("x", kind="float")


def test_three_sheets_in_one_workbook(tmp_path):
    wb = new_workbook()
    for name, n in (("问题清单", 40), ("整改清单", 3), ("成果清单", 700)):
        write_table(add_sheet(wb, name), title=name, subtitle=None, columns=COLUMNS, rows=_rows(n),
                    totals=[None, n])
    path = tmp_path / "三项清单.xlsx"
    save_workbook(wb, path)
    back = openpyxl.load_workbook(path)
    assert back.sheetnames == ["问题清单", "整改清单", "成果清单"]
    for name, n in (("问题清单", 40), ("整改清单", 3), ("成果清单", 700)):
        ws = back[name]
        assert ws.max_row == 2 + n + 1 and ws.cell(2 + n, 1).value == f"后龙村{n - 1}"
        assert ws.cell(2 + n + 1, 2).value == n


def test_writing_into_a_kept_body_is_refused(tmp_path):
    wb = new_workbook()
    ws = add_sheet(wb, "x")
    write_table(ws, title="t", subtitle=None, columns=COLUMNS, rows=_rows(5))
    ws.cell(row=4, column=1).value = "覆盖"
    with pytest.raises(ExportError):
        save_workbook(wb, tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []
    ws2 = add_sheet(wb, "y")
    write_table(ws2, title="t", subtitle=None, columns=COLUMNS, rows=_rows(5))
    ws2.append(["注：本表由系统生成"])  # appending below the table is fine
    del wb["x"]
    save_workbook(wb, tmp_path / "y.xlsx")
    assert openpyxl.load_workbook(tmp_path / "y.xlsx")["y"]["A8"].value == "注：本表由系统生成"


# ---------------------------------------------------------------- atomic_write


def _write_bytes(data: bytes):
    """A write_fn that writes `data`."""
    def write(tmp):
        with open(tmp, "wb") as f:
            f.write(data)
    return write


def test_atomic_write_success(tmp_path):
    target = tmp_path / "a.xlsx"
    atomic_write(target, _write_bytes(b"new"))
    assert target.read_bytes() == b"new" and os.listdir(tmp_path) == ["a.xlsx"]
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600


def test_missing_folder(tmp_path):
    with pytest.raises(ExportError) as err:
        atomic_write(tmp_path / "没有" / "a.xlsx", _write_bytes(b"x"))
    assert "文件夹不存在" in err.value.message and "\n" not in err.value.message
    with pytest.raises(ExportError):
        save_workbook(new_workbook(), tmp_path / "没有" / "a.xlsx")
    with pytest.raises(ExportError) as err:
        atomic_write(tmp_path, _write_bytes(b"x"))
    assert "文件夹" in err.value.message


def test_disk_full_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")

    def half_then_full(tmp):
        with open(tmp, "wb") as f:
            f.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ExportError) as err:
        atomic_write(target, half_then_full)
    assert err.value.message == "磁盘空间不足，文件未写入"
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.xlsx"]

    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    with pytest.raises(ExportError) as err:
        atomic_write(target, _write_bytes(b"new"))
    assert "磁盘空间不足" in err.value.message
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.xlsx"]


def test_file_open_in_excel(tmp_path, monkeypatch):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", locked)
    with pytest.raises(ExportError) as err:
        atomic_write(target, _write_bytes(b"new"))
    assert "文件正被其他程序（如Excel、WPS）打开，请关闭后重试" in err.value.message
    assert str(target) in err.value.message
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.xlsx"]


def test_other_failures_are_chinese_and_clean(tmp_path):
    def io_error(tmp):
        raise OSError(errno.EIO, "Input/output error")

    def bug(tmp):
        raise ValueError("boom")

    with pytest.raises(ExportError) as err:
        atomic_write(tmp_path / "a.xlsx", io_error)
    assert err.value.message.startswith("写入文件失败（读写磁盘出错）")
    with pytest.raises(ExportError) as err:
        atomic_write(tmp_path / "a.xlsx", bug)
    assert "生成文件时出错" in err.value.message and isinstance(err.value.__cause__, ValueError)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "a.xlsx", lambda tmp: (_ for _ in ()).throw(KeyboardInterrupt()))
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- docx


def _report(tmp_path):
    """A small report saved and read back."""
    doc = new_document()
    add_title(doc, "后龙镇困难群众「漏保」「漏救」问题\n整治工作总结")
    add_heading_cn(doc, "一、基本情况", 1)
    add_heading_cn(doc, "（一）排查情况", 2)
    add_paragraph_cn(doc, "全镇共排查对象1234人，已走访1200人。\x07")
    add_table_cn(doc, ["村(居)", "名单人数", "走访日期"], [["后龙村", 12, dt.date(2022, 9, 30)], ["上西村", 3, None]])
    path = tmp_path / "报告.docx"
    save_document(doc, path)
    return path, docx.Document(path)


def test_docx_text_and_layout(tmp_path):
    _, doc = _report(tmp_path)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "后龙镇困难群众「漏保」「漏救」问题\n整治工作总结"
    assert texts[1:4] == ["一、基本情况", "（一）排查情况", "全镇共排查对象1234人，已走访1200人。"]
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["村(居)", "名单人数", "走访日期"]
    assert [c.text for c in table.rows[1].cells] == ["后龙村", "12", "2022年9月30日"]
    assert table.rows[2].cells[2].text == ""
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 2) for m in margins] == [3.7, 3.5, 2.8, 2.6]
    body = doc.paragraphs[3].paragraph_format
    assert body.line_spacing == Pt(28) and body.first_line_indent == Pt(32)


def test_docx_fonts_set_east_asian(tmp_path):
    path, doc = _report(tmp_path)
    expected = {"后龙镇困难群众「漏保」「漏救」问题": ("方正小标宋简体", 22), "一、基本情况": ("黑体", 16),
                "（一）排查情况": ("楷体_GB2312", 16), "全镇共排查对象1234人，已走访1200人。": ("仿宋_GB2312", 16),
                "村(居)": ("黑体", 12), "后龙村": ("仿宋_GB2312", 12)}
    with zipfile.ZipFile(path) as z:
        root = ElementTree.fromstring(z.read("word/document.xml"))
    seen = {}
    for run in root.iter(f"{W}r"):
        fonts = run.find(f"{W}rPr/{W}rFonts")
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        assert fonts is not None and fonts.get(f"{W}eastAsia") == fonts.get(f"{W}ascii"), text
        size = run.find(f"{W}rPr/{W}sz")
        seen[text] = (fonts.get(f"{W}eastAsia"), int(size.get(f"{W}val")) / 2)
    for text, want in expected.items():
        assert seen[text] == want
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get(f"{W}eastAsia") == "仿宋_GB2312"


def test_docx_heading_level_and_missing_folder(tmp_path):
    doc = new_document()
    with pytest.raises(ValueError):
        add_heading_cn(doc, "x", 5)
    with pytest.raises(ExportError) as err:
        save_document(doc, tmp_path / "没有" / "a.docx")
    assert "文件夹不存在" in err.value.message


def test_plain_save_of_an_export_workbook_keeps_every_row(tmp_path):
    """new_workbook()'s save() streams the kept bodies too: no silent loss via wb.save()."""
    from openpyxl import load_workbook

    from exports.xlsx import Column, add_sheet, new_workbook, write_table

    wb = new_workbook()
    ws = add_sheet(wb, "表")
    write_table(ws, title="标题", subtitle=None, columns=[Column("姓名"), Column("金额", kind="money")],
                rows=[[f"人{i}", i] for i in range(50)])
    wb.save(tmp_path / "plain.xlsx")
    back = load_workbook(tmp_path / "plain.xlsx").active
    assert [c.value for c in back["A"][2:]] == [f"人{i}" for i in range(50)]


def test_auto_width_measures_the_totals_row(tmp_path):
    """A bold 合计 wider than every data value widens its column (no ### when printed)."""
    columns = [Column("村"), Column("数", kind="int")]
    rows = [["后龙村", 9]] * 3
    _, ws = _save_table(tmp_path, rows, columns=columns, totals=["合计", 123456789])
    assert ws.column_dimensions["B"].width >= excel_width(len("123456789"))
