"""Zones: keywords, assignment by list, auto-assignment with a preview that writes nothing."""

from __future__ import annotations

import pytest

from store.town import members
from store.people import people
from store.town import villages
from store.town import zone_match
from store.town import zones
from store.errors import StoreError, ValidationError
from store.schema import AuditLog, Case, Person, Village, Zone, db
from store.campaign.active import active_campaign_id


def test_parse_keywords():
    assert zones.parse_keywords("东片，1组、后厝 3组;;  顶厝\u30004组,东片") == ["东片", "1组", "后厝", "3组", "顶厝", "4组"]
    assert zones.parse_keywords(None) == []


@pytest.mark.parametrize("address,expected", [
    ("后龙村1组5号", {1: "1组"}),
    ("后龙村11组5号", {2: "11组"}),  # 1组 inside 11组 is not a match
    ("后龙村后厝12号", {3: "后厝"}),
    ("后龙村后厝11组", {2: "11组", 3: "后厝"}),
    ("海边", {}),
])
def test_match_zones(address, expected):
    words = [(1, "1组"), (2, "11组"), (3, "后厝")]
    assert zone_match.match_zones(address, words) == expected


def _village_with_cases(n=6):
    v = villages.create_village("后龙村")
    m1 = members.add_member("林志明", "两委委员", village_id=v.id)
    addresses = ["后龙村１组3号", "后龙村2组8号", "后龙村后厝1号", "后龙村海边9号", "后龙村1组后厝", "后龙村11组2号"]
    case_ids = []
    for i, addr in enumerate(addresses[:n]):
        p = people.create_person(name=f"张{i}", village=v.id, address=addr)
        case_ids.append(Case.create(campaign=active_campaign_id(), person=p.id).id)
    a = zones.create_zone(v.id, "一片", member_id=m1.id, keywords="1组，后厝")
    b = zones.create_zone(v.id, "二片", keywords="2组、11组")
    return v, a, b, case_ids, m1


def test_preview_writes_nothing_and_apply_writes_exactly_the_preview(db_path):
    v, a, b, ids, m1 = _village_with_cases()
    audit_before = AuditLog.select().count()
    snapshot = list(Person.select(Person.id, Person.zone).tuples())
    pv = zone_match.preview_auto_assign(v.id)
    assert list(Person.select(Person.id, Person.zone).tuples()) == snapshot
    assert AuditLog.select().count() == audit_before
    assert {(c.case_id, c.new_zone, c.keyword) for c in pv.changes} == {
        (ids[0], "一片", "1组"), (ids[1], "二片", "2组"), (ids[2], "一片", "后厝"),
        (ids[4], "一片", "1组"), (ids[5], "二片", "11组")}
    assert [u.case_id for u in pv.unmatched] == [ids[3]]
    assert pv.ambiguous == []
    assert all(c.sets_member == (c.new_zone == "一片") for c in pv.changes)
    done = zone_match.apply(pv.changes)
    assert (done.persons, done.members_set) == (5, 3)
    zone_of = {c.id: c.person.zone_id for c in Case.select()}
    assert zone_of == {ids[0]: a.id, ids[1]: b.id, ids[2]: a.id, ids[3]: None, ids[4]: a.id, ids[5]: b.id}
    assert Case.get_by_id(ids[0]).member_id == m1.id and Case.get_by_id(ids[1]).member_id is None
    person_rows = AuditLog.select().where(AuditLog.table == "person", AuditLog.id > audit_before)
    assert person_rows.count() == 5
    assert zone_match.preview_auto_assign(v.id).changes == []
    assert [r.case_id for r in zones.unzoned_cases(v.id)] == [ids[3]]
    assert zones.unzoned_counts() == {v.id: 1}


def test_ambiguous_and_stale_preview(db_path):
    v, a, b, ids, _m = _village_with_cases()
    zones.edit_zone(b.id, keywords="2组、11组、海边、后厝")
    pv = zone_match.preview_auto_assign(v.id)
    assert {u.case_id for u in pv.ambiguous} == {ids[2], ids[4]}
    amb = {u.case_id: u for u in pv.ambiguous}
    assert amb[ids[2]].candidates == ("一片（后厝）", "二片（后厝）")
    zones.assign_cases([ids[0]], b.id)  # changed after the preview
    with pytest.raises(StoreError, match="重新预览"):
        zone_match.apply(pv.changes)
    assert Case.get_by_id(ids[1]).person.zone_id is None  # nothing of the stale preview written


def test_assign_by_list_and_refuse_other_village(db_path):
    v, a, b, ids, m1 = _village_with_cases()
    res = zones.assign_cases(ids[:3], a.id)
    assert (res.changed, res.members_set) == (3, 3)
    assert zones.assign_cases(ids[:3], a.id).changed == 0
    other = villages.create_village("上西村")
    z = zones.create_zone(other.id, "东片")
    with pytest.raises(ValidationError, match="不属于"):
        zones.assign_cases(ids[:2], z.id)
    assert Case.get_by_id(ids[0]).person.zone_id == a.id
    zones.assign_cases([ids[0]], None)
    assert Case.get_by_id(ids[0]).person.zone_id is None
    assert [r.name for r in zones.zone_rows(v.id)] == ["一片", "二片"]
    assert zones.zone_rows(v.id)[0].cases == 2


def test_delete_zone_unzones_its_people(db_path):
    v, a, b, ids, _m = _village_with_cases()
    zones.assign_cases(ids, a.id)
    assert zones.delete_zone(a.id) == 6
    assert Zone.get_or_none(Zone.id == a.id) is None
    assert len(zones.unzoned_cases(v.id)) == 6
    with pytest.raises(ValidationError, match="已有片区"):
        zones.create_zone(v.id, "二片")


def test_demo_village_split_into_three_zones(demo_db):
    village = Village.select().order_by(Village.seq).first()
    for z in Zone.select().where(Zone.village == village.id):
        zones.delete_zone(z.id)
    words = sorted({p.address.replace(village.name, "")[:2] for p in Person.select().where(Person.village == village.id)})
    for i, word in enumerate(words[:3]):
        zones.create_zone(village.id, f"第{i + 1}片", keywords=word)
    pv = zone_match.preview_auto_assign(village.id)
    assert pv.changes and not pv.ambiguous
    zone_match.apply(pv.changes)
    assert zone_match.preview_auto_assign(village.id).changes == []
    assert len(zones.unzoned_cases(village.id)) == len(pv.unmatched)
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_deactivated_zone_member_is_not_pushed_onto_cases(db_path):
    v, a, b, ids, m1 = _village_with_cases()
    members.deactivate_member(m1.id)
    pv = zone_match.preview_auto_assign(v.id)
    assert pv.changes and not any(c.sets_member for c in pv.changes)
    zone_match.apply(pv.changes)
    assert zones.assign_cases([ids[1]], a.id).members_set == 0
    assert {c.member_id for c in Case.select()} == {None}
