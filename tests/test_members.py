"""Members: phones, roles, the village cadre, refusing to delete someone with records, workload."""

from __future__ import annotations

import datetime as dt

import pytest

from store.cases import cases
from store.town import members
from store.people import people
from store.town import villages
from store.town import zones
from store.errors import ValidationError
from store.schema import AuditLog, Case, Contact, Member, Village
from store.campaign.active import active_campaign_id
from tests.conftest import DEMO_TODAY


def test_add_normalises_phone_and_checks_role(db_path):
    v = villages.create_village("后龙村")
    m = members.add_member(" 林志明 ", "两委委员", village_id=v.id, phone="137-0000-3333")
    assert (m.name, m.phone, m.village_id) == ("林志明", "13700003333", v.id)
    with pytest.raises(ValidationError, match="无效的职务") as err:
        members.add_member("张三", "村长")
    assert err.value.field == "role"
    with pytest.raises(ValidationError, match="无效") as err:
        members.add_member("张三", "书记", phone="12345")
    assert err.value.field == "phone"
    assert Member.select().count() == 1
    members.edit_member(m.id, phone="13900001111 / 0595-87654321")
    assert Member.get_by_id(m.id).phone == "13900001111/059587654321"
    assert AuditLog.select().where(AuditLog.table == "member").count() == 2


def test_deleting_a_member_with_records_is_refused_and_deactivation_works(db_path):
    v = villages.create_village("后龙村")
    m = members.add_member("林志明", "两委委员", village_id=v.id)
    zones.create_zone(v.id, "东片", member_id=m.id)
    p = people.create_person(name="张三", village=v.id)
    case = cases.open_case(p.id, [7], member_id=m.id)
    cases.record_contact(case.id, kind="入户走访", date=dt.date.today(), member_id=m.id)
    with pytest.raises(ValidationError) as err:
        members.delete_member(m.id)
    assert "片区1个" in err.value.message and "排查对象1个" in err.value.message
    assert "走访记录1条" in err.value.message and "停用" in err.value.message
    members.deactivate_member(m.id)
    assert Member.get_by_id(m.id).active is False
    assert Case.get_by_id(case.id).member_id == m.id  # records kept
    with pytest.raises(ValidationError, match="已停用"):
        zones.create_zone(v.id, "西片", member_id=m.id)
    spare = members.add_member("王五", "镇干部")
    members.delete_member(spare.id)
    assert Member.get_or_none(Member.id == spare.id) is None
    assert AuditLog.get((AuditLog.table == "member") & (AuditLog.action == "delete")).row_id == spare.id


def test_village_cadre_must_be_an_active_resident_cadre(db_path):
    v = villages.create_village("后龙村")
    staff = members.add_member("林志明", "两委委员", village_id=v.id)
    cadre = members.add_member("陈建国", "驻村干部")
    with pytest.raises(ValidationError, match="驻村干部"):
        members.set_village_cadre(v.id, staff.id)
    members.set_village_cadre(v.id, cadre.id)
    assert Village.get_by_id(v.id).cadre_id == cadre.id
    with pytest.raises(ValidationError, match="驻村联系村1个"):
        members.delete_member(cadre.id)
    with pytest.raises(ValidationError, match="更换该村的驻村干部"):
        members.edit_member(cadre.id, role="镇干部")
    members.set_village_cadre(v.id, None)
    assert Village.get_by_id(v.id).cadre_id is None


def test_workload_counts_in_the_demo_town(demo_db):
    cid = active_campaign_id()
    rows = members.workload(cid, DEMO_TODAY)
    by_id = {w.member_id: w for w in rows}
    live = Case.select().where(Case.deleted_at.is_null(), Case.member.is_null(False))
    assert sum(w.cases for w in rows) == live.count()
    busiest = max(rows, key=lambda w: w.cases)
    mine = live.where(Case.member == busiest.member_id)
    home = Contact.select(Contact.case).where(Contact.kind == "入户走访", Contact.deleted_at.is_null())
    assert busiest.visited == mine.where(Case.id.in_(home)).count()  # 已走访: a home visit, not a call
    assert sum(w.overdue for w in rows) > 0
    # stale: open cases whose last contact is more than 30 days old (or none)
    open_cases = [c for c in mine if c.status not in ("已纳入", "已办结")]
    cutoff = DEMO_TODAY - dt.timedelta(days=30)
    stale = 0
    for c in open_cases:
        dates = [t.date for t in Contact.select().where(Contact.case == c.id, Contact.deleted_at.is_null())]
        stale += (max(dates) if dates else dt.date.min) < cutoff
    assert by_id[busiest.member_id].stale == stale


def test_stale_boundary_is_thirty_days(db_path):
    v = villages.create_village("后龙村")
    m = members.add_member("林志明", "两委委员", village_id=v.id)
    case = cases.open_case(people.create_person(name="张三", village=v.id).id, [7], member_id=m.id)
    day = dt.date.today() - dt.timedelta(days=1)
    cases.record_contact(case.id, kind="电话回访", date=day)
    cid = active_campaign_id()
    at = lambda d: {w.member_id: w for w in members.workload(cid, d)}[m.id].stale  # noqa: E731
    assert at(day + dt.timedelta(days=30)) == 0
    assert at(day + dt.timedelta(days=31)) == 1
