"""Overdue rules at their boundaries: due today is not late, due yesterday is."""

from __future__ import annotations

import datetime as dt

from store.cases import cases
from store.people import people
from store.cases.overdue import overdue_items
from store.schema import Case, Petition, Problem, Rectification
from store.campaign.active import active_campaign_id

TODAY = dt.date(2026, 11, 29)


def make_case(name="张三", number="11010519491231002X"):
    p = people.create_person(name=name, id_number=number)
    return cases.open_case(p.id, [5])


def test_followup_boundary_and_cleared_by_contact(db_path):
    case = make_case()
    Case.update(next_followup=TODAY).where(Case.id == case.id).execute()
    assert overdue_items(active_campaign_id(), TODAY) == []
    items = overdue_items(active_campaign_id(), TODAY + dt.timedelta(days=1))
    assert [(i.kind, i.days_over, i.case_id) for i in items] == [("followup", 1, case.id)]
    cases.record_contact(case.id, kind="电话回访", date=dt.date.today())
    Case.update(next_followup=None).where(Case.id == case.id).execute()
    assert overdue_items(active_campaign_id(), TODAY + dt.timedelta(days=1)) == []


def test_petition_notice_and_close_with_extension(db_path):
    case = make_case()
    accepted = TODAY - dt.timedelta(days=15)
    Petition.create(case=case.id, accepted=accepted, notice_due=accepted + dt.timedelta(days=15),
                    close_due=accepted + dt.timedelta(days=60), extension_days=30)
    cid = active_campaign_id()
    assert overdue_items(cid, TODAY) == []  # day 15: due today
    assert [i.kind for i in overdue_items(cid, TODAY + dt.timedelta(days=1))] == ["petition_notice"]
    day90 = accepted + dt.timedelta(days=90)
    kinds = {i.kind for i in overdue_items(cid, day90)}
    assert "petition_close" not in kinds
    assert "petition_close" in {i.kind for i in overdue_items(cid, day90 + dt.timedelta(days=1))}


def test_rectification_deadline(db_path):
    case = make_case()
    village_id = None
    from store.town import villages

    village_id = villages.create_village("后龙村").id
    pr = Problem.create(campaign=active_campaign_id(), village=village_id, case=case.id, source="抽查",
                        kind="台账不全", description="缺照片", found_on=TODAY)
    Rectification.create(problem=pr.id, deadline=TODAY + dt.timedelta(days=15))
    cid = active_campaign_id()
    assert overdue_items(cid, TODAY + dt.timedelta(days=15)) == []
    item = overdue_items(cid, TODAY + dt.timedelta(days=16))[0]
    assert (item.kind, item.problem_id, item.case_id, item.village) == ("rectification", pr.id, case.id, "后龙村")


def test_demo_has_overdue_items(demo_db):
    from tests.conftest import DEMO_TODAY

    kinds = {i.kind for i in overdue_items(active_campaign_id(), DEMO_TODAY)}
    assert {"followup", "petition_close", "rectification"} <= kinds
