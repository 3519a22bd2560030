"""The case table query, the case detail, 研判 and benefits, the follow-up helpers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from store import followup
from store.cases import assess
from store.cases import detail as case_detail
from store.cases import table as case_table
from store.cases.table import CaseFilter
from store.cases.cases import record_contact
from store.errors import ValidationError
from store.people.people import update_person
from store.schema import AuditLog, Benefit, BenefitStep, Case, Contact
from store.campaign.active import active_campaign_id
from tests.conftest import DEMO_TODAY


def test_ordered_ids_filter_and_sort(demo_db):
    cid = active_campaign_id()
    everyone = case_table.ordered_ids(CaseFilter(), cid, today=DEMO_TODAY)
    assert len(everyone) == Case.select().count() == len(set(everyone))
    waiting = case_table.ordered_ids(CaseFilter(status="待排查"), cid, today=DEMO_TODAY)
    assert len(waiting) == Case.select().where(Case.status == "待排查").count()
    by_name = case_table.rows_for(case_table.ordered_ids(CaseFilter(), cid, sort="name")[:50])
    assert [r.name for r in by_name] == sorted(r.name for r in by_name)
    late = case_table.ordered_ids(CaseFilter(overdue_only=True), cid, sort="next_followup", today=DEMO_TODAY)
    rows = case_table.rows_for(late)
    assert rows and all(r.next_followup < DEMO_TODAY for r in rows)
    assert [r.next_followup for r in rows] == sorted(r.next_followup for r in rows)


def test_rows_are_masked_and_keep_order(demo_db):
    cid = active_campaign_id()
    ids = case_table.ordered_ids(CaseFilter(category=4), cid, sort="last_contact", descending=True)[:20]
    rows = case_table.rows_for(ids)
    assert [r.case_id for r in rows] == ids
    assert all("*" in r.id_masked and "4" in r.codes.split(",") for r in rows)


def test_case_detail_holds_every_part_masked(demo_db):
    case = Case.select().where(Case.status == "已纳入").first()
    d = case_detail.load(case.id, DEMO_TODAY)
    assert "********" in d.id_masked and d.categories and d.roster and d.benefits
    dates = [c["date"] for c in d.contacts]
    assert dates == sorted(dates, reverse=True)
    assert d.benefits[0]["steps"][0].startswith("申请")


def test_reveal_writes_an_audit_row(demo_db):
    case = Case.get_by_id(1)
    number = case_detail.reveal_id(case.person_id)
    assert len(number) == 18
    row = AuditLog.select().where(AuditLog.action == "reveal").order_by(AuditLog.id.desc()).first()
    assert row.row_id == case.person_id and row.table == "person"


def _waiting_case() -> Case:
    return Case.select().where(Case.status == "待排查").order_by(Case.id).first()


def test_assess_eligible_opens_benefits_with_steps(demo_db):
    case = _waiting_case()
    created = assess.assess(case.id, "符合", benefit_types=["低保", "临时救助急难型"], on=DEMO_TODAY)
    case = Case.get_by_id(case.id)
    assert case.conclusion == "符合" and case.status == "办理中" and case.assessed_on == DEMO_TODAY
    assert {b.type for b in created} == {"低保", "临时救助急难型"}
    assert BenefitStep.select().where(BenefitStep.benefit.in_([b.id for b in created])).count() == 2
    assert AuditLog.select().where((AuditLog.table == "case") & (AuditLog.row_id == case.id)).count() >= 1


def test_assess_not_eligible_needs_reason_and_goes_to_monitoring(demo_db):
    case = _waiting_case()
    with pytest.raises(ValidationError) as err:
        assess.assess(case.id, "不符合", next_check=DEMO_TODAY, on=DEMO_TODAY)
    assert err.value.field == "reason"
    assess.assess(case.id, "不符合", reason="家庭收入超过标准", next_check=DEMO_TODAY + dt.timedelta(days=30),
                  on=DEMO_TODAY)
    case = Case.get_by_id(case.id)
    assert (case.status, case.conclusion_reason) == ("动态监测", "家庭收入超过标准")
    assert case.next_followup == DEMO_TODAY + dt.timedelta(days=30)


def test_advance_benefit_steps_forward_only_and_纳入_closes(demo_db):
    case = _waiting_case()
    [b] = assess.assess(case.id, "符合", benefit_types=["低保"], on=DEMO_TODAY)
    assess.advance_benefit(b.id, "调查", on=DEMO_TODAY)
    with pytest.raises(ValidationError):
        assess.advance_benefit(b.id, "申请", on=DEMO_TODAY)
    assess.advance_benefit(b.id, "纳入", on=DEMO_TODAY)
    assert Benefit.get_by_id(b.id).status == "纳入"
    assert Case.get_by_id(case.id).status == "已纳入"
    assert [s.status for s in BenefitStep.select().where(BenefitStep.benefit == b.id)] == ["申请", "调查", "纳入"]
    assert assess.next_steps("公示") == ["审核确认", "纳入", "不予纳入", "停发"]


def test_temporary_aid_needs_an_amount(demo_db):
    with pytest.raises(ValidationError) as err:
        assess.add_benefit(_waiting_case().id, "临时救助支出型")
    assert err.value.field == "amount"


def test_hints_for_severe_disability_and_children(demo_db):
    case = _waiting_case()
    update_person(case.person_id, disability_category=5, disability_grade=3)
    assert any("单人户" in h for h in assess.hints(case.id, DEMO_TODAY))
    born = case.person.birth_date
    assert any("孤儿" in h for h in assess.hints(case.id, born + dt.timedelta(days=365 * 10)))
    assess.assess(case.id, "符合", benefit_types=["低保单人户"], on=DEMO_TODAY)
    assert not any("单人户" in h for h in assess.hints(case.id, DEMO_TODAY))


@pytest.mark.parametrize("text", ["2021-03-05", "2021/3/5", "2021.3.5", "2021年3月5日", "20210305", " 2021-3-05 "])
def test_parse_date_accepts_the_importer_formats(text):
    assert followup.parse_date(text) == dt.date(2021, 3, 5)


@pytest.mark.parametrize("text", ["2021/13/01", "3/5", "明天", "2021-02-30"])
def test_parse_date_refuses_with_a_chinese_reason(text):
    with pytest.raises(ValidationError) as err:
        followup.parse_date(text, field="next")
    assert err.value.field == "next" and "日" in err.value.message


def test_last_member_follows_the_operator(demo_db):
    case = _waiting_case()
    member_id = followup.members()[3][0]
    record_contact(case.id, kind="电话回访", date=dt.date.today(), member_id=member_id, findings="x")
    assert followup.last_member("测试员") == member_id
    assert json.loads(AuditLog.select().order_by(AuditLog.id.desc()).first().after)["status"] == "已联系"  # a call is no home visit
    assert Contact.select().where(Contact.case == case.id).count() == 1


def test_village_view_has_zones_members_and_progress(demo_db):
    from store.schema import Village
    from store.town.village_view import village_view

    village = Village.select().first()
    view = village_view(village.id, active_campaign_id())
    assert view.name == village.name and view.zones and view.members
    assert sum(z[2] for z in view.zones) == len(case_table.ordered_ids(CaseFilter(village_id=village.id),
                                                                        active_campaign_id()))
    assert all("*" in m[2] for m in view.members if m[2])


def test_text_filter_matches_name_or_initials_and_escapes_wildcards(demo_db):
    from store.schema import Person

    cid = active_campaign_id()
    case = Case.select().first()
    person = Person.get_by_id(case.person_id)
    assert case.id in case_table.ordered_ids(CaseFilter(text=person.name[1:]), cid)
    assert case.id in case_table.ordered_ids(CaseFilter(text=person.py_initials), cid)
    assert case_table.ordered_ids(CaseFilter(text="%"), cid) == []
    assert case_table.ordered_ids(CaseFilter(text="_"), cid) == []


def test_unzoned_filter_lists_the_cases_without_a_zone(demo_db):
    from store.schema import Person, Village
    from store.town.zones import assign_cases, unzoned_cases

    cid = active_campaign_id()
    assert case_table.ordered_ids(CaseFilter(unzoned=True), cid) == []
    village = Village.select().first()
    ids = case_table.ordered_ids(CaseFilter(village_id=village.id), cid)[:3]
    assign_cases(ids, None)
    got = case_table.ordered_ids(CaseFilter(unzoned=True), cid)
    assert sorted(got) == sorted(ids) == sorted(r.case_id for r in unzoned_cases())
    assert CaseFilter(unzoned=True).describe() == "未分片"
    assert all(Person.get_by_id(Case.get_by_id(c).person_id).zone_id is None for c in got)
