"""The dashboard's numbers and the header's dates, against the demo town."""

from __future__ import annotations

import datetime as dt

import pytest

from store.reports import dashboard
from store.reports import pace
from store.schema import Case, Contact
from store.campaign.active import active_campaign_id
from tests.conftest import DEMO_TODAY


def test_village_stats_add_up_to_the_case_table(demo_db):
    cid = active_campaign_id()
    rows = dashboard.village_stats(cid, DEMO_TODAY)
    total = dashboard.town_total(rows)
    assert total.cases == Case.select().where(Case.deleted_at.is_null()).count()
    home = Contact.select(Contact.case).where(Contact.kind == "入户走访", Contact.deleted_at.is_null())
    assert total.visited == Case.select().where(Case.id.in_(home), Case.deleted_at.is_null()).count()
    assert 0 < total.called < total.cases  # calls, 微信 and 来访 on their own
    assert total.monitoring == Case.select().where(Case.status == "动态监测").count()
    assert total.included_total > 0 and total.overdue > 0
    assert len(rows) == 12


def test_pace_rule_marks_median_and_calendar():
    shares = {f"村{i}": v / 100 for i, v in enumerate([80, 78, 75, 50, 70])}
    marked = pace.pace_marks(shares, expected=0.72)
    assert marked["村3"] == dashboard.RULE_MEDIAN
    assert marked["村4"] == dashboard.RULE_PHASE
    assert "村0" not in marked
    assert pace.pace_marks(shares, expected=0.0) == {}  # visits not due yet: nobody is behind


PHASES = [("谋划部署", dt.date(2022, 7, 21), dt.date(2022, 8, 10)),
          ("推动落实", dt.date(2022, 8, 11), dt.date(2022, 9, 20)),
          ("总结评价", dt.date(2022, 9, 21), dt.date(2022, 9, 30))]


def test_expected_share_follows_the_phase_targets():
    share = lambda day: pace.expected_from_phases(PHASES, day)  # noqa: E731
    assert share(dt.date(2022, 7, 1)) == 0
    assert share(dt.date(2022, 8, 5)) == 0  # 谋划部署: no visits due yet
    assert share(dt.date(2022, 8, 11)) == 0
    assert 0.40 < share(dt.date(2022, 8, 31)) < 0.50  # halfway through 推动落实, towards 90%
    assert share(dt.date(2022, 9, 20)) == pytest.approx(0.9)
    assert 0.9 < share(dt.date(2022, 9, 25)) < 1.0
    assert share(dt.date(2022, 10, 5)) == 1.0


def test_phase_targets_are_campaign_data(db_path):
    import json

    from store import settings

    settings.put("phase_expected.7", json.dumps({"推动落实": 0.8}))
    assert pace.phase_targets(7)["推动落实"] == 0.8
    assert pace.phase_targets(8)["推动落实"] == 0.9


def test_board_explains_the_rule_and_names_the_nearest_deadline(demo_db):
    data = dashboard.board(active_campaign_id(), DEMO_TODAY)
    behind = [r for r in data.rows if r.behind]
    on_pace = [r for r in data.rows if r.listed and not r.behind]
    assert behind and on_pace
    assert "进度落后" in data.explain(behind[0]) and "中位数" in data.explain(behind[0])
    assert "进度正常" in data.explain(on_pace[0])
    # 建议通报 is the same rule: every suggested village is marked 落后 on the board, and back
    assert {s.village_id for s in data.suggestions} == {r.id for r in behind}
    assert data.next_fix is not None and data.next_fix.count >= 1


def test_shell_info_gives_phase_and_days_to_next_deadline(demo_db):
    info = dashboard.shell_info(DEMO_TODAY)
    assert info.town == "泉港区后龙镇"
    assert info.phase == "推动落实"
    assert info.deadline.startswith("推动落实结束") and info.deadline_days == 16
    assert info.last_backup is None and not info.empty


def test_shell_info_after_the_campaign_says_past(demo_db):
    info = dashboard.shell_info(DEMO_TODAY + dt.timedelta(days=100))
    assert info.phase == "已结束" and info.deadline_days < 0
