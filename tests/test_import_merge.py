"""Merging into the store: re-import, updates with audit, undo and refusals, report round trip, dry run, cancel."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from importers.load import default_report_path
from importers.stream import CHUNK
from store.cases.cases import record_contact
from store.errors import StoreError
from store.imports.undo import undo_import
from store.imports.merge import ImportCancelled, list_batches
from store.people.people import update_person
from store.schema import AuditLog, Case, ImportBatch, Person, RosterEntry, db
from tests import import_fixtures as fx
from tests.import_helpers import bad_checksum, counts, do_import, ident, person, rows_of

HEAD = ["序号", "姓名", "身份证号", "村(居)", "联系电话", "自付金额(元)"]


def first_list(tmp_path, phone="13700003333", name="低保自付.xlsx"):
    """Three valid rows, one bad checksum, one unknown village, one 合计 row."""
    rows = [["2021年自付医疗费用1万元以上低保对象名单"] + [""] * 5, HEAD,
            [1, "张三", ident(1), "后龙村委会", phone, 20000], [2, "李四", ident(3), "上西村", "", 15000],
            [3, "王五", ident(5), "峰前村", "", 9000], [4, "赵六", bad_checksum(ident(7)), "后龙村", "", 30000],
            [5, "钱七", ident(9), "新兴村", "", 30000], ["合计", "", "", "", "", 104000]]
    return fx.write_xlsx(tmp_path / name, {"名单": rows})


def test_first_import_counts_batch_and_audit(town, tmp_path):
    summary = do_import(first_list(tmp_path))
    assert rows_of(summary) == (6, 3, 0, 0, 2, 1, 1)
    batch = ImportBatch.get_by_id(summary.batch_id)
    assert (batch.rows, batch.inserted, batch.rejected, batch.skipped, batch.warnings) == (6, 3, 2, 1, 1)
    assert batch.category.code == 2 and batch.sheet == "名单" and len(batch.sha256) == 64 and batch.operator == "测试员"
    assert batch.report_path == str(default_report_path(tmp_path / "低保自付.xlsx"))
    info = json.loads(AuditLog.get(AuditLog.action == "import").after)
    assert info["inserted"] == 3 and info["created"]["person"][1] - info["created"]["person"][0] == 2
    assert Case.select().count() == 3 and RosterEntry.select().count() == 3


def test_reimport_same_file_changes_nothing(town, tmp_path):
    path = first_list(tmp_path)
    first = do_import(path)
    before = counts()
    again = do_import(path)
    assert rows_of(again) == (6, 0, 0, 3, 2, 1, 1) and again.same_file == [first.batch_id]
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {
        "person": 0, "person_key": 0, "case": 0, "case_category": 0, "roster_entry": 0,
        "import_batch": 1, "audit_log": 1, "village": 0}


def test_newer_list_updates_a_value_with_audit(town, tmp_path):
    do_import(first_list(tmp_path))
    newer = do_import(first_list(tmp_path, phone="13900001111", name="低保自付（更新）.xlsx"))
    assert rows_of(newer) == (6, 0, 1, 2, 2, 1, 1)
    assert person(ident(1))["phone"] == "13900001111" and person(ident(1))["phone_rev"] == "11110000931"
    log = AuditLog.get((AuditLog.action == "update") & (AuditLog.table == "person"))
    assert json.loads(log.before) == {"phone": "13700003333", "phone_rev": "33330000731"}
    assert json.loads(log.after) == {"phone": "13900001111", "phone_rev": "11110000931"}


def test_undo_restores_and_removes(town, tmp_path):
    first = do_import(first_list(tmp_path))
    before = counts()
    newer = do_import(first_list(tmp_path, phone="13900001111", name="新.xlsx"))
    undo_import(newer.batch_id)
    assert person(ident(1))["phone"] == "13700003333"
    after = counts()
    assert after["person"] == before["person"] and after["roster_entry"] == before["roster_entry"]
    undo_import(first.batch_id)
    assert Person.select().count() == 0 and Case.select().count() == 0 and RosterEntry.select().count() == 0
    assert [b["undone_at"] is not None for b in list_batches()] == [True, True]
    assert AuditLog.select().where(AuditLog.action == "undo_import", AuditLog.table == "import_batch").count() == 2
    with pytest.raises(StoreError, match="已于"):
        undo_import(first.batch_id)


def test_undo_refused_when_later_records_depend(town, tmp_path):
    first = do_import(first_list(tmp_path))
    case = Case.get(Case.person == Person.get(Person.id_number == ident(1)).id)
    record_contact(case.id, kind="入户走访", date=dt.date.today(), findings="已走访")
    with pytest.raises(StoreError) as err:
        undo_import(first.batch_id)
    assert "走访/回访记录1条" in err.value.message and "无法撤销第1批导入" in err.value.message
    assert Person.select().count() == 3


def test_undo_refused_when_a_later_batch_or_edit_touches_the_persons(town, tmp_path):
    first = do_import(first_list(tmp_path))
    later = do_import(first_list(tmp_path, phone="13900001111", name="新.xlsx"))
    with pytest.raises(StoreError, match=f"第{later.batch_id}批导入也涉及这些人员"):
        undo_import(first.batch_id)
    undo_import(later.batch_id)
    update_person(Person.get(Person.id_number == ident(3)).id, address="后龙村8号")
    with pytest.raises(StoreError, match="之后对这些人员或排查对象的修改1条"):
        undo_import(first.batch_id)


def test_report_round_trip(town, tmp_path):
    summary = do_import(first_list(tmp_path))
    wb = openpyxl.load_workbook(summary.report)
    ws = wb.active
    header = [c.value for c in ws[2]]
    assert header == HEAD + ["原行号", "导入结果", "导入说明", "核实说明"]  # 核实说明: row 6's bad checksum
    rows = {r[6]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert sorted(rows) == [5, 6, 7, 8] and rows[6][7] == "未导入" and "校验位错误" in rows[6][8]
    assert rows[8][7] == "已跳过" and "低于本类门槛" in rows[5][8]
    # printed landscape, one page wide: the reason on the same page as the name
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$2"
    for row in ws.iter_rows(min_row=3):
        if row[6].value == 6:
            row[2].value = ident(7)
        if row[6].value == 7:
            row[3].value = "礁头社区"
    wb.save(tmp_path / "改正.xlsx")
    fixed = do_import(tmp_path / "改正.xlsx")
    assert rows_of(fixed) == (4, 2, 0, 1, 0, 1, 1)
    assert person(ident(7))["name"] == "赵六" and person(ident(9))["name"] == "钱七"
    assert Person.select().count() == 5


def test_report_keeps_formula_like_text_as_text(town, tmp_path):
    values = ["=1+1", "+8613700003333", "-5", "@SUM(A1)", '=HYPERLINK("http://x")']
    rows = [["姓名", "身份证号", "备注"]] + [[f"人{i}", "", v] for i, v in enumerate(values)]
    summary = do_import(fx.write_csv(tmp_path / "信访.csv", rows, "utf-8"))
    ws = openpyxl.load_workbook(summary.report).active
    cells = [r[2] for r in ws.iter_rows(min_row=3)]
    assert [c.value for c in cells] == values and all(c.data_type != "f" for c in cells)


def test_report_keeps_numbers_as_text_where_excel_would_not(town, tmp_path):
    rows = [["姓名", "身份证号", "联系电话", "序号", "自付金额", "备注", "日期"],
            ["人甲", "3505051990010100", "13700003333", "007", 12.5, "#N/A", "2024/1/5"]]
    summary = do_import(fx.write_csv(tmp_path / "信访.csv", rows, "utf-8"))
    ws = openpyxl.load_workbook(summary.report).active
    ident_, phone, seq, paid, note = [c for c in next(ws.iter_rows(min_row=3))][1:6]
    assert (ident_.value, ident_.number_format, phone.value, phone.number_format) == (
        "3505051990010100", "@", "13700003333", "@")
    assert (seq.value, seq.number_format, note.value, note.data_type) == ("007", "@", "#N/A", "s")
    assert paid.value in ("12.5", 12.5)  # a CSV cell is text; the report keeps what the list held
    assert ws.cell(3, 1).value == "人甲" and ws.cell(3, 1).data_type == "s"
    assert (ws.cell(3, 7).value, ws.cell(3, 7).number_format) == ("2024/1/5", "@")


def test_report_path_can_be_chosen_and_no_report_when_clean(town, tmp_path):
    target = tmp_path / "报告" / "r.xlsx"
    target.parent.mkdir()
    assert do_import(first_list(tmp_path), report_path=target).report == str(target) and target.exists()
    clean = fx.write_csv(tmp_path / "信访.csv", [["姓名", "身份证号"], ["孙八", ident(11)]], "utf-8")
    assert do_import(clean).report is None and not default_report_path(clean).exists()


def test_dry_run_writes_nothing_but_counts_the_same(town, tmp_path):
    path = first_list(tmp_path)
    before = counts()
    dry = do_import(path, dry_run=True)
    assert counts() == before and dry.batch_id is None and dry.report is None
    assert not default_report_path(path).exists()
    real = do_import(path)
    assert rows_of(dry) == rows_of(real)


@pytest.mark.parametrize("stop_at", [1, 2, 3])  # before any write, chunk 1 being written, every row written
def test_cancel_leaves_database_unchanged(town, tmp_path, stop_at):
    do_import(first_list(tmp_path))
    rows = [["姓名", "身份证号", "自付金额"]] + [[f"人{i}", ident(i % 900 + 1, f"198001{i // 900 + 1:02d}"), 20000]
                                            for i in range(CHUNK + 500)]
    path = fx.write_csv(tmp_path / "低保.csv", rows, "utf-8")
    before = counts()
    calls = []
    with pytest.raises(ImportCancelled):
        do_import(path, category=2, progress=lambda d, t: calls.append(d), cancelled=lambda: len(calls) >= stop_at)
    assert counts() == before
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_undo_restores_phone_search_key_and_zone(town, tmp_path):
    from store.people.search import find
    from store.town.zones import create_zone

    do_import(first_list(tmp_path))
    zone = create_zone(person(ident(1))["village_id"], "东片")
    update_person(person(ident(1))["id"], zone=zone.id)
    rows = [HEAD, [1, "张三", ident(1), "上西村", "13900001111", 20000]]
    newer = do_import(fx.write_xlsx(tmp_path / "新.xlsx", {"S": rows}), category=2)
    assert person(ident(1))["zone_id"] is None and find("1111")[0].name == "张三"
    undo_import(newer.batch_id)
    restored = person(ident(1))
    assert (restored["phone"], restored["zone_id"]) == ("13700003333", zone.id)
    assert [h.name for h in find("3333")] == ["张三"] and find("00001111") == []


def test_report_that_cannot_be_written_rolls_back(town, tmp_path):
    before = counts()
    blocked = tmp_path / "报告"
    blocked.mkdir()  # a folder where the report file should go
    with pytest.raises(OSError, match="无法写入导入报告"):
        do_import(first_list(tmp_path), report_path=blocked)
    assert counts() == before


def test_report_goes_to_the_database_folder_when_the_list_folder_is_read_only(town, tmp_path, monkeypatch):
    """A list on a read-only share or write-protected stick still imports; its report lands in
    <database folder>/导入报告 and the summary says where."""
    from importers import report as report_mod

    source = tmp_path / "U盘"
    source.mkdir()
    path = first_list(source)
    write = report_mod.write_report

    def read_only_beside_list(target, *args):
        if Path(target).parent == source:
            raise OSError(f"无法写入导入报告：{target}（Read-only file system）")
        return write(target, *args)

    monkeypatch.setattr(report_mod, "write_report", read_only_beside_list)
    summary = do_import(path)
    report = Path(summary.report)
    assert summary.batch_id and report.parent == Path(db.database).resolve().parent / "导入报告"
    assert report.name.startswith("低保自付_导入报告_") and report.exists()
    assert not default_report_path(path).exists() and rows_of(summary)[1] == 3
    other = tmp_path / "另一个U盘"  # a second list of the same name keeps its own report
    other.mkdir()
    source = other
    second = do_import(first_list(other, phone="13900001111"))
    assert second.report != summary.report and Path(second.report).exists() and report.exists()


def test_raw_row_kept_once_per_header_and_shown_masked(town, tmp_path):
    """The batch keeps the headers once, each entry its values; the case detail shows them masked."""
    from store.cases.detail import load as load_case

    summary = do_import(first_list(tmp_path))
    batch = ImportBatch.get_by_id(summary.batch_id)
    assert json.loads(batch.raw_keys) == HEAD
    entry = RosterEntry.get(RosterEntry.source_row == 3)
    assert json.loads(entry.raw) == [1, "张三", ident(1), "后龙村委会", "13700003333", 20000]
    roster = load_case(entry.case_id).roster
    original = next(line for line in roster if "原表" in line)
    assert "姓名：张三" in original and "村(居)：后龙村委会" in original and "自付金额(元)：20000" in original
    assert ident(1) not in original and ident(1)[:6] + "********" + ident(1)[-4:] in original
    assert "13700003333" not in original and "137****3333" in original


def test_deleted_person_or_case_is_refused_not_relinked(town, tmp_path):
    """A list naming a soft-deleted person (or a person whose case was deleted) rejects that row with
    the way out, instead of adding to a record nobody can see."""
    from store.cases.cases import delete_case
    from store.people.people import delete_person

    do_import(first_list(tmp_path))
    delete_person(person(ident(1))["id"])
    delete_case(Case.get(Case.person == person(ident(3))["id"]).id)
    before = counts()
    again = do_import(first_list(tmp_path, name="低保自付（第二批）.xlsx"))
    assert rows_of(again) == (6, 0, 0, 1, 4, 1, 1)
    assert counts()["roster_entry"] == before["roster_entry"] and counts()["case_category"] == before["case_category"]
    rows = list(openpyxl.load_workbook(again.report).active.iter_rows(min_row=2, values_only=True))
    say = rows[0].index("导入说明")
    reasons = {r[2]: r[say] for r in rows[1:]}
    assert "该人员已删除" in reasons[ident(1)] and "恢复后再导入" in reasons[ident(1)]
    assert "该对象已从本次排查中删除" in reasons[ident(3)]


def test_original_row_masks_numbers_but_not_amounts_or_dates():
    """Every spelling a list may use for an ID or a phone (BAD_INPUTS rows 5 and 7) is masked, also
    inside text; amounts, ISO dates and house numbers stay."""
    from store.cases.detail import source_cell

    number = ident(1)
    masked = number[:6] + "********" + number[-4:]
    assert [source_cell(v) for v in (48354.03, 20000.0, "2021-03-05", "后龙村12号")] == \
        ["48354.03", "20000", "2021-03-05", "后龙村12号"]
    assert [source_cell(v) for v in (13700003333.0, "137-0000-3333", "13700003333/13900001111", number)] == \
        ["137****3333", "137****3333", "137****3333/139****1111", masked]
    wide = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    spelled = ["'" + number, wide, f"{number[:6]} {number[6:14]} {number[14:]}", f"户主身份证{number}，另有",
               "13700003333（本人）", "１３９００００１１１１", "+86 137 0000 5555", "电话：13700003333"]
    shown = [source_cell(v) for v in spelled]
    assert shown[:4] == ["'" + masked, masked, masked, f"户主身份证{masked}，另有"]
    assert shown[4:] == ["137****3333（本人）", "139****1111", "+861******5555", "电话：137****3333"]
    assert not any(number in s or "0000" in s for s in shown)
