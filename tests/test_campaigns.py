"""Campaigns the office edits (store/campaign/campaigns.py, categories.py, standards.py, carryover.py):
a new year from a template, edits with Chinese validation, one active campaign, retired
categories, the 低保 standards, last year's open items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from store.campaign import campaigns
from store.campaign import categories
from store.campaign import standards
from store.campaign.carryover import carried_over
from store.errors import ValidationError
from store.reports.queries import active_campaign
from store.schema import AuditLog, Campaign, Case, Category, Phase, Problem, Rectification
from store.campaign.active import active_campaign_id
from tests.conftest import DEMO_TODAY


def audited(table: str) -> int:
    return AuditLog.select().where(AuditLog.table == table).count()


def test_new_year_moves_dates_and_years_in_names(db_path):
    view = campaigns.new_campaign(2026, "source")
    assert view.active and active_campaign().id == view.id == active_campaign_id()
    assert Campaign.select().where(Campaign.active == True).count() == 1  # noqa: E712
    assert [(p.name, p.start, p.end) for p in view.phases][0] == ("谋划部署", dt.date(2026, 7, 21), dt.date(2026, 8, 10))
    assert view.report_due == dt.date(2026, 9, 30) and view.name.startswith("2026年")
    cats = {c.code: c for c in view.categories}
    assert cats[1].name == "2025年产生医疗费用特困人员" and cats[1].since == dt.date(2025, 1, 1)
    assert cats[6].name == "2026年防返贫监测预警对象"
    assert cats[2].threshold == Decimal("10000.00") and cats[3].threshold == Decimal("42000.00")
    assert audited("campaign") >= 2 and audited("category") == 7 and audited("phase") == 3


def test_new_from_latest_with_a_start_moves_the_schedule(db_path):
    first = campaigns.new_campaign(2026, "source")
    campaigns.edit_campaign(first.id, doc_number="龙政〔2026〕12号")
    second = campaigns.new_campaign(2027, start="2027年3月1日")
    assert second.phases[0].start == dt.date(2027, 3, 1)
    assert [(p.end - p.start).days for p in second.phases] == [(p.end - p.start).days for p in first.phases]
    assert second.report_due == second.phases[-1].end
    assert {c.name for c in second.categories} >= {"2026年产生医疗费用特困人员"}
    assert second.doc_number is None and campaigns.get_campaign(first.id).doc_number == "龙政〔2026〕12号"


@pytest.mark.parametrize("phases, field, words", [
    ([("谋划部署", "2026-08-01", "2026-08-10"), ("推动落实", "2026-08-05", "2026-09-01")], "phase-1-start", "之后开始"),
    ([("谋划部署", "2026-08-10", "2026-08-01")], "phase-0-end", "早于开始日期"),
    ([("谋划部署", "2026-02-30", "2026-03-10")], "phase-0-start", "没有这一日期"),
    ([("谋划部署", "2031-08-01", "2031-08-10")], "phase-0-start", "不在 2026 年度内"),
    ([("", "2026-08-01", "2026-08-10")], "phase-0-name", "请填写阶段名称"),
    ([("谋划部署", "2026-08-01", "2026-10-10")], "report_due", "早于最后一个阶段"),
])
def test_phase_rules_in_chinese_and_nothing_written(db_path, phases, field, words):
    view = campaigns.new_campaign(2026, "source")
    before = [(p.name, p.start, p.end) for p in Phase.select().where(Phase.campaign == view.id).order_by(Phase.seq)]
    with pytest.raises(ValidationError) as err:
        campaigns.edit_campaign(view.id, phases=phases, name="改了的名称")
    assert err.value.field == field and words in err.value.message
    after = [(p.name, p.start, p.end) for p in Phase.select().where(Phase.campaign == view.id).order_by(Phase.seq)]
    assert after == before and Campaign.get_by_id(view.id).name != "改了的名称"


def test_phases_added_removed_reordered_in_one_save(db_path):
    view = campaigns.new_campaign(2026, "source")
    campaigns.edit_campaign(view.id, phases=[("动员部署", "2026.8.1", "2026/8/5"), ("排查", "2026年8月6日", "2026-09-10"),
                                             ("整改", "2026-09-11", "2026-09-20"), ("总结", "2026-09-21", "2026-09-30")])
    got = campaigns.get_campaign(view.id).phases
    assert [p.name for p in got] == ["动员部署", "排查", "整改", "总结"] and got[0].end == dt.date(2026, 8, 5)
    campaigns.edit_campaign(view.id, phases=[("排查", "2026-08-06", "2026-09-10"), ("总结", "2026-09-21", "2026-09-30")])
    assert [p.name for p in campaigns.get_campaign(view.id).phases] == ["排查", "总结"]
    assert Phase.select().where(Phase.campaign == view.id).count() == 2


def test_category_codes_unique_thresholds_not_negative(db_path):
    view = campaigns.new_campaign(2026, "source")
    with pytest.raises(ValidationError, match="代码不能重复"):
        categories.save_category(view.id, {"code": "2", "name": "重复"})
    with pytest.raises(ValidationError, match="不能是负数"):
        categories.save_category(view.id, {"code": "8", "name": "新类", "threshold": "-5"})
    row = categories.save_category(view.id, {"code": "8", "name": "新类", "threshold": "1.5万", "since": "2025.1.1"})
    assert row.threshold == Decimal("15000.00") and row.since == dt.date(2025, 1, 1) and row.short_name == "新类"
    two = next(c for c in view.categories if c.code == 2)
    categories.save_category(view.id, {"code": "2", "name": two.name, "short_name": "低保", "threshold": "20000"}, two.id)
    assert Category.get_by_id(two.id).threshold == Decimal("20000.00")


def test_a_category_with_cases_is_retired_not_deleted(demo_db):
    cid = active_campaign_id()
    used = Category.get((Category.campaign == cid) & (Category.code == 2))
    assert categories.retire_category(used.id) == "已停用"
    assert Category.get_or_none(Category.id == used.id) is not None
    assert next(c for c in categories.category_rows(cid) if c.id == used.id).retired_on == dt.date.today()
    from store.cases.cases import category_by_code

    with pytest.raises(ValidationError, match="已停用"):
        category_by_code(2, cid)
    assert categories.reinstate_category(used.id) and category_by_code(2, cid).id == used.id
    fresh = categories.save_category(cid, {"code": "9", "name": "空类别"})
    assert categories.retire_category(fresh.id) == "已删除" and Category.get_or_none(Category.id == fresh.id) is None


def test_use_keeps_exactly_one_active(demo_db):
    demo_id = active_campaign_id()
    new = campaigns.new_campaign(DEMO_TODAY.year + 1)
    assert active_campaign_id() == new.id
    campaigns.use_campaign(demo_id)
    assert active_campaign().id == demo_id == active_campaign_id()
    assert Campaign.select().where(Campaign.active == True).count() == 1  # noqa: E712


def test_carry_over_lists_last_campaigns_open_items(demo_db):
    old = active_campaign_id()
    monitoring = Case.select().where((Case.campaign == old) & (Case.status == "动态监测")
                                     & Case.next_followup.is_null(False) & Case.deleted_at.is_null()).count()
    open_fix = (Rectification.select().join(Problem)
                .where((Problem.campaign == old) & Rectification.done_on.is_null() & Problem.deleted_at.is_null()).count())
    new = campaigns.new_campaign(DEMO_TODAY.year + 1)
    items = carried_over(new.id)
    assert sum(i.kind == "monitoring" for i in items) == monitoring > 0
    assert sum(i.kind == "rectification" for i in items) == open_fix
    assert all(i.campaign_id == old for i in items)
    assert carried_over(old) == []  # nothing comes back from a later campaign
    assert Case.select().where(Case.campaign == new.id).count() == 0  # records never move


def test_dibao_standards_by_date_and_edge_line(db_path):
    standards.set_standard("城市", "850", "2025-01-01")
    standards.set_standard("城市", "900元", "2026年1月1日")
    standards.set_standard("农村", 700, "2026.1.1")
    assert standards.dibao_standard("城市", dt.date(2025, 12, 31)) == Decimal("850.00")
    assert standards.dibao_standard("城市", dt.date(2026, 3, 1)) == Decimal("900.00")
    assert standards.edge_line("城市", dt.date(2026, 3, 1)) == Decimal("1350.00")
    assert standards.dibao_standard("农村", dt.date(2025, 6, 1)) is None
    standards.set_standard("城市", "950", "2026-01-01")  # same kind and day: replaced
    assert [s.amount for s in standards.standards() if s.kind == "城市"] == [Decimal("850.00"), Decimal("950.00")]
    standards.remove_standard("城市", "2025-01-01")
    assert standards.dibao_standard("城市", dt.date(2025, 12, 31)) is None
    with pytest.raises(ValidationError, match="城市"):
        standards.set_standard("县城", "900", "2026-01-01")
    assert audited("setting") >= 5


def test_this_year_on_a_new_install_only(db_path):
    assert campaigns.needs_this_year(dt.date(2026, 5, 1))
    campaigns.start_this_year(dt.date(2026, 5, 1))
    assert not campaigns.needs_this_year(dt.date(2026, 5, 1))
    assert campaigns.start_this_year(dt.date(2026, 5, 1)) is None
    assert active_campaign().year == 2026


def test_this_year_late_in_the_year_starts_today(db_path):
    """Installed on 4 December: the plan's dates moved to this year have passed, so the campaign
    starts today (phase lengths kept) instead of opening as 已结束."""
    view = campaigns.start_this_year(dt.date(2026, 12, 4))
    assert view.phases[0].start == dt.date(2026, 12, 4)
    assert view.report_due > dt.date(2026, 12, 4) and view.report_due == view.phases[-1].end
    proposal_db_untouched = campaigns.this_year_proposal(dt.date(2026, 12, 4))
    assert proposal_db_untouched["existing"] == view.id


def test_one_campaign_a_year_an_unused_one_is_replaced(db_path, tmp_path):
    made_by_init = campaigns.start_this_year(dt.date(2026, 5, 1))
    again = campaigns.new_campaign(2026, "source", start="2026-06-01")
    assert [c.year for c in campaigns.list_campaigns()].count(2026) == 1
    assert again.active and again.phases[0].start == dt.date(2026, 6, 1)
    assert AuditLog.select().where(AuditLog.table == "campaign", AuditLog.action == "delete",
                                   AuditLog.row_id == made_by_init.id).count() == 1
    from store.cases import cases
    from store.people import people
    from store.town import villages

    village = villages.create_village("后龙村")
    cases.open_case(people.create_person(name="张三", village=village.id).id, [7])
    with pytest.raises(ValidationError, match="2026年已有整治工作"):
        campaigns.new_campaign(2026, "latest")
    assert Case.select().count() == 1 and [c.year for c in campaigns.list_campaigns()].count(2026) == 1
