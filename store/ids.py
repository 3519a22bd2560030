"""Resident ID numbers (GB 11643-1999), their masking, and phone numbers. Pure functions, stdlib only."""

from __future__ import annotations

import numbers
from functools import lru_cache
from operator import mul
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
DIGIT_BIAS = ord("0") * sum(WEIGHTS)  # weighted sum of the code points minus this = weighted sum of digits
MIN_BIRTH_YEAR = 1900
OVERRIDABLE = frozenset({"checksum", "date", "future"})  # IdError codes a clerk may accept with a reason

MSG_EMPTY = "身份证号为空"
MSG_NUMBER = (
    "身份证号以数字格式保存，Excel只保留15位有效数字，末尾数字已丢失；"
    "请将该列设为文本格式后重新导出"
)
MSG_TYPE = "身份证号格式不正确，应为文字"
MSG_X_POSITION = "只有18位身份证号的最后一位可以是X"

# ASCII digits only: re's \d would also match other scripts' digits.
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?[Ee][+-]?[0-9]+")
_DOT_ZERO = re.compile(r"[0-9]+\.0+")
_ID_CHARS = frozenset("0123456789X")


class IdError(ValueError):
    """An ID number that cannot be accepted; .message says why in Chinese, .code says which rule."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ParsedId:
    """A verified ID: 18-char number, value as received, upgraded or not, and (override) why it failed."""

    number: str
    original: str
    converted: bool = False
    problem: str = ""


def check_char(first17: str) -> str:
    """Return the GB 11643-1999 MOD 11-2 check char for the first 17 digits."""
    if len(first17) != 17 or not set(first17) <= _ID_CHARS - {"X"}:
        raise IdError("计算校验位需要17位数字", "chars")
    return _check_of(first17)


def _check_of(digits17: str) -> str:
    """The check char of 17 ASCII digits already verified (weights applied to the code points)."""
    return CHECK_CHARS[(sum(map(mul, digits17.encode(), WEIGHTS)) - DIGIT_BIAS) % 11]


def _clean(text: str) -> str:
    """NFKC, drop whitespace and invisible format chars, drop one leading apostrophe, upper-case x."""
    if text.isascii():  # the common case, and NFKC changes no ASCII text; no ASCII char is Cf
        text = "".join(text.split())
    else:
        text = unicodedata.normalize("NFKC", text)
        text = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
    if text.startswith("'"):
        text = text[1:]
    return text.replace("x", "X")


def _as_text(value: object) -> str:
    """Turn an incoming cell value into text, rejecting values that arrived as numbers."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise IdError(MSG_TYPE, "type")
    if isinstance(value, numbers.Integral):
        if len(str(abs(int(value)))) > 15:
            raise IdError(MSG_NUMBER, "number")
        return str(int(value))
    if isinstance(value, numbers.Number):
        raise IdError(MSG_NUMBER, "number")
    raise IdError(MSG_TYPE, "type")


def _check_shape(text: str) -> None:
    """Reject bad characters, a wrong length, and an X anywhere but the 18th place."""
    bad = "" if _ID_CHARS.issuperset(text) else "".join(dict.fromkeys(c for c in text if c not in _ID_CHARS))
    if bad:
        raise IdError(f"身份证号含有无效字符「{bad}」", "chars")
    if len(text) not in (15, 18):
        raise IdError(f"身份证号应为18位（旧版15位），实际为{len(text)}位", "length")
    if "X" in text[:17] or (len(text) == 15 and "X" in text):
        raise IdError(MSG_X_POSITION, "chars")


@lru_cache(maxsize=65_536)
def _birth_of(raw: str) -> date:
    """The date of 8 digits yyyymmdd, cached (birth dates repeat across a list), or raise IdError."""
    try:
        born = date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        raise IdError(f"出生日期无效：{raw}", "date") from None
    if born.year < MIN_BIRTH_YEAR:
        raise IdError(f"出生日期无效：{raw}（早于{MIN_BIRTH_YEAR}年）", "date")
    return born


def is_clean(value: object) -> TypeGuard[str]:
    """True for text that is already 17 ASCII digits and a digit or X (the bulk of an import)."""
    return value.__class__ is str and len(value) == 18 and _ID18.fullmatch(value) is not None


def parse_id(value: object, *, today: date | None = None, override: bool = False) -> ParsedId:
    """Normalise and verify an 18- or legacy 15-digit ID; raise IdError with a Chinese reason.
    override=True returns a failed checksum or birth date in .problem (shape errors still raise)."""
    if is_clean(value):
        return _verified(value, value, False, today, override)  # already clean: the bulk of an import
    text = _clean(_as_text(value))
    if not text:
        raise IdError(MSG_EMPTY, "empty")
    if _SCIENTIFIC.fullmatch(text) or _DOT_ZERO.fullmatch(text):
        raise IdError(MSG_NUMBER, "number")
    _check_shape(text)
    converted = len(text) == 15
    number = text[:6] + "19" + text[6:] if converted else text
    if converted:
        number += check_char(number)
    return _verified(number, "" if value is None else str(value), converted, today, override)


def _verified(number: str, original: str, converted: bool, today: date | None, override: bool) -> ParsedId:
    """Check the birth date and the check char of a clean 18-char number (an override keeps the failure)."""
    try:
        verify_clean(number, today)
    except IdError as exc:
        if override and exc.code in OVERRIDABLE:
            return ParsedId(number, original, converted, exc.message)
        raise
    return ParsedId(number, original, converted)


def verify_clean(number: str, today: date | None = None) -> None:
    """Check the birth date and the check char of a clean 18-char number; raise IdError."""
    born = _birth_of(number[6:14])
    if born > (today or date.today()):
        raise IdError(f"出生日期{born.isoformat()}晚于今天", "future")
    # _check_of inlined (50,000 rows an import): map() stops after WEIGHTS' 17 digits
    expected = CHECK_CHARS[(sum(map(mul, number.encode(), WEIGHTS)) - DIGIT_BIAS) % 11]
    if number[17] != expected:
        raise IdError(f"校验位错误，应为 {expected}，实际为 {number[17]}", "checksum")


def normalize_id(value: object, *, today: date | None = None) -> str:
    """Return the canonical 18-char ID or raise IdError."""
    return parse_id(value, today=today).number


def is_valid_id(value: object) -> bool:
    """Tell whether parse_id accepts the value."""
    try:
        parse_id(value)
    except IdError:
        return False
    return True


def _id18(value: object) -> str:
    """Return an 18-char form; a clean 18-char string is taken as is (accepted overrides too)."""
    text = _clean(value) if isinstance(value, str) else ""
    return text if _ID18.fullmatch(text) else parse_id(value, override=True).number


def birth_date(id18: str) -> date | None:
    """Return the birth date in an ID number; None when its digits are no valid date (an accepted override)."""
    try:
        return _birth_of(_id18(id18)[6:14])
    except IdError:
        return None


def sex_of(id18: str) -> str:
    """Return 男 when the 17th digit is odd, else 女."""
    return "男" if int(_id18(id18)[16]) % 2 else "女"


def age_on(id18: str, on: date) -> int:
    """Return full years on a date; a Feb-29 birthday is reached on Mar 1 in other years."""
    born = birth_date(id18)
    if born is None:
        raise ValueError("身份证号中的出生日期无效")
    if on < born:
        raise ValueError("计算年龄的日期早于出生日期")
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def mask_id(value: str | None) -> str:
    """Mask an ID for print: 350505********123X; 15 digits keep 6+4; under 10 chars all stars."""
    if not value:
        return ""
    text = _clean(str(value))
    if len(text) < 10:
        return "*" * len(text)
    head, tail = (6, 4) if len(text) >= 15 else (2, 2)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


_DIGIT_RUN = re.compile(r"[0-9\uff10-\uff19](?:[0-9\uff10-\uff19 -]*[0-9\uff10-\uff19XxＸｘ])?")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_TO_ASCII = str.maketrans("０１２３４５６７８９ＸｘxX", "0123456789XXXX")


def _holds_id(digits: str) -> bool:
    """True when an 18-digit ID number with a valid check char (or a whole 15-digit one) is inside."""
    if len(digits) in (15, 18) and _ID18.fullmatch(digits.zfill(18)):
        return True  # the shape of a whole ID, a wrong check char included
    return any(digits[i:i + 17].isdigit() and _check_of(digits[i:i + 17]) == digits[i + 17]
               for i in range(len(digits) - 17))


def _mask_run(match: re.Match) -> str:
    """One run of digits: masked (6+4 kept, or 3+4 around a mobile) when it holds an ID or a mobile;
    a run with spaces or dashes only when it is one such number, so dates and amounts stay."""
    run = match.group()
    digits = "".join(run.split()).replace("-", "").translate(_TO_ASCII)
    whole = digits == run.translate(_TO_ASCII)
    if (whole or len(digits) in (15, 18)) and len(digits) >= 15 and _holds_id(digits):
        return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
    # spaced or dashed: one mobile, maybe after the country code (+86 137 0000 5555)
    mobile = _MOBILE.search(digits) if whole else _MOBILE.fullmatch(digits.removeprefix("86"))
    if mobile:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return run


def mask_personal(text: object) -> str:
    """Any text with every ID number and mobile phone inside it masked, wherever they appear: a
    残疾证号 (an ID plus two digits), a note, a file name, a cell of any column, a log line."""
    if text is None:
        return ""
    return _DIGIT_RUN.sub(_mask_run, str(text))


# Phones live in store/phones.py; these names stay importable from here.
from .phones import PhoneResult, mask_phone, normalize_phones  # noqa: E402,F401
