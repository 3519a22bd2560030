"""Household income and category thresholds go through the one money parser (store.campaign.categories
.parse_yuan): 「0.86万」 is 8600 in both; nan / inf / -5 are a Chinese error under the field, never a
crash (nan used to raise InvalidOperation, shown as 程序出错)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from store.campaign.categories import parse_yuan
from store.errors import ValidationError
from store.people import households
from store.people.people import create_person
from store.schema import Household
from store.town.villages import create_village, init_town
from tests.import_helpers import ident


@pytest.fixture
def code(db_path):
    init_town("后龙镇", "泉港区", "测试员")
    person = create_person(name="王大", id_number=ident(11, "19600101"), village=create_village("后龙村").id)
    return households.set_household(person.id, "本人").code


def test_wan_is_read_the_same_for_income_and_threshold(code):
    households.save_household(code, income="0.86万")
    assert Household.get(Household.code == code).income == Decimal("8600.00")
    assert parse_yuan("0.86万") == Decimal("8600.00")
    households.save_household(code, income="8,600元")
    assert Household.get(Household.code == code).income == Decimal("8600.00")


@pytest.mark.parametrize("typed", ["nan", "NaN", "inf", "-inf", "Infinity", "1e3", "九千", "-5"])
def test_not_a_number_is_an_error_under_the_income_field(code, typed):
    with pytest.raises(ValidationError) as caught:
        households.save_household(code, income=typed)
    assert caught.value.field == "income" and "家庭年人均收入" in caught.value.message
    assert Household.get(Household.code == code).income is None


def test_income_over_ten_million_is_refused(code):
    with pytest.raises(ValidationError, match="1000万"):
        households.save_household(code, income="1001万")


@pytest.mark.parametrize("value", [math.nan, math.inf, Decimal("NaN"), Decimal("-Infinity")])
def test_a_number_that_is_not_finite_is_refused(value):
    with pytest.raises(ValidationError) as caught:
        parse_yuan(value, field="amount", label="低保标准")
    assert caught.value.field == "amount" and "低保标准" in caught.value.message
