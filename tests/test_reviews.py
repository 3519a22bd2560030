"""Acceptance, satisfaction surveys, notices and the suggested 通报 for lagging villages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from store import settings
from store.cases import cases
from store.people import people
from store.checks import reviews
from store.reports import stats
from store.town import villages
from store.errors import ValidationError
from store.schema import AuditLog, Case, Phase, SatisfactionSurvey
from store.campaign.active import active_campaign_id

DAY = dt.date(2026, 9, 1)


def test_survey_rate_and_validation(db_path):
    v = villages.create_village("后龙村")
    s = reviews.record_survey(v.id, DAY, 45, 30, 12, 3)
    rate, text = reviews.satisfaction(s)
    assert float(rate) == pytest.approx(42 / 45) and text == "93.3%（42/45人）"
    with pytest.raises(ValidationError, match="与测评人数 45 人不符") as err:
        reviews.record_survey(v.id, DAY, 45, 30, 12, 4)
    assert err.value.field == "surveyed"
    with pytest.raises(ValidationError, match="负数"):
        reviews.record_survey(v.id, DAY, 1, 2, -1, 0)
    with pytest.raises(ValidationError, match="整数"):
        reviews.record_survey(v.id, DAY, "四十", 1, 1, 1)
    reviews.record_survey(v.id, DAY, 45, 40, 5, 0, row_id=s.id)
    assert SatisfactionSurvey.select().count() == 1 and SatisfactionSurvey.get_by_id(s.id).satisfied == 40
    assert AuditLog.select().where(AuditLog.table == "satisfaction_survey").count() == 2


def test_acceptance_notice_and_village_reviews(db_path):
    v = villages.create_village("后龙村")
    villages.create_village("上西村")
    reviews.record_acceptance(v.id, DAY, "合格", "资料齐全")
    with pytest.raises(ValidationError, match="验收结果"):
        reviews.record_acceptance(v.id, DAY, "优秀")
    n = reviews.record_notice(v.id, DAY, "约谈", "进度落后")
    with pytest.raises(ValidationError, match="类型"):
        reviews.record_notice(v.id, DAY, "表扬")
    first, second = reviews.village_reviews()
    assert (first.acceptance, first.notices, first.last_notice) == ("合格", 1, "2026-09-01 约谈")
    assert (second.acceptance, second.survey_rate, second.notices) == ("", "", 0)
    reviews.delete_review("notice", n.id)
    assert reviews.village_reviews()[0].notices == 0


def test_review_lines_of_one_village_newest_first(db_path):
    v = villages.create_village("后龙村")
    other = villages.create_village("上西村")
    reviews.record_acceptance(v.id, DAY, "基本合格", "台账不全")
    reviews.record_survey(v.id, DAY + dt.timedelta(1), 45, 40, 2, 3)
    reviews.record_notice(v.id, DAY + dt.timedelta(2), "通报", "进度落后")
    reviews.record_notice(other.id, DAY, "约谈")
    lines = reviews.review_lines(v.id)
    assert [(x.label, x.date.day) for x in lines] == [("通报", 3), ("满意度测评", 2), ("验收", 1)]
    assert "93.3%（42/45人）" in lines[1].text and lines[2].text == "基本合格：台账不全"


def _town(shares):
    """Villages with 10 cases each, the given number of them visited."""
    for i, visited in enumerate(shares):
        v = villages.create_village(f"村{i}")
        for j in range(10):
            case = cases.open_case(people.create_person(name=f"人{i}{j}", village=v.id).id, [7])
            if j < visited:  # 已走访 is a home visit (store/cases/visits.py)
                cases.record_contact(case.id, kind="入户走访", date=dt.date(2000, 1, 1))


def test_suggest_notices_median_and_expected(db_path):
    _town([8, 8, 7, 5, 9])  # median 0.8
    cid = active_campaign_id()
    phases = {p.name: p for p in Phase.select().where(Phase.campaign == cid)}
    assert reviews.suggest_notices(cid, phases["谋划部署"].end - dt.timedelta(1)) == []
    # 谋划部署 expects no visits: even 50% against a median of 80% is no reason for a 通报 yet.
    assert reviews.suggest_notices(cid, phases["谋划部署"].end) == []
    end2 = reviews.suggest_notices(cid, phases["推动落实"].end)
    assert [s.village for s in end2] == ["村3", "村2", "村0", "村1"]  # below the expected 90%
    assert "中位数" in end2[0].reasons[0] and end2[0].phase == "推动落实"
    assert end2[1].reasons == ("走访进度 70% 低于推动落实阶段截至当日应达到的 90%",)
    # the same rule as the 落后 marks
    marked = stats.behind_pace(stats.village_progress(cid, phases["推动落实"].end), cid, phases["推动落实"].end)
    assert marked == {s.village_id for s in end2}
    settings.put(reviews.SETTING_KEY, json.dumps({"推动落实": 0.75}, ensure_ascii=False))
    assert [s.village for s in reviews.suggest_notices(cid, phases["推动落实"].end)] == ["村3", "村2"]
    reviews.record_notice(end2[0].village_id, phases["推动落实"].end, "通报", "进度落后")
    assert reviews.suggest_notices(cid, phases["推动落实"].end)[0].noticed_on == phases["推动落实"].end


def test_demo_town_suggestions(demo_db):
    from tests.conftest import DEMO_TODAY

    out = reviews.suggest_notices(active_campaign_id(), DEMO_TODAY)
    assert out and all(s.phase == "推动落实" and s.reasons for s in out)
    assert [s.share for s in out] == sorted(s.share for s in out)
    assert Case.select().count() > 0
