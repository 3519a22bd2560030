"""Phone numbers: normalise a cell (numbers that lost a leading 0, several phones in one cell) and mask.

BAD_INPUTS row 7. Re-exported by store.ids, where these lived first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_DOT_ZERO = re.compile(r"[0-9]+\.0+")  # a number cell read back as text: 13700003333.0
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[1-9][0-9]{8,10}")
_LOST_ZERO = re.compile(r"[2-9][0-9]{9,10}|10[0-9]{8}")
_PHONE_SEPARATORS = re.compile(r"[/、,;]")
_PHONE_JUNK = re.compile(r"[-()]")


@dataclass
class PhoneResult:
    """Normalised phone numbers of one cell and Chinese warnings about what was fixed or dropped."""

    phones: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)  # the parts that are no phone (dropped)


def _phone_text(value: object) -> str:
    """Render a cell value as text; whole floats lose their .0."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return unicodedata.normalize("NFKC", str(value))


def _classify(raw: str) -> tuple[str | None, str | None]:
    """Return (phone, warning) for a candidate string of digits, or (None, None)."""
    digits, international = raw, False
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits, international = digits[len(prefix):], True
            break
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits, None
    if _LOST_ZERO.fullmatch(digits):
        fixed = "0" + digits
        if international:  # +86 595... correctly omits the trunk 0
            return fixed, None
        return fixed, f"固定电话「{raw}」缺少开头的0，已补为{fixed}，请核对"
    return None, None


def _add(result: PhoneResult, phone: str | None, warning: str | None) -> None:
    """Append a phone (once) and its warning to the result."""
    if phone and phone not in result.phones:
        result.phones.append(phone)
        if warning:
            result.warnings.append(warning)
    elif warning and warning not in result.warnings:
        result.warnings.append(warning)


def _scan_chunk(chunk: str, result: PhoneResult) -> None:
    """Group space-separated tokens into the longest valid numbers; report the rest."""
    raws = [t for t in chunk.split() if _PHONE_JUNK.sub("", t)]
    tokens = [_PHONE_JUNK.sub("", t) for t in raws]
    tokens = [t.split(".")[0] if _DOT_ZERO.fullmatch(t) else t for t in tokens]
    i, bad = 0, []
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            phone, warning = _classify("".join(tokens[i:j]))
            if phone:
                break
        if phone is None:
            bad.append(raws[i])
            i += 1
            continue
        _flush_bad(bad, result)
        _add(result, phone, warning)
        i = j
    _flush_bad(bad, result)


def _flush_bad(bad: list[str], result: PhoneResult) -> None:
    """Turn the pending unusable tokens into one warning."""
    if bad:
        _add(result, None, f"电话号码「{' '.join(bad)}」无效，已忽略")
        result.bad.extend(bad)
        bad.clear()


def normalize_phones(value: object) -> PhoneResult:
    """Split a cell into normalised mobiles (1[3-9]+9 digits) and landlines with area code."""
    result = PhoneResult()
    for chunk in _PHONE_SEPARATORS.split(_phone_text(value)):
        _scan_chunk(chunk, result)
    return result


def typed_phone(value: object) -> str | None:
    """A phone typed by hand (a form, the CLI): the normalised phones joined with '/', None when
    blank. Unlike a list cell, any part that is no phone refuses the whole value: nothing typed
    is dropped in silence."""
    from store.errors import ValidationError

    if value is None or not _phone_text(value).strip():
        return None
    result = normalize_phones(value)
    if result.bad or not result.phones:
        shown = " ".join(result.bad) or _phone_text(value).strip()
        raise ValidationError(f"电话号码无效：「{shown}」，请填写11位手机号或带区号的固定电话，"
                              "如 13800001234、0595-87654321", field="phone")
    return "/".join(result.phones)


def mask_phone(p: str | int | None) -> str:
    """Mask a phone for print: first 3 and last 4 kept (138****1234); 7 chars or fewer all stars."""
    text = "".join(_phone_text(p).split())
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]
