"""Problems and rectifications: default deadline, progress notes, evidence, lists, overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from store.cases import cases
from store.town import members
from store.people import people
from store.checks import problems
from store.town import villages
from store.errors import ValidationError
from store.cases.overdue import overdue_items
from store.checks.problem_lists import problem_list, rectification_list
from store.schema import AuditLog, Problem, Rectification
from store.campaign.active import active_campaign_id

FOUND = dt.date(2026, 11, 1)


def _setup():
    v = villages.create_village("后龙村")
    m = members.add_member("林志明", "两委委员", village_id=v.id)
    p = people.create_person(name="张三", village=v.id)
    case = cases.open_case(p.id, [4, 2])
    return v, m, case


def test_create_with_default_deadline_and_village_from_case(db_path):
    v, m, case = _setup()
    pr = problems.create_problem(source="自查", kind="漏保", description=" 未纳入低保 ", found_on=FOUND,
                                 case_id=case.id, found_by="镇社会事务办", member_id=m.id, measure="启动申请")
    fix = Rectification.get(Rectification.problem == pr.id)
    assert (pr.village_id, pr.description, fix.deadline, fix.member_id) == (v.id, "未纳入低保", FOUND + dt.timedelta(15), m.id)
    assert AuditLog.select().where(AuditLog.table.in_(["problem", "rectification"])).count() == 2
    row, = problem_list(active_campaign_id(), FOUND)
    assert (row.village, row.person, row.categories, row.kind, row.source) == ("后龙村", "张三", "2 低保自付、4 新增残疾", "漏保", "自查")
    assert (row.responsible, row.measure, row.days_left, row.overdue) == ("林志明", "启动申请", 15, False)


@pytest.mark.parametrize("kwargs,field", [
    (dict(source="群众", kind="漏保", description="x"), "source"),
    (dict(source="自查", kind="错保", description="x"), "kind"),
    (dict(source="自查", kind="漏保", description=" "), "description"),
    (dict(source="自查", kind="漏保", description="x", deadline=FOUND - dt.timedelta(1)), "deadline"),
])
def test_bad_problem_input(db_path, kwargs, field):
    _setup()
    with pytest.raises(ValidationError) as err:
        problems.create_problem(found_on=FOUND, village_id=1, **kwargs)
    assert err.value.field == field
    assert Problem.select().count() == 0 and Rectification.select().count() == 0


def test_progress_done_evidence_and_deadline_boundary(db_path, tmp_path):
    v, m, case = _setup()
    pr = problems.create_problem(source="上级反馈", kind="台账不全", description="缺走访照片", found_on=FOUND,
                                 village_id=v.id)
    cid = active_campaign_id()
    deadline = FOUND + dt.timedelta(15)
    assert overdue_items(cid, deadline) == []
    assert [i.kind for i in overdue_items(cid, deadline + dt.timedelta(1))] == ["rectification"]
    assert rectification_list(cid, deadline + dt.timedelta(1))[0].overdue is True
    assert rectification_list(cid, deadline)[0].overdue is False
    problems.add_progress(pr.id, "已补拍照片", dt.date(2026, 11, 3))
    problems.add_progress(pr.id, "已上传台账", dt.date(2026, 11, 5))
    photo = tmp_path / "照片1.jpg"
    photo.write_bytes(b"x")
    warnings = problems.set_evidence(pr.id, f"{photo}\n\n{tmp_path / '缺.pdf'}\n")
    assert warnings == [f"找不到佐证材料文件：{tmp_path / '缺.pdf'}"]
    problems.set_done(pr.id, dt.date(2026, 11, 6))
    row = rectification_list(cid, deadline + dt.timedelta(1))[0]
    assert row.progress == "2026-11-03 已补拍照片\n2026-11-05 已上传台账"
    assert row.evidence == [str(photo), str(tmp_path / "缺.pdf")]
    assert (row.done_on, row.overdue, row.days_left) == (dt.date(2026, 11, 6), False, None)
    assert overdue_items(cid, deadline + dt.timedelta(1)) == []
    with pytest.raises(ValidationError, match="不能早于"):
        problems.set_done(pr.id, FOUND - dt.timedelta(1))


def test_soft_delete_hides_from_lists_and_overdue(db_path):
    v, m, case = _setup()
    pr = problems.create_problem(source="信访", kind="信访未答复", description="未答复", found_on=FOUND, village_id=v.id)
    cid = active_campaign_id()
    problems.delete_problem(pr.id)
    assert problem_list(cid) == [] and overdue_items(cid, FOUND + dt.timedelta(30)) == []
    problems.restore_problem(pr.id)
    problems.edit_problem(pr.id, kind="其他", description="改")
    problems.edit_rectification(pr.id, deadline=FOUND + dt.timedelta(30), member_id=m.id)
    row, = problem_list(cid, FOUND)
    assert (row.kind, row.description, row.deadline, row.days_left) == ("其他", "改", FOUND + dt.timedelta(30), 30)


def test_lists_filter_by_case_village_and_open(db_path):
    v, m, case = _setup()
    other = villages.create_village("上西村")
    a = problems.create_problem(source="自查", kind="漏保", description="甲", found_on=FOUND, case_id=case.id)
    problems.create_problem(source="抽查", kind="其他", description="乙", found_on=FOUND, village_id=other.id)
    cid = active_campaign_id()
    assert [r.problem_id for r in problem_list(cid, case_id=case.id)] == [a.id]
    assert [r.description for r in problem_list(cid, village_id=other.id)] == ["乙"]
    assert [r.description for r in problem_list(cid, source="自查")] == ["甲"]
    problems.set_done(a.id, FOUND)
    assert [r.description for r in rectification_list(cid, FOUND, open_only=True)] == ["乙"]
    assert [r.description for r in rectification_list(cid, FOUND)] == ["乙", "甲"]
