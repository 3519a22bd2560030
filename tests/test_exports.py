"""Every .xlsx export read back with openpyxl from the demo town: titles, headers, rows, totals,
print set-up, masking, the posting rule, formula injection, and failures that leave no file."""

from __future__ import annotations

import datetime as dt
import errno
import json
import re
from decimal import Decimal

import openpyxl
import pytest

from exports import atomic
from exports.atomic import ExportError
from exports.common import HIDDEN_NAME, write_export
from store.errors import ValidationError
from store.reports.queries import active_campaign
from store.schema import AuditLog, Benefit, Case, CaseCategory, Category, Person, Village
from store.reports.stats import town_totals, village_progress
from tests.conftest import DEMO_TODAY

PRINTED = dt.date(2026, 12, 1)
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
FULL_ID = re.compile(r"^\d{17}[\dX]$")
XLSX_KINDS = ["progress", "lists", "ledger", "spotcheck", "petitions"]


def export(tmp_path, kind, **kw):
    """Write one export as of the demo day and load it back."""
    path = tmp_path / f"{kind}.xlsx"
    result = write_export(kind, path, as_of=DEMO_TODAY, print_date=PRINTED, **kw)
    assert result.path == path and result.kind == kind
    return result, openpyxl.load_workbook(path)


def data_rows(ws, first=4):
    """Rows between the header (row 3) and the 合计 row (the sign-off lines follow it)."""
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=first)]
    end = max(i for i, r in enumerate(rows) if r[0] == "合计")
    assert rows[end + 2][0].startswith("制表人：") and rows[end + 3][0] == "（盖章）"
    return rows[:end], rows[end]


def total_row(ws) -> int:
    """The sheet row number of the 合计 row."""
    return max(c.row for c in ws["A"] if c.value == "合计")


def all_text(wb):
    """Every string cell of a workbook."""
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_progress_table(tmp_path, demo_db):
    result, wb = export(tmp_path, "progress")
    ws = wb["进度表"]
    assert ws["A1"].value == "后龙镇村（居）排查进度表" and ws["A1"].font.name == "黑体"
    assert "截至2026年11月29日" in ws["A2"].value and "问题整治" in ws["A2"].value
    header = [c.value for c in ws[3]]
    assert header[:3] == ["村（居）", "名单\n人数", "1类\n特困医疗"] and "走访率" in header and "满意度" in header
    rows, total = data_rows(ws)
    figures = village_progress(active_campaign().id, DEMO_TODAY)
    assert result.rows == len(rows) == len(figures) == Village.select().count()
    assert [r[0] for r in rows] == [f.name for f in figures]
    town = town_totals(figures)
    for col in range(1, len(header) - 1):
        values = [r[col] for r in rows]
        if header[col] in ("走访率", "抽查\n合格率", "满意度"):
            assert all(v == "—" or 0 <= v <= 1 for v in values)  # 「—」: nothing to divide
            continue
        assert total[col] == pytest.approx(sum(v or 0 for v in values)), header[col]
    assert total[1] == town.listed and total[header.index("已入户\n走访")] == town.visited
    assert total[header.index("电话\n回访")] == town.called > 0  # calls on their own, never in the 走访率
    assert total[header.index("走访率")] == pytest.approx(town.visit_rate)
    assert ws.cell(4, header.index("走访率") + 1).number_format == "0.0%"
    assert Decimal(str(total[header.index("临时救助\n金额（元）")])) == town.temp_amount


def test_progress_print_setup_and_shading(tmp_path, demo_db):
    _, wb = export(tmp_path, "progress")
    ws = wb["进度表"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$3" and ws.freeze_panes == "A4"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页" and ws.oddFooter.right.text == "打印日期：2026-12-01"
    rows, _ = data_rows(ws)
    notes = [r[-1] for r in rows]
    shaded = [ws.cell(4 + i, 1).fill.fgColor.rgb.endswith("FCE4D6") for i in range(len(rows))]
    assert any(shaded) and shaded == [bool(n) for n in notes]


def test_village_filter_and_unknown_village(tmp_path, demo_db):
    result, wb = export(tmp_path, "progress", villages=["上西村", "后龙村"])
    rows, total = data_rows(wb.active)
    assert [r[0] for r in rows] == ["后龙村", "上西村"] and result.rows == 2
    assert wb.active["A1"].value == "后龙镇后龙村、上西村村（居）排查进度表"
    assert total[1] == rows[0][1] + rows[1][1]
    with pytest.raises(ValidationError, match="没有这个村（居）：无此村"):
        write_export("ledger", tmp_path / "x.xlsx", villages=["无此村"])
    assert not (tmp_path / "x.xlsx").exists()


def test_lists_three_sheets(tmp_path, demo_db):
    result, wb = export(tmp_path, "lists")
    assert wb.sheetnames == ["问题清单", "整改清单", "成果清单"]
    problems, p_total = data_rows(wb["问题清单"])
    fixes, _ = data_rows(wb["整改清单"])
    outcomes, o_total = data_rows(wb["成果清单"])
    assert len(problems) == len(fixes) == 19 and p_total[1] == "共19条"
    assert [r[0] for r in problems] == [r[0] for r in fixes]
    assert result.rows == len(problems) + len(fixes) + len(outcomes)
    assert o_total[5] == pytest.approx(sum(r[5] or 0 for r in outcomes))
    assert [c.value for c in wb["整改清单"][3]][:2] == ["问题\n编号", "发现的问题"]
    assert [c.value for c in wb["整改清单"][3]][5:7] == ["整改措施", "责任人"]
    assert [r[1] for r in fixes] == [r[4] for r in problems]  # the problem's text beside its number
    assert all(isinstance(r[6], dt.datetime) for r in outcomes)
    town = town_totals(village_progress(active_campaign().id, DEMO_TODAY))
    temp = [r for r in outcomes if r[4].startswith("临时救助")]
    assert len(temp) == town.temp_count and Decimal(str(sum(r[5] for r in temp))) == town.temp_amount
    assert sum(r[4] == "纳入低保" for r in outcomes) == town.new_dibao
    assert all(r[3] is None or MASKED_ID.match(r[3]) for r in outcomes)


def test_ledger_one_sheet_per_village(tmp_path, demo_db):
    result, wb = export(tmp_path, "ledger")
    figures = village_progress(active_campaign().id, DEMO_TODAY)
    assert wb.sheetnames == [f.name for f in figures] and result.sheets == len(figures)
    total_rows = 0
    for f in figures:
        ws = wb[f.name]
        rows, total = data_rows(ws)
        assert ws["A1"].value == f"后龙镇{f.name}排查台账"
        assert len(rows) == f.listed and total[1] == f"{f.listed}人"
        assert total[8] == sum(r[8] for r in rows)
        assert all(MASKED_ID.match(r[2]) for r in rows)
        assert all(r[3] is None or re.match(r"^1\d\d\*{4}\d{4}$", r[3]) for r in rows)
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$3"
        total_rows += len(rows)
    assert result.rows == total_rows == Case.select().count()


def test_unmasked_export_is_audited(tmp_path, demo_db):
    before = AuditLog.select().where(AuditLog.action == "export_unmasked").count()
    result, wb = export(tmp_path, "ledger", villages=["上西村"], mask=False)
    rows, _ = data_rows(wb["上西村"])
    assert all(FULL_ID.match(r[2]) for r in rows) and not result.masked
    logged = AuditLog.select().where(AuditLog.action == "export_unmasked")
    assert logged.count() == before + 1
    after = json.loads(logged.order_by(AuditLog.id.desc()).first().after)
    assert after["kind"] == "ledger" and after["path"] == str(tmp_path / "ledger.xlsx") and after["rows"] == len(rows)
    export(tmp_path, "petitions")  # masked: nothing logged
    assert logged.count() == before + 1


def test_spotcheck_and_petitions(tmp_path, demo_db):
    result, wb = export(tmp_path, "spotcheck")
    rows, total = data_rows(wb.active)
    assert result.rows == len(rows) == 120 and total[5] == "120人" and rows[0][1] == "第1轮"
    assert {r[8] for r in rows} <= {"合格", "不合格", "无法核实", "待核查"}
    assert all(MASKED_ID.match(r[6]) for r in rows) and isinstance(rows[0][2], dt.datetime)
    result, wb = export(tmp_path, "petitions")
    rows, total = data_rows(wb.active)
    assert result.rows == len(rows) == 112 and total[1] == "112件"
    header = [c.value for c in wb.active[3]]
    assert header[6] == "信访事项" and header[14] == "答复意见" and any(r[6] for r in rows) and any(r[14] for r in rows)
    for r in rows:
        assert (r[15] is None) == (r[16] == "已办结")
        if r[15] is not None:
            assert isinstance(r[15], int) and r[16] == (f"逾期{-r[15]}天" if r[15] < 0 else r[16])
            assert (r[11].date() - DEMO_TODAY).days == r[15]


def _child_case(name="童保密"):
    """A demo case turned into a 事实无人抚养儿童 included in the window, renamed."""
    case = Case.select().join(Person).where(Case.status == "已纳入").first()
    Person.update(name=name).where(Person.id == case.person_id).execute()
    Benefit.create(case=case, type="事实无人抚养儿童", status="纳入", status_on=DEMO_TODAY)
    return case


def _monitor_case():
    """A 防返贫 case with an included 低保 benefit in the window."""
    code6 = Category.get(Category.code == 6)
    case = (Case.select().join(CaseCategory).where(CaseCategory.category == code6, Case.status == "已纳入").first())
    Benefit.create(case=case, type="低保", status="纳入", status_on=DEMO_TODAY)
    return case


def test_posting_rule(tmp_path, demo_db):
    _child_case()
    monitor = _monitor_case()
    for kind in ("progress", "lists"):
        for mask in (True, False):
            _, wb = export(tmp_path, kind, mask=mask)
            assert not any("童保密" in text for text in all_text(wb)), (kind, mask)
    _, wb = export(tmp_path, "lists", mask=False)
    outcomes, _ = data_rows(wb["成果清单"])
    child = [r for r in outcomes if r[4] == "认定事实无人抚养儿童"]
    assert child and all(r[2] == HIDDEN_NAME and r[3] is None for r in child)
    named = [r for r in outcomes if r[2] == monitor.person.name]
    assert named and all(r[3] is None for r in named)  # 防返贫: no ID even unmasked
    assert any(r[3] and FULL_ID.match(r[3]) for r in outcomes)  # others are unmasked on request
    _, wb = export(tmp_path, "ledger")  # internal: the name is there
    assert any("童保密" in text for text in all_text(wb))


def test_formula_injection_comes_back_as_text(tmp_path, demo_db):
    case = Case.select().where(Case.status == "已研判", Case.conclusion == "不符合").first()
    village = case.person.village.name
    Person.update(name='=HYPERLINK("x")').where(Person.id == case.person_id).execute()
    Case.update(conclusion_reason="+1 收入核算").where(Case.id == case.id).execute()
    _, wb = export(tmp_path, "ledger", villages=[village])
    ws = wb[village]
    cells = [row for row in ws.iter_rows(min_row=4) if row[1].value == '=HYPERLINK("x")']
    assert len(cells) == 1
    name, reason = cells[0][1], cells[0][15]  # after 走访人 comes 电话回访
    assert name.data_type == "s" and reason.value == "+1 收入核算" and reason.data_type == "s"
    assert isinstance(cells[0][0].value, int) and isinstance(cells[0][8].value, int)


@pytest.mark.parametrize("kind", XLSX_KINDS)
def test_missing_folder_leaves_nothing(tmp_path, demo_db, kind):
    target = tmp_path / "没有的文件夹" / f"{kind}.xlsx"
    with pytest.raises(ExportError, match="文件夹不存在"):
        write_export(kind, target, as_of=DEMO_TODAY)
    assert not target.parent.exists()


def test_locked_target_keeps_old_file(tmp_path, demo_db, monkeypatch):
    target = tmp_path / "进度.xlsx"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", locked)
    before = AuditLog.select().count()
    with pytest.raises(ExportError, match="正被其他程序"):
        write_export("progress", target, as_of=DEMO_TODAY, mask=False)
    left = sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".gate")  # the database's restore gate stays
    assert target.read_bytes() == b"old" and left == ["demo.db", "demo.db-shm", "demo.db-wal", "进度.xlsx"]
    assert AuditLog.select().count() == before  # nothing written, nothing revealed


def test_disk_full_leaves_no_file(tmp_path, demo_db, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    target = tmp_path / "台账.xlsx"
    with pytest.raises(ExportError, match="磁盘空间不足"):
        write_export("ledger", target, as_of=DEMO_TODAY)
    assert not target.exists() and not list(tmp_path.glob("*.tmp"))


def test_wrong_extension_refused(tmp_path, demo_db):
    with pytest.raises(ExportError, match=r"\.xlsx"):
        write_export("progress", tmp_path / "进度.xls")
    with pytest.raises(ExportError, match=r"\.docx"):
        write_export("report", tmp_path / "报告.xlsx")


def test_empty_village_gets_an_empty_ledger_and_zero_row(tmp_path, demo_db):
    from store.town.villages import create_village

    create_village("新建村")
    _, wb = export(tmp_path, "ledger", villages=["新建村"])
    ws = wb["新建村"]
    assert ws["A1"].value == "后龙镇新建村排查台账" and total_row(ws) == 4 and ws["A4"].value == "合计"
    _, wb = export(tmp_path, "progress")
    rows, _ = data_rows(wb.active)
    new = [r for r in rows if r[0] == "新建村"]
    assert new and new[0][1] == 0 and new[0][header_index(wb.active, "走访率")] == "—" and new[0][-1] is None


def header_index(ws, text):
    return [c.value for c in ws[3]].index(text)


def test_totals_fit_their_columns(tmp_path, demo_db):
    from exports.xlsx import excel_width, value_width

    for kind in ("progress", "lists", "ledger"):
        _, wb = export(tmp_path, kind)
        for ws in wb.worksheets:
            last = total_row(ws)
            for cell in ws[last]:
                if isinstance(cell.value, (int, float)) and cell.number_format in ("0", "#,##0.00"):
                    kind_ = "int" if cell.number_format == "0" else "money"
                    need = excel_width(value_width(cell.value, kind_))
                    assert ws.column_dimensions[cell.column_letter].width >= need, (kind, ws.title, cell.coordinate)


def test_injection_in_posted_lists(tmp_path, demo_db):
    from store.schema import Problem, Rectification

    problem = Problem.select().first()
    Problem.update(description="@SUM(A1)").where(Problem.id == problem.id).execute()
    Rectification.update(measure="-1+1", evidence='=HYPERLINK("http://x")').where(
        Rectification.problem == problem.id).execute()
    _, wb = export(tmp_path, "lists")
    found = [row for row in wb["问题清单"].iter_rows(min_row=4) if row[0].value == problem.id]
    assert found[0][4].value == "@SUM(A1)" and found[0][4].data_type == "s"
    fix = [row for row in wb["整改清单"].iter_rows(min_row=4) if row[0].value == problem.id][0]
    assert (fix[5].value, fix[10].value) == ("-1+1", '=HYPERLINK("http://x")')
    assert fix[5].data_type == fix[10].data_type == "s" and isinstance(fix[7].value, dt.datetime)
