"""The pickers of the attachment form and the new-case form are filled by store functions (the TUI
writes no queries): attachment_targets(case_id) in a fixed number of queries however many
rectifications there are, categories_of(campaign_id) in code order."""

from __future__ import annotations

import datetime as dt

from playhouse.test_utils import count_queries

from store.campaign.categories import categories_of
from store.cases.attachments import attachment_targets
from store.cases.cases import record_contact
from store.checks.problems import create_problem, delete_problem
from store.schema import Case, Category, Contact, Rectification


def test_attachment_targets_newest_visit_first_then_rectifications(demo_db):
    case = Case.select().where(Case.deleted_at.is_null()).order_by(Case.id).first()
    Contact.update(deleted_at=dt.datetime(2026, 11, 1)).where(Contact.case == case.id).execute()
    old = record_contact(case.id, kind="电话回访", date=dt.date(2026, 11, 2))
    new = record_contact(case.id, kind="入户走访", date=dt.date(2026, 11, 20))
    problems = [create_problem(source="自查", kind="台账不全", description=f"走访记录缺少签字第{i}处，需补签",
                               found_on=dt.date(2026, 11, 21), case_id=case.id) for i in range(5)]
    delete_problem(problems[-1].id)
    with count_queries() as counter:
        targets = attachment_targets(case.id)
    assert counter.count <= 2
    fixes = {Rectification.get(Rectification.problem == p.id).id for p in problems[:4]}
    assert targets[:2] == [("入户走访 2026-11-20", ("contact", new.id)), ("电话回访 2026-11-02", ("contact", old.id))]
    assert {t[1][1] for t in targets[2:]} == fixes and all(t[1][0] == "rectification" for t in targets[2:])
    assert targets[2][0] == "整改：走访记录缺少签字第0处，"


def test_categories_of_a_campaign_in_code_order(demo_db):
    cid = Category.select().first().campaign_id
    cats = categories_of(cid)
    codes = [code for _label, code in cats]
    assert codes == sorted(codes) and 7 in codes
    seven = Category.get(Category.campaign == cid, Category.code == 7)
    assert (f"7 {seven.short_name}", 7) in cats
