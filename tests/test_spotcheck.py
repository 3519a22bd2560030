"""Spot checks: reproducible stratified draws, stored rounds, recording results and problems."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest

from store.cases import cases
from store.people import people
from store.checks import problems
from store.town import villages
from store.errors import ValidationError
from store.cases.overdue import overdue_items
from store.checks.problem_lists import problem_list
from store.schema import AuditLog, Case, Person, Problem, SpotCheck, SpotCheckRound, Village
from store.campaign.active import active_campaign_id
from store.checks.spotcheck import DrawParams, allocate, draw
from store.checks.spotcheck_rounds import record_result, rederive, round_checks, rounds, save_round


def ids(d):
    return [s.case_id for s in d.sample]


def test_same_seed_same_sample_different_seed_different(demo_db):
    cid = active_campaign_id()
    a = draw(DrawParams(seed=7), cid)
    assert ids(a) == ids(draw(DrawParams(seed=7, ratio="30%"), cid))
    assert ids(a) != ids(draw(DrawParams(seed=8), cid))
    assert len(ids(a)) == len(set(ids(a))) == int(Fraction(3, 10) * a.population + Fraction(1, 2))


@pytest.mark.parametrize("population", ["all", "visited", "assessed"])
def test_strata_within_one_case_of_their_quota(demo_db, population):
    cid = active_campaign_id()
    d = draw(DrawParams(seed=3, ratio="0.3", population=population), cid)
    assert d.population == sum(s.size for s in d.strata)
    for s in d.strata:
        assert abs(s.drawn - s.size * Fraction(3, 10)) < 1, s
        assert sum(1 for x in d.sample if (x.village_id, x.stratum) == (s.village_id, s.code)) == s.drawn
    if population == "visited":
        assert all(x.status != "待排查" for x in d.sample)
    if population == "assessed":
        sampled = Case.select().where(Case.id.in_(ids(d)))
        assert all(c.conclusion for c in sampled)


def test_count_and_villages(demo_db):
    cid = active_campaign_id()
    two = [v.id for v in Village.select().order_by(Village.seq).limit(2)]
    d = draw(DrawParams(seed=1, count=25, villages=tuple(two)), cid)
    assert len(d.sample) == 25 and {x.village_id for x in d.sample} <= set(two)
    assert sum(s.drawn for s in d.strata) == 25
    for s in d.strata:
        assert abs(s.drawn - Fraction(25 * s.size, d.population)) < 1
    with pytest.raises(ValidationError, match="超过"):
        draw(DrawParams(seed=1, count=d.population + 1, villages=tuple(two)), cid)


def test_multi_category_case_uses_lowest_code(db_path):
    v = villages.create_village("后龙村")
    p = people.create_person(name="张三", village=v.id)
    cases.open_case(p.id, [6, 4])
    d = draw(DrawParams(seed=1, ratio="1"), active_campaign_id())
    assert [(s.code, s.drawn) for s in d.strata] == [(4, 1)]
    assert d.sample[0].categories == "4 新增残疾、6 防返贫"


def test_never_a_deleted_case(demo_db):
    cid = active_campaign_id()
    victims = [c.id for c in Case.select().order_by(Case.id).limit(40)]
    for cid_ in victims[:20]:
        cases.delete_case(cid_)
    gone_person = Case.get_by_id(victims[30]).person_id
    Person.update(deleted_at=dt.datetime(2026, 1, 1)).where(Person.id == gone_person).execute()
    d = draw(DrawParams(seed=5, ratio="1"), cid)
    assert not set(victims[:20]) & set(ids(d)) and victims[30] not in ids(d)
    assert len(ids(d)) == d.population


def test_allocate_largest_remainder():
    counts, quotas = allocate([5, 5, 5], Fraction(3, 10))  # quotas 1.5 each, total 4.5 -> 5
    assert sorted(counts) == [1, 2, 2] and counts == [2, 2, 1]
    assert allocate([1], Fraction(3, 10))[0] == [1]  # never an empty check of a non-empty population
    assert allocate([], Fraction(3, 10))[0] == []


@pytest.mark.parametrize("kw,field", [
    (dict(ratio="1.5"), "ratio"), (dict(ratio="abc"), "ratio"), (dict(ratio="0"), "ratio"),
    (dict(ratio="nan"), "ratio"), (dict(ratio="inf"), "ratio"), (dict(ratio="-0.1"), "ratio"),
    (dict(count=0), "count"), (dict(seed=-1), "seed"), (dict(seed=2**63), "seed"), (dict(population="some"), "population"), (dict(villages=(999,)), "villages"),
])
def test_bad_parameters(demo_db, kw, field):
    with pytest.raises(ValidationError) as err:
        draw(DrawParams(**{"seed": 1, **kw}), active_campaign_id())
    assert err.value.field == field


def test_save_and_rederive(demo_db):
    two = tuple(v.id for v in Village.select().order_by(Village.seq).limit(2))
    rnd, d = save_round(DrawParams(seed=7, villages=two, population="visited"), date=dt.date(2026, 11, 20),
                        checker="镇社会事务办")
    params = json.loads(SpotCheckRound.get_by_id(rnd.id).params)
    assert (params["seed"], params["ratio"], params["population"], params["villages"]) == (7, "0.3", "visited", list(two))
    assert rnd.population == "已走访" and SpotCheck.select().where(SpotCheck.round == rnd.id).count() == len(d.sample)
    assert AuditLog.get(AuditLog.table == "spot_check_round", AuditLog.row_id == rnd.id).action == "create"
    again = rederive(rnd.id)
    assert again.matches and again.stored == sorted(ids(d))
    cases.delete_case(d.sample[0].case_id)
    changed = rederive(rnd.id)
    assert not changed.matches and d.sample[0].case_id in changed.missing
    assert rounds(active_campaign_id())[0].total == len(d.sample)


def test_record_five_results_with_one_failure(demo_db):
    two = tuple(v.id for v in Village.select().order_by(Village.seq).limit(2))
    day = dt.date.today()
    rnd, _ = save_round(DrawParams(seed=7, villages=two), date=day, checker="王检查")
    checks = round_checks(rnd.id)
    for c in checks[:4]:
        record_result(c.check_id, "合格", date=day)
    row = record_result(checks[4].check_id, "不合格", "走访照片缺失", day, problem_kind="台账不全")
    assert (row.result, row.findings, row.problem_id is not None) == ("不合格", "走访照片缺失", True)
    pr = Problem.get_by_id(row.problem_id)
    case = Case.get_by_id(checks[4].case_id)
    assert (pr.source, pr.kind, pr.case_id, pr.spot_check_id, pr.village_id, pr.found_by) == (
        "抽查", "台账不全", case.id, checks[4].check_id, case.person.village_id, "王检查")
    listed = [r for r in problem_list(active_campaign_id(), day) if r.problem_id == pr.id][0]
    assert listed.deadline == day + dt.timedelta(15) and listed.days_left == 15
    late = overdue_items(active_campaign_id(), day + dt.timedelta(16))
    assert any(i.kind == "rectification" and i.problem_id == pr.id for i in late)
    assert rounds(active_campaign_id())[0].recorded == 5 and rounds(active_campaign_id())[0].failed == 1


def test_changing_a_failure_soft_deletes_or_refuses(demo_db):
    rnd, _ = save_round(DrawParams(seed=2, count=3), date=dt.date.today())
    check = round_checks(rnd.id)[0]
    with pytest.raises(ValidationError, match="发现的问题"):
        record_result(check.check_id, "不合格", "  ")
    with pytest.raises(ValidationError, match="无效的抽查结果"):
        record_result(check.check_id, "通过")
    pid = record_result(check.check_id, "不合格", "未告知申请途径").problem_id
    assert record_result(check.check_id, "合格").problem_id is None
    assert Problem.get_by_id(pid).deleted_at is not None
    assert record_result(check.check_id, "不合格", "收入核算有误").problem_id == pid  # restored, not duplicated
    assert Problem.get_by_id(pid).description == "收入核算有误"
    problems.add_progress(pid, "已重新核算")
    with pytest.raises(ValidationError, match="整改记录"):
        record_result(check.check_id, "无法核实")
    assert SpotCheck.get_by_id(check.check_id).result == "不合格"
    assert Problem.get_by_id(pid).deleted_at is None


def test_a_round_stored_without_village_names_lists_them(demo_db):
    demo_round = SpotCheckRound.select().order_by(SpotCheckRound.id).first()
    ids = json.loads(demo_round.params)["villages"]
    assert "village_names" not in json.loads(demo_round.params)
    names = [v.name for v in Village.select().where(Village.id.in_(ids)).order_by(Village.seq)]
    assert rounds(active_campaign_id())[-1].villages == "、".join(names)
