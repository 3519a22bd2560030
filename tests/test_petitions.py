"""Petitions at their boundaries: day 15 and 16 (notice), 60 and 61 (close), 90 and 91 (extended)."""

from __future__ import annotations

import datetime as dt

import pytest

from store.cases import cases
from store.people import people
from store.checks import petitions
from store.town import villages
from store.errors import NotFound, ValidationError
from store.cases.overdue import overdue_items
from store.schema import Petition
from store.campaign.active import active_campaign_id

ACCEPTED = dt.date(2026, 6, 1)


def _petition(category=2):
    v = villages.create_village("后龙村")
    case = cases.open_case(people.create_person(name="张三", village=v.id).id, [category])
    return petitions.create_petition(case.id, kind="申诉求决", received=ACCEPTED - dt.timedelta(2),
                                     accepted=ACCEPTED, summary="申请低保")


def _kinds(day):
    return sorted(i.kind for i in overdue_items(active_campaign_id(), day))


def day(n):
    return ACCEPTED + dt.timedelta(days=n)


def test_due_dates_for_a_case_of_any_category(db_path):
    pet = _petition(category=2)
    # notice: 15 days from receipt (two days before acceptance); close: 60 days from acceptance
    assert (pet.notice_due, pet.close_due, pet.extension_days) == (day(13), day(60), 0)


@pytest.mark.parametrize("n,notice_left,notice_over", [(13, 0, False), (14, -1, True)])
def test_notice_boundary(db_path, n, notice_left, notice_over):
    pet = _petition()
    st = petitions.state(Petition.get_by_id(pet.id), day(n))
    assert (st.notice_days_left, st.notice_overdue) == (notice_left, notice_over)
    assert ("petition_notice" in _kinds(day(n))) == notice_over


@pytest.mark.parametrize("n,close_left,close_over", [(60, 0, False), (61, -1, True)])
def test_close_boundary(db_path, n, close_left, close_over):
    pet = _petition()
    petitions.edit_petition(pet.id, notice_sent=day(3))
    st = petitions.state(Petition.get_by_id(pet.id), day(n))
    assert (st.close_days_left, st.close_overdue, st.notice_days_left) == (close_left, close_over, None)
    assert _kinds(day(n)) == (["petition_close"] if close_over else [])


@pytest.mark.parametrize("n,close_over", [(90, False), (91, True)])
def test_extension_boundary(db_path, n, close_over):
    pet = _petition()
    petitions.edit_petition(pet.id, notice_sent=day(3))
    petitions.extend(pet.id, 30, "需调查家庭经济状况")
    st = petitions.state(Petition.get_by_id(pet.id), day(n))
    assert (st.close_due, st.close_overdue) == (day(90), close_over)
    assert _kinds(day(n)) == (["petition_close"] if close_over else [])


def test_one_extension_only_with_reason_and_limit(db_path):
    pet = _petition()
    with pytest.raises(ValidationError, match="延期理由"):
        petitions.extend(pet.id, 10, " ")
    with pytest.raises(ValidationError, match="1 到 30"):
        petitions.extend(pet.id, 31, "理由")
    petitions.extend(pet.id, 20, "需补充材料")
    with pytest.raises(ValidationError, match="不能再次延期"):
        petitions.extend(pet.id, 5, "再延")
    assert Petition.get_by_id(pet.id).extension_days == 20


def test_close_edit_and_rows(db_path):
    pet = _petition()
    with pytest.raises(ValidationError, match="办理结果"):
        petitions.close_petition(pet.id, day(20), "同意")
    with pytest.raises(ValidationError, match="早于受理"):
        petitions.close_petition(pet.id, day(-1), "予以支持")
    petitions.close_petition(pet.id, day(20), "解释说明", "已书面答复")
    st = petitions.state(Petition.get_by_id(pet.id), day(100))
    assert (st.notice_days_left, st.close_days_left, st.close_overdue) == (None, None, False)
    assert _kinds(day(100)) == []
    petitions.edit_petition(pet.id, review_on=day(40), recheck_on=day(70))
    row, = petitions.petition_rows(active_campaign_id(), day(100))
    assert petitions.petition_rows(active_campaign_id(), day(100), case_id=pet.case_id + 1) == []
    assert (row.person, row.village, row.outcome, row.closed) == ("张三", "后龙村", "解释说明", day(20))
    petitions.edit_petition(pet.id, accepted=day(5))
    assert Petition.get_by_id(pet.id).close_due == day(65)
    with pytest.raises(ValidationError, match="不能早于收到日期"):
        petitions.edit_petition(pet.id, accepted=day(-10))
    petitions.delete_petition(pet.id)
    assert petitions.petition_rows(active_campaign_id(), day(100)) == []


def test_demo_petition_states_agree_with_overdue(demo_db):
    from tests.conftest import DEMO_TODAY

    cid = active_campaign_id()
    rows = petitions.petition_rows(cid, DEMO_TODAY)
    flagged = {r.case_id for r in rows if r.state.close_overdue}
    listed = {i.case_id for i in overdue_items(cid, DEMO_TODAY) if i.kind == "petition_close"}
    assert flagged == listed and flagged


def test_petition_fields_for_the_edit_form(db_path):
    pet = _petition()
    petitions.extend(pet.id, 20, "需要调查")
    got = petitions.petition_fields(pet.id)
    assert (got["kind"], got["accepted"], got["summary"], got["extension_days"]) == ("申诉求决", ACCEPTED, "申请低保", 20)
    assert got["closed"] is None and got["case_id"] == pet.case_id
    petitions.delete_petition(pet.id)
    with pytest.raises(NotFound, match="找不到该信访记录"):
        petitions.petition_fields(pet.id)
