"""How a list's village cell names a village (store/town/village_names.py): every spelling districts use."""

from __future__ import annotations

import pytest

from store.town.village_names import Ambiguous, Elsewhere, VillageIndex, plain_name, spelling

TOWN = VillageIndex.of([(1, "后龙村"), (2, "礁头社区"), (3, "上西村")])


@pytest.mark.parametrize("cell", ["后龙村", "后龙村委会", "后龙村民委员会", "后龙村委", "后龙村村民委员会",
                                  " 后龙村 ", "后龙\u3000村", "后龙镇后龙村", "泉港区后龙镇后龙村委会",
                                  "福建省泉港区后龙镇后龙村民委员会", "后龙"])
def test_every_spelling_of_a_village(cell):
    assert TOWN.match(cell) == (1, "后龙村")


@pytest.mark.parametrize("cell", ["礁头社区", "礁头社区居委会", "礁头社区居民委员会", "礁头居委会", "礁头居民委员会",
                                  "泉港区后龙镇礁头社区居委会", "礁头"])
def test_every_spelling_of_a_community(cell):
    assert TOWN.match(cell) == (2, "礁头社区")


def test_plain_names_keep_village_or_community():
    assert plain_name("后龙村委会") == plain_name("后龙村民委员会") == plain_name("后龙镇后龙村") == "后龙村"
    assert plain_name("礁头社区居民委员会") == plain_name("礁头居委会") == "礁头社区"
    assert spelling("ＡＢ 村") == "AB村"


def test_unknown_spelling_is_none():
    assert TOWN.match("新兴村委会") is None and TOWN.match("") is None and TOWN.match(None) is None


def test_village_and_community_of_one_stem_stay_apart():
    both = VillageIndex.of([(1, "后龙村"), (2, "后龙社区")])
    assert both.match("后龙村委会") == (1, "后龙村") and both.match("后龙村民委员会") == (1, "后龙村")
    assert both.match("后龙社区居委会") == (2, "后龙社区") and both.match("后龙居委会") == (2, "后龙社区")
    found = both.match("后龙")  # no kind in the cell: the clerk decides
    assert isinstance(found, Ambiguous) and found.names == ("后龙村", "后龙社区")


def test_exact_name_wins_over_a_key_match():
    fragments = VillageIndex.of([(1, "后龙村委会"), (2, "后龙村民委员会")])
    assert fragments.match("后龙村委会") == (1, "后龙村委会")
    assert fragments.match("后龙村民委员会") == (2, "后龙村民委员会")
    assert isinstance(fragments.match("后龙村"), Ambiguous)  # two fragments fit: never a guess
    with_plain = VillageIndex.of([(1, "后龙村委会"), (3, "后龙村")])
    assert with_plain.match("后龙村民委员会") == (3, "后龙村")


def test_alias_matches_exactly_and_by_key():
    index = VillageIndex.of([(1, "后龙村"), (2, "上西村")], [(2, "西埔")])
    assert index.match("西埔") == (2, "上西村") and index.match("西埔村委会") == (2, "上西村")
    assert index.match("后龙镇西埔村") == (2, "上西村")


def test_another_town_or_district_in_front_is_elsewhere():
    ours = VillageIndex.of([(1, "后龙村")], town="后龙镇", district="泉港区")
    assert ours.match("泉港区后龙镇后龙村委会") == (1, "后龙村") and ours.match("福建省泉州市泉港区后龙镇后龙村") == (1, "后龙村")
    assert ours.match("界山镇后龙村") == Elsewhere("界山镇") and ours.match("惠安县后龙镇后龙村") == Elsewhere("惠安县")
    assert ours.match("后龙村") == (1, "后龙村")  # no town in front: ours
