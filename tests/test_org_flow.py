"""The issue's end-to-end flow through the store, as the screens will drive it."""

from __future__ import annotations

import datetime as dt

from store.town import members
from store.town import zone_match
from store.town import zones
from store.cases.overdue import overdue_items
from store.checks.problem_lists import rectification_list
from store.schema import Case, Person, Village, Zone
from store.campaign.active import active_campaign_id
from store.checks.spotcheck import DrawParams
from store.checks.spotcheck_rounds import record_result, round_checks, save_round


def test_split_assign_draw_record_and_see_the_problem(demo_db):
    cid = active_campaign_id()
    village, second = Village.select().order_by(Village.seq).limit(2)
    for z in Zone.select().where(Zone.village == village.id):
        zones.delete_zone(z.id)
    staff = [m for m in members.member_rows(village.id) if m.role == "两委委员"]
    words = sorted({p.address.replace(village.name, "")[:2] for p in Person.select().where(Person.village == village.id)})
    for i, word in enumerate(words):
        zones.create_zone(village.id, f"第{i % 3 + 1}片" if i < 3 else f"其他{i}", member_id=staff[i % 3].id, keywords=word)
    preview = zone_match.preview_auto_assign(village.id)
    assert preview.changes and not preview.ambiguous and not preview.unmatched
    zone_match.apply(preview.changes)
    assert zones.unzoned_cases(village.id) == []
    first_zone = zones.zone_rows(village.id)[0]
    in_zone = Case.select().join(Person).where(Person.zone == first_zone.id, Case.deleted_at.is_null())
    assert {c.member_id for c in in_zone} == {first_zone.member_id}

    today = dt.date.today()
    rnd, drawn = save_round(DrawParams(seed=7, ratio="0.3", villages=(village.id, second.id)), date=today,
                            checker="镇社会事务办")
    checks = round_checks(rnd.id)
    assert len(checks) == len(drawn.sample) >= 5
    for c in checks[:4]:
        record_result(c.check_id, "合格", date=today)
    failed = record_result(checks[4].check_id, "不合格", "走访照片缺失", today, problem_kind="台账不全")
    row = next(r for r in rectification_list(cid, today) if r.problem_id == failed.problem_id)
    assert (row.deadline, row.source, row.kind, row.overdue) == (today + dt.timedelta(15), "抽查", "台账不全", False)
    late = overdue_items(cid, today + dt.timedelta(16))
    assert any(i.problem_id == failed.problem_id for i in late)
