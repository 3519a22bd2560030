"""store/reports/stats.py: per-village figures against independent counts, totals, the pace rule."""

from __future__ import annotations

import datetime as dt

import pytest
from decimal import Decimal

from store.reports import stats
from store.reports.queries import active_campaign
from store.schema import Benefit, Case, Contact, CaseCategory, Category, Person, Phase, Problem, Rectification, Village

from tests.conftest import DEMO_TODAY


def _row(rows, name):
    return next(r for r in rows if r.name == name)


def _village_cases(village_id):
    return (Case.select().join(Person).where(Person.village == village_id, Case.deleted_at.is_null(),
                                             Person.deleted_at.is_null()))


def test_figures_match_independent_counts(demo_db):
    camp = active_campaign()
    rows = stats.village_progress(camp.id, DEMO_TODAY)
    assert [r.name for r in rows] == [v.name for v in Village.select().order_by(Village.seq)]
    for r in rows:
        cases = list(_village_cases(r.id))
        assert r.listed == len(cases)
        home = {k.case_id for k in Contact.select(Contact.case).where(Contact.kind == "入户走访",
                                                                      Contact.deleted_at.is_null())}
        calls = {k.case_id for k in Contact.select(Contact.case).where(Contact.kind != "入户走访",
                                                                       Contact.deleted_at.is_null())}
        assert r.visited == sum(c.id in home for c in cases)  # 入户 only
        assert r.called == sum(c.id in calls for c in cases)
        assert r.assessed == sum(c.conclusion is not None for c in cases)
        assert r.eligible + r.ineligible == r.assessed
        assert r.monitoring == sum(c.status == "动态监测" for c in cases)
        code6 = Category.get(Category.campaign == camp.id, Category.code == 6)
        assert r.by_category[6] == (CaseCategory.select().where(CaseCategory.category == code6,
                                                                CaseCategory.case.in_([c.id for c in cases])).count())
        assert r.problems == Problem.select().where(Problem.village == r.id).count()


def test_town_totals_sum_the_rows(demo_db):
    rows = stats.village_progress(active_campaign().id, DEMO_TODAY)
    total = stats.town_totals(rows)
    assert total.name == "合计" and total.id is None
    assert total.listed == sum(r.listed for r in rows) == Case.select().count()
    assert total.temp_amount == sum((r.temp_amount for r in rows), Decimal(0))
    assert total.by_category == {c: sum(r.by_category[c] for r in rows) for c in range(1, 8)}
    assert total.visit_rate == total.visited / total.listed


def test_benefit_counts_only_included_in_window(demo_db):
    camp = active_campaign()
    village = Village.get(Village.name == "上西村")
    before = _row(stats.village_progress(camp.id, DEMO_TODAY), "上西村")
    case = _village_cases(village.id).first()
    start = stats.campaign_start(camp.id)
    Benefit.create(case=case, type="低保", status="纳入", status_on=DEMO_TODAY)
    Benefit.create(case=case, type="低保", status="公示", status_on=DEMO_TODAY)  # not yet included
    Benefit.create(case=case, type="低保", status="纳入", status_on=start - dt.timedelta(days=1))  # before
    Benefit.create(case=case, type="临时救助急难型", status="审核确认", status_on=DEMO_TODAY, amount=Decimal("800"))
    Benefit.create(case=case, type="特困集中", status="纳入", status_on=DEMO_TODAY + dt.timedelta(days=1))  # after
    after = _row(stats.village_progress(camp.id, DEMO_TODAY), "上西村")
    assert after.new_dibao == before.new_dibao + 1
    assert after.temp_count == before.temp_count + 1
    assert after.temp_amount == before.temp_amount + Decimal("800.00")
    assert after.new_tekun == before.new_tekun


def test_rectified_counts_done_by_as_of(demo_db):
    camp = active_campaign()
    fix = Rectification.select().where(Rectification.done_on.is_null()).first()
    village = fix.problem.village.name
    before = _row(stats.village_progress(camp.id, DEMO_TODAY), village)
    fix.done_on = DEMO_TODAY
    fix.save()
    assert _row(stats.village_progress(camp.id, DEMO_TODAY), village).rectified == before.rectified + 1
    earlier = _row(stats.village_progress(camp.id, DEMO_TODAY - dt.timedelta(days=1)), village)
    assert earlier.rectified == before.rectified


def _progress(vid, listed, visited):
    return stats.VillageProgress(vid, f"村{vid}", listed=listed, visited=visited)


def test_pace_rule_median_and_phase(demo_db):
    camp = active_campaign()
    start = stats.campaign_start(camp.id)
    rows = [_progress(1, 100, 90), _progress(2, 100, 80), _progress(3, 100, 70), _progress(4, 100, 60),
            _progress(5, 0, 0)]
    rows.append(_progress(6, 100, 50))
    # Before visits are due (the campaign, then 谋划部署, until 推动落实 starts) nobody is behind.
    work = Phase.get(Phase.campaign == camp.id, Phase.name == "推动落实")
    assert stats.behind_pace(rows, camp, start - dt.timedelta(days=1)) == set()
    assert stats.behind_pace(rows, camp.id, start) == set()
    assert stats.behind_pace(rows, camp.id, work.start) == set()
    # Then the median rule (70% - 15 = 55%) marks village 6 before the calendar asks much.
    assert stats.behind_pace(rows, camp.id, work.start + dt.timedelta(days=1)) == {6}
    # By the end of 推动落实 90% should be visited (the phase's target): every village below is behind.
    work_end = work.end
    reasons = stats.pace_reasons(rows, camp, work_end)
    assert set(reasons) == {2, 3, 4, 6}
    assert reasons[6] == stats.RULE_MEDIAN and reasons[2] == stats.RULE_PHASE
    assert stats.expected_share(camp.id, work_end) == pytest.approx(0.9)
    # 总结评价 closes the campaign with everyone visited.
    last = Phase.select().where(Phase.campaign == camp.id).order_by(Phase.end.desc()).first().end
    assert stats.expected_share(camp.id, last) == 1.0 and 1 in stats.behind_pace(rows, camp, last)
