"""在保名单 (issue 18): import, coverage on every case, 漏保 suspects, 漏救 checks, confirmation.

Every test starts from a day-one database built through the CLI (init, this year's campaign, the
villages, the district's messy lists: tests/day_one.py), as the clerk builds it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from store.db import close_db, open_db
from tests.day_one import cli, first_evening, ok
from tests.import_helpers import ident
from tests.roster_fixtures import household_roster, person_roster

TODAY = dt.date.today()
MEMBER_ID = ident(305, "19800505")  # 残疾05号 of the disability list: a member (子女) of a 低保 household
HEAD_ID = ident(500, "19550101")  # the household's head: on no list


def as_json(*args: str):
    """stdout of a --json command, parsed."""
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def day_one(tmp_path: Path):
    """The first evening: init, this year's campaign, the villages, the 低保 and disability lists."""
    db, _dibao, _expected = first_evening(tmp_path)
    return db, tmp_path


def dibao_roster(tmp_path: Path, name: str = "低保.xlsx", extra: list[dict] | None = None, **kw) -> Path:
    """A 低保 household roster: 王大's household (with 残疾05号 as a child), and 低保01号 alone."""
    households = [
        {"head": ("王大", HEAD_ID), "since": dt.date(2019, 3, 1),
         "members": [("残疾05号", MEMBER_ID, "子女"), ("王妻", ident(502, "19560101"), "配偶")]},
        {"head": ("低保01号", ident(101, "19600101")), "since": dt.date(2018, 5, 1), "kind": "城市低保"},
        *(extra or []),
    ]
    return household_roster(tmp_path / name, households, **kw)


def test_member_of_a_dibao_household_is_covered_with_the_households_since(day_one):
    db, tmp = day_one
    out = ok("--db", db, "roster", "import", str(dibao_roster(tmp)), "--kind", "低保")
    assert "在保 4 人（2 户）" in out and "名单日期：2026-06-30" in out
    hit = as_json("--db", db, "find", "残疾05号")
    assert hit[0]["coverage"] == [{"kind": "低保", "since": "2019-03-01"}]
    assert as_json("--db", db, "find", "残疾06号")[0]["coverage"] == []
    open_db(Path(db))
    try:
        from store.cases.detail import coverage_text
        from store.schema import Person

        person = Person.get(Person.id_number == MEMBER_ID)
        assert coverage_text(person.id) == "低保（农村低保，2019-03-01起）"
    finally:
        close_db()


def test_each_kind_and_the_uncovered_counts_per_village_equal_a_hand_count(day_one):
    db, tmp = day_one
    ok("--db", db, "roster", "import", str(dibao_roster(tmp)), "--kind", "农村低保")
    rosters = {  # kind -> (person list name, the IDs on it)
        "特困": [("残疾06号", ident(306, "19800505"), dt.date(2020, 1, 1))],
        "孤儿": [("某孤儿", ident(700, "20150101"), dt.date(2021, 1, 1))],
        "事实无人抚养儿童": [("残疾07号", ident(307, "19800505"), dt.date(2022, 1, 1))],
        "低保边缘": [("低保02号", ident(102, "19600101"), dt.date(2023, 1, 1))],
        "临时救助": [("低保03号", ident(103, "19600101"), TODAY - dt.timedelta(days=40)),
                   ("低保04号", ident(104, "19600101"), TODAY - dt.timedelta(days=500))],  # too old
    }
    for kind, people in rosters.items():
        path = person_roster(tmp / f"{kind}.xlsx", people)
        ok("--db", db, "roster", "import", str(path), "--kind", kind, "--as-of", TODAY.isoformat())
    listed = {r["kind"]: r for r in as_json("--db", db, "roster", "list")}
    assert set(listed) == {"农村低保", "特困", "孤儿", "事实无人抚养儿童", "低保边缘", "临时救助"}
    assert listed["临时救助"]["persons"] == 1 and all(r["current"] for r in listed.values())
    covered_ids = {MEMBER_ID, ident(101, "19600101"), ident(306, "19800505"), ident(307, "19800505"),
                   ident(102, "19600101"), ident(103, "19600101")}
    open_db(Path(db))
    try:
        from store.reports.dashboard import board
        from store.schema import db as peewee_db
        from store.campaign.active import active_campaign_id

        cases = peewee_db.execute_sql(
            'SELECT v.id, p.id_number FROM "case" c JOIN "person" p ON p.id = c.person_id '
            'JOIN "village" v ON v.id = p.village_id WHERE c.deleted_at IS NULL').fetchall()
        by_hand: dict[int, int] = {}
        for vid, number in cases:
            by_hand[vid] = by_hand.get(vid, 0) + (number not in covered_ids)
        rows = board(active_campaign_id(), TODAY).rows
        assert {r.id: r.uncovered for r in rows if r.listed} == by_hand
        assert sum(r.covered for r in rows) == 6
    finally:
        close_db()


def test_a_newer_roster_confirms_inclusions_and_lists_the_mismatches(day_one):
    db, tmp = day_one
    open_db(Path(db))
    try:
        from store.cases.assess import advance_benefit, assess
        from store.schema import Case, Person

        def case_of(number: str) -> int:
            return Case.get(Case.person == Person.get(Person.id_number == number).id).id

        decided = TODAY - dt.timedelta(days=60)
        included = ident(110, "19600101")  # 低保10号: the app includes them, the new roster has them
        missing = ident(111, "19600101")  # 低保11号: the app includes them, the new roster does not
        refused = ident(112, "19600101")  # 低保12号: the app says 不符合, the new roster has them
        for number in (included, missing):
            benefit = assess(case_of(number), "符合", benefit_types=["低保"], on=decided)[0]
            advance_benefit(benefit.id, "纳入", on=decided)
        assess(case_of(refused), "不符合", reason="收入超标", next_check=TODAY + dt.timedelta(days=90), on=TODAY)
    finally:
        close_db()
    old = dibao_roster(tmp, "低保旧.xlsx", title_date=TODAY - dt.timedelta(days=70))
    ok("--db", db, "roster", "import", str(old), "--kind", "低保")
    before = as_json("--db", db, "roster", "confirm")
    assert before["confirmed"] == 0 and before["pending"] == 2 and before["mismatches"] == []
    newer = dibao_roster(tmp, "低保新.xlsx", title_date=TODAY, extra=[
        {"head": ("低保10号", included), "since": decided}, {"head": ("低保12号", refused), "since": decided}])
    out = ok("--db", db, "roster", "import", str(newer), "--kind", "低保")
    assert "替换第1份" in out and "已由名单确认" in out
    after = as_json("--db", db, "roster", "confirm")
    assert after["confirmed"] == 1 and after["pending"] == 0
    kinds = {m["name"]: m["kind"] for m in after["mismatches"]}
    assert kinds == {"低保11号": "名单未见", "低保12号": "名单在保"}
    history = [r for r in as_json("--db", db, "roster", "list") if not r["current"]]
    assert [r["id"] for r in history] == [1]


def test_an_older_roster_goes_into_history_and_remove_restores_the_previous(day_one):
    db, tmp = day_one
    ok("--db", db, "roster", "import", str(dibao_roster(tmp, "新.xlsx")), "--kind", "低保", "--as-of", "2026-06-30")
    out = ok("--db", db, "roster", "import", str(dibao_roster(tmp, "旧.xlsx", title_date=None)), "--kind", "低保",
             "--as-of", "2025-06-30")
    assert "只作历史" in out
    assert [(r["id"], r["current"]) for r in as_json("--db", db, "roster", "list")] == [(1, True), (2, False)]
    again = cli("--db", db, "roster", "import", str(tmp / "新.xlsx"), "--kind", "低保")
    assert again.exit_code == 1 and "已作为低保名单导入过" in again.output
    ok("--db", db, "roster", "remove", "1")
    assert [(r["id"], r["current"]) for r in as_json("--db", db, "roster", "list")] == [(2, True)]


def test_bad_rows_are_reported_and_the_rest_imported(day_one):
    db, tmp = day_one
    rows = [["在保人员名单"], ["姓名", "身份证号", "批准日期", "月保障金"],
            ["甲", ident(601, "19700101"), "2021.3.5", "1,200"],
            ["乙", "3.50505197001016e17", "2021-03-05", 800],  # an ID that lost digits as a float
            ["丙", ident(603, "19700101"), "2021/13/01", 800],  # an impossible date: kept, noted
            ["甲", ident(601, "19700101"), "2021-03-05", 800]]  # a repeated ID
    path = tmp / "特困.xlsx"
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    data = as_json("--db", db, "roster", "import", str(path), "--kind", "特困", "--as-of", "2026-07-01")
    assert (data["persons"], data["rejected"], data["skipped"], data["warnings"]) == (2, 1, 1, 1)
    report = openpyxl.load_workbook(data["report"], read_only=True)
    reasons = [str(r[-1]) for r in report.active.iter_rows(min_row=3, values_only=True)]
    assert any("身份证号" in r for r in reasons) and any("重复" in r for r in reasons)
    named = person_roster(tmp / "特困人员名册2026年5月31日.xlsx", [("甲", ident(601, "19700101"), None)])
    assert as_json("--db", db, "roster", "import", str(named), "--kind", "特困", "--dry-run")["as_of"] == "2026-05-31"
    bad = cli("--db", db, "roster", "import", str(path), "--kind", "五保户口")
    assert bad.exit_code == 2 and "无法识别的名单类别" in bad.output


def test_suspects_rank_severe_disability_first_and_assign_in_one_step(day_one):
    db, tmp = day_one
    ok("--db", db, "roster", "import", str(dibao_roster(tmp)), "--kind", "低保")
    data = as_json("--db", db, "roster", "suspects")["suspects"]
    assert data and all("未在保" in " ".join(s["reasons"]) for s in data)
    scores = [s["score"] for s in data]
    assert scores == sorted(scores, reverse=True) and data[0]["reasons"][0].startswith("新增")
    assert "残疾05号" not in {s["name"] for s in data}  # covered as a member of a 低保 household
    assert all("********" in s["id_number"] for s in data)
    open_db(Path(db))
    try:
        from store.town.members import add_member
        from store.schema import Case, Member

        member = add_member("林协理", "社会救助协理员")
    finally:
        close_db()
    done = as_json("--db", db, "roster", "suspects", "--assign", "--member", str(member.id))
    assert done["assigned"]["members_set"] == len(data)
    open_db(Path(db))
    try:
        assert {c.member_id for c in Case.select().where(Case.id.in_([s["case_id"] for s in data]))} == {member.id}
        assert Member.get_by_id(member.id).name == "林协理"
    finally:
        close_db()


def test_relief_gaps_flag_dibao_costs_and_covered_disabled_without_temporary_relief(day_one):
    db, tmp = day_one
    ok("--db", db, "roster", "import", str(dibao_roster(tmp)), "--kind", "低保")
    gaps = as_json("--db", db, "roster", "gaps")
    names = {g["name"] for g in gaps}
    assert "残疾05号" in names and "低保00号" in names  # covered household with a disabled member; category 2
    relief = person_roster(tmp / "临时救助.xlsx", [("残疾05号", MEMBER_ID, TODAY)])
    ok("--db", db, "roster", "import", str(relief), "--kind", "临时救助", "--as-of", TODAY.isoformat())
    assert "残疾05号" not in {g["name"] for g in as_json("--db", db, "roster", "gaps")}


def test_unreadable_or_empty_roster_files_say_why_and_store_nothing(day_one):
    db, tmp = day_one
    fake = tmp / "在保名单.xlsx"
    fake.write_text("<html>不是表格</html>", encoding="utf-8")
    empty = tmp / "空名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", "纳入时间"])
    wb.save(empty)
    for path, why in ((fake, "不是有效的Excel文件"), (empty, "未发现数据行")):
        result = cli("--db", db, "roster", "import", str(path), "--kind", "低保")
        assert result.exit_code == 2 and why in result.output and "Traceback" not in result.output
    assert as_json("--db", db, "roster", "list") == []
    bad_date = cli("--db", db, "roster", "import", str(empty), "--kind", "低保", "--as-of", "2026-13-01")
    assert bad_date.exit_code == 2 and "日期格式不正确" in bad_date.output
    # a roster dated in the future would stay the current one of its kind for years
    future = dibao_roster(tmp, "低保名单.xlsx")
    refused = cli("--db", db, "roster", "import", str(future), "--kind", "低保", "--as-of", "2099-01-01")
    assert refused.exit_code == 2 and "晚于今天" in refused.output
    assert as_json("--db", db, "roster", "list") == []


def test_case_hints_know_a_person_already_covered_by_dibao(day_one):
    db, tmp = day_one
    open_db(Path(db))
    try:
        from store.cases.assess import hints
        from store.schema import Case, Person

        case = Case.get(Case.person == Person.get(Person.id_number == MEMBER_ID).id)  # 智力二级 on the list
        assert any("单人户" in h for h in hints(case.id, TODAY))
    finally:
        close_db()
    ok("--db", db, "roster", "import", str(dibao_roster(tmp)), "--kind", "低保")
    open_db(Path(db))
    try:
        assert not any("尚未纳入低保" in h for h in hints(case.id, TODAY))
    finally:
        close_db()


def test_progress_table_and_report_give_covered_and_confirmed_figures(day_one):
    import docx

    db, tmp = day_one
    ok("--db", db, "export", "progress", "--out", str(tmp / "before.xlsx"))
    header = [str(c.value) for c in openpyxl.load_workbook(tmp / "before.xlsx").active[3]]
    assert "已在保" not in header  # no roster yet: the table is as before
    open_db(Path(db))
    try:
        from store.cases.assess import advance_benefit, assess
        from store.schema import Case, Person

        case = Case.get(Case.person == Person.get(Person.id_number == ident(110, "19600101")).id)
        benefit = assess(case.id, "符合", benefit_types=["低保"], on=TODAY)[0]
        advance_benefit(benefit.id, "纳入", on=TODAY)
    finally:
        close_db()
    roster = dibao_roster(tmp, title_date=TODAY, extra=[{"head": ("低保10号", ident(110, "19600101")), "since": TODAY}])
    ok("--db", db, "roster", "import", str(roster), "--kind", "低保")
    ok("--db", db, "export", "progress", "--out", str(tmp / "progress.xlsx"))
    ok("--db", db, "export", "report", "--out", str(tmp / "report.docx"))
    sheet = openpyxl.load_workbook(tmp / "progress.xlsx").active
    header = [str(c.value) for c in sheet[3]]
    rows = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]
    total = next(r for r in rows if r["村（居）"] == "合计")
    assert total["已在保"] == 3 and total["未在保"] == total["名单\n人数"] - 3  # 残疾05号, 低保01号, 低保10号
    text = "\n".join(p.text for p in docx.Document(tmp / "report.docx").paragraphs)
    assert "对照现行低保在保名单，排查对象中已在保3人" in text and "1人已由最新在保名单确认" in text


def test_sheet_option_picks_the_roster_sheet(day_one):
    from tests.import_fixtures import write_xlsx

    db, tmp = day_one
    head = ["姓名", "身份证号", "纳入时间"]
    path = write_xlsx(tmp / "两张表.xlsx", {"城市": [head, ["甲", ident(601, "19700101"), "2020-01-01"]],
                                         "农村": [head, ["乙", ident(603, "19700101"), "2021-01-01"],
                                                  ["丙", ident(605, "19700101"), "2021-01-01"]]})
    data = as_json("--db", db, "roster", "import", str(path), "--kind", "农村低保", "--sheet", "农村",
                   "--as-of", "2026-06-30")
    assert data["persons"] == 2
    bad = cli("--db", db, "roster", "import", str(path), "--kind", "低保", "--sheet", "乡镇")
    assert bad.exit_code == 2 and "没有名为「乡镇」的工作表" in bad.output


def test_urban_and_rural_rosters_stand_side_by_side_and_a_whole_one_replaces_both(day_one):
    db, tmp = day_one
    urban = person_roster(tmp / "城市低保.xlsx", [("低保01号", ident(101, "19600101"), dt.date(2018, 5, 1))])
    rural = person_roster(tmp / "农村低保.xlsx", [("低保02号", ident(102, "19600101"), dt.date(2019, 5, 1))])
    ok("--db", db, "roster", "import", str(urban), "--kind", "城市低保", "--as-of", "2026-06-30")
    out = ok("--db", db, "roster", "import", str(rural), "--kind", "农村低保", "--as-of", "2026-05-31")
    assert "现为农村低保在保名单" in out and "替换" not in out
    assert [(r["kind"], r["current"]) for r in as_json("--db", db, "roster", "list")] == [
        ("城市低保", True), ("农村低保", True)]
    for name in ("低保01号", "低保02号"):
        assert [c["kind"] for c in as_json("--db", db, "find", name)[0]["coverage"]] == ["低保"]
    whole = person_roster(tmp / "低保.xlsx", [("低保02号", ident(102, "19600101"), dt.date(2019, 5, 1))])
    out = ok("--db", db, "roster", "import", str(whole), "--kind", "低保", "--as-of", "2026-07-31")
    assert "替换第1、2份" in out
    assert as_json("--db", db, "find", "低保01号")[0]["coverage"] == []


def test_a_single_person_line_or_a_deleted_member_covers_no_one_else(db_path):
    """单列施保 (保障人数 1) covers that person alone; a deleted person covers no household mate."""
    from store.people import people
    from store.rosters.coverage import coverage_of
    from store.schema import CoveredPerson, Person, Roster
    from store.town.villages import create_village

    village = create_village("后龙村")
    alone, mate = (people.create_person(name=n, id_number=ident(i, "19600101"), village=village.id).id
                   for n, i in (("单列者", 701), ("同户人", 703)))
    Person.update(household_code="H1").where(Person.id.in_([alone, mate])).execute()
    roster = Roster.create(kind="农村低保", as_of=TODAY, file_name="低保.xlsx", sha256="x")
    line = CoveredPerson.create(roster=roster, id_number=ident(701, "19600101"), kind="农村低保", persons=1)
    got = coverage_of([alone, mate])
    assert alone in got and mate not in got
    line.persons = 3
    line.save()
    assert mate in coverage_of([mate])
    people.delete_person(alone)
    assert mate not in coverage_of([mate])
