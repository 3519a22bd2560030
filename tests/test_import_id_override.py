"""BAD_INPUTS row 6 in imports: an ID failing only its checksum or birth date is rejected, unless the
row's 「核实说明」 gives a reason; the report adds that column; reject, fill in, re-import, audited."""

from __future__ import annotations

import json

import openpyxl

from store.ids import check_char
from store.imports.undo import undo_import
from store.people.people import id_override_reason
from store.schema import AuditLog, Person
from tests import import_fixtures as fx
from tests.import_helpers import bad_checksum, counts, do_import, ident, person, rows_of

HEAD = ["序号", "姓名", "身份证号", "村(居)", "自付金额(元)"]
WRONG = bad_checksum(ident(7))
BAD_DATE = "35050519901301009" + check_char("35050519901301009")  # month 13
HINT = "如已核实号码无误，请在「核实说明」列填写说明后重新导入"
REASON = "与户口簿核对一致"


def a_list(tmp_path, reasons: list | None = None, name: str = "低保自付.xlsx"):
    """Two valid rows, a bad checksum, a bad birth date and an ID saved as a number (never overridable);
    with `reasons`, a 「核实说明」 column holding them."""
    rows = [["2021年自付医疗费用1万元以上低保对象名单"], HEAD + (["核实说明"] if reasons else []),
            [1, "张三", ident(1), "后龙村", 20000], [2, "李四", ident(3), "上西村", 15000],
            [3, "赵六", WRONG, "后龙村", 30000], [4, "孙八", BAD_DATE, "峰前村", 30000],
            [5, "周九", 3.50505199001011e17, "峰前村", 30000]]
    for row, reason in zip(rows[2:], reasons or []):
        row.append(reason)
    return fx.write_xlsx(tmp_path / name, {"名单": rows})


def overrides() -> list[AuditLog]:
    """The id_override audit rows, oldest first."""
    return list(AuditLog.select().where(AuditLog.action == "id_override").order_by(AuditLog.id))


def test_round_trip_reject_fill_the_reason_in_the_report_reimport(town, tmp_path):
    first = do_import(a_list(tmp_path))
    assert rows_of(first) == (5, 2, 0, 0, 3, 0, 0) and not overrides()
    wb = openpyxl.load_workbook(first.report)
    ws = wb.active
    header = [c.value for c in ws[2]]
    assert header == HEAD + ["原行号", "导入结果", "导入说明", "核实说明"]
    rows = {r[5]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert sorted(rows) == [5, 6, 7]
    assert "校验位错误" in rows[5][7] and HINT in rows[5][7] and "出生日期无效" in rows[6][7] and HINT in rows[6][7]
    assert "15位有效数字" in rows[7][7] and HINT not in rows[7][7]  # a number: never overridable
    assert all(r[8] is None for r in rows.values())
    for row in ws.iter_rows(min_row=3):
        if row[5].value in (5, 6, 7):
            row[8].value = REASON  # the clerk fills in the reason, even for the number (no effect)
    wb.save(tmp_path / "改正.xlsx")
    before = counts()
    again = do_import(tmp_path / "改正.xlsx")
    assert rows_of(again) == (3, 2, 0, 0, 1, 0, 2)
    assert counts()["person"] == before["person"] + 2
    zhao, sun = person(WRONG), person(BAD_DATE)
    assert zhao["name"] == "赵六" and zhao["birth_date"] == "1990-01-01" and zhao["sex"] == "男"
    assert sun["name"] == "孙八" and sun["birth_date"] is None and sun["sex"] == "男"
    warned = {o.source_row: o.warnings for o in again.outcomes}
    assert warned[3] == [f"身份证号未通过校验，已按核实说明导入：{REASON}"]
    logs = overrides()
    assert [(a.row_id, json.loads(a.after)["reason"], json.loads(a.after)["via"]) for a in logs] == [
        (zhao["id"], REASON, "导入"), (sun["id"], REASON, "导入")]
    assert all(json.loads(a.after)["batch"] == again.batch_id for a in logs)
    info = json.loads(AuditLog.get((AuditLog.action == "import") & (AuditLog.row_id == again.batch_id)).after)
    assert info["id_override"] == [logs[0].id, logs[1].id]
    assert id_override_reason(zhao["id"], WRONG) == REASON
    second = openpyxl.load_workbook(again.report).active  # the list has 核实说明 now: no second column
    assert [c.value for c in second[2]].count("核实说明") == 1


def test_a_list_with_its_own_reason_column(town, tmp_path):
    path = a_list(tmp_path, [None, None, f" {REASON} ", "   ", REASON])
    summary = do_import(path)
    assert rows_of(summary) == (5, 3, 0, 0, 2, 0, 1)
    assert person(WRONG)["name"] == "赵六" and person(BAD_DATE) is None
    report = openpyxl.load_workbook(summary.report).active
    header = [c.value for c in report[2]]
    assert header == HEAD + ["核实说明", "原行号", "导入结果", "导入说明"]
    rows = {r[6]: r for r in report.iter_rows(min_row=3, values_only=True)}
    assert HINT in rows[6][8] and HINT not in rows[7][8]
    assert [json.loads(a.after)["reason"] for a in overrides()] == [REASON]


def test_reimport_and_undo_leave_the_overrides_consistent(town, tmp_path):
    path = a_list(tmp_path, [None, None, REASON, REASON, None])
    first = do_import(path)
    assert rows_of(first) == (5, 4, 0, 0, 1, 0, 2) and len(overrides()) == 2
    again = do_import(path)
    assert rows_of(again) == (5, 0, 0, 4, 1, 0, 2) and len(overrides()) == 2  # nothing new to accept
    undo_import(again.batch_id)
    undo_import(first.batch_id)
    assert Person.select().count() == 0


def test_dry_run_counts_the_accepted_rows(town, tmp_path):
    before = counts()
    dry = do_import(a_list(tmp_path, [None, None, REASON, None, None]), dry_run=True)
    assert rows_of(dry) == (5, 3, 0, 0, 2, 0, 1) and counts() == before


def test_a_birth_date_column_fills_in_when_the_number_has_no_valid_date(town, tmp_path):
    rows = [HEAD + ["出生日期", "核实说明"], [1, "孙八", BAD_DATE, "峰前村", 30000, "1990-03-01", REASON],
            [2, "赵六", WRONG, "后龙村", 30000, "1991-01-01", REASON]]
    summary = do_import(fx.write_xlsx(tmp_path / "低保自付.xlsx", {"名单": rows}), category=2)
    assert rows_of(summary) == (2, 2, 0, 0, 0, 0, 2)
    assert person(BAD_DATE)["birth_date"] == "1990-03-01" and person(WRONG)["birth_date"] == "1990-01-01"
    warned = {o.source_row: o.warnings for o in summary.outcomes}
    assert not any("不符" in w for w in warned[2]) and any("出生日期1991-01-01与身份证号不符" in w for w in warned[3])


def test_a_number_accepted_before_needs_no_reason_in_later_lists(town, tmp_path):
    """Once 赵六's number is accepted with a reason, the next list naming him (without a 核实说明
    column, like most district lists) imports his row with a note instead of rejecting it."""
    do_import(a_list(tmp_path, reasons=["", "", REASON, "", ""]))
    assert person(WRONG)["name"] == "赵六" and len(overrides()) == 1
    rows = [["2021年以来社会救助类信访对象名单"], ["序号", "姓名", "身份证号", "村(居)"], [1, "赵六", WRONG, "后龙村"],
            [2, "孙八", BAD_DATE, "峰前村"]]
    later = do_import(fx.write_xlsx(tmp_path / "信访.xlsx", {"名单": rows}), category=5)
    assert rows_of(later) == (2, 0, 1, 0, 1, 0, 1)  # 赵六 gets the new category; 孙八 was never accepted
    sheet = list(openpyxl.load_workbook(later.report).active.iter_rows(min_row=2, values_only=True))
    say = sheet[0].index("导入说明")
    report = {r[1]: r[say] for r in sheet[1:]}
    assert "此前已核实" in report["赵六"] and "出生日期无效" in report["孙八"]
    assert len(overrides()) == 1  # nothing new to audit: the reason is on record


def test_a_repeat_of_an_accepted_number_in_the_same_file_is_merged(town, tmp_path):
    rows = [["序号", "姓名", "身份证号", "村(居)", "核实说明"], [1, "赵六", WRONG, "后龙村", REASON],
            [2, "赵六", WRONG, "后龙村", ""]]
    summary = do_import(fx.write_xlsx(tmp_path / "名单.xlsx", {"名单": rows}), category=5)
    assert rows_of(summary)[:5] == (2, 1, 0, 1, 0)  # one person; the repeat merged, not rejected
    assert id_override_reason(person(WRONG)["id"], WRONG) == REASON and len(overrides()) == 1
