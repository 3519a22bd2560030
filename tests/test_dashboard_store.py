"""The dashboard's numbers and the header's dates, against the demo town."""

from __future__ import annotations

import datetime as dt

from store import dashboard
from store.dashboard import VillageStat, expected_share, mark_behind
from store.schema import Case
from store.search import active_campaign_id
from tests.conftest import DEMO_TODAY


def test_village_stats_add_up_to_the_case_table(demo_db):
    cid = active_campaign_id()
    rows = dashboard.village_stats(cid, DEMO_TODAY)
    total = dashboard.town_total(rows)
    assert total.cases == Case.select().where(Case.deleted_at.is_null()).count()
    assert total.visited == Case.select().where(Case.status != "待排查").count()
    assert total.monitoring == Case.select().where(Case.status == "动态监测").count()
    assert total.included_total > 0 and total.overdue > 0
    assert len(rows) == 12


def test_pace_rule_marks_median_and_calendar():
    rows = [VillageStat(i, f"村{i}", 100, v) for i, v in enumerate([80, 78, 75, 50, 70])]
    marked = {r.name: r.behind for r in mark_behind(rows, expected=72)}
    assert marked["村3"] == dashboard.RULE_MEDIAN
    assert marked["村4"] == dashboard.RULE_PHASE
    assert marked["村0"] is None


def test_expected_share_runs_from_start_to_end_of_推动落实():
    phases = [("谋划部署", dt.date(2022, 7, 21), dt.date(2022, 8, 10)),
              ("推动落实", dt.date(2022, 8, 11), dt.date(2022, 9, 20)),
              ("总结评价", dt.date(2022, 9, 21), dt.date(2022, 9, 30))]
    assert expected_share(phases, dt.date(2022, 7, 1)) == 0
    assert expected_share(phases, dt.date(2022, 8, 5)) == 0  # 谋划部署: no visits due yet
    assert expected_share(phases, dt.date(2022, 8, 11)) == 0
    assert expected_share(phases, dt.date(2022, 9, 25)) == 100
    assert 45 < expected_share(phases, dt.date(2022, 8, 31)) < 55


def test_shell_info_gives_phase_and_days_to_next_deadline(demo_db):
    info = dashboard.shell_info(DEMO_TODAY)
    assert info.town == "泉港区后龙镇"
    assert info.phase == "推动落实"
    assert info.deadline.startswith("推动落实结束") and info.deadline_days == 16
    assert info.last_backup is None and not info.empty


def test_shell_info_after_the_campaign_says_past(demo_db):
    info = dashboard.shell_info(DEMO_TODAY + dt.timedelta(days=100))
    assert info.phase == "已结束" and info.deadline_days < 0
