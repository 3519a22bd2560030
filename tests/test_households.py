"""Households (户), the 低保 / 低保边缘 hint from income and the dated standard, 重病 and the
三、四级 智力/精神 hints, the 公示 period before 审核确认, 先行救助."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from store.cases import assess
from store.people import households
from store.campaign.benefit_rules import publicity_days, set_publicity_days
from store.cases.cases import open_case, require_campaign
from store.errors import ValidationError
from store.people.people import create_person, update_person
from store.schema import AuditLog, Benefit, BenefitStep, Case, Household, Person
from store.campaign.standards import set_standard
from store.town.villages import create_village, init_town
from tests.import_helpers import ident

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def town(db_path):
    init_town("后龙镇", "泉港区", "测试员")
    return create_village("后龙村")


def _case(village, name="王大", number=None, code=2) -> Case:
    person = create_person(name=name, id_number=number or ident(11, "19600101"), village=village.id)
    return open_case(person.id, [code])


def test_a_household_of_three_with_one_listed_person(town):
    case = _case(town)
    hh = households.set_household(case.person_id, "本人")
    assert hh.code == case.person.id_number and Person.get_by_id(case.person_id).relation == "户主"
    households.save_household(hh.code, size="3", income="9000", housing="砖混平房一间", assets="无车辆")
    spouse = households.add_member(hh.code, name="李二", relation="配偶")
    view = households.household_of(case.person_id)
    assert (view.persons, view.head, [m.name for m in view.members]) == (3, "王大", ["王大", "李二"])
    assert spouse.village_id == town.id and spouse.household_code == hh.code
    # a member's own form: the head's ID number puts a person in the household
    other = create_person(name="王小", village=town.id)
    households.set_household(other.id, case.person.id_number, "子女")
    assert len(households.household_of(other.id).members) == 3
    with pytest.raises(ValidationError) as err:
        households.save_household(hh.code, size="2")
    assert err.value.field == "size"
    assert AuditLog.select().where(AuditLog.table == "household").count() >= 2


def test_income_hint_follows_the_dated_standard(town):
    case = _case(town)
    hh = households.set_household(case.person_id, "本人")
    households.save_household(hh.code, size=3, income="9000")  # 750 a month
    assert any("尚未设置农村低保标准" in h for h in assess.hints(case.id, DAY))  # no standard yet: said so
    set_standard("农村", "600", "2026-01-01")
    hint = [h for h in assess.hints(case.id, DAY) if "年人均收入" in h]
    assert hint and "低保边缘" in hint[0] and "750.00" in hint[0]  # 600 <= 750 < 900
    set_standard("农村", "800", "2026-07-01")
    assert any("可考虑申请「低保」" in h for h in assess.hints(case.id, DAY))
    assert any("低保边缘" in h for h in assess.hints(case.id, dt.date(2026, 6, 30)))  # the older standard then


def test_hints_for_grade_four_mental_and_serious_illness_and_large_costs(town):
    case = _case(town)
    update_person(case.person_id, disability_category=6, disability_grade=4)
    assert any("四级智力、精神残疾" in h for h in assess.hints(case.id, DAY))
    update_person(case.person_id, disability_category=None, disability_grade=None, serious_illness=True)
    assert any("重病患者" in h for h in assess.hints(case.id, DAY))


def test_review_five_days_after_publicity_asks_for_a_reason(town):
    case = _case(town)
    (b,) = assess.assess(case.id, "符合", benefit_types=["低保"], on=DAY)
    assess.advance_benefit(b.id, "公示", on=DAY)
    with pytest.raises(ValidationError) as err:
        assess.advance_benefit(b.id, "审核确认", on=DAY + dt.timedelta(5))
    assert err.value.field == "note" and "7天" in err.value.message
    assert Benefit.get_by_id(b.id).status == "公示"
    assess.advance_benefit(b.id, "审核确认", on=DAY + dt.timedelta(5), note="群众无异议，急需保障")
    step = BenefitStep.get(BenefitStep.benefit == b.id, BenefitStep.status == "审核确认")
    assert "群众无异议" in step.note
    logged = AuditLog.get(AuditLog.action == "publicity_short")
    assert json.loads(logged.after)["reason"] == "群众无异议，急需保障"


def test_publicity_period_is_campaign_data(town):
    cid = require_campaign().id
    assert publicity_days(cid) == 7
    set_publicity_days(cid, "5")
    case = _case(town)
    (b,) = assess.assess(case.id, "符合", benefit_types=["低保"], on=DAY)
    assess.advance_benefit(b.id, "公示", on=DAY)
    assess.advance_benefit(b.id, "审核确认", on=DAY + dt.timedelta(5))  # 5 days are enough now
    with pytest.raises(ValidationError):
        set_publicity_days(cid, "0")


def test_emergency_aid_granted_first_then_its_steps(town):
    case = _case(town)
    with pytest.raises(ValidationError):
        assess.add_benefit(case.id, "低保", on=DAY, advance=True)
    b = assess.add_benefit(case.id, "临时救助急难型", on=DAY, amount=Decimal("2000"), advance=True)
    assert (b.status, b.advance, Case.get_by_id(case.id).status) == ("纳入", True, "已纳入")
    assert assess.next_steps("纳入", b)[:3] == ["申请", "调查", "初审"]
    assert any("先行救助" in h and "申请" in h for h in assess.hints(case.id, DAY))
    for step in ("申请", "调查", "初审", "审核确认"):
        assess.advance_benefit(b.id, step, on=DAY + dt.timedelta(3))
    assert Benefit.get_by_id(b.id).status == "纳入"
    assert not any("先行救助" in h for h in assess.hints(case.id, DAY))
    assert Household.select().count() == 0


def test_a_list_with_the_heads_id_number_makes_households(town, tmp_path):
    from tests.import_fixtures import write_xlsx
    from tests.import_helpers import do_import

    head, spouse, alone = ident(21, "19600101"), ident(22, "19620101"), ident(23, "19700101")
    rows = [["姓名", "身份证号", "户主姓名", "户主身份证号", "与户主关系", "村居", "自付金额"],
            ["王大", head, "王大", head, "户主", "后龙村", 12000],
            ["李二", spouse, "王大", head, "配偶", "后龙村", 15000],
            ["张三", alone, "张三", 3.50505e17, "户主", "后龙村", 13000]]  # a float: no household, still imported
    do_import(write_xlsx(tmp_path / "低保对象自付医疗费用.xlsx", {"Sheet1": rows}), category=2)
    people = {p.name: p for p in Person.select()}
    assert people["王大"].household_code == people["李二"].household_code == head
    assert (people["王大"].relation, people["李二"].relation) == ("户主", "配偶")
    assert people["张三"].household_code is None
    view = households.household_of(people["李二"].id)
    assert (view.head, view.persons) == ("王大", 2)
    households.set_household(people["李二"].id, "本人")  # the clerk's choice is kept on re-import
    do_import(write_xlsx(tmp_path / "再次导入.xlsx", {"Sheet1": rows}), category=2)
    assert Person.get_by_id(people["李二"].id).household_code == spouse


def test_lists_show_advance_grants_and_household_sizes(town):
    from store.reports.export_records import ledger_rows
    from store.reports.export_rows import export_scope, outcome_rows

    case = _case(town)
    assess.add_benefit(case.id, "临时救助急难型", amount=Decimal("1500"), advance=True)
    hh = households.set_household(case.person_id, "本人")
    households.save_household(hh.code, size=4)
    scope = export_scope(None, None, None)
    assert [r.outcome for r in outcome_rows(scope)] == ["临时救助急难型（先行救助）"]
    (row,) = ledger_rows(scope)
    assert "先行救助" in row.benefits and row.household_size == 4


def test_undoing_a_list_with_heads_takes_its_persons_out_of_households(town, tmp_path):
    from store.imports.undo import undo_import
    from tests.import_fixtures import write_xlsx
    from tests.import_helpers import do_import

    head, spouse = ident(31, "19600101"), ident(32, "19620101")
    first = [["姓名", "身份证号", "村居", "自付金额"], ["王大", head, "后龙村", 12000]]
    do_import(write_xlsx(tmp_path / "低保自付.xlsx", {"Sheet1": first}), category=2)  # 王大 known, no household
    rows = [["姓名", "身份证号", "户主身份证号", "与户主关系", "村居", "来访日期"],
            ["王大", head, head, "户主", "后龙村", "2026-10-01"], ["李二", spouse, head, "配偶", "后龙村", "2026-10-01"]]
    do_import(write_xlsx(tmp_path / "信访.xlsx", {"Sheet1": rows}), category=5)
    assert Person.get(Person.name == "王大").household_code == head
    undo_import(2)
    wang = Person.get(Person.name == "王大")
    assert (wang.household_code, wang.relation) == (None, None)
    assert not Person.select().where(Person.name == "李二").exists()


def test_survey_of_a_zone_and_blank_forms(town, tmp_path):
    import docx

    from exports.common import write_export
    from store.town.zones import assign_cases, create_zone

    inside, outside = _case(town, "王大", ident(41, "19600101")), _case(town, "李四", ident(43, "19600101"))
    zone = create_zone(town.id, "下厝片区")
    assign_cases([inside.id], zone.id)
    hh = households.set_household(inside.person_id, "本人")
    households.save_household(hh.code, size=2, housing="土木结构危房")
    out = tmp_path / "片区.docx"
    result = write_export("survey", out, villages=["后龙村"], zone="下厝片区")
    text = " ".join(c.text for t in docx.Document(out).tables for r in t.rows for c in r.cells)
    assert result.rows == 1 and "王大" in text and "李四" not in text and "土木结构危房" in text
    write_export("survey", out, zone="下厝片区", blank=True)
    text = " ".join(c.text for t in docx.Document(out).tables for r in t.rows for c in r.cells)
    assert "王大" in text and "土木结构危房" not in text  # blank: only who and where
    with pytest.raises(ValidationError):
        write_export("survey", out, zone="没有的片区")
    assert outside.id
