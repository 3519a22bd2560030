"""Each messy shape of a district list, imported end to end, with exact counts (issue 3, BAD_INPUTS 1-16)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from importers.errors import MSG_FORMULA, ImportFileError
from importers.load import CategoryNeeded, prepare
from store.ids import normalize_id
from store.schema import Case, CaseCategory, Person, RosterEntry, Village, db
from tests import import_fixtures as fx
from tests.import_helpers import bad_checksum, counts, do_import, ident, person, rows_of

H = ["序号", "姓名", "身份证号", "村(居)", "自付金额(元)"]


def test_title_rows_report_line_and_header_variants(town, tmp_path):
    rows = [["2021年自付医疗费用1万元以上低保对象名单", "", "", "", ""],
            ["填报单位：后龙镇", "", "", "2022年8月5日", ""],
            ["序号", "姓名", "公民身份号码", "村(社区)", "自付费用（万元）"],
            [1, "张三", ident(1), "后龙村", 1.5], [2, "李四", ident(3), "上西村", "2.1万元"]]
    path = fx.write_xlsx(tmp_path / "名单.xlsx", {"名单": rows}, merges={"名单": ["A1:E1"]})
    prep = prepare(path)
    assert prep.header_label == "表头在第3行" and prep.category == 2
    summary = do_import(path)
    assert rows_of(summary) == (2, 2, 0, 0, 0, 0, 0)
    paid = sorted(e.self_paid for e in RosterEntry.select())
    assert [str(p) for p in paid] == ["15000.00", "21000.00"]


def test_header_with_newline_and_full_width_parens(town, tmp_path):
    rows = [["姓  名", "身份证\n号码", "所在村（居）", "信访日期 "], ["王五", ident(5), "峰前村", "2021.3.5"]]
    summary = do_import(fx.write_xlsx(tmp_path / "信访.xlsx", {"S": rows}))
    assert rows_of(summary) == (1, 1, 0, 0, 0, 0, 0)
    assert RosterEntry.get().petition_date == dt.date(2021, 3, 5)


def test_missing_id_column_is_named(town, tmp_path):
    path = fx.write_csv(tmp_path / "a.csv", [["姓名", "村(居)", "自付金额"], ["张三", "后龙村", 1]], "utf-8")
    with pytest.raises(ImportFileError) as err:
        prepare(path, category=2)
    assert "身份证号" in err.value.message


def test_instructions_sheet_before_data_and_hidden_sheet(town, tmp_path):
    path = fx.write_xlsx(tmp_path / "名单.xlsx", {
        "填表说明": [["姓名", "身份证号"], ["请填写姓名", "请填写18位身份证号"]],
        "旧表": [H, [1, "旧人", ident(7), "后龙村", 20000]],
        "名单": [H, [1, "张三", ident(1), "后龙村", 20000]]}, hidden=("旧表",))
    prep = prepare(path, category=2)
    assert prep.sheet.name == "名单" and [s.hidden for s in prep.sheets] == [False, True, False]
    assert do_import(path, category=2, sheet="旧表").inserted == 1
    assert person(ident(7))["name"] == "旧人" and person(ident(1)) is None


def test_other_towns_blank_rows_and_total_row_are_not_rejected(town, tmp_path):
    rows = [["乡镇", "姓名", "身份证号", "村(居)", "自付金额"],
            ["后龙镇", "张三", ident(1), "后龙村", 12000], ["", "", "", "", ""],
            ["山腰街道", "外一", ident(3), "某村", 15000], ["前黄镇", "外二", ident(5), "某村", 16000],
            ["后龙", "李四", ident(7), "上西村", 13000], ["", "", "", "", ""],
            ["合计", "", "", "", 56000], ["小 计", "", "", "", 1]]
    summary = do_import(fx.write_xlsx(tmp_path / "低保自付.xlsx", {"S": rows}), category=2)
    assert rows_of(summary) == (6, 2, 0, 0, 0, 4, 0)
    reasons = sorted(o.reasons[0] for o in summary.outcomes if o.final == "skipped")
    assert reasons == ["合计/小计行", "合计/小计行", "属于其他乡镇（前黄镇）", "属于其他乡镇（山腰街道）"]


def test_ids_in_every_form(town, tmp_path):
    n = [ident(i) for i in range(1, 20, 2)]
    legacy = "350505900101123"  # 15 digits: 1990-01-01, seq 123
    rows = [H,
            [1, "甲", " " + n[0][:6] + " " + n[0][6:] + " ", "后龙村", 20000],  # inner and outer spaces
            [2, "乙", n[1][:17] + "x" if n[1][17] == "X" else n[1], "后龙村", 20000],
            [3, "丙", n[2].translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}), "后龙村", 20000],
            [4, "丁", legacy, "后龙村", 20000],
            [5, "戊", float(n[4]), "后龙村", 20000],  # stored as a number: digits lost
            [6, "己", bad_checksum(n[5]), "后龙村", 20000],
            [7, "庚", "'" + n[6], "后龙村", 20000],  # leading apostrophe kept as text
            [8, "辛", "\u3000" + n[7].lower(), "后龙村", 20000],
            [9, "壬", "", "后龙村", 20000],
            [10, "", n[9], "后龙村", 20000]]
    summary = do_import(fx.write_xlsx(tmp_path / "低保.xlsx", {"S": rows}), category=2)
    assert rows_of(summary) == (10, 6, 0, 0, 4, 0, 1)
    upgraded = person(normalize_id(legacy))
    assert upgraded["id_original"] == legacy and upgraded["name"] == "丁"
    reasons = {o.source_row: "".join(o.reasons) for o in summary.outcomes if o.final == "rejected"}
    assert "15位有效数字" in reasons[6] and "校验位错误" in reasons[7]
    assert "身份证号为空" in reasons[10] and reasons[11] == "姓名为空"
    assert {p.name for p in Person.select()} == {"甲", "乙", "丙", "丁", "庚", "辛"}


@pytest.mark.parametrize("value", [dt.datetime(2021, 3, 5), 44260, 44260.0, "2021-03-05", "2021/3/5", "2021.3.5",
                                   "2021年3月5日", "20210305", 20210305.0, "２０２１－０３－０５"])
def test_petition_dates_in_every_form(town, tmp_path, value):
    rows = [["信访人", "身份证号", "来访日期"], ["张三", ident(1), value]]
    summary = do_import(fx.write_xlsx(tmp_path / "信访.xlsx", {"S": rows}))
    assert rows_of(summary) == (1, 1, 0, 0, 0, 0, 0)
    assert RosterEntry.get().petition_date == dt.date(2021, 3, 5)


def test_impossible_date_rejects_only_its_row(town, tmp_path):
    rows = [["信访人", "身份证号", "来访日期"], ["张三", ident(1), "2021/13/01"], ["李四", ident(3), "2021-02-30"],
            ["王五", ident(5), "2021-02-28"]]
    summary = do_import(fx.write_csv(tmp_path / "信访.csv", rows, "gb18030"))
    assert rows_of(summary) == (3, 1, 0, 0, 2, 0, 0)
    assert all("来访日期" in "".join(o.reasons) for o in summary.outcomes if o.final == "rejected")


def test_amounts_in_every_form(town, tmp_path):
    values = [12000, 12000.5, "12,000.50", "12000元", "1.2万元", "1.2万", " ￥12,000 "]
    rows = [H] + [[i, f"人{i}", ident(2 * i + 1), "后龙村", v] for i, v in enumerate(values)] + [[9, "坏", ident(99), "后龙村", "一万"]]
    summary = do_import(fx.write_xlsx(tmp_path / "低保.xlsx", {"S": rows}), category=2)
    assert rows_of(summary) == (8, 7, 0, 0, 1, 0, 0)
    got = [str(e.self_paid) for e in RosterEntry.select().order_by(RosterEntry.source_row)]
    assert got == ["12000.00", "12000.50", "12000.50", "12000.00", "12000.00", "12000.00", "12000.00"]


def test_category_thresholds_warn_and_never_drop(town, tmp_path):
    rows = [H, [1, "张三", ident(1), "后龙村", 9999.99], [2, "李四", ident(3), "后龙村", 10000], [3, "王五", ident(5), "后龙村", ""]]
    summary = do_import(fx.write_xlsx(tmp_path / "低保.xlsx", {"S": rows}), category=2)
    assert rows_of(summary) == (3, 3, 0, 0, 0, 0, 2)
    warned = {e.person.name: e.warning for e in RosterEntry.select() if e.warning}
    assert "低于本类门槛10000元" in warned["张三"] and "缺少自付金额" in warned["王五"]
    rows3 = [H, [1, "赵六", ident(7), "后龙村", 41999], [2, "钱七", ident(9), "后龙村", 42000]]
    summary3 = do_import(fx.write_xlsx(tmp_path / "居民.xlsx", {"S": rows3}), category=3)
    assert rows_of(summary3) == (2, 2, 0, 0, 0, 0, 1)


def test_duplicates_in_one_file(town, tmp_path):
    rows = [["姓名", "身份证号", "村(居)", "联系电话", "自付金额"],
            ["张三", ident(1), "后龙村", "13700003333", 20000],
            ["张三", ident(1), "后龙村", "13700003333", 20000],  # identical: merged, no warning
            ["张三", ident(1), "后龙村", "13900001111", 20000],  # differs: merged with a warning
            ["张四", ident(1), "后龙村", "", 20000],  # same ID, other name: rejected
            ["李四", ident(3), "上西村", "", 20000]]
    summary = do_import(fx.write_csv(tmp_path / "低保.csv", rows, "utf-8-sig"), category=2)
    assert rows_of(summary) == (5, 2, 0, 2, 1, 0, 1)
    assert person(ident(1))["phone"] == "13700003333" and RosterEntry.select().count() == 2
    rejected = next(o for o in summary.outcomes if o.final == "rejected")
    assert "同一身份证号姓名不同" in rejected.reasons[0] and "第2行" in rejected.reasons[0]


def test_same_person_in_several_lists_one_case_several_categories(town, tmp_path):
    number = ident(1)
    do_import(fx.write_csv(tmp_path / "低保.csv", [["姓名", "身份证号", "自付金额"], ["张三", number, 20000]], "utf-8"), category=2)
    second = do_import(fx.write_csv(tmp_path / "残疾.csv", [["姓名", "身份证号", "残疾类别", "残疾等级"],
                                                            ["张三", number, "肢体", "二级"]], "utf-8"))
    assert rows_of(second) == (1, 0, 1, 0, 0, 0, 0)
    assert Person.select().count() == 1 and Case.select().count() == 1
    assert sorted(cc.category.code for cc in CaseCategory.select()) == [2, 4]
    assert RosterEntry.select().count() == 2
    stored = person(number)
    assert (stored["disability_category"], stored["disability_grade"]) == (4, 2)


def test_id_conflict_with_database_and_same_name_other_id(town, tmp_path):
    do_import(fx.write_csv(tmp_path / "a.csv", [["姓名", "身份证号"], ["张三", ident(1)]], "utf-8"), category=5)
    rows = [["姓名", "身份证号"], ["张叁", ident(1)], ["张三", ident(3)]]
    summary = do_import(fx.write_csv(tmp_path / "b.csv", rows, "utf-8"), category=5)
    assert rows_of(summary) == (2, 1, 0, 0, 1, 0, 0)
    conflict = next(o for o in summary.outcomes if o.final == "rejected")
    assert conflict.data.reason == "同一身份证号姓名不同：名单为「张叁」，系统中为「张三」"
    assert Person.select().where(Person.name == "张三").count() == 2


@pytest.mark.parametrize("spelling,village", [("后龙村委会", "后龙村"), ("后龙村民委员会", "后龙村"), (" 后龙村", "后龙村"),
                                              ("礁头社区居委会", "礁头社区"), ("礁头社区居民委员会", "礁头社区"),
                                              ("泉港区后龙镇后龙村", "后龙村")])
def test_village_spellings(town, tmp_path, spelling, village):
    rows = [["姓名", "身份证号", "所属村居"], ["张三", ident(1), spelling]]
    assert do_import(fx.write_csv(tmp_path / "a.csv", rows, "utf-8"), category=5).inserted == 1
    assert Village.get_by_id(person(ident(1))["village_id"]).name == village


def test_unknown_village_rejected_unless_created(town, tmp_path):
    rows = [["姓名", "身份证号", "村(居)"], ["张三", ident(1), "新兴村委会"], ["李四", ident(3), "后龙村"]]
    path = fx.write_csv(tmp_path / "a.csv", rows, "utf-8")
    summary = do_import(path, category=5)
    assert rows_of(summary) == (2, 1, 0, 0, 1, 0, 0) and "待确认" in summary.outcomes[0].reasons[0]
    created = do_import(path, category=5, create_villages=True)
    assert rows_of(created) == (2, 1, 0, 1, 0, 0, 0)
    assert Village.get_by_id(person(ident(1))["village_id"]).name == "新兴村"  # the plain name, no suffix


def test_sex_phone_and_name_cleaning(town, tmp_path):
    rows = [["姓名", "性别", "身份证号", "联系电话"],
            ["张三 ", "女", ident(1), 13700003333.0],  # male by ID: warning
            ["\u3000阿依·买买提", "男", ident(3), "137-0000-3333/１３９００００１１１１"],
            ["𠮷田", "男", ident(5), 5951234567.0]]  # landline that lost its 0
    summary = do_import(fx.write_xlsx(tmp_path / "a.xlsx", {"S": rows}), category=5)
    assert rows_of(summary) == (3, 3, 0, 0, 0, 0, 2)
    assert person(ident(1))["phone"] == "13700003333" and person(ident(1))["name"] == "张三"
    assert person(ident(3))["phone"] == "13700003333/13900001111"
    assert person(ident(3))["name"] == "阿依\u00b7买买提" and person(ident(5))["name"] == "𠮷田"
    assert person(ident(5))["phone"] == "05951234567"
    warned = {o.source_row: "".join(o.warnings) for o in summary.outcomes if o.warnings}
    assert "与身份证号（男）不符" in warned[2] and "缺少开头的0" in warned[4]


def test_vertically_merged_village_is_filled(town, tmp_path):
    rows = [["村(居)", "姓名", "身份证号"], ["后龙村", "张三", ident(1)], ["", "李四", ident(3)], ["", "王五", ident(5)]]
    path = fx.write_xlsx(tmp_path / "a.xlsx", {"S": rows}, merges={"S": ["A2:A3"]})
    summary = do_import(path, category=5)
    assert rows_of(summary) == (3, 3, 0, 0, 0, 0, 0)
    assert person(ident(3))["village_id"] == person(ident(1))["village_id"] and person(ident(5))["village_id"] is None


def test_formula_without_cached_value_rejects_its_row(town, tmp_path):
    body = fx.rows_xml([["姓名", "身份证号", "自付金额"], ["张三", ident(1), 20000], ["李四", ident(3), ""]])
    body = body.replace('<row r="3">', '<row r="3"><c r="C3"><f>SUM(C1:C2)</f></c>')
    path = fx.write_raw_xlsx(tmp_path / "a.xlsx", {"S": fx.sheet_xml(body, dimension="A1")})
    summary = do_import(path, category=2)
    assert rows_of(summary) == (2, 1, 0, 0, 1, 0, 0)
    assert MSG_FORMULA in summary.outcomes[1].reasons[0]


def test_no_data_rows_and_unknown_category(town, tmp_path):
    before = counts()
    for rows in ([["姓名", "身份证号"]], [["姓名", "身份证号"], ["", ""], [" ", ""]]):
        with pytest.raises(ImportFileError, match="未发现数据行"):
            prepare(fx.write_xlsx(tmp_path / "empty.xlsx", {"S": rows}))
    path = fx.write_csv(tmp_path / "名单.csv", [["姓名", "身份证号"], ["张三", ident(1)]], "utf-8")
    with pytest.raises(CategoryNeeded, match="--category"):
        do_import(path)
    assert counts() == before


def test_raw_values_kept_per_source_row(town, tmp_path):
    rows = [["序号", "姓名", "身份证号", "备注"], [1, "张三", ident(1), "=HYPERLINK(\"x\")"]]
    do_import(fx.write_csv(tmp_path / "a.csv", rows, "utf-8"), category=5)
    entry = RosterEntry.get()
    assert entry.source_row == 2 and json.loads(entry.raw) == ["1", "张三", ident(1), "=HYPERLINK(\"x\")"]
    assert json.loads(entry.batch.raw_keys) == ["序号", "姓名", "身份证号", "备注"]
    assert db.execute_sql('SELECT count(*) FROM "person_key"').fetchone()[0] >= 2


def test_raw_values_of_wide_lists_and_date_cells(town, tmp_path):
    """A list wider than SQLite's function arguments keeps every cell too; date cells are kept as text."""
    from datetime import datetime

    head = ["姓名", "身份证号", "出生日期"] + [f"附加{i}" for i in range(140)]
    row = ["张三", ident(1), datetime(1990, 1, 1)] + [f"v{i}" for i in range(140)]
    do_import(fx.write_xlsx(tmp_path / "wide.xlsx", {"名单": [head, row]}), category=5)
    entry = RosterEntry.get()
    assert json.loads(entry.raw) == ["张三", ident(1), "1990-01-01"] + [f"v{i}" for i in range(140)]
    assert json.loads(entry.batch.raw_keys) == head
    do_import(fx.write_xlsx(tmp_path / "narrow.xlsx", {"名单": [head[:4], row[:3] + [None]]}), category=4)
    narrow = RosterEntry.select().order_by(RosterEntry.id.desc()).get()
    assert json.loads(narrow.raw)[:3] == ["张三", ident(1), "1990-01-01"]
