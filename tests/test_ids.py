"""Tests for store/ids.py: GB 11643-1999 ID numbers, masking, phones (BAD_INPUTS rows 3-7)."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from store.ids import (
    MSG_NUMBER,
    WEIGHTS,
    IdError,
    ParsedId,
    age_on,
    birth_date,
    check_char,
    is_valid_id,
    mask_id,
    mask_phone,
    normalize_id,
    normalize_phones,
    parse_id,
    sex_of,
)

TODAY = date(2024, 6, 1)
# Published examples (GB 11643-1999 annex and widely quoted samples), checked by _oracle below.
KNOWN_VALID = ["11010519491231002X", "110101199003074477", "11010119900307803X", "430102197606046442"]


def _oracle(first17: str) -> str:
    """ISO 7064 MOD 11-2 written independently: weights 2**(17-i) mod 11, check (12 - S) mod 11."""
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(first17: str) -> str:
    """Complete 17 digits with the check char."""
    return first17 + check_char(first17)


VALID = make_id("35050519900101123")  # male, born 1990-01-01


def reason(value, **kw) -> IdError:
    """Return the IdError parse_id raises for a value."""
    with pytest.raises(IdError) as info:
        parse_id(value, **kw)
    assert str(info.value) == info.value.message
    return info.value


# ---------------------------------------------------------------- check char and known vectors


def test_weights_are_powers_of_two_mod_11():
    assert list(WEIGHTS) == [pow(2, 17 - i, 11) for i in range(17)]


@pytest.mark.parametrize("number", KNOWN_VALID + ["440524188001010014"])
def test_known_numbers_check_char(number):
    assert _oracle(number[:17]) == number[17]
    assert check_char(number[:17]) == number[17]


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_known_numbers_parse(number):
    assert parse_id(number) == ParsedId(number, number, False)
    assert is_valid_id(number)


def test_gb_annex_example_born_1880_is_before_1900():
    assert _oracle("44052418800101001") == "4"
    assert "出生日期无效" in reason("440524188001010014").message


def test_check_char_rejects_bad_input():
    with pytest.raises(IdError):
        check_char("1234")


# ---------------------------------------------------------------- normalisation (rows 4, 5)


def test_legacy_15_digits_upgraded():
    parsed = parse_id("350505900101123")
    assert parsed.number == "35050519900101123" + check_char("35050519900101123")
    assert parsed.converted and parsed.original == "350505900101123"


def test_legacy_15_digit_int_is_exact_and_accepted():
    assert parse_id(350505900101123).number == parse_id("350505900101123").number


@pytest.mark.parametrize(
    "variant",
    [
        "".join(chr(ord(c) + 0xFEE0) for c in VALID),  # full-width digits
        f" {VALID[:6]} {VALID[6:14]} {VALID[14:]} ",
        f"\u3000{VALID}\u3000",
        f"'{VALID}",
        f"  '{VALID}\t",
        f"\ufeff{VALID}\u200b",
    ],
)
def test_variants_normalise(variant):
    assert normalize_id(variant) == VALID


def test_lower_case_x():
    assert normalize_id("11010519491231002x") == "11010519491231002X"
    assert normalize_id("11010519491231002ｘ") == "11010519491231002X"


# ---------------------------------------------------------------- rejections (rows 3, 6)


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000", "'"])
def test_empty(value):
    assert reason(value).message == "身份证号为空"
    assert reason(value).code == "empty"


@pytest.mark.parametrize(
    "value",
    [
        3.50505199001011e17,
        350505199001011234.0,
        350505900101123.0,
        350505199001011328,  # the float read back through int(): last digits changed
        "3.50505199001011e17",
        "3.50505199001011E+17",
        "３.５０５０５１９９００１０１１ｅ＋１７",
        "3.505052E17",
        "350505199001011234.0",
        " 350505900101123.0 ",
    ],
)
def test_value_that_arrived_as_number(value):
    error = reason(value)
    assert error.code == "number" and error.message == MSG_NUMBER
    assert "15位有效数字" in error.message and "文本格式" in error.message


@pytest.mark.parametrize(
    ("value", "code", "text"),
    [
        ("3505051990010112", "length", "实际为16位"),
        ("35050519900101123X1", "length", "实际为19位"),
        ("35050519900101123-", "chars", "「-」"),
        ("张三", "chars", "「张三」"),
        ("350505199X01011234", "chars", "最后一位"),
        ("35050590010112X", "chars", "最后一位"),
        (True, "type", "格式不正确"),
        (b"350505", "type", "格式不正确"),
    ],
)
def test_shape_errors(value, code, text):
    error = reason(value)
    assert error.code == code and text in error.message


@pytest.mark.parametrize("first17", ["35050519900230123", "35050519901301123", "35050518991231123"])
def test_bad_birth_date(first17):
    error = reason(make_id(first17))
    assert error.code == "date" and error.message.startswith("出生日期无效")


def test_bad_date_in_legacy_15():
    assert reason("350505900230123").code == "date"


def test_future_birth_date():
    number = make_id("35050520240602123")
    error = reason(number, today=TODAY)
    assert error.code == "future" and "晚于今天" in error.message
    assert normalize_id(number, today=date(2024, 6, 2)) == number


def test_bad_checksum_names_expected_char():
    wrong = "0" if VALID[17] != "0" else "1"
    error = reason(VALID[:17] + wrong)
    assert error.code == "checksum"
    assert error.message == f"校验位错误，应为 {VALID[17]}，实际为 {wrong}"
    assert not is_valid_id(VALID[:17] + wrong)


# ---------------------------------------------------------------- fields


def test_fields():
    assert birth_date(VALID) == date(1990, 1, 1)
    assert sex_of(VALID) == "男"
    assert sex_of("11010519491231002X") == "女"
    assert birth_date("350505900101123") == date(1990, 1, 1)


@pytest.mark.parametrize(
    ("on", "age"),
    [(date(2000, 1, 1), 10), (date(1999, 12, 31), 9), (date(1990, 1, 1), 0), (date(2024, 5, 31), 34)],
)
def test_age_on_birthday_edges(on, age):
    assert age_on(VALID, on) == age


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(2001, 2, 28), 0),
        (date(2001, 3, 1), 1),
        (date(2004, 2, 28), 3),
        (date(2004, 2, 29), 4),
        (date(2005, 2, 28), 4),
        (date(2005, 3, 1), 5),
    ],
)
def test_age_on_feb_29(on, age):
    assert age_on(make_id("35050520000229123"), on) == age


def test_age_before_birth_raises():
    with pytest.raises(ValueError):
        age_on(VALID, date(1989, 12, 31))


# ---------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("35050519900101123X", "350505********123X"),
        ("350505900101123", "350505*****1123"),
        (None, ""),
        ("", ""),
        ("12345", "*****"),
        ("123456789", "*********"),
        ("1234567890", "12******90"),
    ],
)
def test_mask_id(value, masked):
    assert mask_id(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812341234", "138****1234"), (13812341234, "138****1234"), ("059587654321", "059*****4321"),
     ("", ""), (None, ""), ("12345", "*****")],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


# ---------------------------------------------------------------- phones (row 7)


@pytest.mark.parametrize(
    ("value", "phones"),
    [
        (13700003333, ["13700003333"]),
        (13700003333.0, ["13700003333"]),
        ("13700003333.0", ["13700003333"]),
        ("137-0000-3333", ["13700003333"]),
        ("137 0000 3333", ["13700003333"]),
        ("１３７００００３３３３", ["13700003333"]),
        ("13700003333/13900001111", ["13700003333", "13900001111"]),
        (
            "13700003333、13900001111，13700003333；0595-87654321",
            ["13700003333", "13900001111", "059587654321"],
        ),
        ("13700003333 13900001111", ["13700003333", "13900001111"]),
        ("0595-87654321", ["059587654321"]),
        ("（0595）87654321", ["059587654321"]),
        ("0595 - 87654321", ["059587654321"]),
        ("+86 137 0000 3333", ["13700003333"]),
        ("008613700003333", ["13700003333"]),
        ("+86-595-87654321", ["059587654321"]),
        (None, []),
        ("", []),
    ],
)
def test_phones_accepted_without_warning(value, phones):
    result = normalize_phones(value)
    assert result.phones == phones and result.warnings == []


@pytest.mark.parametrize(("value", "fixed"), [(59587654321, "059587654321"), ("5958765432", "05958765432")])
def test_landline_that_lost_its_zero(value, fixed):
    result = normalize_phones(value)
    assert result.phones == [fixed]
    assert len(result.warnings) == 1 and "缺少开头的0" in result.warnings[0]


@pytest.mark.parametrize(
    ("value", "phones", "bad"),
    [
        ("无", [], "无"),
        ("1370000333", [], "1370000333"),
        ("137 0000 333", [], "137 0000 333"),
        ("12345678901", [], "12345678901"),
        ("87654321", [], "87654321"),
        ("13700003333/abc", ["13700003333"], "abc"),
        ("手机13700003333", [], "手机13700003333"),
        (1.5, [], "1.5"),
    ],
)
def test_phone_garbage_dropped_with_warning(value, phones, bad):
    result = normalize_phones(value)
    assert result.phones == phones
    assert len(result.warnings) == 1 and f"「{bad}」" in result.warnings[0]


# ---------------------------------------------------------------- properties

regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_ids(draw, births=births):
    """Generate a valid 18-char ID."""
    first17 = f"{draw(regions)}{draw(births):%Y%m%d}{draw(sequences):03d}"
    return make_id(first17)


@given(valid_ids())
def test_property_round_trip(number):
    assert check_char(number[:17]) == _oracle(number[:17]) == number[17]
    assert parse_id(number, today=TODAY) == ParsedId(number, number, False)


@given(valid_ids(), st.integers(0, 16), st.integers(1, 9))
def test_property_single_digit_change_rejected(number, position, delta):
    digit = str((int(number[position]) + delta) % 10)
    changed = number[:position] + digit + number[position + 1:]
    with pytest.raises(IdError):
        parse_id(changed, today=TODAY)


@given(valid_ids(births=st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31))))
def test_property_legacy_upgrade_restores_original(number):
    parsed = parse_id(number[:6] + number[8:17], today=TODAY)
    assert parsed.number == number and parsed.converted


@given(valid_ids())
def test_property_mask_hides_birth_date(number):
    masked = mask_id(number)
    assert len(masked) == 18 and masked[6:14] == "********"
    assert masked[:6] == number[:6] and masked[14:] == number[14:]


@given(valid_ids(), st.booleans(), st.lists(st.tuples(st.integers(0, 18), st.sampled_from(" \u3000\t"))))
def test_property_variants_normalise(number, full_width, spaces):
    text = number.lower()
    if full_width:
        text = "".join(chr(ord(c) + 0xFEE0) for c in text)
    for position, space in spaces:
        text = text[:position] + space + text[position:]
    assert normalize_id("'" + text, today=TODAY) == number


def test_mask_personal_masks_ids_and_mobiles_inside_any_text():
    from store.ids import check_char, mask_personal
    from store.logfile import redact

    id18 = "35050519900101123" + check_char("35050519900101123")
    assert mask_personal(id18 + "42") == "350505**********" + id18[-2:] + "42"  # a 残疾证号
    assert mask_personal(f"证号{id18}，电话 138-0000-1111") == f"证号350505********{id18[-4:]}，电话 138****1111"
    assert mask_personal("２０２１年3月5日 自付12000元 0595-87654321") == "２０２１年3月5日 自付12000元 0595-87654321"
    assert mask_personal("电话 +86 137 0000 5555") == "电话 +861******5555"  # the country code before a spaced mobile
    assert redact(f"import row 4: {id18}42") == f"import row 4: 350505**********{id18[-2:]}42"
