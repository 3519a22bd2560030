"""Search keys and find(): 张三 by zs, zhangsan, 张三, ID tail, phone; polyphonic surnames."""

from __future__ import annotations

import pytest

from store.people import people
from store.people.search import classify, find, name_keys

ID_A = "11010519491231002X"


@pytest.fixture
def town(db_path):
    people.create_person(name="张三", id_number=ID_A, phone="13812345678")
    people.create_person(name="曾江", id_number="110101199003074477")
    people.create_person(name="单雄信", id_number="11010119900307803X")
    people.create_person(name="张三丰")
    people.create_person(name="林志明", phone="0595-87654321")
    return db_path


@pytest.mark.parametrize("query", ["zs", "ZS", "zhangsan", "zhangs", "张三", "张", "002X", "1002x",
                                   "231002X", "13812345678", "5678", "１３８１２３４５６７８"])
def test_every_kind_of_query_finds_zhang_san(town, query):
    assert "张三" in [h.name for h in find(query)]


def test_exact_initials_rank_first(town):
    names = [h.name for h in find("zs")]
    assert names == ["张三", "张三丰"]  # exact initials first, then longer names with that prefix


@pytest.mark.parametrize("query,name", [("zj", "曾江"), ("cj", "曾江"), ("zengjiang", "曾江"),
                                        ("sxx", "单雄信"), ("dxx", "单雄信"), ("shanxiongxin", "单雄信"),
                                        ("lzm", "林志明"), ("linzhiming", "林志明"), ("志明", "林志明"),
                                        ("87654321", "林志明")])
def test_polyphonic_surnames_and_given_names(town, query, name):
    assert name in [h.name for h in find(query)]


def test_surname_reading_is_primary():
    assert name_keys("曾江")[:2] == ("zj", "zengjiang")
    assert name_keys("单雄信")[:2] == ("sxx", "shanxiongxin")
    assert name_keys("阿依·买买提")[0].startswith("a")


def test_short_or_empty_queries_find_nothing_quietly(town):
    assert find("") == [] and find("  ") == [] and find("12") == []
    assert classify("zs") == "letters" and classify("1234") == "digits" and classify("张") == "name"


def test_limit(town):
    assert len(find("z", limit=1)) == 1
